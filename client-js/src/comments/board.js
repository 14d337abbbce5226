// Comments on board elements: a badge with the count next to the selected element (Tab to
// it, or press C) opening the element's thread. Written with POST …/comments (author and
// time from the token), read live from the element's `comments` array.
import * as Y from 'yjs'
import { h } from '../dom.js'
import { openThread, closeThread, currentThreadKey } from './thread.js'
import { elementThread } from './model.js'
import { postComment } from './api.js'

const TYPE_NAME = { stroke: 'drawing', rect: 'rectangle', ellipse: 'ellipse', diamond: 'diamond', line: 'line', arrow: 'arrow', text: 'text', sticky: 'sticky note', frame: 'frame', image: 'image' }

/**
 * stage: the positioned canvas container; getSelection() → Set of ids; anchor(id) → the
 * element's top-right corner in stage pixels, or null.
 */
export function attachBoardComments ({ stage, doc, docName, token, readOnly, getSelection, anchor }) {
  const elements = doc.getMap('elements')
  const badge = h('button', { type: 'button', class: 'comment-badge', id: 'element-comments-btn', hidden: true, onclick: () => { const id = single(); if (id) open(id) } })
  stage.append(badge)
  badge.addEventListener('pointerdown', e => e.stopPropagation()) // not a board gesture
  const keyOf = id => `${docName}#el:${id}`
  const single = () => { const s = getSelection(); return s.size === 1 ? [...s][0] : null }
  const describe = id => {
    const el = elements.get(id)
    if (!(el instanceof Y.Map)) return 'element'
    const t = el.get('type')
    const name = t === 'frame' && typeof el.get('name') === 'string' ? ` “${el.get('name')}”` : ''
    return (TYPE_NAME[t] || 'element') + name
  }

  function update () {
    const id = single()
    const at = id ? anchor(id) : null
    if (!id || !at) { badge.hidden = true; return }
    const n = elementThread(doc, id).length
    badge.hidden = false
    badge.dataset.count = String(n)
    badge.dataset.id = id
    badge.textContent = `💬 ${n}`
    badge.setAttribute('aria-label', `Comments on the selected ${describe(id)}: ${n} (C)`)
    badge.title = `${n === 1 ? '1 comment' : n + ' comments'} — press C`
    badge.style.left = `${Math.round(at.x)}px`
    badge.style.top = `${Math.round(at.y)}px`
  }

  function open (id) {
    if (!(elements.get(id) instanceof Y.Map)) return
    openThread({
      key: keyOf(id),
      title: `Comments on the ${describe(id)}`,
      read: () => elementThread(doc, id),
      subscribe: fn => {
        const f = events => { if (events.some(ev => (ev.target === elements && ev.changes.keys.has(id)) || String(ev.path[0]) === id)) fn() }
        elements.observeDeep(f)
        return () => elements.unobserveDeep(f)
      },
      send: text => postComment(docName, token, id, text),
      readOnly,
      returnFocus: badge.hidden ? stage : badge
    })
  }

  return {
    update,
    open,
    openSelected () { const id = single(); if (id) open(id); return !!id },
    destroy () {
      if (String(currentThreadKey()).startsWith(docName + '#')) closeThread()
      badge.remove()
    }
  }
}
