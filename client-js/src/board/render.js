// Draws one board element as SVG, following the DESIGN.md board schema. Pure: element in,
// SVG node out (no state), so the view can cache nodes and redraw only what changed.
import * as Y from 'yjs'
import { getStroke } from 'perfect-freehand'
import { h } from '../dom.js'

// Images uploaded to this server (/uploads/<ws>/<file>) need the viewer's token, and an
// <image href> sends no Authorization header, so it goes in the query string.
let uploadToken = ''
export function setUploadToken (token) { uploadToken = token || '' }
export function withUploadToken (src) {
  if (!uploadToken || !src.startsWith('/uploads/') || src.includes('?')) return src
  return src + '?token=' + encodeURIComponent(uploadToken)
}

const SAFE_URL = /^(https?:|mailto:|\/)/i
const DASH = { dashed: w => `${w * 3} ${w * 2}`, dotted: w => `${Math.max(w, 1) * 0.1} ${w * 2.5}` }

export const num = (v, d = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : d)
const color = (v, d) => (typeof v === 'string' && v.length < 64 ? v : d)

/** Outline path of a freehand stroke; `points` are x,y,pressure triples relative to the element. */
export function strokePath (flat, size, { highlighter = false, last = true } = {}) {
  const pts = []
  for (let i = 0; i + 2 < flat.length; i += 3) pts.push([flat[i], flat[i + 1], flat[i + 2]])
  if (!pts.length) return ''
  const hasPressure = pts.some(p => p[2] !== 0.5 && p[2] > 0)
  const outline = getStroke(pts, {
    size,
    thinning: highlighter ? 0 : 0.6,
    smoothing: 0.5,
    streamline: 0.45,
    simulatePressure: !hasPressure && !highlighter,
    last
  })
  if (!outline.length) return ''
  let d = `M${outline[0][0].toFixed(2)} ${outline[0][1].toFixed(2)}`
  for (let i = 1; i < outline.length; i++) {
    const [x0, y0] = outline[i]; const [x1, y1] = outline[(i + 1) % outline.length]
    d += ` Q${x0.toFixed(2)} ${y0.toFixed(2)} ${((x0 + x1) / 2).toFixed(2)} ${((y0 + y1) / 2).toFixed(2)}`
  }
  return d + ' Z'
}

function arrowHead (x0, y0, x1, y1, len) {
  const a = Math.atan2(y1 - y0, x1 - x0)
  const s = Math.PI / 7
  return `M${x1 - len * Math.cos(a - s)} ${y1 - len * Math.sin(a - s)} L${x1} ${y1} L${x1 - len * Math.cos(a + s)} ${y1 - len * Math.sin(a + s)}`
}

/** Rich text (a Y.Text delta) as HTML nodes, keeping bold/italic/underline/strike/link/color. */
export function deltaToNodes (delta) {
  const lines = [[]]
  for (const op of delta) {
    if (typeof op.insert !== 'string') continue
    const parts = op.insert.split('\n')
    parts.forEach((part, i) => {
      if (i > 0) lines.push([])
      if (!part) return
      const a = op.attributes || {}
      let node = document.createTextNode(part)
      const wrap = tag => { const e = document.createElement(tag); e.append(node); node = e }
      if (a.bold) wrap('strong')
      if (a.italic) wrap('em')
      if (a.underline) wrap('u')
      if (a.strike) wrap('s')
      if (typeof a.link === 'string' && SAFE_URL.test(a.link)) { const e = document.createElement('a'); e.href = a.link; e.target = '_blank'; e.rel = 'noopener'; e.append(node); node = e }
      if (typeof a.color === 'string') { const e = document.createElement('span'); e.style.color = a.color; e.append(node); node = e }
      lines[lines.length - 1].push(node)
    })
  }
  if (lines.length > 1 && lines[lines.length - 1].length === 0) lines.pop()
  return lines.map(nodes => h('div', { class: 'line' }, nodes.length ? nodes : h('br')))
}

