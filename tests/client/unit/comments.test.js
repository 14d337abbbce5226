// Comments and session feedback read from plan and board documents (comments/model.js):
// which plan entries are goal comments and which are session feedback, grouping by session,
// board element threads, and tolerance of bad data written by other clients.
import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import {
  readEntry, goalThread, goalCommentCounts, planFeedbackEntries, elementThread, elementCommentCount,
  groupFeedback, averageRating, sessionLabel, defaultSession, checkText, parseRating, formatTime, isSessionFeedback
} from '../../../client-js/src/comments/model.js'

// Entries as the server's add_feedback writes them (server/domain/src/feedback.cpp).
function entry (fields) {
  const m = new Y.Map()
  for (const [k, v] of Object.entries(fields)) m.set(k, v)
  return m
}
function plan (entries) {
  const doc = new Y.Doc()
  doc.getArray('feedback').push(entries.map(entry))
  return doc
}

describe('plan feedback split into goal comments and session feedback', () => {
  const doc = plan([
    { author: 'Eli', role: 'mentee', text: 'Can we split this goal?', createdAt: 2000, goalId: 'g1' },
    { author: 'Maria', role: 'mentor', text: 'Yes, two milestones', createdAt: 3000, goalId: 'g1' },
    { author: 'Maria', role: 'mentor', text: 'Good pace', createdAt: 1000, goalId: 'g2' },
    { author: 'Eli', role: 'mentee', text: 'Great session', createdAt: 4000, rating: 5, session: 2 },
    { author: 'Maria', role: 'mentor', text: 'Rated goal feedback', createdAt: 5000, rating: 4, goalId: 'g1' },
    { author: 'Maria', role: 'mentor', text: 'General note', createdAt: 500 }
  ])

  it('a goal thread holds its comments oldest first, not rated feedback about the goal', () => {
    expect(goalThread(doc, 'g1').map(e => e.text)).toEqual(['Can we split this goal?', 'Yes, two milestones'])
    expect(goalThread(doc, 'g1')[0]).toMatchObject({ author: 'Eli', role: 'mentee', createdAt: 2000 })
    expect(goalThread(doc, 'nope')).toEqual([])
  })

  it('counts comments per goal', () => {
    const c = goalCommentCounts(doc)
    expect(c.get('g1')).toBe(2)
    expect(c.get('g2')).toBe(1)
    expect(c.has('nope')).toBe(false)
  })

  it('every entry lands in exactly one place', () => {
    const fb = planFeedbackEntries(doc).map(e => e.text)
    expect(fb).toEqual(['General note', 'Great session', 'Rated goal feedback'])
    const comments = [...goalCommentCounts(doc).values()].reduce((a, b) => a + b, 0)
    expect(fb.length + comments).toBe(6)
  })

  it('a comment posted later shows up on the next read (live thread)', () => {
    doc.getArray('feedback').push([entry({ author: 'Eli', role: 'mentee', text: 'Thanks!', createdAt: 3500, goalId: 'g1' })])
    expect(goalThread(doc, 'g1').map(e => e.text)).toEqual(['Can we split this goal?', 'Yes, two milestones', 'Thanks!'])
  })
})

describe('grouping feedback by session', () => {
  const entries = [
    { author: 'A', role: 'mentee', text: 'x', createdAt: 3, rating: 4, session: 1, goalId: null },
    { author: 'B', role: 'mentor', text: 'y', createdAt: 1, rating: 3, session: 3, goalId: null },
    { author: 'C', role: 'mentee', text: 'z', createdAt: 2, rating: null, session: null, goalId: null },
    { author: 'D', role: 'mentor', text: 'w', createdAt: 0, rating: 5, session: 1, goalId: null }
  ]
  const groups = groupFeedback(entries, [{ number: 1, date: '2026-11-20', title: 'Session 1' }, { number: 3, date: '2026-11-25', title: 'Kick-off' }])

  it('newest session first, entries without a session last as General', () => {
    expect(groups.map(g => g.session)).toEqual([3, 1, null])
    expect(groups.map(g => g.label)).toEqual(['Session 3 — 2026-11-25 (Kick-off)', 'Session 1 — 2026-11-20', 'General'])
  })
  it('entries inside a group oldest first, with the average rating', () => {
    expect(groups[1].entries.map(e => e.author)).toEqual(['D', 'A'])
    expect(groups[1].average).toBe(4.5)
    expect(groups[2].average).toBe(null)
  })
  it('a session the server did not list still gets a label', () => {
    expect(groupFeedback([entries[0]], [])[0].label).toBe('Session 1')
  })
  it('average rounds to one decimal', () => {
    expect(averageRating([{ rating: 5 }, { rating: 4 }, { rating: 4 }])).toBe(4.3)
  })
  it('sessionLabel and defaultSession', () => {
    expect(sessionLabel({ number: 7, date: '2026-01-02' })).toBe('Session 7 — 2026-01-02')
    expect(defaultSession([{ number: 1, status: 'ended' }, { number: 2, status: 'started' }, { number: 3, status: 'scheduled' }])).toBe(2)
    expect(defaultSession([{ number: 1, status: 'scheduled' }, { number: 4, status: 'scheduled' }])).toBe(4)
    expect(defaultSession([])).toBe(null)
  })
})

