// Writes the yjs fixture documents for the render adapter tests (tests/render/fixtures/*.bin,
// each one v1 update of a whole document made by the real yjs package) and, for each
// malformed document, a .expect file listing the ids the renderer must skip and report.
// Usage: node tests/render/js/make_docs.mjs            (all fixtures)
//        node tests/render/js/make_docs.mjs --big N OUT (a board of N elements, for stress tests)
import * as Y from '../../js/node_modules/yjs/dist/yjs.mjs'
import { writeFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const out = join(here, '..', 'fixtures')

const scripts = [
  ['Latin', 'Mentorship café naïve'], ['Cyrillic', 'Наставничество'], ['Greek', 'Καθοδήγηση'],
  ['Arabic', 'مرشد ومتدرب'], ['Hebrew', 'חונכות'], ['Devanagari', 'मार्गदर्शन'],
  ['Chinese', '导师计划'], ['Japanese', 'メンターシップ'], ['Korean', '멘토링'], ['Emoji', '🎉😀👍🚀'],
]

function newDoc (kind, fields) {
  const doc = new Y.Doc()
  doc.clientID = 4242  // fixed, so the fixture bytes are reproducible
  const meta = doc.getMap('meta')
  meta.set('kind', kind)
  for (const [k, v] of Object.entries(fields)) meta.set(k, v)
  return doc
}

function element (elements, id, fields) {
  const m = new Y.Map()
  elements.set(id, m)
  for (const [k, v] of Object.entries(fields)) {
    if (k === 'points' && Array.isArray(v)) {
      const a = new Y.Array()
      m.set('points', a)
      a.push(v)
    } else if (k === 'text' && Array.isArray(v)) {  // a delta
      const t = new Y.Text()
      m.set('text', t)
      t.applyDelta(v)
    } else {
      m.set(k, v)
    }
  }
  return m
}

function board (n) {
  const doc = newDoc('board', { title: 'Fixture board', createdAt: 1767225600000, background: '#ffffff' })
  const el = doc.getMap('elements')
  doc.transact(() => {
    element(el, 'frame-ideas', { type: 'frame', x: 0, y: 0, w: 800, h: 700, index: 'a0', name: 'Ideas' })
    element(el, 'frame-plan', { type: 'frame', x: 1000, y: 0, w: 600, h: 400, index: 'a1', name: 'Plan' })
    element(el, 'rect-1', { type: 'rect', x: 40, y: 40, w: 200, h: 120, index: 'b0', fill: '#a5d8ff', stroke: '#1971c2', strokeWidth: 4, strokeStyle: 'solid', opacity: 1, rotation: 0, author: 'u1', createdAt: 1, locked: false })
    element(el, 'ellipse-1', { type: 'ellipse', x: 300, y: 40, w: 180, h: 120, index: 'b1', fill: '#ffc9c9', strokeStyle: 'dashed' })
    element(el, 'diamond-1', { type: 'diamond', x: 540, y: 40, w: 140, h: 140, index: 'b2', fill: '#b2f2bb', rotation: 0.3, opacity: 0.6 })
    element(el, 'arrow-1', { type: 'arrow', x: 100, y: 260, w: 300, h: 40, index: 'b3', points: [0, 0, 200, 40, 300, 0], arrowheads: 'both', strokeWidth: 3, startBinding: 'rect-1', endBinding: 'diamond-1' })
    element(el, 'line-1', { type: 'line', x: 100, y: 330, index: 'b4', points: [0, 0, 300, 0], strokeStyle: 'dotted', strokeWidth: 3 })
    const pts = []
    for (let i = 0; i < 40; i++) pts.push(i * 6, Math.round(Math.sin(i / 4) * 4000) / 100, 0.5)
    element(el, 'stroke-1', { type: 'stroke', x: 450, y: 250, index: 'b5', points: pts, strokeWidth: 8, stroke: '#e03131' })
    element(el, 'sticky-1', { type: 'sticky', x: 40, y: 400, w: 220, h: 160, index: 'b6', fontSize: 18, text: [
      { insert: 'Sticky ' }, { insert: 'bold', attributes: { bold: true } }, { insert: ' and ' },
      { insert: 'italic', attributes: { italic: true } }, { insert: '\n' },
      { insert: 'docs link', attributes: { link: 'https://example.org/tandem' } }] })
    element(el, 'text-scripts', { type: 'text', x: 300, y: 400, w: 460, h: 180, index: 'b7', fontSize: 16, align: 'left',
      text: scripts.map(([, s]) => ({ insert: s + '\n' })) })
    element(el, 'text-2', { type: 'text', x: 1040, y: 40, w: 500, h: 60, index: 'b8', text: [
      { insert: 'Second frame ' }, { insert: 'red', attributes: { color: '#ff0000', underline: true } }, { insert: ' text' }] })
    element(el, 'image-1', { type: 'image', x: 1040, y: 150, w: 100, h: 80, index: 'b9', src: '/api/files/cat.png' })
  })
  return doc
}

function malformedBoard () {
  const doc = newDoc('board', { title: 'Malformed' })
  const el = doc.getMap('elements')
  const expect = []
  const bad = (id, fields) => { element(el, id, fields); expect.push(id) }
  doc.transact(() => {
    element(el, 'good-rect', { type: 'rect', x: 0, y: 0, w: 50, h: 50, index: 'a0' })
    bad('bad-type-missing', { x: 0, y: 0, w: 10, h: 10 })
    bad('bad-type-number', { type: 7, x: 0, y: 0, w: 10, h: 10 })
    bad('bad-type-unknown', { type: 'hexagon', x: 0, y: 0, w: 10, h: 10 })
    const wrongs = { string: 'oops', bool: true, object: { a: 1 }, array: [1, 2], nan: 'NaN-as-string' }
    for (const f of ['x', 'y', 'w', 'h', 'rotation', 'strokeWidth', 'opacity']) {
      for (const [wname, wv] of Object.entries(wrongs)) {
        if (wname === 'nan') continue
        bad(`bad-${f}-${wname}`, { type: 'rect', x: 0, y: 0, w: 10, h: 10, [f]: wv })
      }
      const ym = new Y.Map()
      bad(`bad-${f}-ymap`, { type: 'rect', x: 0, y: 0, w: 10, h: 10, [f]: ym })
    }
    for (const f of ['index', 'stroke', 'fill', 'strokeStyle']) {
      bad(`bad-${f}-number`, { type: 'rect', x: 0, y: 0, w: 10, h: 10, [f]: 5 })
      bad(`bad-${f}-array`, { type: 'rect', x: 0, y: 0, w: 10, h: 10, [f]: [1] })
    }
    bad('bad-x-missing', { type: 'rect', y: 0, w: 10, h: 10 })
    bad('bad-w-missing', { type: 'ellipse', x: 0, y: 0, h: 10 })
    bad('bad-points-missing', { type: 'stroke', x: 0, y: 0 })
    bad('bad-points-string', { type: 'line', x: 0, y: 0, points: 'nope' })
    bad('bad-points-strings-inside', { type: 'line', x: 0, y: 0, points: [0, 0, 'a', 1] })
    bad('bad-points-odd', { type: 'arrow', x: 0, y: 0, points: [0, 0, 1] })
    bad('bad-points-one-pair', { type: 'arrow', x: 0, y: 0, points: [0, 0] })
    bad('bad-points-not-triples', { type: 'stroke', x: 0, y: 0, points: [0, 0, 0.5, 1] })
    bad('bad-text-number', { type: 'text', x: 0, y: 0, w: 10, h: 10, text: 12 })
    bad('bad-text-map', { type: 'sticky', x: 0, y: 0, w: 10, h: 10, text: new Y.Map() })
    bad('bad-fontSize-string', { type: 'text', x: 0, y: 0, w: 10, h: 10, fontSize: 'big' })
    bad('bad-align-number', { type: 'text', x: 0, y: 0, w: 10, h: 10, align: 3 })
    bad('bad-name-bool', { type: 'frame', x: 0, y: 0, w: 10, h: 10, name: false })
    bad('bad-src-missing', { type: 'image', x: 0, y: 0, w: 10, h: 10 })
    bad('bad-src-number', { type: 'image', x: 0, y: 0, w: 10, h: 10, src: 1 })
    bad('bad-arrowheads-number', { type: 'arrow', x: 0, y: 0, points: [0, 0, 5, 5], arrowheads: 1 })
    bad('bad-startBinding-number', { type: 'arrow', x: 0, y: 0, points: [0, 0, 5, 5], startBinding: 1 })
    el.set('bad-not-a-map', 'just a string')
    expect.push('bad-not-a-map')
    el.set('bad-array-element', new Y.Array())
    expect.push('bad-array-element')
  })
  return [doc, expect]
}

function plan (goals) {
  const doc = newDoc('plan', { title: 'Fixture plan', mentor: 'Ada Lovelace', mentee: 'Alan Turing' })
  doc.transact(() => {
    const g = doc.getArray('goals')
    for (let i = 0; i < goals; i++) {
      const m = new Y.Map()
      g.push([m])
      m.set('id', `g${i}`)
      const t = new Y.Text(); m.set('title', t); t.insert(0, `Goal title ${i + 1}`)
      const d = new Y.Text(); m.set('description', d)
      d.applyDelta([{ insert: 'Rich ' }, { insert: 'description', attributes: { bold: true } }, { insert: ` of goal ${i + 1}\n` }])
      m.set('status', ['not-started', 'in-progress', 'done', 'blocked'][i % 4])
      m.set('due', `2026-0${1 + (i % 9)}-15`)
      m.set('progress', (i * 37) % 101)
      m.set('owner', i % 2 ? 'mentor' : 'mentee')
      const ms = new Y.Array(); m.set('milestones', ms)
      for (let k = 0; k < 2; k++) {
        const mm = new Y.Map(); ms.push([mm])
        mm.set('id', `g${i}m${k}`); mm.set('title', `Milestone ${i + 1}.${k + 1}`); mm.set('done', k === 0); mm.set('due', '2026-06-01')
      }
    }
    const notes = doc.getText('notes')
    const delta = [{ insert: 'Weekly notes' }, { insert: '\n', attributes: { header: 2 } }]
    for (const [name, s] of scripts) delta.push({ insert: `${name}: ${s}` }, { insert: '\n', attributes: { list: 'bullet' } })
    delta.push({ insert: 'First step' }, { insert: '\n', attributes: { list: 'ordered' } })
    delta.push({ insert: 'Second step' }, { insert: '\n', attributes: { list: 'ordered' } })
    delta.push({ insert: 'Read the design doc' }, { insert: '\n', attributes: { list: 'checked' } })
    delta.push({ insert: 'Pair on the parser' }, { insert: '\n', attributes: { list: 'unchecked' } })
    delta.push({ insert: 'Run ' }, { insert: 'make test', attributes: { code: true } }, { insert: ' and see the ' },
      { insert: 'project page', attributes: { link: 'https://example.com/plan' } }, { insert: '.\n' })
    notes.applyDelta(delta)
    const c = doc.getArray('checkins')
    const ci = new Y.Map(); c.push([ci])
    ci.set('date', '2026-01-10')
    const s = new Y.Text(); ci.set('summary', s); s.insert(0, 'Talked about the parser.')
    const n = new Y.Text(); ci.set('nextSteps', n); n.insert(0, 'Write tests first.')
    const f = doc.getArray('feedback')
    const fb = new Y.Map(); f.push([fb])
    fb.set('author', 'Ada Lovelace'); fb.set('role', 'mentor'); fb.set('text', 'Great progress on the parser.')
    fb.set('createdAt', 1767225600000); fb.set('goalId', 'g0')
  })
  return doc
}

function malformedPlan () {
  const doc = plan(2)
  const expect = []
  doc.transact(() => {
    const g = doc.getArray('goals')
    const add = (name, fields) => {
      const m = new Y.Map(); g.push([m])
      for (const [k, v] of Object.entries(fields)) m.set(k, v)
      expect.push(name)
    }
    add('goal 3', { title: 'Bad progress', progress: 'lots' })
    add('goal 4', { title: 5 })
    add('goal 5', { title: 'Bad status', status: 9 })
    add('goal 6', { title: 'Bad milestones', milestones: 'none' })
    g.push(['not a map'])
    expect.push('goal 7')
    const m = new Y.Map(); g.push([m]); m.set('title', 'Good goal with a bad milestone')
    const ms = new Y.Array(); m.set('milestones', ms)
    const mm = new Y.Map(); ms.push([mm]); mm.set('title', 'bad'); mm.set('done', 'yes')
    expect.push('goal 8 milestone 1')
    const f = doc.getArray('feedback')
    const fb = new Y.Map(); f.push([fb]); fb.set('author', 3)
    expect.push('feedback 2')
    const c = doc.getArray('checkins')
    c.push([42])
    expect.push('check-in 2')
  })
  return [doc, expect]
}

function save (name, doc) {
  writeFileSync(join(out, name), Y.encodeStateAsUpdate(doc))
}

if (process.argv[2] === '--big') {
  const n = Number(process.argv[3] || 100000)
  const doc = newDoc('board', { title: `Big board ${n}` })
  const el = doc.getMap('elements')
  const types = ['rect', 'ellipse', 'diamond', 'line', 'arrow', 'stroke', 'text', 'sticky']
  doc.transact(() => {
    for (let i = 0; i < n; i++) {
      const type = types[i % types.length]
      const f = { type, x: (i % 400) * 30, y: Math.floor(i / 400) * 30, w: 20, h: 20, index: 'a' + String(i).padStart(7, '0') }
      if (type === 'line' || type === 'arrow') f.points = [0, 0, 20, 20]
      if (type === 'stroke') f.points = [0, 0, 0.5, 10, 5, 0.5, 20, 20, 0.5]
      if (type === 'text' || type === 'sticky') f.text = [{ insert: 't' + i }]
      element(el, 'e' + i, f)
    }
  })
  writeFileSync(process.argv[4], Y.encodeStateAsUpdate(doc))
  console.log(`wrote ${n} elements to ${process.argv[4]}`)
} else {
  mkdirSync(out, { recursive: true })
  save('board.bin', board())
  const [mb, mbe] = malformedBoard()
  save('malformed_board.bin', mb)
  writeFileSync(join(out, 'malformed_board.expect'), mbe.join('\n') + '\n')
  save('plan.bin', plan(3))
  save('plan50.bin', plan(50))
  const [mp, mpe] = malformedPlan()
  save('malformed_plan.bin', mp)
  writeFileSync(join(out, 'malformed_plan.expect'), mpe.join('\n') + '\n')
  save('unknown_kind.bin', newDoc('spreadsheet', { title: 'x' }))
  const noKind = new Y.Doc(); noKind.clientID = 4242; noKind.getMap('meta').set('title', 'no kind')
  save('no_kind.bin', noKind)
  const noMeta = new Y.Doc(); noMeta.clientID = 4242; noMeta.getText('text').insert(0, 'hello')
  save('no_meta.bin', noMeta)
  console.log('wrote fixtures to ' + out)
}
