// Board model: element creation per the DESIGN.md schema, z-order by fractional index,
// duplication, culling and hit tests; schema checks must catch broken elements.
import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import {
  createElement, initBoard, sortedElements, bringToFront, sendToBack, moveOneStep,
  duplicateElements, deleteElements, visibleElements, hitTest, elementBounds, bindingTarget, ELEMENT_TYPES, updateBoundArrows
} from '../../../client-js/src/model/board.js'
import { checkBoard, checkElement } from '../../../client-js/src/model/schema.js'

const order = doc => sortedElements(doc.getMap('elements')).map(([id]) => id)

describe('board elements', () => {
  it('every element type is created with the schema fields and passes the schema check', () => {
    const doc = new Y.Doc()
    initBoard(doc, { title: 'T', now: 5 })
    for (const t of ELEMENT_TYPES) createElement(doc, t, { x: 1, y: 2, w: 30, h: 40, points: t === 'stroke' ? [0, 0, 0.5, 3, 4, 0.7] : undefined, text: 'hi', src: '/uploads/a.png' }, { author: 'u1' })
    expect(checkBoard(doc)).toEqual([])
    const els = doc.getMap('elements')
    expect(els.size).toBe(ELEMENT_TYPES.length)
    els.forEach(el => {
      expect(el.get('author')).toBe('u1')
      expect(typeof el.get('index')).toBe('string')
    })
  })

  it('stroke points are a Y.Array of x,y,pressure numbers relative to x,y', () => {
    const doc = new Y.Doc()
    const id = createElement(doc, 'stroke', { x: 100, y: 50, points: [0, 0, 0.5, 10, 5, 0.8] })
    const el = doc.getMap('elements').get(id)
    expect(el.get('points')).toBeInstanceOf(Y.Array)
    expect(el.get('points').toArray()).toEqual([0, 0, 0.5, 10, 5, 0.8])
    expect(elementBounds(el).x).toBeLessThanOrEqual(100)
    expect(elementBounds(el).x + elementBounds(el).w).toBeGreaterThanOrEqual(110)
  })

  it('sticky text is a Y.Text that keeps bold/italic/link attributes', () => {
    const doc = new Y.Doc()
    const id = createElement(doc, 'sticky', { delta: [{ insert: 'Go ', attributes: { bold: true } }, { insert: 'link', attributes: { link: 'https://x.test' } }] })
    const text = doc.getMap('elements').get(id).get('text')
    expect(text).toBeInstanceOf(Y.Text)
    expect(text.toDelta()).toEqual([{ insert: 'Go ', attributes: { bold: true } }, { insert: 'link', attributes: { link: 'https://x.test' } }])
  })

  it('line and arrow get two x,y points and arrowheads', () => {
    const doc = new Y.Doc()
    const a = createElement(doc, 'arrow', { x: 0, y: 0, w: 50, h: 20 })
    const l = createElement(doc, 'line', { x: 0, y: 0, w: 50, h: 20 })
    const els = doc.getMap('elements')
    expect(els.get(a).get('points').toArray()).toEqual([0, 0, 50, 20])
    expect(els.get(a).get('arrowheads')).toBe('end')
    expect(els.get(l).get('arrowheads')).toBe('none')
  })

  it('an unknown type is refused', () => {
    expect(() => createElement(new Y.Doc(), 'triangle')).toThrow(/unknown element type/)
  })

  it('the schema check reports wrong field types', () => {
    const doc = new Y.Doc()
    const id = createElement(doc, 'rect', {})
    const el = doc.getMap('elements').get(id)
    el.set('x', 'ten'); el.set('strokeStyle', 'wavy'); el.set('opacity', 3)
    const problems = checkElement(id, el)
    expect(problems.some(p => p.includes('.x:'))).toBe(true)
    expect(problems.some(p => p.includes('strokeStyle'))).toBe(true)
    expect(problems.some(p => p.includes('opacity'))).toBe(true)
  })

  it('initBoard sets kind/title/createdAt/background once', () => {
    const doc = new Y.Doc()
    expect(initBoard(doc, { title: 'A', now: 1 })).toBe(true)
    expect(initBoard(doc, { title: 'B', now: 2 })).toBe(false)
    expect(doc.getMap('meta').toJSON()).toEqual({ kind: 'board', title: 'A', createdAt: 1, background: '#ffffff' })
  })
})

