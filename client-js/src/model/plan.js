// Plan document model (goals, milestones, notes, check-ins, feedback) exactly as
// ../shared/DESIGN.md (Documents → Plan) defines it. No DOM here, so it is unit-tested.
import * as Y from 'yjs'
import { newId } from './board.js'

export const GOAL_STATUSES = ['not-started', 'in-progress', 'done', 'blocked']
export const OWNERS = ['mentor', 'mentee']

export function planMeta (doc) { return doc.getMap('meta') }
export function planGoals (doc) { return doc.getArray('goals') }
export function planNotes (doc) { return doc.getText('notes') }
export function planCheckins (doc) { return doc.getArray('checkins') }
export function planFeedback (doc) { return doc.getArray('feedback') }
/** Board list of the workspace: board number → title. Not in the renderer's schema (ignored there). */
export function planBoards (doc) { return doc.getMap('boards') }

export function initPlan (doc, { title = 'Development plan', mentor, mentee } = {}) {
  const meta = planMeta(doc)
  doc.transact(() => {
    if (meta.get('kind') !== 'plan') meta.set('kind', 'plan')
    if (!meta.has('title')) meta.set('title', title)
    if (mentor && !meta.get('mentor')) meta.set('mentor', mentor)
    if (mentee && !meta.get('mentee')) meta.set('mentee', mentee)
    const boards = planBoards(doc)
    if (!boards.has('1')) boards.set('1', 'Board 1')
  })
}

export function isValidDate (s) {
  return typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s + 'T00:00:00Z'))
}

function goalMap ({ id = newId(), title = '', description = null, status = 'not-started', due, progress = 0, owner = 'mentee', milestones = [] } = {}) {
  const g = new Y.Map()
  g.set('id', id)
  const t = new Y.Text(); if (title) t.insert(0, title); g.set('title', t)
  const d = new Y.Text()
  if (Array.isArray(description)) d.applyDelta(description)
  else if (typeof description === 'string' && description) d.insert(0, description)
  g.set('description', d)
  g.set('status', GOAL_STATUSES.includes(status) ? status : 'not-started')
  if (isValidDate(due)) g.set('due', due)
  g.set('progress', clampProgress(progress))
  g.set('owner', OWNERS.includes(owner) ? owner : 'mentee')
  const ms = new Y.Array()
  ms.push(milestones.map(m => milestoneMap(m)))
  g.set('milestones', ms)
  return g
}

function milestoneMap ({ id = newId(), title = '', done = false, due } = {}) {
  const m = new Y.Map()
  m.set('id', id)
  m.set('title', String(title))
  m.set('done', !!done)
  if (isValidDate(due)) m.set('due', due)
  return m
}

export function clampProgress (p) {
  const n = Number(p)
  if (!Number.isFinite(n)) return 0
  return Math.round(Math.min(100, Math.max(0, n)))
}

/** Appends a goal; returns its id. */
export function addGoal (doc, fields = {}) {
  const g = goalMap(fields)
  planGoals(doc).push([g])
  return g.get('id')
}

export function findGoal (doc, id) {
  const goals = planGoals(doc)
  for (let i = 0; i < goals.length; i++) { const g = goals.get(i); if (g instanceof Y.Map && g.get('id') === id) return { index: i, goal: g } }
  return null
}

export function setGoalField (doc, id, key, value) {
  const found = findGoal(doc, id)
  if (!found) return false
  const g = found.goal
  if (key === 'status' && !GOAL_STATUSES.includes(value)) return false
  if (key === 'owner' && !OWNERS.includes(value)) return false
  if (key === 'progress') value = clampProgress(value)
  if (key === 'due') {
    if (value === '' || value == null) { g.delete('due'); return true }
    if (!isValidDate(value)) return false
  }
  g.set(key, value)
  return true
}

export function addMilestone (doc, goalId, fields = {}) {
  const found = findGoal(doc, goalId)
  if (!found) return null
  const m = milestoneMap(fields)
  found.goal.get('milestones').push([m])
  return m.get('id')
}

/** Snapshot of a goal as plain data, rich texts as deltas: used to move a goal. */
export function goalToFields (g) {
  return {
    id: g.get('id'),
    title: g.get('title') instanceof Y.Text ? g.get('title').toString() : String(g.get('title') ?? ''),
    description: g.get('description') instanceof Y.Text ? g.get('description').toDelta() : [],
    status: g.get('status'),
    due: g.get('due'),
    progress: g.get('progress'),
    owner: g.get('owner'),
    milestones: (g.get('milestones') instanceof Y.Array ? g.get('milestones').toArray() : []).map(m => m.toJSON())
  }
}

/**
 * Moves a goal from one position to another. Y.Array has no move, so the goal is deleted
 * and an equal copy (same id) inserted in one transaction; concurrent edits to the moved
 * goal's texts during that instant are lost, which is the accepted price of reordering.
 */
export function moveGoal (doc, from, to) {
  const goals = planGoals(doc)
  if (from === to || from < 0 || from >= goals.length || to < 0 || to >= goals.length) return false
  doc.transact(() => {
    const fields = goalToFields(goals.get(from))
    goals.delete(from, 1)
    goals.insert(to, [goalMap(fields)])
  })
  return true
}

export function deleteGoal (doc, id) {
  const found = findGoal(doc, id)
  if (!found) return false
  planGoals(doc).delete(found.index, 1)
  return true
}

export function addCheckin (doc, { date, summary = '', nextSteps = '' } = {}) {
  const c = new Y.Map()
  c.set('date', isValidDate(date) ? date : new Date().toISOString().slice(0, 10))
  const s = new Y.Text(); if (summary) s.insert(0, summary); c.set('summary', s)
  const n = new Y.Text(); if (nextSteps) n.insert(0, nextSteps); c.set('nextSteps', n)
  planCheckins(doc).push([c])
  return c
}

export function addFeedback (doc, { author = '', role = 'mentee', text = '', goalId, now = Date.now() } = {}) {
  const f = new Y.Map()
  f.set('author', String(author))
  f.set('role', String(role))
  f.set('text', String(text))
  f.set('createdAt', now)
  if (goalId) f.set('goalId', goalId)
  planFeedback(doc).push([f])
  return f
}
