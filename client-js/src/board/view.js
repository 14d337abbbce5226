// The whiteboard: toolbar, SVG canvas drawing only the visible elements, pointer tools
// (pen, shapes, arrows with binding, text, sticky, frame, image), selection with
// move/resize/rotate, z-order, undo/redo of one's own edits, zoom/pan, presence and follow.
import * as Y from 'yjs'
import Quill from 'quill'
import { bindQuill } from '../quill-binding.js'
import { generateKeyBetween } from 'fractional-indexing'
import { h, toast } from '../dom.js'
import { renderElement, strokePath, num, setUploadToken } from './render.js'
import {
  boardElements, boardMeta, initBoard, createElement, sortedElements, bringToFront, sendToBack, moveOneStep,
  duplicateElements, deleteElements, elementBounds, intersects, bindingTarget, bottomIndex, edgePoint,
  updateBoundArrows as updateBoundArrowsIn
} from '../model/board.js'
import { attachBoardComments } from '../comments/board.js'

const TOOLS = [
  ['select', 'Select', 'V', '⬚'], ['hand', 'Pan', 'H', '✋'], ['pen', 'Pen', 'P', '✎'], ['highlighter', 'Highlighter', 'M', '🖍'],
  ['rect', 'Rectangle', 'R', '▭'], ['ellipse', 'Ellipse', 'O', '◯'], ['diamond', 'Diamond', 'D', '◇'], ['line', 'Line', 'L', '╱'],
  ['arrow', 'Arrow', 'A', '→'], ['text', 'Text', 'T', 'T'], ['sticky', 'Sticky note', 'S', '🗒'], ['frame', 'Frame', 'F', '⌗'], ['image', 'Image', 'I', '🖼']
]
const VIEW_TOOLS = new Set(['select', 'hand'])
const COLORS = [['#1e1e1e', 'black'], ['#e03131', 'red'], ['#2f9e44', 'green'], ['#1971c2', 'blue'], ['#f08c00', 'orange'], ['#9c36b5', 'purple']]
const FILLS = [['none', 'no fill'], ['#fff3a0', 'yellow'], ['#d3f9d8', 'mint'], ['#d0ebff', 'sky'], ['#ffe3e3', 'rose'], ['#ffffff', 'white']]
const MIN_ZOOM = 0.1; const MAX_ZOOM = 8

