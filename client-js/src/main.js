// Entry: reads the invite link (/?token=… or /w/{workspace}?token=…), shows a clear page
// for a bad or expired token, otherwise the workspace shell: plan + boards, presence,
// connection state and export.
import 'quill/dist/quill.snow.css'
import 'quill/dist/quill.bubble.css'
import './style.css'
import { decodeToken, workspaceFromLocation, userColor, isValidDocName } from './model/token.js'
import { SharedDoc } from './sync.js'
import { h, toast } from './dom.js'
import { initPlan, planBoards } from './model/plan.js'
import { mountPlan } from './plan/view.js'
import { mountBoard } from './board/view.js'
import { makeApi } from './sessions/api.js'
import { mountSessions } from './sessions/panel.js'
import { dateTime } from './sessions/time.js'
import { ensureAgendaFrame } from './sessions/agenda.js'
import { mountHistory } from './history/panel.js'
import { mountStatic, docFromUpdate } from './history/static-view.js'
import { ReplayTimeline, decodeReplay } from './history/replay.js'
import { mountAdmin } from './admin/admin.js'
import { mountInviteButton } from './admin/invite-dialog.js'

const app = document.getElementById('app')

function errorPage (title, detail) {
  document.title = 'Tandem — ' + title
  app.replaceChildren(h('main', { class: 'error-page', role: 'alert' },
    h('h1', {}, title), h('p', {}, detail),
    h('p', { class: 'muted' }, 'Invite links look like ', h('code', {}, '/w/your-workspace?token=…'), '. Ask your mentor or the workspace admin for a fresh link.')))
}

async function checkAccess (docName, token) {
  // The signature is only known to the server: ask it once before opening sockets.
  try {
    const r = await fetch(`/api/docs/${docName}/update`, { headers: { Authorization: 'Bearer ' + token }, cache: 'no-store' })
    if (r.status === 401 || r.status === 403) {
      let reason = ''
      try {
        const body = (await r.text()).slice(0, 400)
        try { reason = String(JSON.parse(body).error ?? body) } catch { reason = body }
      } catch {}
      return { ok: false, reason }
    }
  } catch { /* offline or server without REST: the sockets will tell */ }
  return { ok: true }
}

async function start () {
  const params = new URLSearchParams(location.search)
  const token = params.get('token') || ''
  if (/^\/admin\/?$/.test(location.pathname)) return mountAdmin(app, token)
  const info = decodeToken(token)
  if (!info.ok) {
    errorPage(info.expired ? 'This link has expired' : 'This link does not work', info.error)
    return
  }
  const workspace = workspaceFromLocation(location.pathname, info)
  if (!workspace || !isValidDocName(workspace + '/plan')) {
    errorPage('No workspace in this link', 'The link names no workspace this token can open.')
    return
  }
  const planName = workspace + '/plan'
  const access = await checkAccess(planName, token)
  if (!access.ok) {
    errorPage('This link does not work', 'The server refused the access token' + (access.reason ? ` (${access.reason}).` : '.') + ' It may have been revoked, expired, or be for another workspace.')
    return
  }
  const user = { id: info.user || info.name, name: info.name, role: info.role, color: userColor(info.user || info.name) }
  const readOnly = info.role === 'viewer'
  document.body.classList.toggle('role-viewer', readOnly)
  document.title = `Tandem — ${workspace}`
  new Shell({ workspace, token, user, readOnly }).mount()
}

class Shell {
  constructor (opts) {
    Object.assign(this, opts)
    this.plan = new SharedDoc(this.workspace + '/plan', this.token, this.user)
    this.boardDoc = null
    this.view = null
    this.api = makeApi(this.token)
    this.history = null // the version history panel, when open
  }

