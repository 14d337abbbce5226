// Shared harness of the browser end-to-end tests (e2e.mjs, e2e-collab.mjs): Debian's
// Chromium driven by playwright-core against a real `tandem serve` on a free loopback port,
// with a fresh data directory and signing secret per run. One case per run (--case NAME),
// so each behaviour is its own ctest test.
//
//   node e2e-x.mjs --tandem PATH/tandem --case NAME [--artifacts DIR] [--dist DIR]
//
// Exports (all documented where defined below):
//   Setup       args, opt(flag, default), TANDEM, CASE, DIST, ART, CHROMIUM, WS ('e2e-ws'),
//               repo, nm (tests/js/node_modules), dataDir, env (of the server and the CLI)
//   Libraries   Y (yjs), WebsocketProvider (y-websocket), WebSocket (ws), chromium
//   Results     fail(msg) throws, check(cond, msg) logs "ok: msg" or fails
//   Server      freePort(), startServer() → base URL, serverLog (live), stopServer(),
//               token(user, name, role, prefix = WS, ttl = '1d'), adminToken() (null when the
//               `tandem admin-token` command does not exist), api(base, tok, method, path, body),
//               createWorkspace(base, admin, { id = WS, title, mentor, mentees }) → the
//               POST /api/workspaces answer ({workspace, invites: [{person_id, role, token}]})
//   Server docs serverDoc(base, docName, tok) → synced Y.Doc read by a stock y-websocket client;
//               serverWrite(base, docName, tok, fn(doc)) writes as a stock client would
//   Browser     browser (live, set by launchBrowser / runCases), LAUNCH_ARGS, launchBrowser(),
//               open(base, tok, hash, who, entry = `/w/${WS}`) → { context, page, who } once
//               the app is online; snap(page, step) screenshot into ART;
//               waitFor(fn, what, timeout = 20000) polls until fn() is truthy, returns it
//   App helpers boardCount(page), drawStroke(page, x0, y0, dx, dy), addSticky(page, x, y, text),
//               stickyTexts(page), notesText(page), exportVia(page, menuItemSelector) → download
//   Runner      runCases(cases): starts the server, mints t = { mentor, mentee, viewer, admin }
//               (names 'Maria Mentor', 'Eli Mentee', 'Val Viewer'; admin may be null),
//               launches Chromium, runs cases[CASE](base, t), prints PASS/FAIL, cleans up and
//               exits with the result.
import { spawn, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import net from 'node:net'
import crypto from 'node:crypto'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
export const repo = path.resolve(here, '../..')
export const nm = path.join(repo, 'tests/js/node_modules')
export const { chromium } = await import(path.join(nm, 'playwright-core/index.mjs'))
export const Y = await import(path.join(nm, 'yjs/dist/yjs.mjs'))
export const { WebsocketProvider } = await import(path.join(nm, 'y-websocket/src/y-websocket.js'))
export const { default: WebSocket } = await import(path.join(nm, 'ws/wrapper.mjs'))

export const args = process.argv.slice(2)
export const opt = (k, d) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : d }
export const TANDEM = opt('--tandem', process.env.TANDEM_BIN)
export const CASE = opt('--case')
export const DIST = path.resolve(opt('--dist', path.join(repo, 'client-js/dist')))
export const ART = path.resolve(opt('--artifacts', path.join(repo, 'build/tests/artifacts/client-e2e')))
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
export const WS = 'e2e-ws'

/** Marks the run failed and throws (the runner prints the message). */
export function fail (msg) { console.error('FAIL: ' + msg); process.exitCode = 1; throw new Error(msg) }
/** Logs "ok: msg" when cond holds, otherwise fails with msg. */
export function check (cond, msg) { if (!cond) fail(msg); console.log('ok: ' + msg) }

if (!TANDEM || !fs.existsSync(TANDEM)) { console.error('FAIL: no tandem executable (--tandem)'); process.exit(1) }
if (!fs.existsSync(path.join(DIST, 'index.html'))) { console.error(`FAIL: ${DIST}/index.html missing — run \`npm run build\` in client-js`); process.exit(1) }
fs.mkdirSync(ART, { recursive: true })

/** A TCP port free on 127.0.0.1 right now. */
export const freePort = () => new Promise((resolve, reject) => {
  const s = net.createServer(); s.unref(); s.on('error', reject)
  s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)) })
})

/** Fresh data directory of this run (removed by runCases) and the environment of every tandem call. */
export const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-e2e-'))
export const env = { ...process.env, TANDEM_SECRET: crypto.randomBytes(32).toString('hex'), TANDEM_DATA: dataDir, TANDEM_STATIC: DIST, TANDEM_CLIENT_DIR: DIST }
delete env.TANDEM_LISTEN

