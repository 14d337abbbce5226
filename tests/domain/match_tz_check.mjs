// Cross-checks the availability overlap that `tandem match` reports against an independent
// time-zone source: Node's ICU (Intl.DateTimeFormat) instead of our TZif reader, on random
// profiles in weeks around DST changes. The overlap rule is the README's: each weekly slot
// is laid on the person's local calendar, converted to UTC (a skipped wall time moves
// forward by the gap, a repeated one takes its first occurrence), clipped to the UTC week
// from Monday 00:00Z, and intersected.
// Usage: node match_tz_check.mjs TANDEM_EXE WORK_DIR [SEED]
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import assert from 'node:assert/strict'

const [exe, work, seedArg] = process.argv.slice(2)
mkdirSync(work, { recursive: true })
let seed = seedArg ? Number(seedArg) : Math.floor(Math.random() * 2 ** 31)
console.log(`seed ${seed}`)
const rand = () => { // mulberry32
  seed |= 0; seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = (a) => a[Math.floor(rand() * a.length)]

const zones = ['Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Europe/London', 'Asia/Tokyo',
  'Australia/Sydney', 'America/Sao_Paulo', 'Asia/Kolkata', 'Pacific/Auckland', 'America/Chicago', 'Africa/Cairo',
  'America/St_Johns', 'Asia/Kathmandu', 'Europe/Helsinki', 'America/Santiago']
const weeks = ['2026-03-09', '2026-03-16', '2026-03-23', '2026-03-30', '2026-04-06', '2026-10-05', '2026-10-26',
  '2026-11-02', '2027-03-15', '2027-10-25', '2026-07-13', '2026-01-12']
const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

const fmts = new Map()
function offsetAt (zone, utcMs) {
  let f = fmts.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric',
      day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
    fmts.set(zone, f)
  }
  const p = Object.fromEntries(f.formatToParts(new Date(utcMs)).map((x) => [x.type, x.value]))
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second)
  return asUtc - Math.floor(utcMs / 1000) * 1000
}
function localToUtc (zone, local) {
  const before = offsetAt(zone, local - 30 * 3600e3)
  const after = offsetAt(zone, local + 30 * 3600e3)
  const bOk = offsetAt(zone, local - before) === before
  const aOk = offsetAt(zone, local - after) === after
  if (bOk && aOk) return Math.min(local - before, local - after)
  if (bOk) return local - before
  if (aOk) return local - after
  return local - before
}
const hm = (s) => { const [h, m] = s.split(':').map(Number); return (h * 60 + m) * 60e3 }
function availability (person, weekStart) {
  const lo = weekStart, hi = weekStart + 7 * 86400e3
  const out = []
  for (let d = -2; d <= 8; d++) {
    const day = weekStart + d * 86400e3
    const wd = (new Date(day).getUTCDay() + 6) % 7
    for (const s of person.availability) {
      if (days.indexOf(s.day) !== wd) continue
      const st = hm(s.start), en = hm(s.end)
      const ls = day + st, le = en > st ? day + en : day + 86400e3 + en
      const us = Math.max(localToUtc(person.time_zone, ls), lo), ue = Math.min(localToUtc(person.time_zone, le), hi)
      if (ue > us) out.push([us, ue])
    }
  }
  out.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const merged = []
  for (const iv of out) {
    if (merged.length && iv[0] <= merged[merged.length - 1][1]) merged[merged.length - 1][1] = Math.max(merged[merged.length - 1][1], iv[1])
    else merged.push([...iv])
  }
  return merged
}
function overlapHours (a, b) {
  let i = 0, j = 0, total = 0
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i][0], b[j][0]), e = Math.min(a[i][1], b[j][1])
    if (e > s) total += e - s
    if (a[i][1] < b[j][1]) i++; else j++
  }
  return total / 3600e3
}
function person (id, mentor) {
  const availability = []
  const n = 1 + Math.floor(rand() * 6)
  for (let k = 0; k < n; k++) {
    const h = Math.floor(rand() * 24), m = pick([0, 30]), len = 30 * (1 + Math.floor(rand() * 8))
    const end = (h * 60 + m + len) % 1440
    const f = (x) => `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`
    availability.push({ day: pick(days), start: f(h * 60 + m), end: f(end) })
  }
  const p = { id, languages: ['en'], time_zone: pick(zones), availability }
  if (mentor) { p.expertise = []; p.capacity = 1 } else p.goals = []
  return p
}

let checked = 0
let nonzero = 0
for (let round = 0; round < 24; round++) {
  const week = pick(weeks)
  const mentors = Array.from({ length: 8 }, (_, i) => person(`m${i}`, true))
  const mentees = Array.from({ length: 8 }, (_, i) => person(`e${i}`, false))
  const req = { options: { reference_week: week, weights: { tags: 0, language: 0, availability: 1 }, target_overlap_hours: 100 },
    mentors, mentees }
  const file = path.join(work, `match-${round}.json`)
  writeFileSync(file, JSON.stringify(req))
  const res = JSON.parse(execFileSync(exe, ['match', '--compact', file]))
  const weekStart = Date.parse(`${week}T00:00:00Z`) - ((new Date(`${week}T00:00:00Z`).getUTCDay() + 6) % 7) * 86400e3
  assert.equal(res.reference_week, new Date(weekStart).toISOString().slice(0, 10))
  for (const a of res.assignments) {
    const m = mentors.find((x) => x.id === a.mentor), e = mentees.find((x) => x.id === a.mentee)
    const want = overlapHours(availability(m, weekStart), availability(e, weekStart))
    assert.ok(Math.abs(a.overlap_hours - want) < 1e-3,
      `round ${round} week ${week}: ${a.mentor} (${m.time_zone}) / ${a.mentee} (${e.time_zone}): tandem ${a.overlap_hours} h, ICU ${want} h`)
    checked++
    if (want > 0) nonzero++
  }
}
assert.ok(checked > 100)
assert.ok(nonzero > 30, `only ${nonzero} pairs overlap: the check would prove little`)
console.log(`ok ${checked} pairs (${nonzero} overlapping): overlap hours agree with ICU time zones`)
