// The comment thread panel: one at a time, docked on the right, live (re-read whenever the
// document says the thread changed), keyboard operable (Escape closes and gives focus back,
// Ctrl+Enter sends). Viewers read only.
import { h } from '../dom.js'
import { formatTime, checkText } from './model.js'
import './comments.css'

let current = null

export function currentThreadKey () { return current?.key ?? null }
export function closeThread () { current?.close() }

/**
 * opts: key (what the thread is about), title, read() → entries, subscribe(fn) → unsubscribe,
 * send(text) → Promise, readOnly, returnFocus (element focused again on close).
 */
export function openThread (opts) {
  if (current && current.key === opts.key) { current.focus(); return current }
  current?.close()
  const { key, title, read, subscribe, send, readOnly } = opts
  const list = h('ul', { class: 'thread-list', id: 'thread-list', 'aria-label': 'Comments', 'aria-live': 'polite' })
  const empty = h('p', { class: 'muted thread-empty' }, 'No comments yet.')
  const error = h('p', { class: 'thread-error', role: 'alert', hidden: true })
  const text = h('textarea', { id: 'thread-text', rows: 3, placeholder: 'Write a comment…', 'aria-describedby': 'thread-hint' })
  const sendBtn = h('button', { type: 'submit', id: 'thread-send' }, 'Comment')
  const form = readOnly
    ? h('p', { class: 'muted', role: 'note' }, 'You can read these comments; only the mentor and mentees add them.')
    : h('form', { class: 'thread-form', onsubmit: e => { e.preventDefault(); submit() } },
      h('label', { for: 'thread-text' }, 'Your comment'), text,
      h('span', { id: 'thread-hint', class: 'muted hint' }, 'Ctrl+Enter sends.'), error, sendBtn)
  const closeBtn = h('button', { type: 'button', class: 'icon', id: 'thread-close', 'aria-label': 'Close comments', onclick: () => close() }, '×')
  const panel = h('aside', { class: 'thread-panel', id: 'comment-thread', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'thread-h', 'data-key': key },
    h('div', { class: 'thread-head' }, h('h2', { id: 'thread-h' }, title), closeBtn), empty, list, form)

  const render = () => {
    const entries = read()
    empty.hidden = entries.length > 0
    list.replaceChildren(...entries.map(e => h('li', { class: 'comment', 'data-author': e.author },
      h('div', { class: 'comment-head' }, h('strong', { class: 'comment-author' }, e.author), ' ',
        e.role ? h('span', { class: 'role role-' + e.role }, e.role) : null, ' ',
        h('time', { class: 'muted', datetime: e.createdAt ? new Date(e.createdAt).toISOString() : null }, formatTime(e.createdAt))),
      h('p', { class: 'comment-text' }, e.text))))
    list.scrollTop = list.scrollHeight
  }

  async function submit () {
    const c = checkText(text.value)
    if (!c.ok) { showError(c.error); return }
    sendBtn.disabled = true
    try {
      await send(c.text)
      text.value = ''
      showError(null)
    } catch (e) {
      showError('Not sent: ' + e.message)
    } finally { sendBtn.disabled = false; text.focus() }
  }
  function showError (msg) { error.hidden = !msg; error.textContent = msg || '' }

  panel.addEventListener('keydown', e => {
    if (e.key === 'Escape') { e.preventDefault(); close() } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.target === text) { e.preventDefault(); submit() }
    e.stopPropagation() // the board's shortcuts are not for typing here
  })

  const unsubscribe = subscribe(render)
  document.body.append(panel)
  render()

  function focus () { (readOnly ? closeBtn : text).focus() }
  function close () {
    if (current !== self) return
    current = null
    unsubscribe()
    panel.remove()
    if (opts.returnFocus?.isConnected) opts.returnFocus.focus()
  }
  const self = { key, el: panel, close, focus, render }
  current = self
  focus()
  return self
}
