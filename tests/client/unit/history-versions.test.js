// Version list shaping (client-js/src/history/versions.js) over answers in the shape of
// GET /api/docs/{doc}/versions (server/domain/src/api.cpp list_versions).
import { describe, it, expect } from 'vitest'
import { shapeVersions, versionKind } from '../../../client-js/src/history/versions.js'

describe('shapeVersions', () => {
  const answer = {
    doc: 'ws/board/3',
    versions: [
      { number: 1, label: 'Before the review', author: 'Maria Mentor', time: 1764000000000, at_seq: 4, size: 120 },
      { number: 2, label: 'auto 2026-11-25T10:00:00Z', author: 'tandem', time: 1764064800000, at_seq: 9, size: 300 },
      { number: 3, label: 'Session 3 \u2014 2026-11-25', author: 'Eli Mentee', time: 1764068400000, at_seq: 12, size: 310 },
      { number: 4, label: '', author: 'Maria Mentor', time: 1764070000000 }
    ]
  }
  it('lists newest first with kind and title', () => {
    const rows = shapeVersions(answer)
    expect(rows.map(r => r.number)).toEqual([4, 3, 2, 1])
    expect(rows.map(r => r.kind)).toEqual(['named', 'session', 'auto', 'named'])
    expect(rows.map(r => r.title)).toEqual(['Version 4', 'Session 3 \u2014 2026-11-25', 'Automatic save', 'Before the review'])
    expect(rows[3]).toMatchObject({ author: 'Maria Mentor', time: 1764000000000, label: 'Before the review' })
  })
  it('drops entries that are not versions and never throws', () => {
    const rows = shapeVersions({ versions: [null, 'x', { number: 0 }, { number: -2 }, { number: 1.5 }, { number: '7', label: 42, time: 'soon' }, { number: 2 }] })
    expect(rows.map(r => [r.number, r.title, r.time])).toEqual([[7, 'Version 7', null], [2, 'Version 2', null]])
    expect(shapeVersions(null)).toEqual([])
    expect(shapeVersions({ versions: 'nope' })).toEqual([])
  })
  it('calls a version automatic only when the server made it', () => {
    expect(versionKind({ label: 'auto 2026-11-25T10:00:00Z', author: 'tandem' })).toBe('auto')
    expect(versionKind({ label: 'automatic thoughts', author: 'Maria Mentor' })).toBe('named')
    expect(versionKind({ label: 'Session 12 \u2014 2026-01-02', author: 'x' })).toBe('session')
    expect(versionKind({ label: 'Session notes', author: 'x' })).toBe('named')
  })
})
