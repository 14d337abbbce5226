// Idle rooms are unloaded (compacting on the way out) and reload intact. Uses the server's
// idle-unload flag with a 1 s timeout, found in `tandem serve --help`.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { TandemServer, mintToken, openClient, waitSynced, waitFor, contentOf, runTandem, httpRequest, freshDataDir, sleep, cleanupDir } from './lib/harness.mjs'

const dirs = []
after(() => { for (const d of dirs) cleanupDir(d) })

async function idleFlag () {
  const h = await runTandem(['serve', '--help'])
  const m = (h.stdout + h.stderr).match(/--idle[A-Za-z0-9-]*/)
  return m ? m[0] : null
}

// Rooms currently loaded, from /metrics (null if the server exposes no such gauge).
async function roomsLoaded (port) {
  const r = await httpRequest(port, 'GET', '/metrics')
  if (r.status !== 200) return null
  const line = r.body.toString().split('\n').find((l) => !l.startsWith('#') && /rooms/.test(l) && /^[a-z_]*rooms[a-z_]*(\{\})?\s/.test(l))
  return line ? Number(line.trim().split(/\s+/).at(-1)) : null
}

test('idle rooms unload and reload intact, twice', async (t) => {
  const flag = await idleFlag()
  if (!flag) { t.skip('tandem serve --help lists no --idle* flag; cannot shorten the 30 s default'); return }
  const dataDir = freshDataDir()
  dirs.push(dataDir)
  let server
  for (const v of ['1s', '1']) {
    try { server = await TandemServer.start({ dataDir, args: [flag, v] }); break } catch (e) { if (v === '1') throw e }
  }
  try {
    const token = await mintToken({ dataDir, role: 'mentor', prefix: 'acme-7' })
    const docs = ['acme-7/idle/a', 'acme-7/idle/b', 'acme-7/idle/c']
    const expected = new Map()
    for (const [round, label] of [[0, 'first'], [1, 'second']]) {
      for (const name of docs) {
        const c = openClient(server, name, token)
        await waitSynced(c)
        if (expected.has(name)) await waitFor(() => contentOf(c.doc) === expected.get(name), 5000, `${name} to reload before round ${round}`)
        for (let i = 0; i < 30; i++) c.doc.getArray('a').push([`${round}-${i}`])
        c.doc.getMap('m').set(`round${round}`, name)
        c.doc.getText('t').insert(c.doc.getText('t').length, `${label} `)
        const w = openClient(server, name, token)
        await waitSynced(w)
        await waitFor(() => contentOf(w.doc) === contentOf(c.doc), 5000, 'witness')
        expected.set(name, contentOf(c.doc))
        c.close()
        w.close()
      }
      const gauge = await roomsLoaded(server.port)
      if (gauge === null) {
        console.log('# /metrics has no rooms gauge; waiting 4 s for the idle timeout instead')
        await sleep(4000)
      } else {
        await waitFor(async () => (await roomsLoaded(server.port)) === 0, 10000, 'rooms gauge to drop to 0 after the idle timeout')
      }
    }
    for (const name of docs) {
      const c = openClient(server, name, token)
      await waitSynced(c)
      await waitFor(() => contentOf(c.doc) === expected.get(name), 5000, `${name} to reload intact`)
      assert.equal(c.doc.getArray('a').length, 60)
      c.close()
    }
  } finally {
    await server.stop()
  }
})
