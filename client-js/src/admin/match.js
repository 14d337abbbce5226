// The admin page's matching section: profiles of mentors and mentees (pasted, loaded from
// a file, or the example) go to POST /api/match; the optimal assignment comes back with a
// score and an explanation per pair, and a mentor's pairs can pre-fill a new workspace.
import { h } from '../dom.js'
import { api } from '../comments/api.js'
import { parseProfiles, matchRows, workspaceFromPairs, EXAMPLE_PROFILES } from './match-model.js'

export function matchSection ({ token, onUseForWorkspace }) {
  const input = h('textarea', { id: 'match-input', rows: 10, spellcheck: false, placeholder: '{ "mentors": [ … ], "mentees": [ … ] }' })
  const file = h('input', {
    type: 'file',
    id: 'match-file',
    accept: 'application/json,.json',
    onchange: async () => {
      const f = file.files?.[0]
      if (f) input.value = await f.text()
    }
  })
  const error = h('div', { class: 'form-error', id: 'match-error', role: 'alert', hidden: true })
  const status = h('p', { class: 'muted', id: 'match-status', role: 'status', 'aria-live': 'polite' })
  const results = h('div', { id: 'match-results' })
  const run = h('button', { type: 'submit', class: 'primary', id: 'match-run' }, 'Compute matching')
  const showError = msg => { error.hidden = !msg; error.textContent = msg || '' }

  function render (request, answer) {
    const { pairs, unmatched, total } = matchRows(request, answer)
    const mentorsWithPairs = [...new Set(pairs.map(p => p.mentor.id))]
    const fmt = (v, digits = 1) => v == null ? '—' : v.toFixed(digits)
    const table = h('table', { class: 'ws-table', id: 'match-table' },
      h('caption', {}, `${pairs.length} pair${pairs.length === 1 ? '' : 's'}, total score ${fmt(total)}`),
      h('thead', {}, h('tr', {}, ...['Mentee', 'Mentor', 'Score', 'Shared goals', 'Languages', 'Overlap h/week', 'Why'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...pairs.map(p => h('tr', { 'data-mentee': p.mentee.id, 'data-mentor': p.mentor.id },
        h('th', { scope: 'row' }, p.mentee.name), h('td', {}, p.mentor.name), h('td', { class: 'match-score' }, fmt(p.score)),
        h('td', {}, p.sharedTags.join(', ') || '—'), h('td', {}, p.sharedLanguages.join(', ') || '—'),
        h('td', {}, fmt(p.overlapHours)), h('td', { class: 'match-why' }, p.explanation)))))
    const use = mentorsWithPairs.map(id => {
      const w = workspaceFromPairs(pairs, id)
      return h('button', { type: 'button', class: 'match-use', 'data-mentor': id, onclick: () => onUseForWorkspace(w) }, `New workspace for ${w.mentor.name} and ${w.mentees.map(m => m.name).join(', ')}`)
    })
    results.replaceChildren(
      h('div', { class: 'table-wrap' }, table),
      unmatched.length
        ? h('div', { id: 'match-unmatched' }, h('h3', {}, 'Not matched'), h('ul', {}, ...unmatched.map(u => h('li', { 'data-mentee': u.mentee.id }, `${u.mentee.name}: ${u.reason || 'no allowed mentor left'}`))))
        : null,
      use.length ? h('div', { class: 'match-actions' }, ...use) : null)
    status.textContent = `Matched ${pairs.length} of ${pairs.length + unmatched.length} mentees.`
  }

  const form = h('form', {
    class: 'card match-form',
    id: 'match-form',
    'aria-labelledby': 'match-h',
    onsubmit: async e => {
      e.preventDefault()
      const p = parseProfiles(input.value)
      if (!p.ok) return showError(p.error)
      showError('')
      run.disabled = true
      status.textContent = 'Computing…'
      try {
        render(p.body, await api('POST', '/api/match', token, p.body))
      } catch (err) {
        status.textContent = ''
        results.replaceChildren()
        showError('The server could not match these profiles: ' + err.message)
      } finally { run.disabled = false }
    }
  },
  h('h2', { id: 'match-h' }, 'Match mentors and mentees'),
  h('p', { class: 'muted' }, 'Profiles with expertise or goal tags, languages, time zone and weekly availability; each mentee gets at most one mentor, each mentor up to their capacity, maximising the total score (tag overlap, a shared language, overlapping hours across time zones).'),
  h('label', { class: 'field', for: 'match-input' }, 'Profiles (JSON)'), input,
  h('div', { class: 'match-tools' },
    h('label', { class: 'field' }, 'Load from a file', file),
    h('button', { type: 'button', id: 'match-example', onclick: () => { input.value = JSON.stringify(EXAMPLE_PROFILES, null, 2) } }, 'Load example')),
  error, run, status, results)
  return form
}
