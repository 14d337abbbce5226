// Checks the domain layer's CRDT output with the real yjs package: the templates decode and
// follow DESIGN.md's schemas, and each restore update, applied by yjs on top of the old
// history, yields exactly the version's content (as yjs itself reads the version).
// Usage: node yjs_check.mjs FIXTURE_GENERATOR WORK_DIR
import { createRequire } from 'node:module'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import assert from 'node:assert/strict'

const here = path.dirname(fileURLToPath(import.meta.url))
const require = createRequire(path.join(here, '../js/package.json'))
const Y = require('yjs')

const [gen, work] = process.argv.slice(2)
mkdirSync(work, { recursive: true })
process.stdout.write(execFileSync(gen, [work]))
const load = (name) => new Uint8Array(readFileSync(path.join(work, name)))

// Plan template.
{
  const d = new Y.Doc()
  Y.applyUpdate(d, load('plan.bin'))
  const meta = d.getMap('meta')
  assert.equal(meta.get('kind'), 'plan')
  assert.equal(meta.get('title'), 'Ada & Bo — 2026')
  assert.equal(meta.get('mentor'), 'Ada')
  assert.equal(meta.get('mentee'), 'Bo')
  const goals = d.getArray('goals')
  assert.equal(goals.length, 1)
  const g = goals.get(0)
  assert.ok(g instanceof Y.Map)
  assert.ok(g.get('title') instanceof Y.Text)
  assert.ok(g.get('description') instanceof Y.Text)
  assert.ok(g.get('milestones') instanceof Y.Array)
  assert.equal(g.get('status'), 'not-started')
  assert.equal(g.get('progress'), 0)
  assert.equal(g.get('owner'), 'mentee')
  assert.deepEqual(d.getText('notes').toDelta(), [{ insert: 'Notes' }, { insert: '\n', attributes: { header: 2 } }])
  console.log('ok plan template')
}
// Board template.
{
  const d = new Y.Doc()
  Y.applyUpdate(d, load('board.bin'))
  const meta = d.getMap('meta')
  assert.equal(meta.get('kind'), 'board')
  assert.equal(meta.get('title'), 'Session 3')
  assert.equal(meta.get('createdAt'), 1764000000000)
  const els = d.getMap('elements')
  const frame = els.get('agenda-frame')
  assert.equal(frame.get('type'), 'frame')
  assert.equal(frame.get('name'), 'Agenda')
  for (const k of ['x', 'y', 'w', 'h', 'rotation', 'index', 'stroke', 'fill', 'strokeWidth', 'strokeStyle', 'opacity']) {
    assert.ok(frame.has(k), `frame lacks ${k}`)
  }
  const text = els.get('agenda-text')
  assert.equal(text.get('type'), 'text')
  assert.deepEqual(text.get('text').toDelta(), [
    { insert: 'Agenda', attributes: { bold: true } },
    { insert: '\n1. Review goals\n2. Next steps; risks' }
  ])
  console.log('ok board template')
}
// Restore scenarios.
const json = (d) => JSON.stringify({
  meta: d.getMap('meta').toJSON(),
  elements: d.getMap('elements').toJSON(),
  goals: d.getArray('goals').toJSON(),
  notes: d.getText('notes').toDelta(),
})
let n = 0
for (let i = 0; i < 30; i++) {
  const p = `restore-${i}`
  const old = new Y.Doc()
  Y.applyUpdate(old, load(`${p}-old.bin`))
  const svBefore = Y.decodeStateVector(Y.encodeStateVector(old))
  Y.applyUpdate(old, load(`${p}-update.bin`))
  const version = new Y.Doc()
  Y.applyUpdate(version, load(`${p}-version.bin`))
  assert.equal(json(old), json(version), `${p}: restored content differs from the version`)
  // History kept: every clock of the old history is still there.
  const svAfter = Y.decodeStateVector(Y.encodeStateVector(old))
  for (const [client, clock] of svBefore) assert.ok(svAfter.get(client) >= clock, `${p}: history lost`)
  n++
}
console.log(`ok ${n} restore scenarios`)
