// "Invite" in the workspace shell for the workspace's mentor: a modal dialog listing the
// workspace's invites and creating mentee or viewer invites (the server lets the mentor
// issue, list and revoke invites of their own workspace).
import { h } from '../dom.js'
import { api } from '../comments/api.js'
import { invitePanel } from './invites.js'
import './admin.css'

export function mountInviteButton (container, { workspace, token }) {
  const dialog = h('dialog', { class: 'invite-dialog', id: 'invite-dialog', 'aria-labelledby': 'invite-dialog-h' })
  const btn = h('button', { type: 'button', id: 'invite-btn', 'aria-haspopup': 'dialog', onclick: () => open() }, 'Invite')
  container.append(btn)
  document.body.append(dialog)
  dialog.addEventListener('keydown', e => e.stopPropagation()) // not the board's shortcuts
  dialog.addEventListener('close', () => btn.focus())

  async function open () {
    const close = h('button', { type: 'button', class: 'icon', 'aria-label': 'Close', onclick: () => dialog.close() }, '×')
    dialog.replaceChildren(h('div', { class: 'thread-head' }, h('h2', { id: 'invite-dialog-h' }, 'Invite people'), close), h('p', { class: 'muted' }, 'Loading…'))
    dialog.showModal()
    try {
      const ws = await api('GET', `/api/workspaces/${encodeURIComponent(workspace)}`, token)
      const panel = invitePanel({ workspace: ws, token, includeMentor: false })
      dialog.replaceChildren(h('div', { class: 'thread-head' }, h('h2', { id: 'invite-dialog-h' }, `Invite people to ${ws.title}`), close), panel.el)
      panel.el.querySelector('select')?.focus()
    } catch (err) {
      dialog.replaceChildren(h('div', { class: 'thread-head' }, h('h2', { id: 'invite-dialog-h' }, 'Invite people'), close),
        h('p', { role: 'alert' }, err.status === 404 ? 'This workspace was not created on the admin page, so it has no invites.' : 'Invites are not available: ' + err.message))
      close.focus()
    }
  }
  return { destroy () { btn.remove(); dialog.remove() } }
}
