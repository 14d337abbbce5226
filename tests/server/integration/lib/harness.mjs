// Test harness for the server integration suites: starts `tandem serve` on a free loopback
// port with a fresh data directory, mints tokens with `tandem token`, and opens stock
// y-websocket clients (BroadcastChannel off, so every byte goes through the server).
import { spawn, execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import net from 'node:net'
import http from 'node:http'
import { randomInt } from 'node:crypto'
import { before, after } from 'node:test'
import { Y, WebsocketProvider, WebSocket } from './deps.mjs'

export { Y, WebsocketProvider, WebSocket }

// The server binary comes from CMake ($<TARGET_FILE:tandem>) as the first argument.
export const BIN = process.argv[2] || process.env.TANDEM_BIN
if (!BIN) throw new Error('usage: node <test>.mjs /path/to/tandem')
export const SECRET = 'tandem-integration-secret-5f2c9a7e41b8d3c6'

const live = new Set()
process.setMaxListeners(100)
process.on('exit', () => { for (const p of live) { try { p.kill('SIGKILL') } catch {} } })

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

export async function waitFor (pred, ms, what) {
  const end = Date.now() + ms
  for (;;) {
    let ok = false
    try { ok = await pred() } catch { ok = false }
    if (ok) return
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await sleep(20)
  }
}

export function freePort () {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

export function freshDataDir () {
  return mkdtempSync(join(tmpdir(), 'tandem-it-'))
}

// Seeded PRNG (mulberry32); the seed is printed so a failing run can be replayed with
// TANDEM_TEST_SEED=<seed>.
export function seededRandom (label) {
  const seed = process.env.TANDEM_TEST_SEED ? Number(process.env.TANDEM_TEST_SEED) : randomInt(1, 2 ** 31)
  console.log(`# ${label}: seed=${seed} (replay with TANDEM_TEST_SEED=${seed})`)
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  next.int = (n) => Math.floor(next() * n)
  next.seed = seed
  return next
}

export function httpRequest (port, method, path, { headers = {}, body } = {}, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, timeout: timeoutMs }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)))
    req.on('error', reject)
    if (body) req.write(body)
    req.end()
  })
}

// A WebSocket upgrade request sent with the path exactly as given (no URL normalisation),
// resolving with the HTTP status: 101 when the server upgraded, else its refusal.
export function upgradeRequest (port, path, headers = {}, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path,
      timeout: timeoutMs,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers
      }
    })
    req.on('upgrade', (res, socket) => {
      // Read whatever the server sends right after the upgrade (sync step 1/2 would carry content).
      const chunks = []
      socket.on('data', (c) => chunks.push(c))
      setTimeout(() => { socket.destroy(); resolve({ status: res.statusCode, body: Buffer.concat(chunks) }) }, 300)
    })
    req.on('response', (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }))
    })
    req.on('timeout', () => req.destroy(new Error(`upgrade ${path}: no answer in ${timeoutMs} ms`)))
    req.on('error', reject)
    req.end()
  })
}

export function runTandem (args, env = {}) {
  return new Promise((resolve) => {
    execFile(BIN, args, { env: { ...process.env, TANDEM_SECRET: SECRET, ...env }, timeout: 20000 },
      (err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr }))
  })
}

// `tandem token` prints the token alone on the last line of stdout.
export async function mintToken ({ dataDir, user = 'u1', name = 'User One', role = 'mentor', prefix = 'acme-7', ttl = '7d' }) {
  const r = await runTandem(['token', '--user', user, '--name', name, '--role', role, '--prefix', prefix, '--ttl', ttl, '--data', dataDir])
  if (r.code !== 0) throw new Error(`tandem token failed (${r.code}): ${r.stderr.trim()}`)
  const lines = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean)
  if (lines.length === 0) throw new Error('tandem token printed nothing')
  return lines[lines.length - 1]
}

export class TandemServer {
  constructor (proc, port, dataDir, log) {
    this.proc = proc
    this.port = port
    this.dataDir = dataDir
    this.log = log
    this.exited = new Promise((resolve) => proc.once('exit', (code, signal) => { live.delete(proc); resolve({ code, signal }) }))
  }

  get wsBase () { return `ws://127.0.0.1:${this.port}/sync` }