export function renderElement (id, el, { editing = false } = {}) {
  const type = el.get('type')
  const x = num(el.get('x')); const y = num(el.get('y'))
  const w = num(el.get('w')); const hgt = num(el.get('h'))
  const stroke = color(el.get('stroke'), '#1e1e1e')
  const fill = color(el.get('fill'), 'none')
  const sw = Math.max(0, num(el.get('strokeWidth'), 2))
  const style = el.get('strokeStyle')
  const g = h('svg:g', { 'data-id': id, 'data-type': type, class: 'el el-' + type })
  const rot = num(el.get('rotation'))
  const nx = w < 0 ? x + w : x; const ny = hgt < 0 ? y + hgt : y; const nw = Math.abs(w); const nh = Math.abs(hgt)
  if (rot) g.setAttribute('transform', `rotate(${(rot * 180) / Math.PI} ${nx + nw / 2} ${ny + nh / 2})`)
  const op = num(el.get('opacity'), 1)
  if (op < 1) g.setAttribute('opacity', String(Math.max(0, op)))
  const lineAttrs = { stroke, 'stroke-width': sw, fill: fill === 'none' ? 'none' : fill, 'stroke-linejoin': 'round', 'stroke-linecap': 'round' }
  if (DASH[style]) lineAttrs['stroke-dasharray'] = DASH[style](sw || 1)
  const pts = el.get('points') instanceof Y.Array ? el.get('points').toArray().map(v => num(v)) : []
  switch (type) {
    case 'stroke': {
      const hl = !!el.get('highlighter')
      g.append(h('svg:path', { d: strokePath(pts, Math.max(1, sw) * (hl ? 3 : 2), { highlighter: hl }), fill: stroke, transform: `translate(${x} ${y})`, class: hl ? 'highlighter' : null }))
      break
    }
    case 'rect':
      g.append(h('svg:rect', { x: nx, y: ny, width: nw, height: nh, rx: 4, ...lineAttrs }))
      break
    case 'ellipse':
      g.append(h('svg:ellipse', { cx: nx + nw / 2, cy: ny + nh / 2, rx: nw / 2, ry: nh / 2, ...lineAttrs }))
      break
    case 'diamond':
      g.append(h('svg:polygon', { points: `${nx + nw / 2},${ny} ${nx + nw},${ny + nh / 2} ${nx + nw / 2},${ny + nh} ${nx},${ny + nh / 2}`, ...lineAttrs }))
      break
    case 'line': case 'arrow': {
      const abs = []
      for (let i = 0; i + 1 < pts.length; i += 2) abs.push([x + pts[i], y + pts[i + 1]])
      if (abs.length < 2) break
      // A wide invisible hit area makes thin lines easy to grab.
      g.append(h('svg:polyline', { points: abs.map(p => p.join(',')).join(' '), stroke: 'transparent', 'stroke-width': Math.max(12, sw + 8), fill: 'none' }))
      g.append(h('svg:polyline', { points: abs.map(p => p.join(',')).join(' '), ...lineAttrs, fill: 'none' }))
      const heads = el.get('arrowheads') ?? (type === 'arrow' ? 'end' : 'none')
      const len = 10 + sw * 2
      const n = abs.length
      if (heads === 'end' || heads === 'both') g.append(h('svg:path', { d: arrowHead(abs[n - 2][0], abs[n - 2][1], abs[n - 1][0], abs[n - 1][1], len), stroke, 'stroke-width': sw, fill: 'none', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }))
      if (heads === 'start' || heads === 'both') g.append(h('svg:path', { d: arrowHead(abs[1][0], abs[1][1], abs[0][0], abs[0][1], len), stroke, 'stroke-width': sw, fill: 'none', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }))
      break
    }
    case 'text': case 'sticky': {
      if (type === 'sticky') g.append(h('svg:rect', { x: nx, y: ny, width: nw, height: nh, rx: 6, fill: fill === 'none' ? '#fff3a0' : fill, stroke: 'rgba(0,0,0,.15)', 'stroke-width': 1, class: 'sticky-bg' }))
      else g.append(h('svg:rect', { x: nx, y: ny, width: nw, height: nh, fill: 'transparent', stroke: 'none' }))
      const text = el.get('text')
      const fo = h('svg:foreignObject', { x: nx, y: ny, width: Math.max(1, nw), height: Math.max(1, nh) })
      const box = h('div', { class: 'el-text' + (type === 'sticky' ? ' sticky-text' : ''), style: { fontSize: num(el.get('fontSize'), 18) + 'px', textAlign: ['left', 'center', 'right'].includes(el.get('align')) ? el.get('align') : 'left', color: stroke } })
      if (!editing && text instanceof Y.Text) box.append(...deltaToNodes(text.toDelta()))
      fo.append(box)
      g.append(fo)
      break
    }
    case 'frame': {
      g.append(h('svg:rect', { x: nx, y: ny, width: nw, height: nh, fill: fill === 'none' ? 'rgba(255,255,255,.6)' : fill, stroke, 'stroke-width': Math.max(1, sw), rx: 2, class: 'frame-rect' }))
      const label = h('svg:text', { x: nx, y: ny - 6, class: 'frame-label', 'font-size': 13 })
      label.textContent = String(el.get('name') ?? 'Frame')
      g.append(label)
      break
    }
    case 'image': {
      const src = String(el.get('src') ?? '')
      if (SAFE_URL.test(src) || src.startsWith('data:image/')) g.append(h('svg:image', { href: withUploadToken(src), x: nx, y: ny, width: nw, height: nh, preserveAspectRatio: 'xMidYMid meet' }))
      else g.append(h('svg:rect', { x: nx, y: ny, width: nw, height: nh, fill: '#eee', stroke: '#999' }))
      break
    }
    default:
      return null // unknown type: skipped, never a crash
  }
  return g
}
