// Matching section helpers (admin/match-model.js): profile checks before the request, and
// the server's answer joined with the people it names.
import { describe, it, expect } from 'vitest'
import { parseProfiles, matchRows, workspaceFromPairs, EXAMPLE_PROFILES } from '../../../client-js/src/admin/match-model.js'

describe('parseProfiles', () => {
  it('accepts the example and returns it as the request body', () => {
    const r = parseProfiles(JSON.stringify(EXAMPLE_PROFILES))
    expect(r.ok).toBe(true)
    expect(r.body).toEqual(EXAMPLE_PROFILES)
  })
  it('says what is wrong with bad input', () => {
    expect(parseProfiles('{').error).toMatch(/not valid JSON/)
    expect(parseProfiles('[]').error).toMatch(/one JSON object/)
    expect(parseProfiles('{"mentors": [], "mentees": [{"id": "a"}]}').error).toMatch(/"mentors" must be a non-empty list/)
    expect(parseProfiles('{"mentors": [{"id": "m"}], "mentees": [{"name": "x"}]}').error).toMatch(/mentees\[0\] needs an "id"/)
  })
})

const request = {
  mentors: [{ id: 'ada', name: 'Ada', time_zone: 'Europe/Berlin' }, { id: 'bob', time_zone: 'America/New_York' }],
  mentees: [{ id: 'cy', name: 'Cy', time_zone: 'Asia/Tokyo' }, { id: 'di', name: 'Di', timezone: 'Europe/London' }, { id: 'ed' }]
}
const answer = {
  total_score: 151.25,
  assignments: [
    { mentee: 'cy', mentor: 'bob', score: 80.5, shared_tags: ['rust'], shared_languages: ['en'], overlap_hours: 2, explanation: 'why cy' },
    { mentee: 'di', mentor: 'bob', score: 70.75, shared_tags: [], shared_languages: ['en'], overlap_hours: 1.5, explanation: 'why di' },
    { mentee: 42, mentor: 'ada' }
  ],
  unmatched: [{ mentee: 'ed', reason: 'no shared language' }, { reason: 'no id' }]
}

describe('matchRows', () => {
  it('keeps the server order and fills names and zones from the profiles (id and UTC when missing)', () => {
    const r = matchRows(request, answer)
    expect(r.total).toBe(151.25)
    expect(r.pairs.map(p => [p.mentee.name, p.mentor.name, p.score])).toEqual([['Cy', 'bob', 80.5], ['Di', 'bob', 70.75]])
    expect(r.pairs[0].mentee.timeZone).toBe('Asia/Tokyo')
    expect(r.pairs[1].mentee.timeZone).toBe('Europe/London')
    expect(r.pairs[0].mentor.timeZone).toBe('America/New_York')
    expect(r.pairs[0].sharedTags).toEqual(['rust'])
    expect(r.pairs[1].explanation).toBe('why di')
    expect(r.unmatched).toEqual([{ mentee: { id: 'ed', name: 'ed', timeZone: 'UTC' }, reason: 'no shared language' }])
  })
  it('survives an empty or odd answer', () => {
    expect(matchRows(request, null)).toEqual({ pairs: [], unmatched: [], total: null })
    expect(matchRows({}, { assignments: 'x', unmatched: 3, total_score: 'NaN' })).toEqual({ pairs: [], unmatched: [], total: null })
  })
})

describe('workspaceFromPairs', () => {
  it("gives one mentor with all of that mentor's mentees", () => {
    const { pairs } = matchRows(request, answer)
    expect(workspaceFromPairs(pairs, 'bob')).toEqual({
      title: 'bob × Cy, Di',
      mentor: { name: 'bob', timeZone: 'America/New_York' },
      mentees: [{ name: 'Cy', timeZone: 'Asia/Tokyo' }, { name: 'Di', timeZone: 'Europe/London' }]
    })
    expect(workspaceFromPairs(pairs, 'ada')).toBeNull()
  })
})