describe('z-order', () => {
  it('new elements go on top', () => {
    const doc = new Y.Doc()
    const ids = [1, 2, 3].map(() => createElement(doc, 'rect', {}))
    expect(order(doc)).toEqual(ids)
  })

  it('bring to front / send to back keep the relative order of the moved elements', () => {
    const doc = new Y.Doc()
    const [a, b, c, d] = [1, 2, 3, 4].map(() => createElement(doc, 'rect', {}))
    bringToFront(doc, [a, b])
    expect(order(doc)).toEqual([c, d, a, b])
    sendToBack(doc, [d, b])
    expect(order(doc)).toEqual([d, b, c, a])
  })

  it('one step forward / backward passes exactly one other element', () => {
    const doc = new Y.Doc()
    const [a, b, c] = [1, 2, 3].map(() => createElement(doc, 'rect', {}))
    moveOneStep(doc, [a], 1)
    expect(order(doc)).toEqual([b, a, c])
    moveOneStep(doc, [c], -1)
    expect(order(doc)).toEqual([b, c, a])
    moveOneStep(doc, [a], 1) // already on top: nothing
    expect(order(doc)).toEqual([b, c, a])
  })

  it('two peers that both add elements concurrently agree on one order', () => {
    const seed = Date.now() % 100000
    console.log('z-order convergence seed', seed)
    const d1 = new Y.Doc(); const d2 = new Y.Doc()
    for (let i = 0; i < 5; i++) { createElement(d1, 'rect', {}); createElement(d2, 'ellipse', {}) }
    if (seed % 2) bringToFront(d1, [order(d1)[0]])
    Y.applyUpdate(d1, Y.encodeStateAsUpdate(d2)); Y.applyUpdate(d2, Y.encodeStateAsUpdate(d1))
    expect(order(d1)).toEqual(order(d2))
    expect(order(d1).length).toBe(10)
  })
})

describe('editing helpers', () => {
  it('duplicate copies fields and text with an offset, on top, with new ids', () => {
    const doc = new Y.Doc()
    const s = createElement(doc, 'sticky', { x: 10, y: 10, w: 100, h: 80, text: 'note' })
    createElement(doc, 'rect', {})
    const [copy] = duplicateElements(doc, [s], { dx: 5, dy: 7 })
    const el = doc.getMap('elements').get(copy)
    expect(copy).not.toBe(s)
    expect(el.get('x')).toBe(15); expect(el.get('y')).toBe(17)
    expect(el.get('text').toString()).toBe('note')
    expect(order(doc).at(-1)).toBe(copy)
    expect(checkBoard((initBoard(doc), doc))).toEqual([])
  })

  it('delete removes the elements', () => {
    const doc = new Y.Doc()
    const a = createElement(doc, 'rect', {}); const b = createElement(doc, 'rect', {})
    deleteElements(doc, [a])
    expect([...doc.getMap('elements').keys()]).toEqual([b])
  })

  it('culling keeps only elements touching the viewport, in z-order', () => {
    const doc = new Y.Doc()
    const ids = []
    for (let i = 0; i < 2000; i++) ids.push(createElement(doc, 'rect', { x: (i % 50) * 100, y: Math.floor(i / 50) * 100, w: 50, h: 50 }))
    const vis = visibleElements(doc.getMap('elements'), { x: 0, y: 0, w: 240, h: 140 }).map(([id]) => id)
    // columns 0..2 (x 0,100,200) and rows 0..1 (y 0,100) touch the viewport
    expect(vis.sort()).toEqual([ids[0], ids[1], ids[2], ids[50], ids[51], ids[52]].sort())
  })

  it('hit test returns the topmost element under the point', () => {
    const doc = new Y.Doc()
    const a = createElement(doc, 'rect', { x: 0, y: 0, w: 100, h: 100 })
    const b = createElement(doc, 'rect', { x: 50, y: 50, w: 100, h: 100 })
    const els = doc.getMap('elements')
    expect(hitTest(els, 75, 75)).toBe(b)
    expect(hitTest(els, 10, 10)).toBe(a)
    expect(hitTest(els, 500, 500)).toBe(null)
    expect(bindingTarget(els, 75, 75, [b])).toBe(a)
  })
})

