// Board document model: creating, ordering and querying elements exactly as
// ../shared/DESIGN.md (Documents → Board) defines them. No DOM here, so it is unit-tested.
import * as Y from 'yjs'
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing'

export const ELEMENT_TYPES = ['stroke', 'rect', 'ellipse', 'diamond', 'line', 'arrow', 'text', 'sticky', 'frame', 'image']
export const STROKE_STYLES = ['solid', 'dashed', 'dotted']
export const ARROWHEADS = ['end', 'start', 'both', 'none']
export const TEXT_ATTRIBUTES = ['bold', 'italic', 'underline', 'strike', 'link', 'color']

/** A random element id; collisions across peers are what we must avoid, so 128 bits. */
export function newId () {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')
}

export function boardMeta (doc) { return doc.getMap('meta') }
export function boardElements (doc) { return doc.getMap('elements') }

/** Fills in the board's meta once (first writer wins on each field it sets). */
export function initBoard (doc, { title = 'Board', background = '#ffffff', now = Date.now() } = {}) {
  const meta = boardMeta(doc)
  if (meta.get('kind') === 'board') return false
  doc.transact(() => {
    meta.set('kind', 'board')
    if (!meta.has('title')) meta.set('title', title)
    if (!meta.has('createdAt')) meta.set('createdAt', now)
    if (!meta.has('background')) meta.set('background', background)
  })
  return true
}

const DEFAULTS = {
  stroke: { stroke: '#1e1e1e', fill: 'none', strokeWidth: 4 },
  rect: { stroke: '#1e1e1e', fill: 'none', strokeWidth: 2 },
  ellipse: { stroke: '#1e1e1e', fill: 'none', strokeWidth: 2 },
  diamond: { stroke: '#1e1e1e', fill: 'none', strokeWidth: 2 },
  line: { stroke: '#1e1e1e', fill: 'none', strokeWidth: 2, arrowheads: 'none' },
  arrow: { stroke: '#1e1e1e', fill: 'none', strokeWidth: 2, arrowheads: 'end' },
  text: { stroke: '#1e1e1e', fill: 'none', strokeWidth: 1, fontSize: 20, align: 'left' },
  sticky: { stroke: '#1e1e1e', fill: '#fff3a0', strokeWidth: 1, fontSize: 18, align: 'left' },
  frame: { stroke: '#6b6b6b', fill: 'none', strokeWidth: 1 },
  image: { stroke: 'none', fill: 'none', strokeWidth: 0 }
}

/** Highest fractional index in the map, or null for an empty board. */
export function topIndex (elements) {
  let top = null
  elements.forEach(el => {
    const idx = el instanceof Y.Map ? el.get('index') : null
    if (typeof idx === 'string' && (top === null || idx > top)) top = idx
  })
  return top
}

export function bottomIndex (elements) {
  let bottom = null
  elements.forEach(el => {
    const idx = el instanceof Y.Map ? el.get('index') : null
    if (typeof idx === 'string' && (bottom === null || idx < bottom)) bottom = idx
  })
  return bottom
}

/**
 * Creates one element Y.Map with every common field and the type's own fields, on top of
 * the z-order. `points` is a flat array (stroke: x,y,pressure triples; line/arrow: x,y pairs),
 * relative to x,y. Returns the id. Call inside or outside a transaction.
 */
export function createElement (doc, type, props = {}, { author = '', now = Date.now(), id = newId() } = {}) {
  if (!ELEMENT_TYPES.includes(type)) throw new Error(`unknown element type: ${type}`)
  const elements = boardElements(doc)
  const d = DEFAULTS[type]
  doc.transact(() => {
    const el = new Y.Map()
    el.set('type', type)
    el.set('x', num(props.x, 0))
    el.set('y', num(props.y, 0))
    el.set('w', num(props.w, 0))
    el.set('h', num(props.h, 0))
    el.set('rotation', num(props.rotation, 0))
    el.set('index', props.index ?? generateKeyBetween(topIndex(elements), null))
    el.set('stroke', props.stroke ?? d.stroke)
    el.set('fill', props.fill ?? d.fill)
    el.set('strokeWidth', num(props.strokeWidth, d.strokeWidth))
    el.set('strokeStyle', STROKE_STYLES.includes(props.strokeStyle) ? props.strokeStyle : 'solid')
    el.set('opacity', clamp(num(props.opacity, 1), 0, 1))
    el.set('author', props.author ?? author)
    el.set('createdAt', now)
    el.set('locked', !!props.locked)
    if (type === 'stroke' || type === 'line' || type === 'arrow') {
      const pts = new Y.Array()
      const flat = (props.points ?? (type === 'stroke' ? [] : [0, 0, num(props.w, 0), num(props.h, 0)])).map(Number)
      pts.push(flat)
      el.set('points', pts)
    }
    if (type === 'line' || type === 'arrow') {
      el.set('arrowheads', ARROWHEADS.includes(props.arrowheads) ? props.arrowheads : d.arrowheads)
      if (props.startBinding) el.set('startBinding', props.startBinding)
      if (props.endBinding) el.set('endBinding', props.endBinding)
    }
    if (type === 'text' || type === 'sticky') {
      const text = new Y.Text()
      if (props.delta) text.applyDelta(props.delta)
      else if (props.text) text.insert(0, props.text)
      el.set('text', text)
      el.set('fontSize', num(props.fontSize, d.fontSize))
      el.set('align', props.align ?? d.align)
    }
    if (type === 'frame') el.set('name', props.name ?? 'Frame')
    if (type === 'image') el.set('src', String(props.src ?? ''))
    if (props.highlighter) el.set('highlighter', true)
    elements.set(id, el)
  })
  return id
}