describe('board element comments', () => {
  function board () {
    const doc = new Y.Doc()
    const els = doc.getMap('elements')
    doc.transact(() => {
      const a = new Y.Map(); els.set('a', a); a.set('type', 'sticky')
      const list = new Y.Array(); a.set('comments', list)
      list.push([entry({ author: 'Maria', text: 'second', createdAt: 20 }), entry({ author: 'Eli', text: 'first', createdAt: 10 })])
      const b = new Y.Map(); els.set('b', b); b.set('type', 'rect')
      const c = new Y.Map(); els.set('c', c); c.set('comments', 'not a list')
      els.set('d', 42)
    })
    return doc
  }
  it('reads the element comments oldest first', () => {
    const doc = board()
    expect(elementThread(doc, 'a').map(e => `${e.author}: ${e.text}`)).toEqual(['Eli: first', 'Maria: second'])
    expect(elementCommentCount(doc, 'a')).toBe(2)
  })
  it('elements without comments, with bad comments, missing or not maps give []', () => {
    const doc = board()
    for (const id of ['b', 'c', 'd', 'zzz']) expect(elementThread(doc, id)).toEqual([])
  })
})

describe('bad data never breaks reading', () => {
  it('skips entries that are not maps and sanitises fields', () => {
    const doc = new Y.Doc()
    doc.getArray('feedback').push(['a string', 7, entry({ author: 12, role: 'boss', text: null, createdAt: 'x', rating: 9, session: -1, goalId: '' })])
    const all = planFeedbackEntries(doc)
    expect(all.length).toBe(1)
    expect(all[0]).toEqual({ author: '12', role: '', text: '', createdAt: 0, goalId: null, rating: null, session: null })
  })
  it('readEntry of a non-map is null; Y.Text fields are read as text', () => {
    expect(readEntry('x')).toBe(null)
    const doc = new Y.Doc()
    const m = new Y.Map(); doc.getArray('feedback').push([m])
    const t = new Y.Text(); m.set('text', t); t.insert(0, 'rich')
    expect(readEntry(m).text).toBe('rich')
    expect(isSessionFeedback(readEntry(m))).toBe(true)
  })
})

describe('input checks', () => {
  it('checkText trims, refuses empty and more than 4000 UTF-8 bytes', () => {
    expect(checkText('  hi  ')).toEqual({ ok: true, text: 'hi' })
    expect(checkText('   ').ok).toBe(false)
    expect(checkText('a'.repeat(4000)).ok).toBe(true)
    expect(checkText('é'.repeat(2001)).ok).toBe(false) // 4002 bytes
  })
  it('parseRating', () => {
    expect(parseRating('')).toBe(null)
    expect(parseRating('3')).toBe(3)
    expect(parseRating('0')).toBe(undefined)
    expect(parseRating('6')).toBe(undefined)
    expect(parseRating('2.5')).toBe(undefined)
  })
  it('formatTime says today/yesterday, else the date', () => {
    const now = new Date(2026, 10, 25, 15, 0).getTime()
    expect(formatTime(new Date(2026, 10, 25, 9, 5).getTime(), now)).toBe('today 09:05')
    expect(formatTime(new Date(2026, 10, 24, 23, 59).getTime(), now)).toBe('yesterday 23:59')
    expect(formatTime(new Date(2026, 0, 2, 7, 30).getTime(), now)).toBe('2026-01-02 07:30')
    expect(formatTime(0, now)).toBe('')
  })
})
