// The agenda frame of a session board. The server puts it on the board when the session
// starts, but only into an empty document: a board with that number that someone already
// opened (every workspace shows "Board 1") keeps its content and gets no agenda. Then the
// client that started the session adds the frame itself, beside what is there.
import * as Y from 'yjs'
import { boardElements, createElement, elementBounds, bottomIndex } from '../model/board.js'
import { generateKeyBetween } from 'fractional-indexing'

export const AGENDA_FRAME_ID = 'agenda-frame'
export const AGENDA_TEXT_ID = 'agenda-text'

/** The Quill delta of the agenda text: "Agenda" in bold, then "1. item" lines. */
export function agendaDelta (agenda) {
  const items = (Array.isArray(agenda) ? agenda : []).filter(a => typeof a === 'string' && a.trim())
  const delta = [{ insert: 'Agenda', attributes: { bold: true } }]
  if (items.length) delta.push({ insert: items.map((a, i) => `\n${i + 1}. ${a}`).join('') })
  return { delta, lines: items.length + 1 }
}

/**
 * Adds the agenda frame and text to a board that has no agenda frame; returns true when it
 * added them. The frame goes left of the existing content so nothing is covered.
 */
export function ensureAgendaFrame (doc, session, { author = '', now = Date.now() } = {}) {
  const elements = boardElements(doc)
  if (elements.get(AGENDA_FRAME_ID) instanceof Y.Map) return false
  let minX = Infinity; let minY = Infinity
  elements.forEach(el => {
    if (!(el instanceof Y.Map)) return
    try { const b = elementBounds(el); if (Number.isFinite(b.x) && Number.isFinite(b.y)) { minX = Math.min(minX, b.x); minY = Math.min(minY, b.y) } } catch {}
  })
  const W = 1280; const H = 800
  const x = Number.isFinite(minX) ? Math.round(minX - W - 80) : 0
  const y = Number.isFinite(minY) ? Math.round(minY) : 0
  const { delta, lines } = agendaDelta(session?.agenda)
  const below = bottomIndex(elements)
  const frameIndex = generateKeyBetween(null, below)
  doc.transact(() => {
    createElement(doc, 'frame', { x, y, w: W, h: H, name: 'Agenda', index: frameIndex, stroke: '#1f2937' }, { author, now, id: AGENDA_FRAME_ID })
    createElement(doc, 'text', { x: x + 40, y: y + 40, w: 600, h: 40 + 36 * lines, fontSize: 24, align: 'left', delta, stroke: '#1f2937' }, { author, now, id: AGENDA_TEXT_ID })
  })
  return true
}
