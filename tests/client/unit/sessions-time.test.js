// Session times across zones (client-js/src/sessions/time.js). Expected wall times are facts
// of the tz database (DST dates of 2026), not outputs of the code under test.
import { describe, it, expect } from 'vitest'
import { wallTime, formatInZone, sessionTimes, clockTime, dateTime, isValidZone, todayIn, knownZones } from '../../../client-js/src/sessions/time.js'

const utc = (...a) => Date.UTC(...a)

describe('wallTime', () => {
  it('follows DST per zone: the US switched on 8 March 2026, Europe on 29 March', () => {
    const t = utc(2026, 2, 9, 15, 0) // 2026-03-09 15:00Z
    expect(wallTime(t, 'America/New_York')).toMatchObject({ date: '2026-03-09', time: '11:00', offset: '-04:00', offsetMinutes: -240, weekday: 'Mon' })
    expect(wallTime(t, 'Europe/Berlin')).toMatchObject({ time: '16:00', offset: '+01:00' })
    expect(wallTime(utc(2026, 2, 30, 15, 0), 'Europe/Berlin')).toMatchObject({ time: '17:00', offset: '+02:00' })
    expect(wallTime(utc(2026, 2, 7, 15, 0), 'America/New_York')).toMatchObject({ time: '10:00', offset: '-05:00' })
  })
  it('handles the spring-forward instant and fractional offsets', () => {
    expect(wallTime(utc(2026, 2, 29, 0, 59), 'Europe/Berlin')).toMatchObject({ time: '01:59', offset: '+01:00' })
    expect(wallTime(utc(2026, 2, 29, 1, 0), 'Europe/Berlin')).toMatchObject({ time: '03:00', offset: '+02:00' })
    expect(wallTime(utc(2026, 0, 15, 12, 0), 'Asia/Kolkata')).toMatchObject({ time: '17:30', offset: '+05:30' })
    expect(wallTime(utc(2026, 0, 15, 12, 0), 'Asia/Kathmandu')).toMatchObject({ time: '17:45', offset: '+05:45' })
    expect(wallTime(utc(2026, 0, 15, 12, 0), 'Pacific/Chatham')).toMatchObject({ date: '2026-01-16', time: '01:45', offset: '+13:45' })
  })
  it('crosses the date line', () => {
    expect(wallTime(utc(2026, 11, 1, 23, 30), 'Pacific/Auckland')).toMatchObject({ date: '2026-12-02', time: '12:30', offset: '+13:00' })
    expect(wallTime(utc(2026, 11, 1, 3, 0), 'America/Los_Angeles')).toMatchObject({ date: '2026-11-30', time: '19:00', offset: '-08:00' })
  })
  it('says null for a bad zone or instant', () => {
    expect(wallTime(0, 'Mars/Olympus')).toBeNull()
    expect(wallTime(NaN, 'UTC')).toBeNull()
    expect(wallTime(0, '')).toBeNull()
    expect(isValidZone('Europe/Berlin')).toBe(true)
    expect(isValidZone('../etc/passwd')).toBe(false)
  })
})

describe('session times', () => {
  const start = utc(2026, 11, 1, 14, 30) / 1000 // 15:30 in Berlin
  it('shows the viewer\'s time first and the session\'s zone when it differs', () => {
    const lines = sessionTimes(start, 'Europe/Berlin', 'America/New_York')
    expect(lines.map(l => l.kind)).toEqual(['yours', 'session'])
    expect(lines[0].text).toBe('Tue 2026-12-01 09:30 (America/New_York, UTC-05:00)')
    expect(lines[1].text).toBe('Tue 2026-12-01 15:30 (Europe/Berlin, UTC+01:00)')
  })
  it('shows one line when the viewer is in the session\'s zone, and skips a bad session zone', () => {
    expect(sessionTimes(start, 'Europe/Berlin', 'Europe/Berlin').length).toBe(1)
    expect(sessionTimes(start, 'Nowhere/Zone', 'UTC').map(l => l.text)).toEqual(['Tue 2026-12-01 14:30 (UTC, UTC+00:00)'])
  })
  it('formats clocks and today in a zone', () => {
    expect(formatInZone(utc(2026, 5, 1, 8, 5), 'UTC')).toBe('Mon 2026-06-01 08:05 (UTC, UTC+00:00)')
    expect(clockTime(utc(2026, 5, 1, 8, 5, 9), 'Asia/Tokyo')).toBe('17:05:09')
    expect(clockTime(NaN)).toBe('')
    expect(dateTime(utc(2026, 5, 1, 20, 5, 9), 'Asia/Tokyo')).toBe('2026-06-02 05:05:09')
    expect(dateTime(NaN, 'UTC')).toBe('')
    expect(todayIn('Pacific/Kiritimati', utc(2026, 5, 1, 12, 0))).toBe('2026-06-02')
    expect(knownZones('Europe/Berlin')).toContain('UTC')
  })
})