  mount () {
    const u = this.user
    this.status = h('span', { id: 'conn-status', class: 'conn', role: 'status', 'aria-live': 'polite' }, 'Connecting…')
    this.presence = h('ul', { id: 'presence', class: 'presence', 'aria-label': 'Who is here' })
    this.tabs = h('nav', { class: 'tabs', 'aria-label': 'Plan and boards' })
    this.exportBtn = h('button', { type: 'button', id: 'export-menu-btn', 'aria-haspopup': 'menu', 'aria-expanded': 'false', onclick: () => this.toggleExportMenu() }, 'Export PDF ▾')
    this.exportMenu = h('div', { class: 'menu', role: 'menu', hidden: true, id: 'export-menu' })
    this.historyBtn = h('button', { type: 'button', id: 'history-btn', 'aria-expanded': 'false', 'aria-controls': 'history-panel', title: 'Versions and replay of the open plan or board', onclick: () => this.toggleHistory() }, 'History')
    this.main = h('main', { id: 'view', class: 'view' })
    app.replaceChildren(
      h('header', { class: 'topbar' },
        h('strong', { class: 'brand' }, 'Tandem'),
        h('span', { class: 'workspace', title: 'Workspace' }, this.workspace),
        this.tabs,
        h('div', { class: 'spacer' }),
        this.presence,
        this.status,
        this.historyBtn,
        h('span', { class: 'export-wrap' }, this.exportBtn, this.exportMenu),
        h('span', { class: 'me', id: 'me', style: { borderColor: u.color } }, u.name, ' ', h('span', { class: 'role role-' + u.role, id: 'my-role' }, u.role))),
      this.main)
    if (u.role === 'mentor') mountInviteButton(app.querySelector('.topbar'), { workspace: this.workspace, token: this.token })

    this.plan.onChange(() => this.renderStatus())
    this.plan.awareness.on('change', () => this.renderPresence())
    this.plan.whenReady(() => {
      if (!this.readOnly) initPlan(this.plan.doc, { [this.user.role === 'mentor' ? 'mentor' : 'mentee']: this.user.name })
      this.renderTabs()
    })
    planBoards(this.plan.doc).observe(() => this.renderTabs())
    window.addEventListener('hashchange', () => this.route())
    window.addEventListener('offline', () => { this.plan.goOffline(); this.boardDoc?.goOffline(); this.renderStatus() })
    window.addEventListener('online', () => { this.plan.goOnline(); this.boardDoc?.goOnline(); this.renderStatus() })
    document.addEventListener('click', e => { if (!this.exportMenu.hidden && !e.target.closest('.export-wrap')) this.toggleExportMenu(false) })
    this.exportMenu.addEventListener('keydown', e => {
      const items = [...this.exportMenu.querySelectorAll('button')]
      const i = items.indexOf(document.activeElement)
      if (e.key === 'Escape') { this.toggleExportMenu(false); this.exportBtn.focus() } else if (e.key === 'ArrowDown') items[(i + 1) % items.length]?.focus()
      else if (e.key === 'ArrowUp') items[(i - 1 + items.length) % items.length]?.focus()
      else return
      e.preventDefault(); e.stopPropagation()
    })
    window.tandemApp = this // diagnostics in the browser console
    this.renderTabs()
    this.route()
  }

  currentRoute () {
    if (location.hash === '#sessions') return { kind: 'sessions' }
    const m = /^#board\/(\d+)$/.exec(location.hash)
    return m ? { kind: 'board', n: m[1] } : { kind: 'plan' }
  }

