// Stock y-websocket clients converge through `tandem serve`: two clients, many clients,
// concurrent Map/Array/Text edits, and a late joiner that receives everything.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  serverPerSuite, Y, mintToken, openClient, waitSynced, waitFor, contentOf, seededRandom
} from './lib/harness.mjs'

let server
let token
const open = (doc) => { const c = openClient(server, doc, token); clients.push(c); return c }

const clients = serverPerSuite(async (s) => {
  server = s
  token = await mintToken({ dataDir: s.dataDir, role: 'mentor', prefix: 'acme-7' })
})

test('two clients converge on Map, Array and Text edits made on both sides', async () => {
  const a = open('acme-7/converge-two')
  const b = open('acme-7/converge-two')
  await Promise.all([waitSynced(a), waitSynced(b)])
  a.doc.transact(() => {
    a.doc.getMap('m').set('from', 'a')
    a.doc.getArray('a').push([1, 2, 3])
    a.doc.getText('t').insert(0, 'hello ')
  })
  b.doc.transact(() => {
    b.doc.getMap('m').set('other', { nested: [true, null, 1.5] })
    b.doc.getArray('a').insert(0, ['b0'])
    b.doc.getText('t').insert(0, 'world')
  })
  await waitFor(() => contentOf(a.doc) === contentOf(b.doc) && a.doc.getArray('a').length === 4, 10000, 'two clients to converge')
  assert.equal(a.doc.getMap('m').get('from'), 'a')
  assert.deepEqual(b.doc.getMap('m').get('other'), { nested: [true, null, 1.5] })
  assert.equal(a.doc.getText('t').length, 'hello world'.length)
  // Deletes and formatting travel too.
  b.doc.getText('t').format(0, 3, { bold: true })
  a.doc.getArray('a').delete(1, 1)
  a.doc.getMap('m').delete('from')
  await waitFor(() => contentOf(a.doc) === contentOf(b.doc) && !b.doc.getMap('m').has('from') && b.doc.getArray('a').length === 3,
    10000, 'deletes to converge')
  assert.deepEqual(a.doc.getText('t').toDelta()[0].attributes, { bold: true })
})

test('eight clients making concurrent random edits all converge to the same document', async () => {
  const rnd = seededRandom('eight-clients')
  const cs = Array.from({ length: 8 }, () => open('acme-7/converge-many'))
  await Promise.all(cs.map((c) => waitSynced(c)))
  let expectedKeys = 0
  for (let round = 0; round < 30; round++) {
    for (const [i, c] of cs.entries()) {
      const op = rnd.int(3)
      if (op === 0) { c.doc.getMap('m').set(`k${i}-${round}`, rnd.int(1000)); expectedKeys++ } else if (op === 1) {
        const arr = c.doc.getArray('a')
        arr.insert(rnd.int(arr.length + 1), [`${i}:${round}`])
      } else {
        const t = c.doc.getText('t')
        if (t.length > 4 && rnd() < 0.3) t.delete(rnd.int(t.length - 2), 2)
        else t.insert(rnd.int(t.length + 1), String.fromCharCode(97 + rnd.int(26)))
      }
    }
    if (round % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 20))
  }
  await waitFor(() => cs.every((c) => contentOf(c.doc) === contentOf(cs[0].doc)) && cs[0].doc.getMap('m').size === expectedKeys,
    20000, 'eight clients to converge')
  // Convergence by JSON is not enough if state differs: state vectors must match too.
  const sv = Buffer.from(Y.encodeStateVector(cs[0].doc)).toString('hex')
  for (const c of cs) assert.equal(Buffer.from(Y.encodeStateVector(c.doc)).toString('hex'), sv)
})

test('a late joiner receives everything written before it connected', async () => {
  const a = open('acme-7/late-joiner')
  await waitSynced(a)
  for (let i = 0; i < 50; i++) a.doc.getMap('m').set(`key${i}`, i)
  a.doc.getText('t').insert(0, 'x'.repeat(2000))
  a.doc.getArray('a').push(Array.from({ length: 100 }, (_, i) => i))
  const late = open('acme-7/late-joiner')
  await waitSynced(late)
  await waitFor(() => contentOf(late.doc) === contentOf(a.doc), 10000, 'late joiner to catch up')
  assert.equal(late.doc.getMap('m').size, 50)
  assert.equal(late.doc.getArray('a').length, 100)
  // A joiner that arrives after the writer left still gets it all (from the server's copy).
  a.close()
  clients.splice(clients.indexOf(a), 1)
  const later = open('acme-7/late-joiner')
  await waitSynced(later)
  await waitFor(() => contentOf(later.doc) === contentOf(late.doc), 10000, 'joiner after writer left to catch up')
})
