// Durability: a SIGTERM restart keeps every document, SIGTERM exits 0 within 5 s, and a
// SIGKILL while clients write loses no update that another client had already received.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  TandemServer, mintToken, openClient, waitSynced, waitFor, contentOf, freshDataDir, seededRandom, sleep, cleanupDir
} from './lib/harness.mjs'

const dirs = []
const open = []
after(async () => {
  for (const c of open) c.close()
  for (const d of dirs) cleanupDir(d)
})

test('a restart (SIGTERM, exit 0 within 5 s) keeps every document', async () => {
  const dataDir = freshDataDir()
  dirs.push(dataDir)
  let server = await TandemServer.start({ dataDir })
  const token = await mintToken({ dataDir, role: 'mentor', prefix: 'acme-7' })
  const expected = new Map()
  for (let i = 0; i < 6; i++) {
    const name = `acme-7/restart/${i}`
    const c = openClient(server, name, token)
    open.push(c)
    await waitSynced(c)
    c.doc.getMap('m').set('doc', i)
    c.doc.getText('t').insert(0, `document ${i} `.repeat(i + 1))
    for (let k = 0; k < 20 * i; k++) c.doc.getArray('a').push([k]) // many small updates in the log
    if (i % 2) c.doc.getText('t').delete(0, 3)
    // A witness that received everything proves the server holds it.
    const w = openClient(server, name, token)
    open.push(w)
    await waitSynced(w)
    await waitFor(() => contentOf(w.doc) === contentOf(c.doc), 10000, `witness of ${name}`)
    expected.set(name, contentOf(c.doc))
  }
  for (const c of open.splice(0)) c.close()
  const stopped = await server.stop(10000)
  assert.equal(stopped.signal, null, `tandem serve died of ${stopped.signal} on SIGTERM`)
  assert.equal(stopped.code, 0, `tandem serve exited ${stopped.code} on SIGTERM`)
  assert.ok(stopped.ms <= 5000, `SIGTERM shutdown took ${stopped.ms} ms`)

  server = await TandemServer.start({ dataDir })
  try {
    for (const [name, content] of expected) {
      const c = openClient(server, name, token)
      open.push(c)
      await waitSynced(c)
      await waitFor(() => contentOf(c.doc) === content, 10000, `${name} to come back after the restart`)
    }
  } finally {
    await server.stop()
  }
})

test('SIGKILL while clients write loses no update another client had received', async () => {
  const rnd = seededRandom('sigkill-writers')
  const dataDir = freshDataDir()
  dirs.push(dataDir)
  const server = await TandemServer.start({ dataDir })
  const token = await mintToken({ dataDir, role: 'mentor', prefix: 'acme-7' })
  const docs = ['acme-7/kill/a', 'acme-7/kill/b']
  const writers = []
  const observers = []
  for (const name of docs) {
    for (let w = 0; w < 2; w++) writers.push({ name, c: openClient(server, name, token), n: 0 })
    observers.push({ name, c: openClient(server, name, token) })
  }
  await Promise.all([...writers, ...observers].map((x) => waitSynced(x.c)))
  let writing = true
  const loops = writers.map(async (w, wi) => {
    while (writing) {
      w.c.doc.transact(() => {
        w.c.doc.getMap('m').set(`w${wi}-${w.n}`, w.n)
        if (w.n % 5 === 0) w.c.doc.getText('t').insert(0, `${wi}.${w.n};`)
      })
      w.n++
      await sleep(1 + rnd.int(8))
    }
  })
  await sleep(1500 + rnd.int(1000))
  await server.kill()
  writing = false
  await Promise.all(loops)
  // What the observers hold now is what "another client had received".
  const seen = observers.map((o) => ({ name: o.name, keys: [...o.c.doc.getMap('m').keys()], text: o.c.doc.getText('t').toString() }))
  for (const x of [...writers, ...observers]) x.c.close() // never let them re-upload after the restart
  const total = seen.reduce((s, o) => s + o.keys.length, 0)
  console.log(`# observers had received ${total} keys before SIGKILL; writers wrote ${writers.reduce((s, w) => s + w.n, 0)}`)
  assert.ok(total > 20, 'too few updates reached the observers to make the test meaningful')

  const again = await TandemServer.start({ dataDir })
  try {
    for (const o of seen) {
      const c = openClient(again, o.name, token)
      open.push(c)
      await waitSynced(c)
      await sleep(200)
      const m = c.doc.getMap('m')
      const missing = o.keys.filter((k) => !m.has(k))
      assert.deepEqual(missing.slice(0, 20), [], `${o.name}: ${missing.length} received updates lost by SIGKILL`)
      // Text pieces the observer saw survive too (each piece is a distinct string).
      const text = c.doc.getText('t').toString()
      for (const piece of o.text.split(';').filter(Boolean)) assert.ok(text.includes(`${piece};`), `${o.name}: lost text ${piece}`)
    }
  } finally {
    await again.stop()
  }
})
