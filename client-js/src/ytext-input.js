// Binds an <input>/<textarea> to a Y.Text (plain text): local typing becomes minimal
// insert/delete operations; remote changes update the field and keep the caret in place.
import * as Y from 'yjs'

export function bindYText (input, ytext, { readOnly = false } = {}) {
  const origin = { binding: 'ytext-input' }
  input.value = ytext.toString()
  input.readOnly = readOnly
  let last = input.value
  const onInput = () => {
    const now = input.value
    let start = 0
    while (start < last.length && start < now.length && last[start] === now[start]) start++
    let endOld = last.length; let endNew = now.length
    while (endOld > start && endNew > start && last[endOld - 1] === now[endNew - 1]) { endOld--; endNew-- }
    ytext.doc.transact(() => {
      if (endOld > start) ytext.delete(start, endOld - start)
      if (endNew > start) ytext.insert(start, now.slice(start, endNew))
    }, origin)
    last = now
  }
  const observer = (event, tr) => {
    if (tr.origin === origin) return
    let s = input.selectionStart ?? 0; let e = input.selectionEnd ?? 0
    let pos = 0
    for (const op of event.delta) {
      if (op.retain) pos += op.retain
      else if (op.insert) {
        const n = typeof op.insert === 'string' ? op.insert.length : 1
        if (pos < s) s += n
        if (pos < e) e += n
        pos += n
      } else if (op.delete) {
        if (pos < s) s -= Math.min(op.delete, s - pos)
        if (pos < e) e -= Math.min(op.delete, e - pos)
      }
    }
    last = ytext.toString()
    input.value = last
    if (document.activeElement === input) input.setSelectionRange(s, e)
  }
  if (!readOnly) input.addEventListener('input', onInput)
  ytext.observe(observer)
  return () => { input.removeEventListener('input', onInput); ytext.unobserve(observer) }
}

/** True if the value is a Y.Text (the schema's rich fields); false for stale plain strings. */
export const isYText = v => v instanceof Y.Text
