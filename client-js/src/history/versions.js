// Version list shaping (GET /api/docs/{doc}/versions): newest first, each with its kind —
// a session's version ("Session 3 — 2026-11-25"), an automatic one at idle unload ("auto …",
// author tandem) or a named one saved by a person.

const SESSION_RE = /^Session \d+ \u2014 /
const AUTO_RE = /^auto\b/

/** 'session' | 'auto' | 'named' for one version entry. */
export function versionKind (v) {
  const label = typeof v?.label === 'string' ? v.label : ''
  if (SESSION_RE.test(label)) return 'session'
  if (AUTO_RE.test(label) && (v.author === 'tandem' || !v.author)) return 'auto'
  return 'named'
}

/**
 * Turns the server's answer ({doc, versions: [...]}) into display rows, newest first:
 * { number, label, title, kind, author, time }. Entries without a positive whole number are
 * dropped; labels fall back to "Version N" (or "Automatic save" for auto versions).
 */
export function shapeVersions (answer) {
  const list = Array.isArray(answer?.versions) ? answer.versions : Array.isArray(answer) ? answer : []
  const rows = []
  for (const v of list) {
    if (!v || typeof v !== 'object') continue
    const number = Number(v.number)
    if (!Number.isInteger(number) || number <= 0) continue
    const label = typeof v.label === 'string' ? v.label.trim() : ''
    const kind = versionKind({ label, author: v.author })
    const title = label ? (kind === 'auto' ? 'Automatic save' : label) : (kind === 'auto' ? 'Automatic save' : `Version ${number}`)
    rows.push({
      number,
      label,
      title,
      kind,
      author: typeof v.author === 'string' ? v.author : '',
      time: Number.isFinite(Number(v.time)) ? Number(v.time) : null
    })
  }
  rows.sort((a, b) => b.number - a.number)
  return rows
}