/** Elements as [id, Y.Map] sorted by z-order ascending (ties broken by id so all peers agree). */
export function sortedElements (elements) {
  const list = []
  elements.forEach((el, id) => { if (el instanceof Y.Map) list.push([id, el]) })
  list.sort((a, b) => cmp(a[1].get('index') ?? '', b[1].get('index') ?? '') || cmp(a[0], b[0]))
  return list
}

/** Moves the given elements above everything else, keeping their relative order. */
export function bringToFront (doc, ids) {
  const elements = boardElements(doc)
  const moving = sortedElements(elements).filter(([id]) => ids.includes(id))
  const others = sortedElements(elements).filter(([id]) => !ids.includes(id))
  const top = others.length ? others[others.length - 1][1].get('index') : null
  const keys = generateNKeysBetween(top, null, moving.length)
  doc.transact(() => moving.forEach(([, el], i) => el.set('index', keys[i])))
}

export function sendToBack (doc, ids) {
  const elements = boardElements(doc)
  const moving = sortedElements(elements).filter(([id]) => ids.includes(id))
  const others = sortedElements(elements).filter(([id]) => !ids.includes(id))
  const bottom = others.length ? others[0][1].get('index') : null
  const keys = generateNKeysBetween(null, bottom, moving.length)
  doc.transact(() => moving.forEach(([, el], i) => el.set('index', keys[i])))
}

/** One step up (dir = 1) or down (dir = -1): past the next element that is not moving. */
export function moveOneStep (doc, ids, dir) {
  const elements = boardElements(doc)
  const all = sortedElements(elements)
  const moving = all.filter(([id]) => ids.includes(id))
  const others = all.filter(([id]) => !ids.includes(id))
  if (!moving.length) return
  if (dir > 0) {
    const highest = moving[moving.length - 1][1].get('index')
    const pos = others.findIndex(([, el]) => el.get('index') > highest)
    if (pos < 0) return
    const lo = others[pos][1].get('index')
    const hi = pos + 1 < others.length ? others[pos + 1][1].get('index') : null
    const keys = generateNKeysBetween(lo, hi, moving.length)
    doc.transact(() => moving.forEach(([, el], i) => el.set('index', keys[i])))
  } else {
    const lowest = moving[0][1].get('index')
    let pos = -1
    for (let i = others.length - 1; i >= 0; i--) if (others[i][1].get('index') < lowest) { pos = i; break }
    if (pos < 0) return
    const hi = others[pos][1].get('index')
    const lo = pos > 0 ? others[pos - 1][1].get('index') : null
    const keys = generateNKeysBetween(lo, hi, moving.length)
    doc.transact(() => moving.forEach(([, el], i) => el.set('index', keys[i])))
  }
}

/** Plain-object copy of an element, Y.Text as a delta, for duplication and clipboard. */
export function elementToProps (el) {
  const props = {}
  el.forEach((v, k) => {
    if (v instanceof Y.Text) props.delta = v.toDelta()
    else if (v instanceof Y.Array) props[k] = v.toArray()
    else props[k] = v
  })
  return props
}

/** Duplicates elements with an offset; returns the new ids (on top, same relative order). */
export function duplicateElements (doc, ids, { dx = 20, dy = 20, author = '', now = Date.now() } = {}) {
  const elements = boardElements(doc)
  const src = sortedElements(elements).filter(([id]) => ids.includes(id))
  const keys = generateNKeysBetween(topIndex(elements), null, src.length)
  const out = []
  doc.transact(() => {
    src.forEach(([, el], i) => {
      const p = elementToProps(el)
      const type = p.type
      delete p.type; delete p.createdAt; delete p.startBinding; delete p.endBinding
      p.x = (p.x ?? 0) + dx; p.y = (p.y ?? 0) + dy; p.index = keys[i]; p.author = author
      out.push(createElement(doc, type, p, { author, now }))
    })
  })
  return out
}

export function deleteElements (doc, ids) {
  const elements = boardElements(doc)
  doc.transact(() => ids.forEach(id => elements.delete(id)))
}

