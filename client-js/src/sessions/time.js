// Time formatting for sessions: one instant shown in the viewer's zone and in the session's
// zone, with the zone's offset on that date (so DST is the tz database's, via Intl).

/** The browser's IANA time zone (e.g. "Europe/Berlin"), "UTC" when unknown. */
export function browserZone () {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' } catch { return 'UTC' }
}

/** True when Intl knows the zone name. */
export function isValidZone (tz) {
  if (typeof tz !== 'string' || !tz) return false
  try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true } catch { return false }
}

const partsCache = new Map()
function partsFormatter (tz) {
  let f = partsCache.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short' })
    partsCache.set(tz, f)
  }
  return f
}

/**
 * Wall-clock parts of instant `ms` in zone `tz`: { date: 'YYYY-MM-DD', time: 'HH:MM',
 * weekday: 'Mon', offsetMinutes, offset: '+01:00' }, or null for a bad instant or zone.
 */
export function wallTime (ms, tz) {
  if (!Number.isFinite(ms) || !isValidZone(tz)) return null
  const p = {}
  for (const { type, value } of partsFormatter(tz).formatToParts(new Date(ms))) p[type] = value
  const hour = p.hour === '24' ? '00' : p.hour
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(hour), Number(p.minute), Number(p.second))
  const offsetMinutes = Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000)
  const sign = offsetMinutes < 0 ? '-' : '+'
  const a = Math.abs(offsetMinutes)
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    time: `${hour}:${p.minute}`,
    weekday: p.weekday,
    offsetMinutes,
    offset: `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`
  }
}

/** "Mon 2026-03-09 11:00 (America/New_York, UTC-04:00)", or '' for a bad instant/zone. */
export function formatInZone (ms, tz) {
  const w = wallTime(ms, tz)
  if (!w) return ''
  return `${w.weekday} ${w.date} ${w.time} (${tz}, UTC${w.offset})`
}

/**
 * Lines to show for a session start: the viewer's local time first, and the session's own
 * zone when it differs (in name or in offset).
 */
export function sessionTimes (startUtcSeconds, sessionZone, viewerZone = browserZone()) {
  const ms = Number(startUtcSeconds) * 1000
  const out = []
  const mine = formatInZone(ms, viewerZone)
  if (mine) out.push({ kind: 'yours', zone: viewerZone, text: mine })
  if (sessionZone && sessionZone !== viewerZone) {
    const theirs = formatInZone(ms, sessionZone)
    if (theirs) out.push({ kind: 'session', zone: sessionZone, text: theirs })
  }
  return out
}

/** "HH:MM:SS" of an instant in a zone (the replay clock), '' when unknown. */
export function clockTime (ms, tz = browserZone()) {
  if (!Number.isFinite(ms) || !isValidZone(tz)) return ''
  const p = {}
  for (const { type, value } of partsFormatter(tz).formatToParts(new Date(ms))) p[type] = value
  return `${p.hour === '24' ? '00' : p.hour}:${p.minute}:${p.second}`
}

/** "YYYY-MM-DD HH:MM:SS" of an instant in a zone (the replay clock with its day), '' when unknown. */
export function dateTime (ms, tz = browserZone()) {
  const w = wallTime(ms, tz)
  return w ? `${w.date} ${clockTime(ms, tz)}` : ''
}

/** Today's date as YYYY-MM-DD in a zone (default for the schedule form). */
export function todayIn (tz = browserZone(), now = Date.now()) {
  return wallTime(now, tz)?.date ?? new Date(now).toISOString().slice(0, 10)
}

/** Zone names the browser knows (for the schedule form's list), always including `extra`. */
export function knownZones (...extra) {
  let list = []
  try { list = Intl.supportedValuesOf('timeZone') } catch {}
  const set = new Set([...list, 'UTC', ...extra.filter(isValidZone)])
  return [...set].sort()
}
