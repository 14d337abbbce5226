// y-quill's QuillBinding with one fix: after applying a remote change, the local caret is put
// back where it belongs (positions mapped through the change). Stock y-quill re-applies
// remote inserts with negated formats ({bold: false}, …), and Quill then loses the caret when
// both people type at the same spot after formatted text: one side's first characters came
// out reversed. The document content itself is untouched by this fix.
import { QuillBinding } from 'y-quill'

export function mapIndex (delta, index, length) {
  let s = index; let e = index + length; let pos = 0
  for (const op of delta) {
    if (op.retain) pos += op.retain
    else if (op.insert !== undefined) {
      const n = typeof op.insert === 'string' ? op.insert.length : 1
      if (pos < s) s += n
      if (pos < e) e += n
      pos += n
    } else if (op.delete) {
      if (pos < s) s -= Math.min(op.delete, s - pos)
      if (pos < e) e -= Math.min(op.delete, e - pos)
    }
  }
  return { index: s, length: e - s }
}

export function bindQuill (ytext, quill, awareness) {
  const binding = new QuillBinding(ytext, quill, awareness || undefined)
  ytext.unobserve(binding._typeObserver)
  binding._typeObserver = event => {
    if (event.transaction.origin === binding) return
    const sel = quill.hasFocus() ? quill.getSelection() : null
    // Explicit attributes, as y-quill does, so inserted text never inherits a neighbour's format.
    const delta = event.delta.map(d => d.insert !== undefined ? { ...d, attributes: { ...binding._negatedUsedFormats, ...(d.attributes || {}) } } : d)
    quill.updateContents(delta, binding)
    if (sel) {
      const r = mapIndex(event.delta, sel.index, sel.length)
      quill.setSelection(r.index, r.length, 'silent')
    }
  }
  ytext.observe(binding._typeObserver)
  return binding
}
