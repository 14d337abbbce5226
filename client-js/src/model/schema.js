// Schema checks for board and plan documents (../shared/DESIGN.md): a list of problems,
// empty when the document conforms. Used by the unit tests and the app's debug panel.
import * as Y from 'yjs'
import { ELEMENT_TYPES, STROKE_STYLES, ARROWHEADS } from './board.js'
import { GOAL_STATUSES, OWNERS, isValidDate } from './plan.js'

const isNum = v => typeof v === 'number' && Number.isFinite(v)
const isStr = v => typeof v === 'string'

export function checkElement (id, el) {
  const p = []
  const bad = (f, why) => p.push(`${id}.${f}: ${why}`)
  if (!(el instanceof Y.Map)) return [`${id}: not a Y.Map`]
  const type = el.get('type')
  if (!ELEMENT_TYPES.includes(type)) bad('type', `unknown ${type}`)
  for (const f of ['x', 'y', 'w', 'h', 'rotation', 'strokeWidth', 'opacity', 'createdAt']) if (!isNum(el.get(f))) bad(f, 'not a number')
  const op = el.get('opacity'); if (isNum(op) && (op < 0 || op > 1)) bad('opacity', 'outside 0–1')
  for (const f of ['index', 'stroke', 'fill', 'author']) if (!isStr(el.get(f))) bad(f, 'not a string')
  if (!STROKE_STYLES.includes(el.get('strokeStyle'))) bad('strokeStyle', 'not solid|dashed|dotted')
  if (typeof el.get('locked') !== 'boolean') bad('locked', 'not a boolean')
  if (type === 'stroke' || type === 'line' || type === 'arrow') {
    const pts = el.get('points')
    if (!(pts instanceof Y.Array)) bad('points', 'not a Y.Array')
    else {
      const a = pts.toArray()
      if (!a.every(isNum)) bad('points', 'not all numbers')
      if (type === 'stroke' && a.length % 3 !== 0) bad('points', 'not x,y,pressure triples')
      if (type !== 'stroke' && (a.length % 2 !== 0 || a.length < 4)) bad('points', 'not two or more x,y pairs')
    }
  }
  if (type === 'line' || type === 'arrow') {
    if (!ARROWHEADS.includes(el.get('arrowheads'))) bad('arrowheads', 'not end|start|both|none')
    for (const f of ['startBinding', 'endBinding']) if (el.has(f) && !isStr(el.get(f))) bad(f, 'not an element id')
  }
  if (type === 'text' || type === 'sticky') {
    if (!(el.get('text') instanceof Y.Text)) bad('text', 'not a Y.Text')
    if (!isNum(el.get('fontSize'))) bad('fontSize', 'not a number')
    if (!['left', 'center', 'right'].includes(el.get('align'))) bad('align', 'not left|center|right')
  }
  if (type === 'frame' && !isStr(el.get('name'))) bad('name', 'not a string')
  if (type === 'image' && !isStr(el.get('src'))) bad('src', 'not a string')
  return p
}

export function checkBoard (doc) {
  const p = []
  const meta = doc.getMap('meta')
  if (meta.get('kind') !== 'board') p.push('meta.kind: not "board"')
  if (!isStr(meta.get('title'))) p.push('meta.title: not a string')
  if (!isNum(meta.get('createdAt'))) p.push('meta.createdAt: not a number')
  if (!isStr(meta.get('background'))) p.push('meta.background: not a string')
  doc.getMap('elements').forEach((el, id) => p.push(...checkElement(id, el)))
  return p
}

export function checkPlan (doc) {
  const p = []
  const meta = doc.getMap('meta')
  if (meta.get('kind') !== 'plan') p.push('meta.kind: not "plan"')
  if (!isStr(meta.get('title'))) p.push('meta.title: not a string')
  doc.getArray('goals').forEach((g, i) => {
    const bad = (f, why) => p.push(`goals[${i}].${f}: ${why}`)
    if (!(g instanceof Y.Map)) { bad('', 'not a Y.Map'); return }
    if (!isStr(g.get('id'))) bad('id', 'not a string')
    if (!(g.get('title') instanceof Y.Text)) bad('title', 'not a Y.Text')
    if (!(g.get('description') instanceof Y.Text)) bad('description', 'not a Y.Text')
    if (!GOAL_STATUSES.includes(g.get('status'))) bad('status', 'not a known status')
    if (g.has('due') && !isValidDate(g.get('due'))) bad('due', 'not YYYY-MM-DD')
    const pr = g.get('progress'); if (!isNum(pr) || pr < 0 || pr > 100) bad('progress', 'not 0–100')
    if (!OWNERS.includes(g.get('owner'))) bad('owner', 'not mentor|mentee')
    const ms = g.get('milestones')
    if (!(ms instanceof Y.Array)) bad('milestones', 'not a Y.Array')
    else ms.forEach((m, j) => {
      if (!(m instanceof Y.Map)) { bad(`milestones[${j}]`, 'not a Y.Map'); return }
      if (!isStr(m.get('id'))) bad(`milestones[${j}].id`, 'not a string')
      if (!isStr(m.get('title'))) bad(`milestones[${j}].title`, 'not a string')
      if (typeof m.get('done') !== 'boolean') bad(`milestones[${j}].done`, 'not a boolean')
      if (m.has('due') && !isValidDate(m.get('due'))) bad(`milestones[${j}].due`, 'not YYYY-MM-DD')
    })
  })
  doc.getArray('checkins').forEach((c, i) => {
    if (!isValidDate(c.get('date'))) p.push(`checkins[${i}].date: not YYYY-MM-DD`)
    if (!(c.get('summary') instanceof Y.Text)) p.push(`checkins[${i}].summary: not a Y.Text`)
    if (!(c.get('nextSteps') instanceof Y.Text)) p.push(`checkins[${i}].nextSteps: not a Y.Text`)
  })
  doc.getArray('feedback').forEach((f, i) => {
    for (const k of ['author', 'role', 'text']) if (!isStr(f.get(k))) p.push(`feedback[${i}].${k}: not a string`)
    if (!isNum(f.get('createdAt'))) p.push(`feedback[${i}].createdAt: not a number`)
  })
  return p
}