  route () {
    const r = this.currentRoute()
    this.view?.destroy()
    this.view = null
    if (r.kind === 'sessions') {
      this.boardDoc?.destroy(); this.boardDoc = null
      this.view = mountSessions(this.main, { api: this.api, workspace: this.workspace, readOnly: this.readOnly, onOpenBoard: (s, o) => this.openSessionBoard(s, o), onReplay: s => this.replaySession(s) })
    } else if (r.kind === 'board') {
      const name = `${this.workspace}/board/${r.n}`
      if (this.boardDoc?.name !== name) {
        this.boardDoc?.destroy()
        this.boardDoc = new SharedDoc(name, this.token, this.user)
        this.boardDoc.onChange(() => this.renderStatus())
        this.boardDoc.awareness.on('change', () => this.renderPresence())
        if (navigator.onLine === false) this.boardDoc.goOffline()
      }
      if (this.pendingAgenda?.board === name) {
        // A session just started here: its board gets the agenda frame even when the number
        // was already in use (the server templates only empty documents).
        const { session } = this.pendingAgenda; const shared = this.boardDoc
        this.pendingAgenda = null
        // Only once synced with the server: what this device holds may miss the board's content.
        const off = shared.onChange(() => {
          if (!shared.synced) return
          off()
          if (!shared.doc.isDestroyed && ensureAgendaFrame(shared.doc, session, { author: this.user.id })) toast('This board already had content: the agenda frame was added to its left (press 0 to see it all).')
        })
        shared.emit()
      }
      this.view = mountBoard(this.main, { shared: this.boardDoc, user: this.user, readOnly: this.readOnly, token: this.token, title: `Board ${r.n}` })
      this.view.root.addEventListener('follow-changed', () => this.renderPresence())
    } else {
      this.boardDoc?.destroy(); this.boardDoc = null
      this.view = mountPlan(this.main, { shared: this.plan, user: this.user, readOnly: this.readOnly })
    }
    this.renderTabs(); this.renderStatus(); this.renderPresence(); this.renderExportMenu()
    this.renderHistory()
  }

  // ---------- sessions, versions, replay ----------

  /** The open document's name and title for the history panel (none on the sessions page). */
  historyTarget () {
    const r = this.currentRoute()
    if (r.kind === 'board') return { docName: `${this.workspace}/board/${r.n}`, docTitle: `Board ${r.n}`, kind: 'board', n: r.n }
    if (r.kind === 'plan') return { docName: `${this.workspace}/plan`, docTitle: 'the plan', kind: 'plan' }
    return null
  }

  toggleHistory (open = !this.history) {
    this.history?.destroy(); this.history = null
    if (open) this.renderHistory(true)
    else { this.historyBtn.setAttribute('aria-expanded', 'false'); this.historyBtn.focus() }
  }

  /** (Re)opens the history panel for the open document when it is open (or `force`). */
  renderHistory (force = false) {
    const wasOpen = !!this.history
    this.history?.destroy(); this.history = null
    const target = this.historyTarget()
    this.historyBtn.disabled = !target
    if (!target || !(wasOpen || force)) { this.historyBtn.setAttribute('aria-expanded', 'false'); return }
    this.history = mountHistory(app, {
      api: this.api,
      ...target,
      readOnly: this.readOnly,
      isBoard: target.kind === 'board',
      onView: (v, bytes) => this.showVersion(target, v, bytes),
      onReplay: () => this.startReplay(target),
      onRestored: () => { this.route(); this.history?.refresh() },
      onClose: () => this.toggleHistory(false)
    })
    this.historyBtn.setAttribute('aria-expanded', 'true')
    if (force) this.history.root.querySelector('button, input')?.focus()
  }

  /** Leaves live editing for a read-only view of a local doc under a banner; route() returns. */
  showStatic (target, doc, banner) {
    this.view?.destroy()
    const st = mountStatic(this.main, { kind: target.kind, doc, name: target.docName, banner, user: this.user, token: this.token, title: target.docTitle })
    this.view = st
    this.renderPresence()
    return st
  }

  backToLiveButton () {
    return h('button', { type: 'button', id: 'back-to-live', onclick: () => this.route() }, 'Back to live')
  }