const lastTokenLine = out => {
  const last = out.trim().split('\n').pop().trim()
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(last)) fail('tandem printed no token: ' + out)
  return last
}

/** A signed token from `tandem token` for this run's data directory. */
export function token (user, name, role, prefix = WS, ttl = '1d') {
  return lastTokenLine(execFileSync(TANDEM, ['token', '--user', user, '--name', name, '--role', role, '--prefix', prefix, '--ttl', ttl, '--data', dataDir], { env, cwd: repo, encoding: 'utf8' }))
}

/** An admin token from `tandem admin-token`, or null when this tandem has no such command. */
export function adminToken () {
  let out
  try {
    out = execFileSync(TANDEM, ['admin-token', '--data', dataDir], { env, cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch { return null }
  return lastTokenLine(out)
}

let server = null
/** Everything `tandem serve` printed so far (live binding). */
export let serverLog = ''
/** Starts `tandem serve` on a free port; resolves to its base URL once GET / answers. */
export async function startServer () {
  const port = await freePort()
  server = spawn(TANDEM, ['serve', '--listen', `127.0.0.1:${port}`, '--data', dataDir], { env, cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] })
  server.stdout.on('data', d => { serverLog += d })
  server.stderr.on('data', d => { serverLog += d })
  const base = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 20000
  while (Date.now() < deadline) {
    if (server.exitCode != null) fail(`tandem serve exited with ${server.exitCode}:\n${serverLog}`)
    try { const r = await fetch(base + '/'); if (r.ok) return base } catch {}
    await new Promise(r => setTimeout(r, 150))
  }
  fail('tandem serve did not answer GET / within 20 s:\n' + serverLog)
}
/** Stops the server started by startServer (SIGTERM). */
export function stopServer () { server?.kill('SIGTERM'); server = null }

/** A REST call with a bearer token; resolves to { status, json, text, headers }. */
export async function api (base, tok, method, p, body) {
  const r = await fetch(base + p, {
    method,
    headers: { Authorization: 'Bearer ' + tok, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined
  })
  const text = await r.text()
  let json = null
  try { json = JSON.parse(text) } catch {}
  return { status: r.status, json, text, headers: r.headers }
}

/** Creates a workspace as the admin (default: id WS, mentor 'Maria Mentor' in Europe/Berlin,
 *  mentee 'Eli Mentee' in America/New_York); fails unless the server answers 201. */
export async function createWorkspace (base, admin, body = {}) {
  if (!admin) fail('creating a workspace needs an admin token (tandem admin-token)')
  const req = {
    id: WS,
    title: 'E2E mentorship',
    mentor: { id: 'mentor-1', name: 'Maria Mentor', time_zone: 'Europe/Berlin' },
    mentees: [{ id: 'mentee-1', name: 'Eli Mentee', time_zone: 'America/New_York' }],
    ...body
  }
  const r = await api(base, admin, 'POST', '/api/workspaces', req)
  if (r.status !== 201) fail(`POST /api/workspaces answered ${r.status}: ${r.text.slice(0, 300)}`)
  return r.json
}

const syncedProvider = async (base, name, doc, tok) => {
  const provider = new WebsocketProvider(base.replace(/^http/, 'ws') + '/sync', name, doc, { WebSocketPolyfill: WebSocket, params: { token: tok }, disableBc: true })
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no sync of ${name} from the server within 20 s`)), 20000)
      provider.on('sync', ok => { if (ok) { clearTimeout(timer); resolve() } })
    })
  } catch (e) { provider.destroy(); fail(e.message) }
  return provider
}

/** What the server holds, read by a stock y-websocket client from Node (the same sync
 *  protocol any Yjs client uses), independent of the browser under test. */
export async function serverDoc (base, name, tok) {
  const doc = new Y.Doc()
  const provider = await syncedProvider(base, name, doc, tok)
  provider.destroy()
  return doc
}

/** Writes into a document as a stock Yjs client would (e.g. to plant malformed data). */
export async function serverWrite (base, name, tok, fn) {
  const doc = new Y.Doc()
  const provider = await syncedProvider(base, name, doc, tok)
  doc.transact(() => fn(doc))
  await new Promise(r => setTimeout(r, 800)) // let the update reach the server before closing
  provider.destroy()
}

/** The Chromium instance of this run (live binding). */
export let browser = null
// playwright's launch() gives every run a fresh temporary profile (user-data-dir); these
// flags keep Chromium off the network except for the loopback server under test.
export const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
export async function launchBrowser () {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, headless: true })
  return browser
}

let shot = 0
/** Screenshot of page as ART/<case>-<nn>-<step>.png (never fails the test). */
export async function snap (page, step) {
  const f = path.join(ART, `${CASE}-${String(++shot).padStart(2, '0')}-${step}.png`)
  await page.screenshot({ path: f }).catch(() => {})
}

/** Opens the app for a token in a new browser context and waits until it is online
 *  (and, for a #board hash, until the board stage exists). */
export async function open (base, tok, hash, who, entry = `/w/${WS}`, contextOptions = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, ...contextOptions })
  const page = await context.newPage()
  page.on('pageerror', e => console.log(`[${who} pageerror] ${e.message}`))
  page.on('console', m => { if (m.type() === 'error') console.log(`[${who} console] ${m.text()}`) })
  await page.goto(`${base}${entry}?token=${encodeURIComponent(tok)}${hash}`)
  await page.waitForSelector('#conn-status[data-state="online"]', { timeout: 30000 }).catch(async () => {
    await snap(page, who + '-not-online'); fail(`${who}: the app did not reach the online state (status: ${await page.textContent('#conn-status').catch(() => '?')})`)
  })
  if (hash.startsWith('#board')) await page.waitForSelector('#board-stage')
  return { context, page, who }
}

/** Polls fn every 100 ms until it returns something truthy (returned) or fails after timeout. */
export async function waitFor (fn, what, timeout = 20000) {
  const deadline = Date.now() + timeout
  let last
  while (Date.now() < deadline) { last = await fn(); if (last) return last; await new Promise(r => setTimeout(r, 100)) }
  fail(`timed out waiting for ${typeof what === 'function' ? what() : what}`)
}

/** Number of elements the open board shows (its #board-info counter). */
export const boardCount = page => page.$eval('#board-info', e => Number(e.dataset.total))

/** Draws a pen stroke with the mouse, starting at (x0, y0) of the board stage. */
export async function drawStroke (page, x0, y0, dx = 160, dy = 60) {
  await page.keyboard.press('Escape')
  await page.click('[data-tool="pen"]')
  const box = await page.$eval('#board-stage', e => { const r = e.getBoundingClientRect(); return { x: r.left, y: r.top } })
  await page.mouse.move(box.x + x0, box.y + y0)
  await page.mouse.down()
  for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + x0 + (dx * i) / 20, box.y + y0 + dy * Math.sin((i / 20) * Math.PI))
  await page.mouse.up()
}

/** Adds a sticky note at (x, y) of the board stage and types text into it. */
export async function addSticky (page, x, y, text) {
  await page.click('[data-tool="sticky"]')
  const box = await page.$eval('#board-stage', e => { const r = e.getBoundingClientRect(); return { x: r.left, y: r.top } })
  await page.mouse.click(box.x + x, box.y + y)
  await page.waitForSelector('.text-editor .ql-editor')
  await page.keyboard.type(text)
  await page.keyboard.press('Escape')
}

/** Texts of the sticky notes the board shows. */
export const stickyTexts = page => page.$$eval('#board-canvas [data-type="sticky"] .el-text', els => els.map(e => e.innerText.trim()))
/** Plan notes, one line per Quill block (independent of innerText's paragraph spacing). */
export const notesText = page => page.$eval('#plan-notes .ql-editor', e => [...e.children].map(b => b.textContent).join('\n').trim())

/** Clicks a download item; returns the download, or fails with the app's error toast. */
export async function exportVia (page, item) {
  const download = page.waitForEvent('download', { timeout: 60000 }).then(d => ({ d }), () => ({ err: 'no download within 60 s' }))
  const error = page.waitForSelector('.toast.error', { timeout: 60000 }).then(async t => ({ err: await t.textContent() }), () => new Promise(() => {}))
  await page.click(item)
  const r = await Promise.race([download, error])
  if (!r.d) { await snap(page, 'export-failed'); fail(`export ${item}: ${r.err}`) }
  return r.d
}

/** Runs cases[CASE](base, t) against a fresh server and browser, then exits 0 (PASS) or 1. */
export async function runCases (cases) {
  let exit = 0
  try {
    if (!cases[CASE]) fail(`unknown --case ${CASE}; known: ${Object.keys(cases).join(', ')}`)
    const base = await startServer()
    const t = { mentor: token('mentor-1', 'Maria Mentor', 'mentor'), mentee: token('mentee-1', 'Eli Mentee', 'mentee'), viewer: token('viewer-1', 'Val Viewer', 'viewer'), admin: adminToken() }
    await launchBrowser()
    await cases[CASE](base, t)
    console.log(`PASS: ${CASE}`)
  } catch (err) {
    exit = 1
    if (!String(err.message).startsWith('FAIL') && process.exitCode !== 1) console.error('FAIL:', err.stack || err)
    if (serverLog) console.error('--- tandem serve output (last 3000 chars) ---\n' + serverLog.slice(-3000))
  } finally {
    await browser?.close().catch(() => {})
    stopServer()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
  process.exit(exit)
}
