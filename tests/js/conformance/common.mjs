// Shared helpers of the conformance generators: pinned yjs, hex, and the expected-result
// record (per-root JSON, text deltas, state vector, full-state update) that C++ compares with.
import * as Y from 'yjs'
import fs from 'node:fs'

export { Y }
export const hex = (u8) => Buffer.from(u8).toString('hex')
export const unhex = (h) => new Uint8Array(Buffer.from(h, 'hex'))

// Roots are named and typed by the scenario: [[name, 'text'|'map'|'array'|'xml'], ...].
export const rootType = (doc, name, kind) => {
  switch (kind) {
    case 'text': return doc.getText(name)
    case 'map': return doc.getMap(name)
    case 'array': return doc.getArray(name)
    case 'xml': return doc.getXmlFragment(name)
    default: throw new Error(`unknown root kind ${kind}`)
  }
}

// JSON.stringify of each root's toJSON(), keyed by root name (in the order given).
export const docJSON = (doc, roots) => {
  const out = {}
  for (const [name, kind] of roots) out[name] = rootType(doc, name, kind).toJSON()
  return JSON.stringify(out, (k, v) => typeof v === 'bigint' ? Number(v) : v)
}

export const textDeltas = (doc, roots) => {
  const out = {}
  for (const [name, kind] of roots) if (kind === 'text') out[name] = rootType(doc, name, kind).toDelta()
  return JSON.stringify(out)
}

export const expected = (doc, roots) => ({
  json: docJSON(doc, roots),
  delta: textDeltas(doc, roots),
  sv: hex(Y.encodeStateVector(doc)),
  state: hex(Y.encodeStateAsUpdate(doc))
})

export const newDoc = (clientID, gc = true) => {
  const d = new Y.Doc({ gc })
  d.clientID = clientID
  return d
}

export const writeJSONLines = (file, header, records) => {
  const lines = [JSON.stringify(header), ...records.map(r => JSON.stringify(r))]
  fs.writeFileSync(file, lines.join('\n') + '\n')
}
