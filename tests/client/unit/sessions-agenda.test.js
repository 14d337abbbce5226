// The client-side agenda frame for a session board that already had content
// (client-js/src/sessions/agenda.js), checked against the DESIGN.md board schema.
import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import { ensureAgendaFrame, agendaDelta, AGENDA_FRAME_ID, AGENDA_TEXT_ID } from '../../../client-js/src/sessions/agenda.js'
import { createElement, elementBounds, sortedElements } from '../../../client-js/src/model/board.js'

describe('ensureAgendaFrame', () => {
  it('adds a frame named Agenda and the agenda text (bold heading, numbered items) once', () => {
    const doc = new Y.Doc()
    expect(ensureAgendaFrame(doc, { agenda: ['Review', 'Next steps'] }, { author: 'u1', now: 5 })).toBe(true)
    const els = doc.getMap('elements')
    const frame = els.get(AGENDA_FRAME_ID); const text = els.get(AGENDA_TEXT_ID)
    expect(frame.get('type')).toBe('frame'); expect(frame.get('name')).toBe('Agenda')
    expect(text.get('type')).toBe('text')
    expect(text.get('text')).toBeInstanceOf(Y.Text)
    expect(text.get('text').toString()).toBe('Agenda\n1. Review\n2. Next steps')
    const delta = text.get('text').toDelta()
    expect(delta[0]).toEqual({ insert: 'Agenda', attributes: { bold: true } })
    expect(delta.slice(1).every(d => !d.attributes)).toBe(true)
    expect(frame.get('author')).toBe('u1'); expect(frame.get('createdAt')).toBe(5)
    expect(ensureAgendaFrame(doc, { agenda: ['Again'] })).toBe(false)
    expect(els.size).toBe(2)
  })
  it('places the frame left of existing content, below it in z-order', () => {
    const doc = new Y.Doc()
    createElement(doc, 'rect', { x: 100, y: 50, w: 200, h: 100 })
    createElement(doc, 'rect', { x: 900, y: 700, w: 50, h: 50 })
    ensureAgendaFrame(doc, { agenda: [] })
    const els = doc.getMap('elements')
    const fb = elementBounds(els.get(AGENDA_FRAME_ID))
    expect(fb.x + fb.w).toBeLessThan(100)
    expect(fb.y).toBe(50)
    expect(sortedElements(els)[0][0]).toBe(AGENDA_FRAME_ID)
    expect(els.get(AGENDA_TEXT_ID).get('text').toString()).toBe('Agenda')
  })
  it('ignores agenda entries that are not text and bad element data', () => {
    const doc = new Y.Doc()
    doc.getMap('elements').set('junk', 'not a map')
    expect(ensureAgendaFrame(doc, { agenda: ['a', 3, null, '  ', 'b'] })).toBe(true)
    expect(agendaDelta(['a', 3, null, '  ', 'b']).lines).toBe(3)
    expect(doc.getMap('elements').get(AGENDA_TEXT_ID).get('text').toString()).toBe('Agenda\n1. a\n2. b')
    expect(ensureAgendaFrame(new Y.Doc(), null)).toBe(true)
  })
})
