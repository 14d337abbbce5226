// The invite list of one workspace (person, role, link with copy button, state, revoke) and
// the form creating an invite; used by the admin page and by the mentor's Invite dialog.
import { h, toast } from '../dom.js'
import { api } from '../comments/api.js'
import { inviteState, inviteRequest, inviteChoices, absoluteLink, rememberedLinks, rememberLinks, sortInvites } from './model.js'
import './admin.css'

const store = () => { try { return window.localStorage } catch { return { getItem: () => null, setItem () {} } } }

export async function copyText (text, input) {
  try { await navigator.clipboard.writeText(text); return true } catch {
    // Without clipboard permission (plain http): select the text and use the old command.
    if (input) { input.focus(); input.select(); try { if (document.execCommand('copy')) return true } catch {} }
    return false
  }
}

/** The jti of a token (its invite id), or ''. */
export function tokenId (token) {
  try {
    const p = JSON.parse(atob(String(token).split('.')[0].replace(/-/g, '+').replace(/_/g, '/')))
    return typeof p?.jti === 'string' ? p.jti : ''
  } catch { return '' }
}

/** A read-only link field with a Copy button. */
export function linkField (link, label) {
  const input = h('input', { type: 'text', readOnly: true, value: link, class: 'invite-link', 'aria-label': label, onfocus: () => input.select() })
  const btn = h('button', {
    type: 'button',
    class: 'copy-btn',
    'aria-label': 'Copy ' + label,
    onclick: async () => {
      const ok = await copyText(link, input)
      btn.textContent = ok ? 'Copied' : 'Select and copy'
      toast(ok ? 'Link copied.' : 'Copying is blocked here: the link is selected, press Ctrl+C.')
      setTimeout(() => { btn.textContent = 'Copy' }, 2000)
    }
  }, 'Copy')
  return h('span', { class: 'link-field' }, input, btn)
}

/**
 * workspace: the workspace record ({id, title, mentor, mentees}); token: admin or the
 * workspace mentor's. Returns { el, refresh }.
 */
export function invitePanel ({ workspace, token, includeMentor = true }) {
  const ws = workspace
  const ownId = tokenId(token) // the page's own invite: not revocable from here (it would lock the caller out)
  const status = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' })
  const table = h('table', { class: 'invites', id: 'invites-' + ws.id },
    h('caption', { class: 'sr-only' }, `Invites of ${ws.title}`),
    h('thead', {}, h('tr', {}, ...['Person', 'Role', 'Link', 'State', ''].map(t => h('th', { scope: 'col' }, t)))))
  const tbody = h('tbody', {})
  table.append(tbody)

  // Create form
  const choices = inviteChoices(ws, { includeMentor })
  const who = h('select', { class: 'invite-who', id: 'invite-who-' + ws.id }, ...choices.map(c => h('option', { value: c.value }, c.label)))
  const viewerName = h('input', { type: 'text', class: 'invite-viewer-name', id: 'invite-viewer-' + ws.id, placeholder: 'Viewer’s name', maxLength: 200 })
  const viewerLabel = h('label', { class: 'field', hidden: true }, 'Viewer’s name', viewerName)
  who.addEventListener('change', () => { viewerLabel.hidden = who.value !== 'viewer'; if (!viewerLabel.hidden) viewerName.focus() })
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true })
  const created = h('div', { class: 'invite-created', 'aria-live': 'polite' })
  const createBtn = h('button', { type: 'submit', class: 'primary' }, 'Create invite')
  const form = h('form', {
    class: 'invite-form',
    'aria-label': `New invite for ${ws.title}`,
    onsubmit: async e => {
      e.preventDefault()
      const r = inviteRequest(who.value, viewerName.value)
      if (!r.ok) return showError(r.error)
      createBtn.disabled = true
      try {
        const inv = await api('POST', `/api/workspaces/${encodeURIComponent(ws.id)}/invites`, token, r.body)
        rememberLinks(store(), [inv])
        showError(null)
        viewerName.value = ''
        const link = absoluteLink(inv.link, location.origin)
        created.replaceChildren(h('p', {}, `Invite for ${inv.name} (${inv.role}) created. Send this link:`), linkField(link, `invite link for ${inv.name}`))
        await refresh()
        created.querySelector('input')?.focus()
      } catch (err) { showError('Not created: ' + err.message) } finally { createBtn.disabled = false }
    }
  }, h('label', { class: 'field' }, 'Invite', who), viewerLabel, createBtn, error)
  function showError (msg) { error.hidden = !msg; error.textContent = msg || '' }

  async function revoke (inv) {
    if (!window.confirm(`Revoke the invite of ${inv.name} (${inv.role})? The link stops working and their open pages are disconnected.`)) return
    try {
      await api('POST', `/api/invites/${encodeURIComponent(inv.token_id)}/revoke`, token)
      toast(`Invite of ${inv.name} revoked.`)
    } catch (err) { toast('Not revoked: ' + err.message, 'error') }
    await refresh()
  }

  async function refresh () {
    let list
    try {
      list = (await api('GET', `/api/workspaces/${encodeURIComponent(ws.id)}/invites`, token))?.invites || []
    } catch (err) { status.textContent = 'Invites could not be loaded: ' + err.message; return }
    const links = rememberedLinks(store())
    const now = Date.now()
    status.textContent = list.length ? `${list.length} invite${list.length === 1 ? '' : 's'}.` : 'No invites yet.'
    tbody.replaceChildren(...sortInvites(list).map(inv => {
      const st = inviteState(inv, now)
      const link = links[inv.token_id] ? absoluteLink(links[inv.token_id], location.origin) : ''
      return h('tr', { 'data-token-id': inv.token_id, 'data-state': st.state, 'data-person': inv.name },
        h('td', {}, inv.name || '—'),
        h('td', {}, h('span', { class: 'role role-' + inv.role }, inv.role)),
        h('td', {}, link && st.state === 'active' ? linkField(link, `invite link for ${inv.name}`) : h('span', { class: 'muted' }, st.state === 'active' ? 'shown only where it was created' : '—')),
        h('td', { class: 'state state-' + st.state }, st.label),
        h('td', {}, inv.token_id === ownId ? h('span', { class: 'muted' }, 'your link') : st.state === 'active' ? h('button', { type: 'button', class: 'revoke-btn danger', 'aria-label': `Revoke invite of ${inv.name}`, onclick: () => revoke(inv) }, 'Revoke') : null))
    }))
  }

  const el = h('div', { class: 'invite-panel', 'data-workspace': ws.id }, form, created, status, h('div', { class: 'table-wrap' }, table))
  refresh()
  return { el, refresh }
}
