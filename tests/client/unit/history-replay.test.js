// Replay decoding and stepping (client-js/src/history/replay.js). The replay body is framed
// here with lib0's encoder, independently of the decoder under test, from a real Y.Doc's
// updates; each position must equal a doc that applied the same updates directly.
import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { decodeReplay, positionAt, ReplayTimeline } from '../../../client-js/src/history/replay.js'

function recordedBoard (seed) {
  // A small PRNG so the run is reproducible; the seed is printed.
  let s = seed >>> 0
  const rand = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 }
  const doc = new Y.Doc()
  const updates = []
  doc.on('update', u => updates.push(u))
  const els = doc.getMap('elements')
  for (let i = 0; i < 12; i++) {
    doc.transact(() => {
      if (i > 2 && rand() < 0.3) { const keys = [...els.keys()]; els.delete(keys[Math.floor(rand() * keys.length)]) } else {
        const m = new Y.Map(); els.set('e' + i, m)
        m.set('type', 'stroke'); m.set('x', Math.round(rand() * 500))
        const pts = new Y.Array(); m.set('points', pts); pts.push([1, 2, 0.5])
      }
    })
  }
  return { doc, updates }
}

function frame (base, updates) {
  const e = encoding.createEncoder()
  encoding.writeVarUint8Array(e, base)
  for (const u of updates) { encoding.writeVarUint(e, u.seq); encoding.writeVarUint(e, u.time); encoding.writeVarUint8Array(e, u.update) }
  return encoding.toUint8Array(e)
}

const stateOf = doc => doc.getMap('elements').toJSON()

describe('decodeReplay', () => {
  it('reads the base and every update with its seq and time', () => {
    const seed = Date.now() % 100000
    console.log('replay seed', seed)
    const { updates } = recordedBoard(seed)
    const framed = updates.map((u, i) => ({ seq: 100 + i, time: 1764000000000 + i * 1500, update: u }))
    const r = decodeReplay(frame(new Uint8Array([0, 0]), framed))
    expect(Array.from(r.base)).toEqual([0, 0])
    expect(r.updates.length).toBe(framed.length)
    r.updates.forEach((u, i) => {
      expect(u.seq).toBe(framed[i].seq)
      expect(u.time).toBe(framed[i].time)
      expect(Array.from(u.update)).toEqual(Array.from(framed[i].update))
    })
  })
  it('accepts an ArrayBuffer and an empty log', () => {
    const bytes = frame(new Uint8Array([0, 0]), [])
    const r = decodeReplay(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
    expect(r.updates).toEqual([])
  })
  it('throws a readable error on truncated or garbage bytes, never crashes', () => {
    const { updates } = recordedBoard(7)
    const bytes = frame(new Uint8Array([0, 0]), [{ seq: 1, time: 5, update: updates[0] }])
    expect(() => decodeReplay(bytes.subarray(0, bytes.length - 3))).toThrow(/replay data cannot be read/)
    expect(() => decodeReplay(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(/replay data cannot be read/)
    expect(() => decodeReplay(new Uint8Array([]))).toThrow(/replay data cannot be read/)
  })
})

describe('ReplayTimeline', () => {
  const seed = 4242
  const { doc: full, updates } = recordedBoard(seed)
  const framed = updates.map((u, i) => ({ seq: i + 1, time: 1000 + i * 100, update: u }))

  it('position k equals a doc with the first k updates applied', () => {
    const tl = new ReplayTimeline({ base: new Uint8Array([0, 0]), updates: framed })
    expect(tl.length).toBe(updates.length)
    for (const k of [0, 3, 7, updates.length, 2, 0, updates.length]) {
      const ref = new Y.Doc()
      updates.slice(0, k).forEach(u => Y.applyUpdate(ref, u))
      expect(stateOf(tl.seek(k))).toEqual(stateOf(ref))
    }
    expect(stateOf(tl.doc)).toEqual(stateOf(full))
    expect(tl.seek(-5)).toBe(tl.doc); expect(tl.position).toBe(0)
    tl.seek(1e9); expect(tl.position).toBe(updates.length)
  })

  it('moves forward on the same doc and announces a fresh doc when going back', () => {
    const fresh = []
    const tl = new ReplayTimeline({ base: new Uint8Array([0, 0]), updates: framed }, { onNewDoc: d => fresh.push(d) })
    expect(fresh.length).toBe(1)
    const d0 = tl.doc
    tl.seek(5); expect(tl.doc).toBe(d0); expect(fresh.length).toBe(1)
    tl.seek(2); expect(tl.doc).not.toBe(d0); expect(fresh.length).toBe(2); expect(fresh[1]).toBe(tl.doc)
  })

  it('starts from a non-empty base (history before the window)', () => {
    const base = Y.mergeUpdates(updates.slice(0, 4))
    const tl = new ReplayTimeline({ base, updates: framed.slice(4) })
    const ref = new Y.Doc(); updates.slice(0, 4).forEach(u => Y.applyUpdate(ref, u))
    expect(stateOf(tl.doc)).toEqual(stateOf(ref))
    tl.seek(tl.length)
    expect(stateOf(tl.doc)).toEqual(stateOf(full))
  })

  it('skips an update that does not decode and replays the rest', () => {
    const bad = [...framed.slice(0, 2), { seq: 99, time: 1150, update: new Uint8Array([1, 2, 3]) }, ...framed.slice(2)]
    const tl = new ReplayTimeline({ base: new Uint8Array([0, 0]), updates: bad })
    tl.seek(tl.length)
    expect(tl.errors).toBe(1)
    expect(stateOf(tl.doc)).toEqual(stateOf(full))
  })

  it('maps times to positions and positions to times', () => {
    const tl = new ReplayTimeline({ base: new Uint8Array([0, 0]), updates: framed })
    expect(positionAt(framed, 999)).toBe(0)
    expect(positionAt(framed, 1000)).toBe(1)
    expect(positionAt(framed, 1250)).toBe(3)
    expect(positionAt(framed, 1e12)).toBe(framed.length)
    tl.seekTime(1250); expect(tl.position).toBe(3)
    expect(tl.timeAt(0)).toBe(1000); expect(tl.timeAt(3)).toBe(1200)
    expect(tl.startTime).toBe(1000); expect(tl.endTime).toBe(1000 + (framed.length - 1) * 100)
  })

  it('plays bursts together and caps long pauses', () => {
    const times = [0, 10, 20, 30, 5000, 5010, 60000]
    const ups = times.map((time, i) => ({ seq: i + 1, time, update: updates[i] }))
    const tl = new ReplayTimeline({ base: new Uint8Array([0, 0]), updates: ups })
    let r = tl.advance(0)
    expect(r.position).toBe(1) // the first change shows at once
    r = tl.advance(35); expect(r).toEqual({ position: 4, budget: 5 })
    tl.seek(4)
    r = tl.advance(1000, 1500); expect(r).toEqual({ position: 4, budget: 1000 }) // 4970 ms pause capped to 1500
    r = tl.advance(1510, 1500); expect(r).toEqual({ position: 6, budget: 0 })
    tl.seek(6)
    r = tl.advance(1500, 1500); expect(r).toEqual({ position: 7, budget: 0 }) // the end
  })
})