/** Axis-aligned bounds of an element in board units (ignores rotation; used for culling/hit tests). */
export function elementBounds (el) {
  const x = num(el.get('x'), 0); const y = num(el.get('y'), 0)
  const type = el.get('type')
  const pts = el.get('points')
  if ((type === 'stroke' || type === 'line' || type === 'arrow') && pts instanceof Y.Array) {
    const a = pts.toArray(); const step = type === 'stroke' ? 3 : 2
    if (a.length >= 2) {
      let minX = Infinity; let minY = Infinity; let maxX = -Infinity; let maxY = -Infinity
      for (let i = 0; i + 1 < a.length; i += step) {
        minX = Math.min(minX, a[i]); maxX = Math.max(maxX, a[i])
        minY = Math.min(minY, a[i + 1]); maxY = Math.max(maxY, a[i + 1])
      }
      const pad = num(el.get('strokeWidth'), 1)
      return { x: x + minX - pad, y: y + minY - pad, w: maxX - minX + 2 * pad, h: maxY - minY + 2 * pad }
    }
  }
  let w = num(el.get('w'), 0); let h = num(el.get('h'), 0)
  // Negative sizes are normalised so culling never drops a visible element.
  return { x: w < 0 ? x + w : x, y: h < 0 ? y + h : y, w: Math.abs(w), h: Math.abs(h) }
}

export function intersects (a, b) {
  return a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h
}

/** Ids whose bounds touch the viewport rectangle, in z-order: what the renderer draws. */
export function visibleElements (elements, viewport) {
  return sortedElements(elements).filter(([, el]) => intersects(elementBounds(el), viewport))
}

/** Topmost element under a board point (within tolerance), or null. */
export function hitTest (elements, px, py, tolerance = 4) {
  const list = sortedElements(elements)
  for (let i = list.length - 1; i >= 0; i--) {
    const b = elementBounds(list[i][1])
    if (px >= b.x - tolerance && px <= b.x + b.w + tolerance && py >= b.y - tolerance && py <= b.y + b.h + tolerance) return list[i][0]
  }
  return null
}

/** Element whose bounds contain the point, for binding arrow ends; skips `exclude`. */
export function bindingTarget (elements, px, py, exclude = []) {
  const list = sortedElements(elements)
  for (let i = list.length - 1; i >= 0; i--) {
    const [id, el] = list[i]
    if (exclude.includes(id)) continue
    // Frames are containers, not targets: an arrow drawn inside a frame must not bind to it.
    if (!['rect', 'ellipse', 'diamond', 'sticky', 'text', 'image'].includes(el.get('type'))) continue
    const b = elementBounds(el)
    if (px >= b.x && px <= b.x + b.w && py >= b.y && py <= b.y + b.h) return id
  }
  return null
}

/** Centre of an element, the point a bound arrow end snaps to. */
export function elementCenter (el) {
  const b = elementBounds(el)
  return { x: b.x + b.w / 2, y: b.y + b.h / 2 }
}

function num (v, dflt) { return typeof v === 'number' && Number.isFinite(v) ? v : dflt }
function clamp (v, lo, hi) { return Math.min(hi, Math.max(lo, v)) }
function cmp (a, b) { return a < b ? -1 : a > b ? 1 : 0 }

/** Where the line from `from` to the box centre crosses the box border (plus a small gap). */
export function edgePoint (b, from, gap = 6) {
  const cx = b.x + b.w / 2; const cy = b.y + b.h / 2
  const dx = from.x - cx; const dy = from.y - cy
  if (!dx && !dy) return { x: cx, y: cy }
  const t = Math.min(dx ? (b.w / 2 + gap) / Math.abs(dx) : Infinity, dy ? (b.h / 2 + gap) / Math.abs(dy) : Infinity)
  return t >= 1 ? { x: cx, y: cy } : { x: cx + dx * t, y: cy + dy * t }
}

/**
 * Re-routes every line/arrow bound (startBinding/endBinding) to one of `movedIds` so its
 * ends stay on the bound shapes' borders. Arrows that moved themselves are left alone.
 */
export function updateBoundArrows (doc, movedIds, boundsOf = (id, el) => elementBounds(el)) {
  const elements = boardElements(doc)
  const moved = new Set(movedIds)
  doc.transact(() => {
    elements.forEach((el, id) => {
      if (moved.has(id) || !(el instanceof Y.Map) || !['line', 'arrow'].includes(el.get('type'))) return
      const sb = el.get('startBinding'); const eb = el.get('endBinding')
      if (!moved.has(sb) && !moved.has(eb)) return
      const pts = el.get('points'); if (!(pts instanceof Y.Array) || pts.length < 4) return
      const a = pts.toArray(); const x = num(el.get('x'), 0); const y = num(el.get('y'), 0)
      let s = { x: x + a[0], y: y + a[1] }; let e = { x: x + a[a.length - 2], y: y + a[a.length - 1] }
      const asMap = v => (v instanceof Y.Map ? v : null)
      const sEl = sb ? asMap(elements.get(sb)) : null; const eEl = eb ? asMap(elements.get(eb)) : null
      const centre = (bid, o) => { const b = boundsOf(bid, o); return { x: b.x + b.w / 2, y: b.y + b.h / 2 } }
      if (sEl) s = edgePoint(boundsOf(sb, sEl), eEl ? centre(eb, eEl) : e)
      if (eEl) e = edgePoint(boundsOf(eb, eEl), sEl ? centre(sb, sEl) : s)
      pts.delete(0, pts.length); pts.insert(0, [0, 0, e.x - s.x, e.y - s.y])
      el.set('x', s.x); el.set('y', s.y)
    })
  })
}
