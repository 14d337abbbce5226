// Read-only views of a local Y.Doc that is not synced (a version, or a replay position),
// in the same plan/board views as the live documents, under a banner that says so.
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import { h } from '../dom.js'
import { mountBoard } from '../board/view.js'
import { mountPlan } from '../plan/view.js'

/** A SharedDoc look-alike over a local doc: ready at once, never online. */
export function localShared (doc, name) {
  const awareness = new Awareness(doc)
  return {
    name,
    doc,
    awareness,
    whenReady (fn) { fn() },
    onChange () { return () => {} },
    destroy () { awareness.destroy() }
  }
}

/** A Y.Doc holding one encoded update (v1); a bad update leaves it empty and says so. */
export function docFromUpdate (bytes) {
  const doc = new Y.Doc()
  try { Y.applyUpdate(doc, bytes); return { doc, ok: true } } catch (e) { return { doc, ok: false, error: e.message || String(e) } }
}

/**
 * Mounts `banner` (a node) above a read-only plan or board of `doc` into parent.
 * Returns { body, view, remount(doc), destroy() }.
 */
export function mountStatic (parent, { kind, doc, name, banner, user, token, title }) {
  const body = h('div', { class: 'static-body' })
  const wrap = h('div', { class: 'static-wrap', id: 'static-view', 'data-kind': kind }, banner, body)
  parent.replaceChildren(wrap)
  let shared = null
  let view = null
  const mount = d => {
    view?.destroy(); shared?.destroy()
    shared = localShared(d, name)
    view = kind === 'board'
      ? mountBoard(body, { shared, user, readOnly: true, token, title })
      : mountPlan(body, { shared, user, readOnly: true })
  }
  mount(doc)
  return {
    wrap,
    body,
    get view () { return view },
    remount: mount,
    destroy () { view?.destroy(); shared?.destroy(); view = null; shared = null }
  }
}