  showVersion (target, v, bytes) {
    const { doc, ok, error } = docFromUpdate(bytes)
    if (!ok) toast(`Version ${v.number} could not be read (${error}).`, 'error')
    const banner = h('div', { class: 'static-banner', id: 'static-banner', role: 'status' },
      h('strong', {}, `Viewing version ${v.number} — read-only`), h('span', { class: 'muted' }, ` ${v.title}`), this.backToLiveButton())
    this.showStatic(target, doc, banner)
    this.toggleHistory(false)
    document.getElementById('back-to-live')?.focus()
  }

  /** Replay of a session's board over the session's time (from its start to its end). */
  replaySession (s) {
    const m = /\/board\/(\d+)$/.exec(String(s?.board ?? ''))
    if (!m) { toast('This session has no board.', 'error'); return }
    const target = { docName: `${this.workspace}/board/${m[1]}`, docTitle: `Board ${m[1]}`, kind: 'board', n: m[1] }
    const opts = { from: Number(s.started_at) > 0 ? Number(s.started_at) : undefined, to: s.status === 'ended' && Number(s.ended_at) > 0 ? Number(s.ended_at) : undefined, label: s.title || `Session ${s.number}` }
    const go = () => this.startReplay(target, opts)
    if (location.hash === '#board/' + m[1]) go()
    else { window.addEventListener('hashchange', go, { once: true }); location.hash = '#board/' + m[1] }
  }

  async startReplay (target, { from, to, label } = {}) {
    let tl, got
    try {
      got = await this.api.replay(target.docName, from, to)
      tl = new ReplayTimeline(decodeReplay(got.bytes))
    } catch (e) { toast(`Replay is not available: ${e.message}`, 'error'); return }
    if (this.historyTarget()?.docName !== target.docName) return // the user went elsewhere meanwhile
    // The server says when the start is a compacted snapshot or the log was cut at its limit.
    const notes = [got.compacted ? 'older history was compacted: the replay starts from that state' : '', got.truncated ? 'only the first part of a very long log' : ''].filter(Boolean)
    const n = tl.length
    const slider = h('input', { type: 'range', id: 'replay-slider', min: 0, max: n, step: 1, value: 0, 'aria-label': 'Replay position' })
    const timeOut = h('output', { id: 'replay-time', 'aria-live': 'off' })
    const count = h('span', { id: 'replay-count', class: 'muted' })
    const play = h('button', { type: 'button', id: 'replay-play', 'aria-label': 'Play' }, '▶')
    const speed = h('select', { id: 'replay-speed', 'aria-label': 'Replay speed' }, ...[1, 4, 16].map(x => h('option', { value: x }, `${x}×`)))
    const banner = h('div', { class: 'static-banner replay-bar', id: 'replay-bar', role: 'group', 'aria-label': `Replay of ${target.docTitle}` },
      h('strong', {}, `Replay${label ? ' of ' + label : ''} — read-only`), play, slider, timeOut, count, speed, this.backToLiveButton(),
      notes.length ? h('span', { class: 'muted', id: 'replay-note' }, `Note: ${notes.join('; ')}.`) : null)
    const st = this.showStatic(target, tl.doc, banner)
    tl.onNewDoc = d => st.remount(d)
    let timer = 0
    const show = () => {
      const k = tl.position
      slider.value = String(k)
      const t = tl.timeAt(k)
      timeOut.textContent = t == null ? 'no changes recorded' : dateTime(t)
      slider.setAttribute('aria-valuetext', t == null ? 'empty' : `${dateTime(t)}, ${k} of ${n} changes`)
      count.textContent = `${k} / ${n} changes`
      banner.dataset.position = String(k)
    }
    const stop = () => { clearTimeout(timer); timer = 0; play.textContent = '▶'; play.setAttribute('aria-label', 'Play') }
    // Playback runs on a clock: every tick spends tick × speed ms of log time (pauses capped).
    const TICK = 50
    let budget = 0
    const step = () => {
      if (!st.wrap.isConnected || tl.position >= n) { stop(); return }
      budget += TICK * Number(speed.value)
      const next = tl.advance(budget)
      budget = next.budget
      if (next.position !== tl.position) { tl.seek(next.position); show() }
      timer = setTimeout(step, TICK)
    }
    play.addEventListener('click', () => {
      if (timer) { stop(); return }
      if (tl.position >= n) { tl.seek(0); show() }
      budget = 0
      play.textContent = '⏸'; play.setAttribute('aria-label', 'Pause')
      timer = setTimeout(step, TICK)
    })
    slider.addEventListener('input', () => { stop(); tl.seek(Number(slider.value)); show() })
    const destroyStatic = st.destroy
    st.destroy = () => { stop(); destroyStatic(); tl.destroy() }
    show()
    this.toggleHistory(false)
    slider.focus()
  }