  static async start ({ dataDir = freshDataDir(), args = [], env = {}, port } = {}) {
    let lastErr
    for (let attempt = 0; attempt < 3; attempt++) {
      const p = port ?? await freePort()
      const log = []
      const proc = spawn(BIN, ['serve', '--listen', `127.0.0.1:${p}`, '--data', dataDir, ...args], {
        env: { ...process.env, TANDEM_SECRET: SECRET, ...env },
        stdio: ['ignore', 'pipe', 'pipe']
      })
      live.add(proc)
      const keep = (c) => { log.push(c.toString()); if (log.length > 200) log.shift() }
      proc.stdout.on('data', keep)
      proc.stderr.on('data', keep)
      const srv = new TandemServer(proc, p, dataDir, log)
      let dead = null
      srv.exited.then((e) => { dead = e })
      try {
        await waitFor(async () => {
          if (dead) throw new Error('exited')
          const r = await httpRequest(p, 'GET', '/healthz', {}, 1000)
          return r.status === 200
        }, 15000, `tandem serve on port ${p} to answer /healthz`)
        return srv
      } catch (e) {
        lastErr = new Error(`${e.message}; exit=${JSON.stringify(dead)}; log:\n${log.join('').slice(-2000)}`)
        proc.kill('SIGKILL')
        await srv.exited
        if (port) break
      }
    }
    throw lastErr
  }

  // SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves with how it ended.
  async stop (graceMs = 6000) {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return this.exited
    const t0 = Date.now()
    this.proc.kill('SIGTERM')
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs)
    const r = await this.exited
    clearTimeout(timer)
    return { ...r, ms: Date.now() - t0 }
  }

  async kill () {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL')
    return this.exited
  }

  dumpLog () { return this.log.join('').slice(-3000) }
}

// A stock y-websocket client. Returns { doc, provider, synced: Promise, close() }.
export function openClient (server, docName, token, { connect = true, doc = new Y.Doc(), maxBackoffTime = 500 } = {}) {
  const params = token === undefined ? {} : { token }
  const provider = new WebsocketProvider(server.wsBase, docName, doc, {
    params, WebSocketPolyfill: WebSocket, disableBc: true, connect, maxBackoffTime
  })
  const c = {
    doc,
    provider,
    awareness: provider.awareness,
    close () { provider.destroy(); doc.destroy() }
  }
  return c
}

export function waitSynced (client, ms = 10000, what = 'client to sync') {
  if (client.provider.synced) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { client.provider.off('sync', onSync); reject(new Error(`timed out after ${ms} ms waiting for ${what}`)) }, ms)
    const onSync = (s) => { if (s) { clearTimeout(timer); client.provider.off('sync', onSync); resolve() } }
    client.provider.on('sync', onSync)
  })
}

// Everything a test writes lives in three root types; their JSON is what we compare.
// Map key order depends on arrival order, so keys are sorted before comparing.
export function canonicalJson (v) {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`
  }
  return JSON.stringify(v)
}

export function contentOf (doc) {
  return canonicalJson({
    m: doc.getMap('m').toJSON(),
    a: doc.getArray('a').toJSON(),
    t: doc.getText('t').toString()
  })
}

// A plain `ws` socket (for raw frames) with its received messages and its close.
export function openRawSocket (url, opts = {}) {
  const ws = new WebSocket(url, { maxPayload: 256 * 1024 * 1024, ...opts })
  ws.binaryType = 'nodebuffer'
  const received = []
  ws.on('message', (d) => received.push(Buffer.from(d)))
  ws.on('error', () => {})
  const closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  const opened = new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
  })
  return { ws, received, closed, opened }
}

export function withTimeout (promise, ms, what) {
  let timer
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms) })
  ])
}

export function cleanupDir (dir) { try { rmSync(dir, { recursive: true, force: true }) } catch {} }

// One server for a whole suite: started before the first test (then `setup(server)` runs,
// e.g. to mint tokens), stopped after the last, its data directory removed. Returns the
// array in which the suite keeps its clients; they are closed before the server stops.
export function serverPerSuite (setup = async () => {}, startOptions = {}) {
  const clients = []
  let server = null
  before(async () => {
    server = await TandemServer.start(startOptions)
    await setup(server)
  })
  after(async () => {
    for (const c of clients) c.close()
    if (!server) return
    await server.stop()
    cleanupDir(server.dataDir)
  })
  return clients
}