export function mountBoard (parent, { shared, user, readOnly, token, title }) {
  setUploadToken(token)
  const doc = shared.doc
  const elements = boardElements(doc)
  const awareness = shared.awareness
  const ro = readOnly
  const cleanups = []
  const view = { x: -40, y: -40, zoom: 1 }
  let tool = 'select'
  const style = { stroke: '#1e1e1e', fill: 'none', strokeWidth: 2, strokeStyle: 'solid', arrowheads: 'end' }
  let selection = new Set()
  let editor = null
  let following = null
  const undo = new Y.UndoManager(elements, { captureTimeout: 500 })
  cleanups.push(() => undo.destroy())

  // Other clients may write anything: only Y.Map entries are elements; the rest is skipped.
  const getEl = id => { const v = elements.get(id); return v instanceof Y.Map ? v : undefined }
  const eachEl = fn => elements.forEach((v, id) => { if (v instanceof Y.Map) fn(v, id) })

  // ---------- DOM ----------
  const toolButtons = new Map()
  const toolbar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Board tools', id: 'board-toolbar' })
  for (const [id, label, key, icon] of TOOLS) {
    if (ro && !VIEW_TOOLS.has(id)) continue
    const b = h('button', { type: 'button', class: 'tool', 'data-tool': id, 'aria-label': `${label} (${key})`, title: `${label} (${key})`, 'aria-pressed': 'false', onclick: () => setTool(id) }, h('span', { 'aria-hidden': 'true' }, icon))
    toolButtons.set(id, b); toolbar.append(b)
  }
  const swatch = (kind, [c, name]) => h('button', {
    type: 'button', class: 'swatch ' + kind, 'data-color': c, 'aria-label': `${kind === 'stroke' ? 'Colour' : 'Fill'} ${name}`, title: `${kind === 'stroke' ? 'Colour' : 'Fill'} ${name}`, style: { background: c === 'none' ? 'repeating-linear-gradient(45deg,#fff 0 4px,#ddd 4px 8px)' : c }, 'aria-pressed': 'false',
    onclick: () => setStyle(kind, c)
  })
  const widthSel = h('select', { 'aria-label': 'Stroke width', onchange: () => setStyle('strokeWidth', Number(widthSel.value)) }, ...[1, 2, 4, 8].map(w => h('option', { value: w }, `${w}px`)))
  const styleSel = h('select', { 'aria-label': 'Stroke style', onchange: () => setStyle('strokeStyle', styleSel.value) }, ...[['solid', '──'], ['dashed', '- -'], ['dotted', '···']].map(([v, l]) => h('option', { value: v }, l)))
  const headSel = h('select', { 'aria-label': 'Arrowheads', onchange: () => setStyle('arrowheads', headSel.value) }, ...[['end', '→'], ['start', '←'], ['both', '↔'], ['none', '—']].map(([v, l]) => h('option', { value: v }, l)))
  const act = (label, key, icon, fn, id) => h('button', { type: 'button', class: 'tool act', id, 'aria-label': `${label}${key ? ` (${key})` : ''}`, title: `${label}${key ? ` (${key})` : ''}`, onclick: fn }, h('span', { 'aria-hidden': 'true' }, icon))
  if (!ro) {
    toolbar.append(h('span', { class: 'sep' }), ...COLORS.map(c => swatch('stroke', c)), h('span', { class: 'sep' }), ...FILLS.map(c => swatch('fill', c)),
      h('span', { class: 'sep' }), widthSel, styleSel, headSel, h('span', { class: 'sep' }),
      act('Undo', 'Ctrl+Z', '↶', () => undo.undo(), 'undo'), act('Redo', 'Ctrl+Shift+Z', '↷', () => undo.redo(), 'redo'),
      act('Duplicate', 'Ctrl+D', '⧉', () => duplicate()), act('Delete', 'Del', '🗑', () => removeSelected(), 'delete'),
      act('Lock or unlock', 'Ctrl+L', '🔒', () => toggleLock(), 'lock'),
      act('Bring to front', 'Ctrl+]', '⤒', () => zorder('front')), act('Bring forward', ']', '↑', () => zorder('up')),
      act('Send backward', '[', '↓', () => zorder('down')), act('Send to back', 'Ctrl+[', '⤓', () => zorder('back')))
  }
  const zoomLabel = h('output', { class: 'zoom', 'aria-label': 'Zoom level' }, '100%')
  const zoomBar = h('div', { class: 'zoombar', role: 'toolbar', 'aria-label': 'Zoom' }, act('Zoom out', '-', '−', () => zoomBy(1 / 1.25)), zoomLabel, act('Zoom in', '+', '+', () => zoomBy(1.25)), act('Fit to content', '0', '⤢', () => fit()))
  // Arrow keys move between toolbar buttons (one tab stop is nicer, but every button stays reachable by Tab too).
  toolbar.addEventListener('keydown', e => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return
    const items = [...toolbar.querySelectorAll('button,select')]
    const i = items.indexOf(document.activeElement); if (i < 0) return
    items[(i + (e.key === 'ArrowRight' ? 1 : items.length - 1)) % items.length].focus(); e.preventDefault()
  })

  const elLayer = h('svg:g', { class: 'layer-elements' })
  const selLayer = h('svg:g', { class: 'layer-selection' })
  const draftLayer = h('svg:g', { class: 'layer-draft' })
  const world = h('svg:g', { class: 'world' }, elLayer, draftLayer, selLayer)
  const svg = h('svg:svg', { class: 'canvas', id: 'board-canvas', role: 'img', 'aria-label': 'Whiteboard drawing' }, world)
  const cursors = h('div', { class: 'cursors', 'aria-hidden': 'true' })
  const stage = h('div', { class: 'stage', id: 'board-stage', tabindex: 0, 'aria-label': `${title} canvas. ${ro ? 'Read-only.' : 'Use the toolbar or keyboard shortcuts to draw.'}` }, svg, cursors)
  const info = h('div', { class: 'board-info', id: 'board-info' })
  const fileInput = h('input', { type: 'file', accept: 'image/*', hidden: true, 'aria-hidden': 'true', onchange: () => { if (fileInput.files[0]) uploadImage(fileInput.files[0]); fileInput.value = '' } })
  const root = h('div', { class: 'board' + (ro ? ' readonly' : ''), id: 'board-view' }, toolbar, stage, info, zoomBar, fileInput,
    ro ? h('p', { class: 'readonly-banner floating', role: 'note' }, 'Read-only: you can look around, not edit.') : null)
  parent.replaceChildren(root)

  // ---------- coordinates ----------
  const stageRect = () => stage.getBoundingClientRect()
  const toBoard = (cx, cy) => { const r = stageRect(); return { x: (cx - r.left) / view.zoom + view.x, y: (cy - r.top) / view.zoom + view.y } }
  const toScreen = (bx, by) => ({ x: (bx - view.x) * view.zoom, y: (by - view.y) * view.zoom })
  const viewportRect = () => { const r = stageRect(); return { x: view.x, y: view.y, w: r.width / view.zoom, h: r.height / view.zoom } }

  // Comment badge of the selected element and its thread (comments/board.js).
  const comments = attachBoardComments({
    stage, doc, docName: shared.name, token, readOnly: ro,
    getSelection: () => selection,
    anchor: id => { const el = getEl(id); if (!el) return null; const b = boundsOf(id, el); return toScreen(b.x + b.w, b.y) }
  })
  cleanups.push(() => comments.destroy())

  // ---------- rendering ----------
  const nodes = new Map() // id → svg node (valid until the element changes)
  const bounds = new Map() // id → cached bounds
  let frameReq = 0
  const schedule = () => { if (!frameReq) frameReq = requestAnimationFrame(render) }
  let sortedCache = null // z-ordered [id, el] list, rebuilt only after a document change
  const sorted = () => (sortedCache ??= sortedElements(elements))
  const onDeep = events => {
    sortedCache = null
    for (const ev of events) {
      if (ev.target === elements) ev.changes.keys.forEach((_, key) => { nodes.delete(key); bounds.delete(key) })
      else if (ev.path.length) { nodes.delete(String(ev.path[0])); bounds.delete(String(ev.path[0])) }
    }
    for (const id of selection) if (!getEl(id)) selection.delete(id)
    schedule()
  }
  elements.observeDeep(onDeep); cleanups.push(() => elements.unobserveDeep(onDeep))

  function boundsOf (id, el) {
    let b = bounds.get(id)
    if (!b) { b = elementBounds(el); bounds.set(id, b) }
    return b
  }

  function render () {
    frameReq = 0
    world.setAttribute('transform', `scale(${view.zoom}) translate(${-view.x} ${-view.y})`)
    const vp = viewportRect()
    const margin = 50 / view.zoom
    const vis = { x: vp.x - margin, y: vp.y - margin, w: vp.w + 2 * margin, h: vp.h + 2 * margin }
    const list = sorted()
    const out = []
    for (const [id, el] of list) {
      if (!intersects(boundsOf(id, el), vis)) continue
      let node = nodes.get(id)
      if (!node) {
        try { node = renderElement(id, el, { editing: editor?.id === id }) } catch (e) { console.warn('skipped element', id, e); node = null }
        if (!node) continue
        nodes.set(id, node)
      }
      out.push(node)
    }
    // Only touch the DOM when the visible list changed.
    const kids = elLayer.childNodes
    let same = kids.length === out.length
    for (let i = 0; same && i < out.length; i++) same = kids[i] === out[i]
    if (!same) elLayer.replaceChildren(...out)
    renderSelection()
    renderCursors()
    comments.update()
    zoomLabel.textContent = Math.round(view.zoom * 100) + '%'
    info.textContent = `${out.length} of ${list.length} elements shown`
    info.dataset.total = String(list.length)
    info.dataset.visible = String(out.length)
    if (editor) editor.place()
  }

  function renderSelection () {
    const parts = []
    const px = 1 / view.zoom
    // Remote selections, in the colour of whoever holds them.
    awareness.getStates().forEach((s, cid) => {
      if (cid === awareness.clientID || !Array.isArray(s.selection) || !s.user) return
      for (const id of s.selection) {
        const el = getEl(id); if (!el) continue
        const b = boundsOf(id, el)
        parts.push(h('svg:rect', { x: b.x - 3 * px, y: b.y - 3 * px, width: b.w + 6 * px, height: b.h + 6 * px, fill: 'none', stroke: s.user.color, 'stroke-width': 2 * px, 'stroke-dasharray': `${4 * px} ${3 * px}`, class: 'remote-selection' }))
      }
    })
    const sel = [...selection].filter(id => getEl(id))
    for (const id of sel) {
      const b = boundsOf(id, getEl(id))
      parts.push(h('svg:rect', { x: b.x - 2 * px, y: b.y - 2 * px, width: b.w + 4 * px, height: b.h + 4 * px, fill: 'none', stroke: '#4263eb', 'stroke-width': 1.5 * px, class: 'sel-box' }))
    }
    if (sel.length === 1 && !ro && !getEl(sel[0]).get('locked')) {
      const el = getEl(sel[0])
      const b = boundsOf(sel[0], el)
      const hs = 8 * px
      for (const [name, hx, hy] of [['nw', b.x, b.y], ['ne', b.x + b.w, b.y], ['sw', b.x, b.y + b.h], ['se', b.x + b.w, b.y + b.h]]) {
        parts.push(h('svg:rect', { x: hx - hs / 2, y: hy - hs / 2, width: hs, height: hs, class: 'handle', 'data-handle': name, fill: '#fff', stroke: '#4263eb', 'stroke-width': 1.5 * px }))
      }
      if (!['line', 'arrow', 'stroke'].includes(el.get('type'))) {
        parts.push(h('svg:circle', { cx: b.x + b.w / 2, cy: b.y - 24 * px, r: 5 * px, class: 'handle', 'data-handle': 'rotate', fill: '#fff', stroke: '#4263eb', 'stroke-width': 1.5 * px }))
      }
    }
    if (marquee) parts.push(h('svg:rect', { x: Math.min(marquee.x0, marquee.x1), y: Math.min(marquee.y0, marquee.y1), width: Math.abs(marquee.x1 - marquee.x0), height: Math.abs(marquee.y1 - marquee.y0), class: 'marquee', fill: 'rgba(66,99,235,.08)', stroke: '#4263eb', 'stroke-width': px }))
    selLayer.replaceChildren(...parts)
  }

  function renderCursors () {
    const r = stageRect()
    const out = []
    awareness.getStates().forEach((s, cid) => {
      if (cid === awareness.clientID || !s.user || !s.pointer) return
      const p = toScreen(s.pointer.x, s.pointer.y)
      if (p.x < -20 || p.y < -20 || p.x > r.width + 20 || p.y > r.height + 20) return
      out.push(h('div', { class: 'remote-cursor', 'data-user': s.user.name, style: { transform: `translate(${p.x}px, ${p.y}px)`, color: s.user.color } },
        h('svg:svg', { width: 16, height: 20, viewBox: '0 0 16 20', 'aria-hidden': 'true' }, h('svg:path', { d: 'M1 1 L1 17 L5 13 L8 19 L11 18 L8 12 L14 12 Z', fill: s.user.color, stroke: '#fff', 'stroke-width': 1.2 })),
        h('span', { class: 'cursor-label', style: { background: s.user.color } }, s.user.name)))
    })
    cursors.replaceChildren(...out)
  }

  // ---------- presence ----------
  let lastSent = 0; let pendingPointer = null; let ptrTimer = 0
  const sendPointer = p => {
    pendingPointer = p
    const now = performance.now()
    const flush = () => { ptrTimer = 0; lastSent = performance.now(); awareness.setLocalStateField('pointer', pendingPointer) }
    if (now - lastSent > 40) flush()
    else if (!ptrTimer) ptrTimer = setTimeout(flush, 40)
  }
  const sendViewport = () => {
    const vp = viewportRect()
    awareness.setLocalStateField('viewport', { cx: vp.x + vp.w / 2, cy: vp.y + vp.h / 2, zoom: view.zoom })
  }
  const sendSelection = () => awareness.setLocalStateField('selection', [...selection])
  let leaderSeen = null // the leader we already auto-followed (or were released from)
  const onAwareness = () => {
    // A mentor who leads pulls everyone else along once; panning away releases.
    let leader = null
    awareness.getStates().forEach((s, cid) => { if (cid !== awareness.clientID && s.lead && s.user) leader = cid })
    if (leader != null && leader !== leaderSeen && following == null && !awareness.getLocalState()?.lead) {
      leaderSeen = leader; following = leader
      toast(`${awareness.getStates().get(leader).user.name} is leading: you follow their view. Pan or zoom to look around on your own.`)
      root.dispatchEvent(new CustomEvent('follow-changed'))
    }
    if (leader == null) leaderSeen = null
    if (following != null) {
      const s = awareness.getStates().get(following)
      if (!s) following = null
      else if (s.viewport) {
        view.zoom = clampZoom(num(s.viewport.zoom, 1))
        const r = stageRect()
        view.x = num(s.viewport.cx) - r.width / view.zoom / 2
        view.y = num(s.viewport.cy) - r.height / view.zoom / 2
      }
    }
    schedule()
  }
  awareness.on('change', onAwareness); cleanups.push(() => awareness.off('change', onAwareness))
  cleanups.push(() => { awareness.setLocalStateField('pointer', null); awareness.setLocalStateField('selection', []) })

  // ---------- view changes ----------
  const clampZoom = z => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z))
  function viewChanged (byUser = true) {
    if (byUser && following != null) { following = null; root.dispatchEvent(new CustomEvent('follow-changed')) }
    sendViewport(); schedule()
  }
  function zoomAt (factor, sx, sy) {
    const before = { x: sx / view.zoom + view.x, y: sy / view.zoom + view.y }
    view.zoom = clampZoom(view.zoom * factor)
    view.x = before.x - sx / view.zoom; view.y = before.y - sy / view.zoom
    viewChanged()
  }
  function zoomBy (f) { const r = stageRect(); zoomAt(f, r.width / 2, r.height / 2) }
  function fit () {
    const list = sortedElements(elements)
    const r = stageRect()
    if (!list.length) { view.zoom = 1; view.x = -40; view.y = -40; viewChanged(); return }
    let x0 = Infinity; let y0 = Infinity; let x1 = -Infinity; let y1 = -Infinity
    for (const [id, el] of list) { const b = boundsOf(id, el); x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y); x1 = Math.max(x1, b.x + b.w); y1 = Math.max(y1, b.y + b.h) }
    view.zoom = clampZoom(Math.min(r.width / (x1 - x0 + 80), r.height / (y1 - y0 + 80), 2))
    view.x = (x0 + x1) / 2 - r.width / view.zoom / 2; view.y = (y0 + y1) / 2 - r.height / view.zoom / 2
    viewChanged()
  }
  const ro_ = new ResizeObserver(() => { sendViewport(); schedule() })
  ro_.observe(stage); cleanups.push(() => ro_.disconnect())

  // ---------- tools & styles ----------
  function setTool (t) {
    if (ro && !VIEW_TOOLS.has(t)) return
    if (t === 'image') { fileInput.click(); return }
    tool = t
    for (const [id, b] of toolButtons) b.setAttribute('aria-pressed', String(id === t))
    stage.dataset.tool = t
  }
  function setStyle (key, val) {
    style[key] = val
    toolbar.querySelectorAll('.swatch.' + key).forEach(b => b.setAttribute('aria-pressed', String(b.dataset.color === val)))
    if (key === 'strokeWidth') widthSel.value = String(val)
    if (key === 'strokeStyle') styleSel.value = val
    if (key === 'arrowheads') headSel.value = val
    if (selection.size && !ro) {
      doc.transact(() => {
        for (const id of selection) {
          const el = getEl(id); if (!el || el.get('locked')) continue
          if (key === 'arrowheads' && !['line', 'arrow'].includes(el.get('type'))) continue
          el.set(key, val)
        }
      })
    }
  }
  function setSelection (ids) {
    selection = new Set(ids)
    sendSelection(); schedule()
    root.dispatchEvent(new CustomEvent('selection-changed'))
    // The style controls show the selected element's style, or what new elements will get.
    const one = selection.size === 1 ? getEl([...selection][0]) : null
    const src = one ? k => one.get(k) : k => style[k]
    for (const k of ['stroke', 'fill']) toolbar.querySelectorAll('.swatch.' + k).forEach(b => b.setAttribute('aria-pressed', String(b.dataset.color === src(k))))
    if (typeof src('strokeWidth') === 'number') widthSel.value = String(src('strokeWidth'))
    if (src('strokeStyle')) styleSel.value = src('strokeStyle')
  }
  const editable = id => { const el = getEl(id); return el && !el.get('locked') }
  function removeSelected () { if (ro) return; deleteElements(doc, [...selection].filter(editable)); setSelection([]) }
  function toggleLock () {
    if (ro || !selection.size) return
    const els = [...selection].map(id => getEl(id)).filter(Boolean)
    const lock = els.some(el => !el.get('locked'))
    doc.transact(() => els.forEach(el => el.set('locked', lock)))
    toast(lock ? 'Locked: these elements cannot be moved or edited until unlocked.' : 'Unlocked.')
  }
  function duplicate () { if (ro || !selection.size) return; setSelection(duplicateElements(doc, [...selection], { author: user.id })) }
  function zorder (how) {
    if (ro || !selection.size) return
    const ids = [...selection]
    if (how === 'front') bringToFront(doc, ids); else if (how === 'back') sendToBack(doc, ids); else moveOneStep(doc, ids, how === 'up' ? 1 : -1)
  }
  const props = extra => ({ stroke: style.stroke, fill: style.fill, strokeWidth: style.strokeWidth, strokeStyle: style.strokeStyle, author: user.id, ...extra })

  // ---------- arrows bound to shapes ----------
  const updateBoundArrows = ids => updateBoundArrowsIn(doc, ids, boundsOf)

  // ---------- pointer handling ----------
  let drag = null
  let marquee = null
  let spaceDown = false
  const pointers = new Map()

  stage.addEventListener('pointerdown', e => {
    if (editor && !editor.host.contains(e.target)) closeEditor()
    if (editor) return
    stage.focus({ preventScroll: true })
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY })
    try { stage.setPointerCapture(e.pointerId) } catch { /* pointer already gone */ }
    const p = toBoard(e.clientX, e.clientY)
    undo.stopCapturing() // every gesture is its own undo step
    if (pointers.size === 2) {
      // Two fingers: pinch-zoom and pan together, whatever the tool.
      const [a, b] = [...pointers.values()]
      const r = stageRect()
      const m0 = { x: (a.x + b.x) / 2 - r.left, y: (a.y + b.y) / 2 - r.top }
      drag = { kind: 'pinch', d0: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)), z0: view.zoom, bx: m0.x / view.zoom + view.x, by: m0.y / view.zoom + view.y }
      return
    }
    if (e.button === 1 || tool === 'hand' || spaceDown) {
      drag = { kind: 'pan', sx: e.clientX, sy: e.clientY, vx: view.x, vy: view.y }
      return
    }
    if (e.button !== 0) return
    if (tool === 'select') return startSelect(e, p)
    if (ro) return
    if (tool === 'pen' || tool === 'highlighter') {
      const hl = tool === 'highlighter'
      const id = createElement(doc, 'stroke', props({ x: p.x, y: p.y, points: [0, 0, round2(pressure(e))], stroke: hl ? (style.stroke === '#1e1e1e' ? '#fab005' : style.stroke) : style.stroke, strokeWidth: hl ? Math.max(8, style.strokeWidth * 4) : style.strokeWidth, opacity: hl ? 0.4 : 1, highlighter: hl }))
      if (selection.size) setSelection([])
      drag = { kind: 'stroke', id, ox: p.x, oy: p.y, buf: [], last: p }
      return
    }
    if (['rect', 'ellipse', 'diamond', 'frame'].includes(tool)) {
      drag = { kind: 'shape', type: tool, x0: p.x, y0: p.y, id: null }
      return
    }
    if (tool === 'line' || tool === 'arrow') {
      drag = { kind: 'line', type: tool, x0: p.x, y0: p.y, id: null, start: bindingTarget(elements, p.x, p.y) }
      return
    }
    if (tool === 'text' || tool === 'sticky') {
      const sticky = tool === 'sticky'
      const id = createElement(doc, tool, props(sticky
        ? { x: p.x, y: p.y, w: 200, h: 160, fill: style.fill === 'none' ? '#fff3a0' : style.fill, stroke: '#1e1e1e', strokeWidth: 1 }
        : { x: p.x, y: p.y - 12, w: 260, h: 48, fill: 'none', strokeWidth: 1 }))
      setSelection([id]); setTool('select')
      // After the mousedown that follows this pointerdown has moved focus to the stage.
      setTimeout(() => openEditor(id), 0)
    }
  })

  stage.addEventListener('pointermove', e => {
    const p = toBoard(e.clientX, e.clientY)
    sendPointer({ x: p.x, y: p.y })
    if (pointers.has(e.pointerId)) pointers.set(e.pointerId, { x: e.clientX, y: e.clientY })
    if (!drag) return
    const coalesced = e.getCoalescedEvents ? e.getCoalescedEvents() : []
    switch (drag.kind) {
      case 'pinch': {
        if (pointers.size < 2) break
        const [a, b] = [...pointers.values()]
        const r = stageRect()
        const m = { x: (a.x + b.x) / 2 - r.left, y: (a.y + b.y) / 2 - r.top }
        view.zoom = clampZoom(drag.z0 * Math.hypot(a.x - b.x, a.y - b.y) / drag.d0)
        view.x = drag.bx - m.x / view.zoom; view.y = drag.by - m.y / view.zoom
        viewChanged(); break
      }
      case 'pan':
        view.x = drag.vx - (e.clientX - drag.sx) / view.zoom; view.y = drag.vy - (e.clientY - drag.sy) / view.zoom
        viewChanged(); break
      case 'stroke': {
        const el = getEl(drag.id); if (!el) { drag = null; break }
        const add = []
        for (const ce of (coalesced.length ? coalesced : [e])) {
          const q = toBoard(ce.clientX, ce.clientY)
          if (Math.hypot(q.x - drag.last.x, q.y - drag.last.y) < 0.75 / view.zoom) continue
          drag.last = q
          add.push(round2(q.x - drag.ox), round2(q.y - drag.oy), round2(pressure(ce)))
        }
        // Points go out once per frame: one small update instead of one per pointer event.
        if (add.length) {
          drag.buf.push(...add)
          if (!drag.flush) {
            const d = drag
            d.flush = () => { cancelAnimationFrame(d.raf); d.raf = 0; const b = d.buf.splice(0); const e2 = getEl(d.id); if (b.length && e2) e2.get('points').push(b) }
            d.raf = requestAnimationFrame(d.flush)
          } else if (!drag.raf) { const d = drag; d.raf = requestAnimationFrame(d.flush) }
        }
        break
      }
      case 'shape': {
        const x = Math.min(drag.x0, p.x); const y = Math.min(drag.y0, p.y); const w = Math.abs(p.x - drag.x0); const hh = Math.abs(p.y - drag.y0)
        if (!drag.id) {
          if (w < 2 && hh < 2) break
          const extra = drag.type === 'frame' ? { name: 'Frame ' + (countType('frame') + 1), index: generateKeyBetween(null, bottomIndex(elements)), stroke: '#6b6b6b', fill: 'none', strokeWidth: 1 } : {}
          drag.id = createElement(doc, drag.type, props({ x, y, w, h: hh, ...extra }))
        } else {
          const el = getEl(drag.id)
          doc.transact(() => { el.set('x', x); el.set('y', y); el.set('w', w); el.set('h', hh) })
        }
        break
      }
      case 'line': {
        const target = bindingTarget(elements, p.x, p.y, drag.id ? [drag.id] : [])
        let end = p
        if (target && target !== drag.start) { const b = boundsOf(target, getEl(target)); end = edgePoint(b, { x: drag.x0, y: drag.y0 }) }
        const dx = end.x - drag.x0; const dy = end.y - drag.y0
        if (!drag.id) {
          if (Math.hypot(dx, dy) < 3) break
          drag.id = createElement(doc, drag.type, { ...props({ x: drag.x0, y: drag.y0, points: [0, 0, dx, dy], fill: 'none' }), arrowheads: drag.type === 'arrow' ? style.arrowheads : 'none' })
        } else {
          const pts = getEl(drag.id).get('points')
          doc.transact(() => { pts.delete(0, pts.length); pts.insert(0, [0, 0, dx, dy]) })
        }
        drag.end = target && target !== drag.start ? target : null
        break
      }
      case 'move': {
        const dx = p.x - drag.px; const dy = p.y - drag.py
        doc.transact(() => {
          for (const [id, o] of drag.orig) { const el = getEl(id); if (!el) continue; el.set('x', o.x + dx); el.set('y', o.y + dy) }
          updateBoundArrows([...drag.orig.keys()])
        })
        break
      }
      case 'resize': resizeTo(p, e.shiftKey); break
      case 'rotate': {
        const el = getEl(drag.id); const b = drag.b
        const a = Math.atan2(p.y - (b.y + b.h / 2), p.x - (b.x + b.w / 2)) + Math.PI / 2
        let r = e.shiftKey ? Math.round(a / (Math.PI / 12)) * (Math.PI / 12) : a
        r = ((r % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)
        el.set('rotation', Number(r.toFixed(4)))
        break
      }
      case 'marquee': marquee.x1 = p.x; marquee.y1 = p.y; schedule(); break
    }
  })

  const endPointer = e => {
    pointers.delete(e.pointerId)
    if (!drag) return
    const d = drag; drag = null
    if (d.kind === 'line' && d.id) {
      const el = getEl(d.id)
      doc.transact(() => {
        if (d.start) el.set('startBinding', d.start)
        if (d.end) el.set('endBinding', d.end)
        if (d.start) updateBoundArrows([d.start])
      })
      setSelection([d.id]); setTool('select')
    } else if (d.kind === 'shape' && d.id) { setSelection([d.id]); setTool('select') } else if (d.kind === 'marquee') {
      const m = { x: Math.min(marquee.x0, marquee.x1), y: Math.min(marquee.y0, marquee.y1), w: Math.abs(marquee.x1 - marquee.x0), h: Math.abs(marquee.y1 - marquee.y0) }
      const hits = []
      eachEl((el, id) => { const b = boundsOf(id, el); if (b.x >= m.x && b.y >= m.y && b.x + b.w <= m.x + m.w && b.y + b.h <= m.y + m.h) hits.push(id) })
      marquee = null
      setSelection(d.additive ? [...selection, ...hits] : hits)
    } else if (d.kind === 'stroke') {
      d.flush?.()
      const el = getEl(d.id)
      if (el) { const b = elementBounds(el); doc.transact(() => { el.set('w', round2(b.w)); el.set('h', round2(b.h)) }) }
    }
    schedule()
  }
  stage.addEventListener('pointerup', endPointer)
  stage.addEventListener('pointercancel', endPointer)
  stage.addEventListener('pointerleave', () => { if (!drag) awareness.setLocalStateField('pointer', null) })
  stage.addEventListener('wheel', e => {
    e.preventDefault()
    const r = stageRect()
    if (e.ctrlKey || e.metaKey) zoomAt(Math.exp(-e.deltaY * 0.01), e.clientX - r.left, e.clientY - r.top)
    else { view.x += e.deltaX / view.zoom; view.y += e.deltaY / view.zoom; viewChanged() }
  }, { passive: false })
  stage.addEventListener('dblclick', e => {
    const id = hitAt(toBoard(e.clientX, e.clientY))
    if (!id || ro) return
    const el = getEl(id)
    if (['text', 'sticky'].includes(el.get('type'))) openEditor(id)
    else if (el.get('type') === 'frame') {
      const name = prompt('Frame name', String(el.get('name') ?? ''))
      if (name != null) el.set('name', name.slice(0, 200))
    }
  })

  function hitAt (p) {
    const list = sorted()
    const tol = 4 / view.zoom
    for (let i = list.length - 1; i >= 0; i--) {
      const [id, el] = list[i]
      const b = boundsOf(id, el)
      if (p.x < b.x - tol || p.x > b.x + b.w + tol || p.y < b.y - tol || p.y > b.y + b.h + tol) continue
      // Frames are picked by their border/label only, so what is drawn inside stays reachable.
      if (el.get('type') === 'frame') { const edge = 8 / view.zoom; if (p.x > b.x + edge && p.x < b.x + b.w - edge && p.y > b.y + edge && p.y < b.y + b.h - edge) continue }
      return id
    }
    // Frame labels sit just above the frame.
    for (let i = list.length - 1; i >= 0; i--) {
      const [id, el] = list[i]
      if (el.get('type') !== 'frame') continue
      const b = boundsOf(id, el)
      if (p.x >= b.x && p.x <= b.x + Math.max(80, b.w) && p.y >= b.y - 20 / view.zoom && p.y <= b.y) return id
    }
    return null
  }

  function startSelect (e, p) {
    const handle = e.target.closest?.('[data-handle]')?.dataset.handle
    if (handle && selection.size === 1 && !ro) {
      const id = [...selection][0]; const el = getEl(id)
      const b = { ...boundsOf(id, el) }
      if (handle === 'rotate') { drag = { kind: 'rotate', id, b }; return }
      const pts = el.get('points') instanceof Y.Array ? el.get('points').toArray() : null
      drag = { kind: 'resize', id, handle, b, x: num(el.get('x')), y: num(el.get('y')), pts, type: el.get('type') }
      return
    }
    const id = hitAt(p)
    if (id) {
      if (e.shiftKey) { const s = new Set(selection); s.has(id) ? s.delete(id) : s.add(id); setSelection(s); return }
      if (!selection.has(id)) setSelection([id])
      if (ro) return
      const orig = new Map()
      for (const sid of selection) { const el = getEl(sid); if (el && !el.get('locked')) orig.set(sid, { x: num(el.get('x')), y: num(el.get('y')) }) }
      // Moving a frame carries what lies inside it.
      for (const sid of [...orig.keys()]) {
        const el = getEl(sid)
        if (el.get('type') !== 'frame') continue
        const fb = boundsOf(sid, el)
        eachEl((o, oid) => { if (orig.has(oid) || o.get('locked')) return; const b = boundsOf(oid, o); if (b.x >= fb.x && b.y >= fb.y && b.x + b.w <= fb.x + fb.w && b.y + b.h <= fb.y + fb.h) orig.set(oid, { x: num(o.get('x')), y: num(o.get('y')) }) })
      }
      drag = { kind: 'move', px: p.x, py: p.y, orig }
    } else {
      if (!e.shiftKey) setSelection([])
      marquee = { x0: p.x, y0: p.y, x1: p.x, y1: p.y }
      drag = { kind: 'marquee', additive: e.shiftKey }
    }
  }

  function resizeTo (p, keepRatio) {
    const d = drag; const el = getEl(d.id); if (!el) return
    const b = d.b
    let x0 = b.x; let y0 = b.y; let x1 = b.x + b.w; let y1 = b.y + b.h
    if (d.handle.includes('w')) x0 = p.x; else x1 = p.x
    if (d.handle.includes('n')) y0 = p.y; else y1 = p.y
    if (keepRatio && b.w && b.h) { const s = Math.max(Math.abs(x1 - x0) / b.w, Math.abs(y1 - y0) / b.h); if (d.handle.includes('w')) x0 = x1 - b.w * s; else x1 = x0 + b.w * s; if (d.handle.includes('n')) y0 = y1 - b.h * s; else y1 = y0 + b.h * s }
    const nb = { x: Math.min(x0, x1), y: Math.min(y0, y1), w: Math.max(1, Math.abs(x1 - x0)), h: Math.max(1, Math.abs(y1 - y0)) }
    doc.transact(() => {
      if (d.pts && (d.type === 'stroke' || d.type === 'line' || d.type === 'arrow')) {
        // Scale points about the old bounds into the new ones.
        const step = d.type === 'stroke' ? 3 : 2
        const sx = b.w ? nb.w / b.w : 1; const sy = b.h ? nb.h / b.h : 1
        const out = d.pts.slice()
        for (let i = 0; i + 1 < out.length; i += step) {
          out[i] = round2(nb.x + (d.x + d.pts[i] - b.x) * sx - nb.x)
          out[i + 1] = round2(nb.y + (d.y + d.pts[i + 1] - b.y) * sy - nb.y)
        }
        const pts = el.get('points')
        pts.delete(0, pts.length); pts.insert(0, out)
        el.set('x', nb.x); el.set('y', nb.y)
        const nbb = elementBounds(el)
        el.set('w', round2(nbb.w)); el.set('h', round2(nbb.h))
      } else {
        el.set('x', nb.x); el.set('y', nb.y); el.set('w', nb.w); el.set('h', nb.h)
      }
      updateBoundArrows([d.id])
    })
  }

  // ---------- keyboard ----------
  const onKey = e => {
    const t = e.target
    if (t.closest && (t.closest('input,textarea,select,[contenteditable="true"],.ql-editor') && !t.closest('.toolbar'))) return
    if (!root.isConnected) return
    if (t.closest && t.closest('select')) return
    const mod = e.ctrlKey || e.metaKey
    const k = e.key
    if (k === ' ' && !spaceDown) { spaceDown = true; stage.dataset.panning = '1'; if (t === stage) e.preventDefault(); return }
    if (mod && (k === 'z' || k === 'Z')) { if (!ro) (e.shiftKey ? undo.redo() : undo.undo()); e.preventDefault(); return }
    if (mod && (k === 'y')) { if (!ro) undo.redo(); e.preventDefault(); return }
    if (mod && k === 'd') { duplicate(); e.preventDefault(); return }
    if (mod && k === 'l') { toggleLock(); e.preventDefault(); return }
    if (mod && k === 'a') { setSelection(sorted().map(([id]) => id)); e.preventDefault(); return }
    if (mod && k === ']') { zorder('front'); e.preventDefault(); return }
    if (mod && k === '[') { zorder('back'); e.preventDefault(); return }
    if (mod) return
    if (t.closest && t.closest('button') && (k === 'Enter' || k === ' ')) return
    if (k === 'Delete' || k === 'Backspace') { removeSelected(); e.preventDefault(); return }
    if (k === 'Escape') { setSelection([]); setTool('select'); return }
    if (k === ']') return zorder('up')
    if (k === '[') return zorder('down')
    if (k === '+' || k === '=') return zoomBy(1.25)
    if (k === '-') return zoomBy(1 / 1.25)
    if (k === '0') return fit()
    if (k === 'Enter' && selection.size === 1 && !ro) { const id = [...selection][0]; if (['text', 'sticky'].includes(getEl(id)?.get('type'))) { openEditor(id); e.preventDefault() } return }
    if (k.startsWith('Arrow') && selection.size && !ro) {
      const step = e.shiftKey ? 10 : 1
      const dx = k === 'ArrowLeft' ? -step : k === 'ArrowRight' ? step : 0; const dy = k === 'ArrowUp' ? -step : k === 'ArrowDown' ? step : 0
      doc.transact(() => { for (const id of selection) { const el = getEl(id); if (el && !el.get('locked')) { el.set('x', num(el.get('x')) + dx); el.set('y', num(el.get('y')) + dy) } } updateBoundArrows([...selection]) })
      e.preventDefault(); return
    }
    if ((k === 'c' || k === 'C') && comments.openSelected()) { e.preventDefault(); return }
    const tl = TOOLS.find(x => x[2].toLowerCase() === k.toLowerCase())
    if (tl) setTool(tl[0])
  }
  const onKeyUp = e => { if (e.key === ' ') { spaceDown = false; delete stage.dataset.panning } }
  document.addEventListener('keydown', onKey); document.addEventListener('keyup', onKeyUp)
  cleanups.push(() => { document.removeEventListener('keydown', onKey); document.removeEventListener('keyup', onKeyUp) })

  // ---------- rich-text editing of text and sticky elements ----------
  function openEditor (id) {
    closeEditor()
    const el = getEl(id)
    const text = el?.get('text')
    if (!(text instanceof Y.Text) || ro || el.get('locked')) return
    const host = h('div', { class: 'text-editor' + (el.get('type') === 'sticky' ? ' sticky' : ''), 'data-id': id })
    const inner = h('div', {})
    host.append(inner)
    cursors.parentNode.append(host)
    const quill = new Quill(inner, { theme: 'bubble', formats: ['bold', 'italic', 'underline', 'strike', 'link', 'color'], modules: { toolbar: [['bold', 'italic', 'underline', 'strike'], ['link'], [{ color: COLORS.map(c => c[0]) }]], history: { userOnly: true } }, placeholder: 'Type…' })
    quill.root.setAttribute('aria-label', el.get('type') === 'sticky' ? 'Sticky note text' : 'Text box')
    const binding = bindQuill(text, quill)
    undo.addTrackedOrigin(binding)
    const place = () => {
      const e2 = getEl(id); if (!e2) { closeEditor(); return }
      const s = toScreen(num(e2.get('x')), num(e2.get('y')))
      Object.assign(host.style, {
        transform: `translate(${s.x}px, ${s.y}px) scale(${view.zoom})`, width: Math.max(40, num(e2.get('w'), 200)) + 'px', height: Math.max(24, num(e2.get('h'), 40)) + 'px',
        fontSize: num(e2.get('fontSize'), 18) + 'px', background: e2.get('type') === 'sticky' ? (e2.get('fill') === 'none' ? '#fff3a0' : e2.get('fill')) : 'rgba(255,255,255,.9)'
      })
    }
    host.addEventListener('keydown', e => { if (e.key === 'Escape') { closeEditor(); stage.focus() } e.stopPropagation() })
    editor = { id, host, quill, binding, place }
    nodes.delete(id); place(); schedule()
    quill.focus()
    quill.setSelection(quill.getLength() - 1, 0)
  }
  function closeEditor () {
    if (!editor) return
    const { id, host, binding } = editor
    editor = null
    undo.removeTrackedOrigin(binding)
    binding.destroy(); host.remove()
    nodes.delete(id); schedule()
  }
  cleanups.push(closeEditor)

  // ---------- images ----------
  async function uploadImage (file) {
    const vp = viewportRect()
    let url
    try {
      const r = await fetch('/api/uploads', { method: 'POST', body: file, headers: { 'Content-Type': file.type || 'application/octet-stream', Authorization: 'Bearer ' + token } })
      if (!r.ok) throw new Error(r.status === 404 || r.status === 405 ? 'this server does not accept uploads yet' : `the server answered ${r.status}`)
      const body = await r.json().catch(() => ({}))
      url = body.url || body.src || r.headers.get('Location')
      if (!url) throw new Error('the server returned no URL')
    } catch (e) {
      toast(`Image upload failed: ${e.message}.`, 'error')
      return
    }
    const size = await new Promise(resolve => { const img = new Image(); img.onload = () => resolve([img.naturalWidth, img.naturalHeight]); img.onerror = () => resolve([320, 240]); img.src = url })
    const s = Math.min(1, 480 / Math.max(size[0], size[1], 1))
    const id = createElement(doc, 'image', props({ x: vp.x + vp.w / 2 - (size[0] * s) / 2, y: vp.y + vp.h / 2 - (size[1] * s) / 2, w: size[0] * s, h: size[1] * s, src: url, stroke: 'none' }))
    setSelection([id])
  }

  // ---------- misc ----------
  const countType = t => { let n = 0; eachEl(el => { if (el.get('type') === t) n++ }); return n }
  shared.whenReady(() => { if (!ro) initBoard(doc, { title }); schedule() })
  setTool('select'); setStyle('stroke', style.stroke); setStyle('fill', style.fill); widthSel.value = '2'
  awareness.setLocalStateField('selection', [])
  sendViewport(); schedule()

  return {
    root,
    get following () { return following },
    follow (clientId) {
      following = clientId
      onAwareness()
    },
    get leading () { return !!awareness.getLocalState()?.lead },
    lead (on) { awareness.setLocalStateField('lead', !!on); sendViewport() },
    selectedFrame () {
      if (selection.size !== 1) return null
      const id = [...selection][0]; const el = getEl(id)
      return el?.get('type') === 'frame' ? { id, name: String(el.get('name') ?? 'Frame') } : null
    },
    meta: () => boardMeta(doc).toJSON(),
    destroy () { cancelAnimationFrame(frameReq); clearTimeout(ptrTimer); cleanups.forEach(f => { try { f() } catch {} }) }
  }
}

function pressure (e) {
  // Mice report 0.5 while a button is down; pens and touch give real pressure.
  const p = typeof e.pressure === 'number' && e.pressure > 0 ? e.pressure : 0.5
  return Math.min(1, Math.max(0.05, p))
}
const round2 = v => Math.round(v * 100) / 100
// Re-exported for tests of the drawing code.
export { strokePath }
