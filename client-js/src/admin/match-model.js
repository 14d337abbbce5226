// Pure helpers of the admin page's matching section: reading the profiles the admin pastes
// or loads, and joining the server's answer (POST /api/match, documented in
// server/domain/README.md) with the people it names, for the result table and for
// pre-filling a new workspace from a pair.

/** Parses the profiles text; returns { ok, body } or { ok: false, error }. */
export function parseProfiles (text) {
  let body
  try { body = JSON.parse(text) } catch (e) { return { ok: false, error: 'The profiles are not valid JSON: ' + e.message } }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, error: 'The profiles must be one JSON object with "mentors" and "mentees" lists.' }
  for (const k of ['mentors', 'mentees']) {
    if (!Array.isArray(body[k]) || body[k].length === 0) return { ok: false, error: `"${k}" must be a non-empty list of profiles.` }
    const bad = body[k].findIndex(p => !p || typeof p !== 'object' || typeof p.id !== 'string' || !p.id)
    if (bad >= 0) return { ok: false, error: `${k}[${bad}] needs an "id" string.` }
  }
  return { ok: true, body }
}

const byId = list => new Map((Array.isArray(list) ? list : []).filter(p => p && typeof p.id === 'string').map(p => [p.id, p]))
const person = (p, id) => ({ id, name: (p && typeof p.name === 'string' && p.name.trim()) || id, timeZone: (p && typeof (p.time_zone ?? p.timezone) === 'string' && (p.time_zone ?? p.timezone)) || 'UTC' })
const strings = v => Array.isArray(v) ? v.filter(x => typeof x === 'string') : []
const number = v => typeof v === 'number' && Number.isFinite(v) ? v : null

/**
 * Rows of the result table: one per assigned pair in the server's order, with names and
 * time zones from the request's profiles; then the unmatched mentees with the reason.
 */
export function matchRows (request, answer) {
  const mentors = byId(request?.mentors)
  const mentees = byId(request?.mentees)
  const pairs = (Array.isArray(answer?.assignments) ? answer.assignments : [])
    .filter(a => a && typeof a.mentor === 'string' && typeof a.mentee === 'string')
    .map(a => ({
      mentee: person(mentees.get(a.mentee), a.mentee),
      mentor: person(mentors.get(a.mentor), a.mentor),
      score: number(a.score),
      sharedTags: strings(a.shared_tags),
      sharedLanguages: strings(a.shared_languages),
      overlapHours: number(a.overlap_hours),
      explanation: typeof a.explanation === 'string' ? a.explanation : ''
    }))
  const unmatched = (Array.isArray(answer?.unmatched) ? answer.unmatched : [])
    .filter(u => u && typeof u.mentee === 'string')
    .map(u => ({ mentee: person(mentees.get(u.mentee), u.mentee), reason: typeof u.reason === 'string' ? u.reason : '' }))
  return { pairs, unmatched, total: number(answer?.total_score) }
}

/** What the new-workspace form gets from one mentor and the mentees assigned to them. */
export function workspaceFromPairs (pairs, mentorId) {
  const mine = pairs.filter(p => p.mentor.id === mentorId)
  if (!mine.length) return null
  const mentor = mine[0].mentor
  return {
    title: `${mentor.name} × ${mine.map(p => p.mentee.name).join(', ')}`,
    mentor: { name: mentor.name, timeZone: mentor.timeZone },
    mentees: mine.map(p => ({ name: p.mentee.name, timeZone: p.mentee.timeZone }))
  }
}

/** A small example request in the documented format, for the "Load example" button. */
export const EXAMPLE_PROFILES = {
  mentors: [
    { id: 'ada', name: 'Ada Lovelace', expertise: ['rust', 'career'], languages: ['en', 'de'], time_zone: 'Europe/Berlin', capacity: 1, availability: [{ day: 'mon', start: '15:00', end: '18:00' }] },
    { id: 'bob', name: 'Bob Kahn', expertise: ['design', 'public speaking'], languages: ['en'], time_zone: 'America/New_York', capacity: 2, availability: [{ day: 'tue', start: '10:00', end: '12:00' }] }
  ],
  mentees: [
    { id: 'cy', name: 'Cy Young', goals: ['rust'], languages: ['en'], time_zone: 'America/New_York', availability: [{ day: 'mon', start: '09:00', end: '12:00' }] },
    { id: 'di', name: 'Di Prima', goals: ['design'], languages: ['en'], time_zone: 'Europe/London', availability: [{ day: 'tue', start: '14:00', end: '18:00' }] }
  ]
}
