// Version history of the open document (plan or board): the list of named, session and
// automatic versions, "Save version", and per version View (read-only, in the same views)
// and Restore (the server writes the change; every client moves to it). Boards also get
// "Replay". Each version downloads as a PDF (GET …/versions/{n}/pdf).
import { h, toast } from '../dom.js'
import { shapeVersions } from './versions.js'
import { browserZone, formatInZone } from '../sessions/time.js'

const KIND_LABEL = { session: 'session', auto: 'automatic', named: 'named' }

export function mountHistory (parent, { api, docName, docTitle, readOnly, isBoard, onView, onReplay, onRestored, onClose }) {
  const zone = browserZone()
  let alive = true
  const list = h('ol', { class: 'versions', id: 'versions-list', 'aria-label': `Versions of ${docTitle}` })
  const status = h('p', { class: 'muted', id: 'versions-status', role: 'status', 'aria-live': 'polite' }, 'Loading versions…')
  let form = null
  if (!readOnly) {
    const label = h('input', { id: 'version-label', maxlength: 200, placeholder: 'e.g. Before the review', 'aria-label': 'Version name' })
    const save = h('button', { type: 'submit', id: 'version-save' }, 'Save version')
    form = h('form', {
      class: 'version-form',
      onsubmit: async e => {
        e.preventDefault()
        const name = label.value.trim()
        if (!name) { toast('Give the version a name.', 'error'); label.focus(); return }
        save.disabled = true
        try {
          const v = await api.saveVersion(docName, name)
          label.value = ''
          toast(`Saved version ${v.number}: ${v.label}`)
          await refresh()
        } catch (err) { toast(`Saving the version failed: ${err.message}`, 'error') } finally { save.disabled = false }
      }
    }, h('label', { for: 'version-label' }, 'Name'), label, save)
  }
  const closeBtn = h('button', { type: 'button', class: 'icon', id: 'history-close', 'aria-label': 'Close version history', onclick: () => onClose() }, '×')
  const replayBtn = isBoard ? h('button', { type: 'button', id: 'replay-btn', onclick: () => onReplay() }, '▶ Replay this board') : null
  const root = h('aside', { class: 'history-panel', id: 'history-panel', 'aria-labelledby': 'history-h' },
    h('div', { class: 'section-head' }, h('h2', { id: 'history-h' }, `History of ${docTitle}`), closeBtn),
    replayBtn, form, status, list)
  root.addEventListener('keydown', e => { if (e.key === 'Escape') { e.stopPropagation(); onClose() } })
  parent.append(root)

  function row (v) {
    const when = v.time != null ? formatInZone(v.time, zone) : ''
    return h('li', { class: 'version', 'data-version': v.number, 'data-kind': v.kind },
      h('div', {}, h('strong', { class: 'version-title' }, `${v.number}. ${v.title}`), ' ', h('span', { class: 'version-kind kind-' + v.kind }, KIND_LABEL[v.kind])),
      h('div', { class: 'muted version-meta' }, when ? h('time', { datetime: new Date(v.time).toISOString() }, when) : null, v.author ? ` · ${v.author}` : ''),
      h('div', { class: 'version-actions' },
        h('button', { type: 'button', class: 'version-view', 'aria-label': `View version ${v.number} read-only`, onclick: e => view(v, e.currentTarget) }, 'View'),
        h('a', { class: 'button version-pdf', href: api.versionPdfUrl(docName, v.number), download: `${docName.replace(/\//g, '-')}-v${v.number}.pdf`, 'aria-label': `Download version ${v.number} as PDF` }, 'PDF'),
        readOnly ? null : h('button', { type: 'button', class: 'version-restore', 'aria-label': `Restore version ${v.number}`, onclick: e => restore(v, e.currentTarget) }, 'Restore')))
  }

  async function refresh () {
    try {
      const rows = shapeVersions(await api.listVersions(docName))
      if (!alive) return
      list.replaceChildren(...rows.map(row))
      status.textContent = rows.length ? `${rows.length} version${rows.length === 1 ? '' : 's'}` : 'No versions yet.'
    } catch (err) {
      if (alive) status.textContent = `Versions are not available: ${err.message}`
    }
  }

  async function view (v, btn) {
    btn.disabled = true
    try { onView(v, await api.versionUpdate(docName, v.number)) } catch (err) { toast(`Opening version ${v.number} failed: ${err.message}`, 'error') } finally { btn.disabled = false }
  }

  async function restore (v, btn) {
    if (!confirm(`Restore version ${v.number} (${v.title})? The live document changes to it for everyone; the history is kept.`)) return
    btn.disabled = true
    try {
      await api.restoreVersion(docName, v.number)
      toast(`Restored version ${v.number}.`)
      onRestored?.(v)
    } catch (err) { toast(`Restoring failed: ${err.message}`, 'error') } finally { btn.disabled = false }
  }

  refresh()
  return { root, refresh, destroy () { alive = false; root.remove() } }
}
