// Workspace admin helpers without DOM (unit-tested): the create-workspace request built and
// checked from form values, invite states, invite requests, and the links this browser has
// seen (an invite's token is only returned when it is created, so its link is remembered on
// the device that created it).

const WS_ID_RE = /^[A-Za-z0-9._~-]{1,64}$/
const TZ_RE = /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/

export function validWorkspaceId (id) {
  return WS_ID_RE.test(id) && !id.includes('..')
}

/** A plausible IANA zone name ("UTC", "Europe/Berlin"); the server has the final word. */
export function validTimeZone (tz) {
  return typeof tz === 'string' && tz.length <= 64 && TZ_RE.test(tz) && !tz.includes('..')
}

const clean = v => String(v ?? '').trim()

/**
 * Form values → { ok: true, body } for POST /api/workspaces, or { ok: false, errors: [{ field, message }] }.
 * values: { title, id?, meetingLink?, mentor: { name, timeZone }, mentees: [{ name, timeZone }] };
 * mentee rows with neither name nor zone are ignored (empty form rows).
 */
export function workspaceRequest (values) {
  const errors = []
  const err = (field, message) => errors.push({ field, message })
  const title = clean(values?.title)
  if (!title) err('title', 'Give the workspace a title.')
  else if (title.length > 200) err('title', 'The title is longer than 200 characters.')
  const id = clean(values?.id)
  if (id && !validWorkspaceId(id)) err('id', 'The id may hold only letters, digits and . _ ~ - (at most 64, no “..”).')
  const link = clean(values?.meetingLink)
  if (link && !/^https?:\/\/[^\s]+$/i.test(link)) err('meetingLink', 'The meeting link must start with http:// or https://.')
  const person = (p, field, label) => {
    const name = clean(p?.name)
    const tz = clean(p?.timeZone) || 'UTC'
    if (!name) err(field + '.name', `${label} needs a name.`)
    else if (name.length > 200) err(field + '.name', `${label}'s name is longer than 200 characters.`)
    if (!validTimeZone(tz)) err(field + '.timeZone', `${label}'s time zone “${tz}” is not a zone name like Europe/Berlin.`)
    return { name, time_zone: tz }
  }
  const mentor = person(values?.mentor, 'mentor', 'The mentor')
  const rows = (values?.mentees || []).filter(m => clean(m?.name) || clean(m?.timeZone))
  if (!rows.length) err('mentees', 'Add at least one mentee.')
  const mentees = rows.map((m, i) => person(m, `mentees.${i}`, `Mentee ${i + 1}`))
  if (errors.length) return { ok: false, errors }
  const body = { title, mentor, mentees }
  if (id) body.id = id
  if (link) body.meeting_link = link
  return { ok: true, body }
}

/** 'revoked' | 'expired' | 'active', with a label for people. */
export function inviteState (inv, now = Date.now()) {
  if (inv?.revoked) return { state: 'revoked', label: 'Revoked' + (inv.revoked_at ? ' ' + isoMinute(inv.revoked_at) : '') }
  if (inv?.expires && inv.expires <= now) return { state: 'expired', label: 'Expired ' + isoMinute(inv.expires) }
  return { state: 'active', label: inv?.expires ? 'Active until ' + isoMinute(inv.expires) : 'Active' }
}

function isoMinute (ms) {
  const d = new Date(ms)
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
}

/** The body of POST /api/workspaces/{ws}/invites for a choice "person:<id>" or "viewer". */
export function inviteRequest (choice, viewerName) {
  if (typeof choice === 'string' && choice.startsWith('person:') && choice.length > 7) return { ok: true, body: { person_id: choice.slice(7) } }
  if (choice === 'viewer') {
    const name = clean(viewerName)
    if (!name) return { ok: false, error: 'A viewer invite needs the viewer’s name.' }
    if (name.length > 200) return { ok: false, error: 'The name is longer than 200 characters.' }
    return { ok: true, body: { viewer_name: name } }
  }
  return { ok: false, error: 'Choose who the invite is for.' }
}

/** People of a workspace as invite choices: [{ value, label, role }]. */
export function inviteChoices (ws, { includeMentor = true } = {}) {
  const out = []
  if (includeMentor && ws?.mentor?.id) out.push({ value: 'person:' + ws.mentor.id, label: `${ws.mentor.name} (mentor)`, role: 'mentor' })
  for (const m of Array.isArray(ws?.mentees) ? ws.mentees : []) if (m?.id) out.push({ value: 'person:' + m.id, label: `${m.name} (mentee)`, role: 'mentee' })
  out.push({ value: 'viewer', label: 'A viewer (read-only)…', role: 'viewer' })
  return out
}

/** The absolute invite link for a link path like "/w/acme?token=…". */
export function absoluteLink (link, origin) {
  if (!link) return ''
  try { return new URL(link, origin).href } catch { return '' }
}

const LINKS_KEY = 'tandem:invite-links'
const MAX_LINKS = 500

/** token_id → link remembered in `storage` (localStorage); bad stored data is ignored. */
export function rememberedLinks (storage) {
  try {
    const v = JSON.parse(storage.getItem(LINKS_KEY) || '{}')
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {}
  } catch { return {} }
}

export function rememberLinks (storage, invites) {
  const all = rememberedLinks(storage)
  for (const i of invites || []) if (i?.token_id && typeof i.link === 'string') all[i.token_id] = i.link
  const keys = Object.keys(all)
  for (const k of keys.slice(0, Math.max(0, keys.length - MAX_LINKS))) delete all[k]
  try { storage.setItem(LINKS_KEY, JSON.stringify(all)) } catch { /* storage full or blocked: links are still shown now */ }
  return all
}

/** Invites newest first, revoked ones after active ones. */
export function sortInvites (invites) {
  const rank = i => (i.revoked ? 1 : 0)
  return [...(invites || [])].sort((a, b) => rank(a) - rank(b) || (b.created || 0) - (a.created || 0))
}
