// Comments and session feedback as the documents hold them (DOM-free, unit-tested).
// Plan `feedback` entries (DESIGN.md) are split in two: an entry with a goalId and neither
// rating nor session is a comment on that goal (server/domain: "a comment on a goal is
// feedback with its goalId"); every other entry is feedback, grouped by its session.
// Board comments are the element's `comments` Y.Array of {author, text, createdAt}.
import * as Y from 'yjs'

export const MAX_TEXT_BYTES = 4000 // the server's limit for comments and feedback

const str = v => (typeof v === 'string' ? v : v instanceof Y.Text ? v.toString() : v == null ? '' : String(v))
const finite = v => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/** A plain entry from a Y.Map written by anyone (bad fields become empty/null), or null. */
export function readEntry (m) {
  if (!(m instanceof Y.Map)) return null
  const rating = finite(m.get('rating'))
  const session = finite(m.get('session'))
  const goalId = m.get('goalId')
  return {
    author: str(m.get('author')) || 'Someone',
    role: ['mentor', 'mentee', 'viewer', 'admin'].includes(m.get('role')) ? m.get('role') : '',
    text: str(m.get('text')),
    createdAt: finite(m.get('createdAt')) ?? 0,
    goalId: typeof goalId === 'string' && goalId ? goalId : null,
    rating: rating != null && rating >= 1 && rating <= 5 ? Math.round(rating) : null,
    session: session != null && session >= 1 ? Math.floor(session) : null
  }
}

const byTime = (a, b) => a.createdAt - b.createdAt

/** True for plan entries that belong to the Feedback section rather than a goal's thread. */
export function isSessionFeedback (e) {
  return !e.goalId || e.rating != null || e.session != null
}

function planEntries (planDoc) {
  return planDoc.getArray('feedback').toArray().map(readEntry).filter(Boolean)
}

/** Comments on one goal, oldest first. */
export function goalThread (planDoc, goalId) {
  return planEntries(planDoc).filter(e => e.goalId === goalId && !isSessionFeedback(e)).sort(byTime)
}

/** goalId → number of comments. */
export function goalCommentCounts (planDoc) {
  const out = new Map()
  for (const e of planEntries(planDoc)) if (!isSessionFeedback(e)) out.set(e.goalId, (out.get(e.goalId) || 0) + 1)
  return out
}

/** Feedback entries of the plan (not goal comments), oldest first. */
export function planFeedbackEntries (planDoc) {
  return planEntries(planDoc).filter(isSessionFeedback).sort(byTime)
}

/** The comments of a board element, oldest first; [] for a missing element or bad data. */
export function elementThread (boardDoc, id) {
  const el = boardDoc.getMap('elements').get(id)
  if (!(el instanceof Y.Map)) return []
  const list = el.get('comments')
  if (!(list instanceof Y.Array)) return []
  return list.toArray().map(readEntry).filter(Boolean).sort(byTime)
}

export function elementCommentCount (boardDoc, id) {
  return elementThread(boardDoc, id).length
}

/**
 * Groups feedback by session, newest session first, entries oldest first; entries without a
 * session come last as "General". `sessions` (from GET …/sessions) only supplies labels.
 */
export function groupFeedback (entries, sessions = []) {
  const known = new Map(sessions.filter(s => s && Number.isFinite(s.number)).map(s => [s.number, s]))
  const groups = new Map()
  for (const e of entries) {
    const key = e.session ?? 0
    if (!groups.has(key)) groups.set(key, [])
    groups.get(key).push(e)
  }
  return [...groups.entries()]
    .sort((a, b) => (a[0] === 0) - (b[0] === 0) || b[0] - a[0])
    .map(([n, list]) => ({
      session: n || null,
      label: n ? sessionLabel(known.get(n) ?? { number: n }) : 'General',
      entries: list.sort(byTime),
      average: averageRating(list)
    }))
}

/** Mean rating of the rated entries, one decimal, or null when none is rated. */
export function averageRating (entries) {
  const r = entries.map(e => e.rating).filter(x => x != null)
  return r.length ? Math.round((r.reduce((a, b) => a + b, 0) / r.length) * 10) / 10 : null
}

/** "Session 3 — 2026-11-25", or with the title when the session has one. */
export function sessionLabel (s) {
  const n = s?.number
  const parts = [`Session ${n}`]
  if (s?.date) parts.push(s.date)
  let label = parts.join(' — ')
  if (s?.title && s.title !== `Session ${n}`) label += ` (${s.title})`
  return label
}

/** The session feedback most likely refers to: the last one started or ended, else the last scheduled. */
export function defaultSession (sessions) {
  const list = (sessions || []).filter(s => s && Number.isFinite(s.number))
  const held = list.filter(s => s.status === 'started' || s.status === 'ended' || s.status === 'active')
  const pick = (held.length ? held : list).sort((a, b) => b.number - a.number)[0]
  return pick ? pick.number : null
}

/** Checks text for a comment or feedback: { ok, text } or { ok: false, error }. */
export function checkText (text) {
  const t = String(text ?? '').trim()
  if (!t) return { ok: false, error: 'Write something first.' }
  if (new TextEncoder().encode(t).length > MAX_TEXT_BYTES) return { ok: false, error: `Too long: at most ${MAX_TEXT_BYTES} bytes.` }
  return { ok: true, text: t }
}

/** A rating from a form value: an integer 1–5, or null for none; undefined when invalid. */
export function parseRating (v) {
  if (v === '' || v == null) return null
  const n = Number(v)
  return Number.isInteger(n) && n >= 1 && n <= 5 ? n : undefined
}

/** Short, stable time text: "today 14:05", "yesterday 09:12" or "2026-11-02 10:00" (local time). */
export function formatTime (ms, now = Date.now()) {
  if (!Number.isFinite(ms) || ms <= 0) return ''
  const d = new Date(ms)
  const pad = n => String(n).padStart(2, '0')
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`
  const day = x => `${x.getFullYear()}-${pad(x.getMonth() + 1)}-${pad(x.getDate())}`
  const today = new Date(now)
  if (day(d) === day(today)) return `today ${hm}`
  const y = new Date(now - 86400000)
  if (day(d) === day(y)) return `yesterday ${hm}`
  return `${day(d)} ${hm}`
}