  /** Opens a started session's board (created by the server from its template). */
  openSessionBoard (s, { justStarted = false } = {}) {
    const m = /\/board\/(\d+)$/.exec(String(s?.board ?? ''))
    if (!m) { toast('This session has no board.', 'error'); return }
    const boards = planBoards(this.plan.doc)
    if (!this.readOnly && !boards.has(m[1])) boards.set(m[1], s.title || `Session ${s.number}`)
    if (justStarted && !this.readOnly) this.pendingAgenda = { board: `${this.workspace}/board/${m[1]}`, session: s }
    if (location.hash === '#board/' + m[1]) this.route()
    else location.hash = '#board/' + m[1]
  }

  renderTabs () {
    const r = this.currentRoute()
    const boards = [...planBoards(this.plan.doc).entries()].sort((a, b) => Number(a[0]) - Number(b[0]))
    if (!boards.length) boards.push(['1', 'Board 1'])
    const link = (href, label, current) => h('a', { href, class: 'tab', 'aria-current': current ? 'page' : null }, label)
    this.tabs.replaceChildren(
      link('#plan', 'Plan', r.kind === 'plan'),
      link('#sessions', 'Sessions', r.kind === 'sessions'),
      ...boards.map(([n, title]) => link('#board/' + n, title || 'Board ' + n, r.kind === 'board' && r.n === n)),
      ...(this.readOnly ? [] : [h('button', { type: 'button', class: 'tab add', 'aria-label': 'New board', title: 'New board', onclick: () => this.newBoard() }, '+')]))
  }

  newBoard () {
    const boards = planBoards(this.plan.doc)
    const n = Math.max(0, ...[...boards.keys()].map(Number).filter(Number.isFinite)) + 1
    boards.set(String(n), 'Board ' + n)
    location.hash = '#board/' + n
  }

  renderStatus () {
    const docs = [this.plan, this.boardDoc].filter(Boolean)
    let state, label
    if (docs.some(d => d.denied)) { state = 'denied'; label = 'Access denied' } else if (navigator.onLine === false || docs.some(d => d.status === 'disconnected')) {
      state = 'offline'; label = 'Offline — edits are kept on this device'
    } else if (docs.every(d => d.status === 'connected' && d.synced)) { state = 'online'; label = 'Online · saved' } else { state = 'connecting'; label = 'Connecting…' }
    this.status.dataset.state = state
    this.status.textContent = label
    if (state === 'denied' && !this.deniedBanner) {
      // A revoked or expired invite: say so where it cannot be missed, not only in the status.
      this.deniedBanner = h('div', { id: 'access-banner', class: 'access-banner', role: 'alert' },
        h('strong', {}, 'Your access to this workspace has ended. '),
        'The invite link was revoked or has expired, so nothing more is sent to or received from the server. ',
        'Ask your mentor or the workspace admin for a new link.')
      app.querySelector('.topbar')?.after(this.deniedBanner)
    }
  }

