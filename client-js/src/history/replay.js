// Replay of a document's update log (GET /api/docs/{doc}/replay): decoding of the server's
// lib0 framing and a timeline that steps a local Y.Doc through the logged updates.
//
// Framing (server/domain/README.md "Replay"): varUint8Array(base) then, per update,
// varUint(seq) varUint(time_ms) varUint8Array(update). `base` is everything before `from`
// merged (an empty update when nothing precedes it).
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'

/**
 * Decodes a replay body into { base: Uint8Array, updates: [{ seq, time, update }] }.
 * Throws an Error with a readable message when the bytes are not a replay.
 */
export function decodeReplay (bytes) {
  const buf = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)
  const d = decoding.createDecoder(buf)
  let base
  const updates = []
  try {
    base = decoding.readVarUint8Array(d)
    if (d.pos > buf.length) throw new Error('truncated base')
    while (decoding.hasContent(d)) {
      const seq = decoding.readVarUint(d)
      const time = decoding.readVarUint(d)
      const update = decoding.readVarUint8Array(d)
      if (d.pos > buf.length) throw new Error('truncated update')
      updates.push({ seq, time, update })
    }
  } catch (e) {
    throw new Error(`the replay data cannot be read (${e.message || e})`)
  }
  return { base, updates }
}

/** Index of the last update at or before `time` plus one: how many updates a doc at `time` holds. */
export function positionAt (updates, time) {
  let lo = 0; let hi = updates.length
  while (lo < hi) { const mid = (lo + hi) >> 1; if (updates[mid].time <= time) lo = mid + 1; else hi = mid }
  return lo
}

/**
 * Steps a Y.Doc through a decoded replay. Position k means: base + the first k updates.
 * Moving forward applies the missing updates to the current doc; moving backward starts a
 * fresh doc (Yjs cannot unapply), which `onNewDoc(doc)` announces so a view can remount.
 */
export class ReplayTimeline {
  constructor ({ base, updates }, { onNewDoc = () => {} } = {}) {
    this.base = base
    this.updates = updates
    this.onNewDoc = onNewDoc
    this.doc = null
    this.position = -1
    this.errors = 0
    this.seek(0)
  }

  get length () { return this.updates.length }
  get startTime () { return this.updates.length ? this.updates[0].time : null }
  get endTime () { return this.updates.length ? this.updates[this.updates.length - 1].time : null }
  /** Time of position k: the time of the last applied update (the start time at 0). */
  timeAt (k) {
    if (!this.updates.length) return null
    return k <= 0 ? this.updates[0].time : this.updates[Math.min(k, this.updates.length) - 1].time
  }

  /** Moves to position k (clamped to 0..length); returns the doc showing it. */
  seek (k) {
    k = Math.max(0, Math.min(this.updates.length, Math.floor(Number(k) || 0)))
    if (this.doc && k === this.position) return this.doc
    let fresh = false
    if (!this.doc || k < this.position) {
      this.doc?.destroy()
      this.doc = new Y.Doc()
      this.position = 0
      fresh = true
      this.apply(this.base)
    }
    for (let i = this.position; i < k; i++) this.apply(this.updates[i].update)
    this.position = k
    if (fresh) this.onNewDoc(this.doc)
    return this.doc
  }

  /** Moves to the last position whose time is at or before `time`. */
  seekTime (time) { return this.seek(positionAt(this.updates, time)) }

  apply (update) {
    // A bad logged update is skipped, never a crash: the rest still replays.
    try { Y.applyUpdate(this.doc, update, 'replay') } catch { this.errors++ }
  }

  /**
   * Playback step: spends `budget` ms of (capped) log time from the current position and
   * returns { position, budget } — how far the log gets and the time left over, so a burst of
   * changes (one stroke) plays together and long pauses last at most `maxGap`.
   */
  advance (budget, maxGap = 1500) {
    let k = this.position
    let left = budget
    while (k < this.updates.length) {
      const gap = k === 0 ? 0 : Math.max(0, Math.min(this.updates[k].time - this.updates[k - 1].time, maxGap))
      if (gap > left) break
      left -= gap
      k++
    }
    return { position: k, budget: k >= this.updates.length ? 0 : left }
  }

  destroy () { this.doc?.destroy(); this.doc = null }
}
