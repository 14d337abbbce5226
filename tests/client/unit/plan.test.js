// Plan model: goals with all fields, milestones, reorder, check-ins, feedback, and the
// token/workspace helpers of the entry page.
import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import {
  initPlan, addGoal, setGoalField, addMilestone, moveGoal, deleteGoal, addCheckin, addFeedback, planGoals, findGoal
} from '../../../client-js/src/model/plan.js'
import { checkPlan } from '../../../client-js/src/model/schema.js'
import { decodeToken, workspaceFromLocation, isValidDocName } from '../../../client-js/src/model/token.js'

const titles = doc => planGoals(doc).toArray().map(g => g.get('title').toString())

describe('plan', () => {
  it('a goal has every schema field and the plan passes the schema check', () => {
    const doc = new Y.Doc()
    initPlan(doc, { mentor: 'Ann' })
    const id = addGoal(doc, { title: 'Learn Rust', status: 'in-progress', due: '2026-12-01', progress: 40, owner: 'mentee', description: 'why' })
    addMilestone(doc, id, { title: 'Book ch. 1', due: '2026-11-30' })
    addCheckin(doc, { date: '2026-11-25', summary: 'ok', nextSteps: 'more' })
    addFeedback(doc, { author: 'Ann', role: 'mentor', text: 'good', goalId: id, now: 7 })
    expect(checkPlan(doc)).toEqual([])
    const g = findGoal(doc, id).goal
    expect(g.get('title')).toBeInstanceOf(Y.Text)
    expect(g.get('description')).toBeInstanceOf(Y.Text)
    expect(g.get('milestones').get(0).toJSON()).toMatchObject({ title: 'Book ch. 1', done: false, due: '2026-11-30' })
    expect(doc.getMap('meta').get('mentor')).toBe('Ann')
  })

  it('field setters refuse values outside the schema', () => {
    const doc = new Y.Doc()
    const id = addGoal(doc, { title: 'x' })
    expect(setGoalField(doc, id, 'status', 'maybe')).toBe(false)
    expect(setGoalField(doc, id, 'owner', 'boss')).toBe(false)
    expect(setGoalField(doc, id, 'due', '25/11/2026')).toBe(false)
    expect(setGoalField(doc, id, 'progress', 250)).toBe(true)
    expect(findGoal(doc, id).goal.get('progress')).toBe(100)
    expect(setGoalField(doc, id, 'due', '')).toBe(true)
    expect(findGoal(doc, id).goal.has('due')).toBe(false)
    expect(checkPlan((initPlan(doc), doc))).toEqual([])
  })

  it('reordering keeps the goal id, rich description and milestones', () => {
    const doc = new Y.Doc()
    const a = addGoal(doc, { title: 'A', description: [{ insert: 'bold', attributes: { bold: true } }, { insert: '\n' }] })
    addMilestone(doc, a, { title: 'm1', done: true })
    addGoal(doc, { title: 'B' }); addGoal(doc, { title: 'C' })
    expect(moveGoal(doc, 0, 2)).toBe(true)
    expect(titles(doc)).toEqual(['B', 'C', 'A'])
    const g = findGoal(doc, a).goal
    expect(g.get('description').toDelta()[0]).toEqual({ insert: 'bold', attributes: { bold: true } })
    expect(g.get('milestones').get(0).get('done')).toBe(true)
    expect(moveGoal(doc, 0, 9)).toBe(false)
    expect(deleteGoal(doc, a)).toBe(true)
    expect(titles(doc)).toEqual(['B', 'C'])
  })
})

const b64u = s => Buffer.from(s).toString('base64url')

describe('token', () => {
  const now = 1_800_000_000_000
  it('reads name, role and prefix from the payload', () => {
    const t = b64u(JSON.stringify({ user: 'u1', name: 'Ada Ł', role: 'mentee', prefix: 'acme-7', exp: now / 1000 + 60 })) + '.' + b64u('sig')
    expect(decodeToken(t, now)).toMatchObject({ ok: true, user: 'u1', name: 'Ada Ł', role: 'mentee', prefix: 'acme-7' })
  })
  it('an expired token is reported as expired', () => {
    const t = b64u(JSON.stringify({ user: 'u1', role: 'mentor', exp: now / 1000 - 1 })) + '.' + b64u('sig')
    expect(decodeToken(t, now)).toMatchObject({ ok: false, expired: true })
  })
  it('garbage is refused with a message, never a throw', () => {
    for (const t of ['', 'abc', 'a.b.c', '!!!.x', b64u('not json') + '.x', b64u('{"role":"king"}') + '.x']) {
      const r = decodeToken(t, now)
      expect(r.ok).toBe(false)
      expect(r.error).toMatch(/\w/)
    }
  })
  it('workspace comes from /w/{ws} or the token prefix', () => {
    expect(workspaceFromLocation('/w/acme-7', null)).toBe('acme-7')
    expect(workspaceFromLocation('/', { prefix: 'team-2' })).toBe('team-2')
    expect(workspaceFromLocation('/', { prefix: '*' })).toBe(null)
  })
  it('doc names follow the server rule', () => {
    expect(isValidDocName('acme-7/board/3')).toBe(true)
    expect(isValidDocName('acme/../x')).toBe(false)
    expect(isValidDocName('a//b')).toBe(false)
    expect(isValidDocName('a b')).toBe(false)
  })
})