  renderPresence () {
    const seen = new Map()
    const collect = (shared, where) => shared?.awareness.getStates().forEach((s, clientId) => {
      if (!s.user) return
      const key = s.user.id || clientId
      if (!seen.has(key)) seen.set(key, { ...s.user, clientId, where, self: clientId === shared.awareness.clientID })
      else if (where === 'board') seen.get(key).where = 'board'
    })
    collect(this.boardDoc, 'board'); collect(this.plan, 'plan')
    this.presence.replaceChildren(...[...seen.values()].map(u => {
      const canFollow = !u.self && u.where === 'board' && this.view?.follow
      const canLead = u.self && this.currentRoute().kind === 'board' && this.user.role === 'mentor' && this.view?.lead
      return h('li', { class: 'person' + (u.self ? ' self' : ''), 'data-user': u.name, title: `${u.name} (${u.role})` },
        h('span', { class: 'avatar', style: { background: u.color }, 'aria-hidden': 'true' }, initials(u.name)),
        h('span', { class: 'pname' }, u.self ? `${u.name} (you)` : u.name),
        canFollow ? h('button', { type: 'button', class: 'follow', 'aria-pressed': String(this.view.following === u.clientId), onclick: () => { this.view.follow(this.view.following === u.clientId ? null : u.clientId); this.renderPresence() } }, this.view.following === u.clientId ? 'Stop following' : 'Follow') : null,
        canLead ? h('button', { type: 'button', class: 'follow', id: 'lead-btn', 'aria-pressed': String(this.view.leading), title: 'Everyone else follows your view until they pan away', onclick: () => { this.view.lead(!this.view.leading); this.renderPresence() } }, this.view.leading ? 'Stop leading' : 'Lead') : null)
    }))
  }

  toggleExportMenu (open = this.exportMenu.hidden) {
    this.renderExportMenu()
    this.exportMenu.hidden = !open
    this.exportBtn.setAttribute('aria-expanded', String(open))
    if (open) this.exportMenu.querySelector('button')?.focus()
  }

  renderExportMenu () {
    const r = this.currentRoute()
    const items = [['export-plan', 'Plan', `${this.workspace}/plan`, {}]]
    if (r.kind === 'board') {
      items.unshift(['export-board', 'This board', `${this.workspace}/board/${r.n}`, {}])
      const frame = this.view?.selectedFrame?.()
      if (frame) items.splice(1, 0, ['export-frame', `Frame “${frame.name}”`, `${this.workspace}/board/${r.n}`, { frame: frame.id }])
    }
    // A session is one board's pages followed by the plan's (render: export_session).
    const boardN = r.kind === 'board' ? r.n : '1'
    const plan = `${this.workspace}/plan`
    items.push(['export-session', `Whole session (board ${boardN} + plan)`, `${this.workspace}/board/${boardN}`, { 'with-plan': plan, plan }])
    this.exportMenu.replaceChildren(...items.map(([id, label, doc, q]) =>
      h('button', { type: 'button', role: 'menuitem', id, onclick: () => { this.toggleExportMenu(false); this.exportPdf(doc, q, label) } }, label)))
  }

  async exportPdf (docName, query, label) {
    const qs = new URLSearchParams({ ...query, token: this.token })
    toast(`Exporting ${label}…`)
    try {
      const r = await fetch(`/api/docs/${docName}/export.pdf?${qs}`, { headers: { Authorization: 'Bearer ' + this.token } })
      if (!r.ok) throw new Error(`the server answered ${r.status}${r.status === 404 ? ' (export not available on this server)' : ''}`)
      const blob = await r.blob()
      const url = URL.createObjectURL(blob)
      const a = h('a', { href: url, download: docName.replace(/\//g, '-') + (query.frame ? '-frame' : '') + '.pdf' })
      document.body.append(a); a.click(); a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10000)
    } catch (e) {
      toast(`Export failed: ${e.message}`, 'error')
    }
  }
}

function initials (name) {
  return String(name).split(/\s+/).filter(Boolean).slice(0, 2).map(s => s[0].toUpperCase()).join('') || '?'
}

start()