describe('arrow binding', () => {
  it('an arrow drawn inside a frame does not bind to the frame, but binds to a shape', () => {
    const doc = new Y.Doc()
    createElement(doc, 'frame', { x: 0, y: 0, w: 1000, h: 1000 })
    const r = createElement(doc, 'rect', { x: 100, y: 100, w: 100, h: 100 })
    const els = doc.getMap('elements')
    expect(bindingTarget(els, 500, 500)).toBe(null)
    expect(bindingTarget(els, 150, 150)).toBe(r)
  })

  it('a bound arrow follows its shapes when they move, ending on their borders', () => {
    const doc = new Y.Doc()
    const a = createElement(doc, 'rect', { x: 0, y: 0, w: 100, h: 100 })
    const b = createElement(doc, 'rect', { x: 300, y: 0, w: 100, h: 100 })
    const arrow = createElement(doc, 'arrow', { x: 106, y: 50, points: [0, 0, 188, 0], startBinding: a, endBinding: b })
    const els = doc.getMap('elements')
    els.get(b).set('y', 200)
    updateBoundArrows(doc, [b])
    const el = els.get(arrow)
    const pts = el.get('points').toArray()
    const start = { x: el.get('x') + pts[0], y: el.get('y') + pts[1] }
    const end = { x: el.get('x') + pts[2], y: el.get('y') + pts[3] }
    // b moved down-right of a: the line between centres leaves a by its right side and
    // enters b by its left side; both ends sit just outside the borders (6-unit gap).
    expect(start.x).toBeGreaterThan(100); expect(start.x).toBeLessThanOrEqual(106)
    expect(start.y).toBeGreaterThan(50); expect(start.y).toBeLessThan(100)
    expect(end.x).toBeGreaterThanOrEqual(294); expect(end.x).toBeLessThan(300)
    expect(end.y).toBeGreaterThan(200); expect(end.y).toBeLessThan(300)
    expect(checkElement(arrow, el)).toEqual([])
  })
})

describe('malformed data from other clients', () => {
  it('non-map entries and wrong field types are skipped by every helper, never thrown on', () => {
    const doc = new Y.Doc()
    const els = doc.getMap('elements')
    els.set('junk', 'a string')
    els.set('num', 42)
    const bad = new Y.Map(); els.set('bad', bad); bad.set('type', 'arrow'); bad.set('points', 'xx'); bad.set('startBinding', 'junk')
    const ok = createElement(doc, 'rect', { x: 0, y: 0, w: 10, h: 10 })
    expect(sortedElements(els).map(([id]) => id).sort()).toEqual(['bad', ok].sort())
    expect(() => updateBoundArrows(doc, ['junk', ok])).not.toThrow()
    expect(() => bringToFront(doc, ['junk', 'bad'])).not.toThrow()
    expect(() => duplicateElements(doc, ['junk'])).not.toThrow()
    expect(hitTest(els, 5, 5)).toBe(ok)
    expect(checkBoard(doc)).toContain('junk: not a Y.Map') // the schema check names junk …
    expect(checkElement('bad', bad).length).toBeGreaterThan(0) // … and a bad map is reported
  })
})
