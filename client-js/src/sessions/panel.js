// Sessions (check-ins) of the workspace: scheduled and past sessions with their times in the
// viewer's zone and the session's, the schedule form, the .ics download, Start (opens the
// session's board) and End (the server saves versions and stores the session PDF), and the
// PDF of ended sessions. Viewers get the list and the downloads only.
import { h, toast } from '../dom.js'
import { browserZone, knownZones, sessionTimes, todayIn, isValidZone } from './time.js'

const STATE_LABEL = { scheduled: 'Scheduled', started: 'In progress', ended: 'Ended' }

export function mountSessions (parent, { api, workspace, readOnly, onOpenBoard, onReplay }) {
  const zone = browserZone()
  const list = h('ol', { class: 'sessions', id: 'sessions-list', 'aria-label': 'Sessions', reversed: true })
  const status = h('p', { class: 'muted', id: 'sessions-status', role: 'status', 'aria-live': 'polite' }, 'Loading sessions…')
  let alive = true
  let sessions = []

  const ics = h('a', { class: 'button', id: 'sessions-ics', href: api.icsUrl(workspace), download: `${workspace}-sessions.ics` }, 'Download calendar (.ics)')

  // ---------- schedule form ----------
  let form = null
  if (!readOnly) {
    const date = h('input', { type: 'date', id: 'session-date', required: true, value: todayIn(zone) })
    const time = h('input', { type: 'time', id: 'session-time', required: true, value: '10:00' })
    const zoneSel = h('select', { id: 'session-zone' }, ...knownZones(zone).map(z => h('option', { value: z }, z)))
    zoneSel.value = zone
    const agenda = h('textarea', { id: 'session-agenda', rows: 3, placeholder: 'One agenda item per line' })
    const submit = h('button', { type: 'submit', id: 'session-schedule' }, 'Schedule session')
    form = h('form', {
      class: 'card session-form',
      'aria-labelledby': 'schedule-h',
      onsubmit: async e => {
        e.preventDefault()
        if (!date.value || !/^\d{2}:\d{2}$/.test(time.value)) { toast('Pick a date and a time.', 'error'); return }
        if (!isValidZone(zoneSel.value)) { toast('Pick a time zone.', 'error'); return }
        submit.disabled = true
        try {
          const s = await api.schedule(workspace, { date: date.value, time: time.value, time_zone: zoneSel.value, agenda: agenda.value })
          agenda.value = ''
          toast(`Session ${s.number} scheduled.`)
          await refresh()
        } catch (err) {
          toast(`Scheduling failed: ${err.message}`, 'error')
        } finally { submit.disabled = false }
      }
    },
    h('h2', { id: 'schedule-h' }, 'Schedule a session'),
    h('div', { class: 'form-row' },
      h('label', { for: 'session-date' }, 'Date'), date,
      h('label', { for: 'session-time' }, 'Time'), time,
      h('label', { for: 'session-zone' }, 'Time zone'), zoneSel),
    h('label', { for: 'session-agenda' }, 'Agenda'), agenda,
    h('div', {}, submit))
  }

  const root = h('div', { class: 'sessions-view', id: 'sessions-view' },
    h('div', { class: 'section-head' }, h('h1', {}, 'Sessions'), ics),
    h('p', { class: 'muted' }, `Times are shown in your time zone (${zone}) and, when it differs, in the session's.`),
    form,
    h('section', { class: 'card', 'aria-labelledby': 'sessions-h' }, h('h2', { id: 'sessions-h' }, 'All sessions'), status, list))
  parent.replaceChildren(root)

  function row (s) {
    const n = Number(s.number)
    const times = sessionTimes(s.start_utc, s.time_zone, zone)
    const state = STATE_LABEL[s.status] || String(s.status || '?')
    const agenda = Array.isArray(s.agenda) ? s.agenda.filter(a => typeof a === 'string') : []
    const actions = []
    if (!readOnly && s.status === 'scheduled') {
      actions.push(h('button', { type: 'button', class: 'session-start', 'aria-label': `Start session ${n}`, onclick: e => start(n, e.currentTarget) }, 'Start'))
    }
    if (s.status === 'started') {
      actions.push(h('button', { type: 'button', class: 'session-open', 'aria-label': `Open the board of session ${n}`, onclick: () => onOpenBoard(s) }, 'Open board'))
      actions.push(h('button', { type: 'button', class: 'session-replay', 'aria-label': `Replay the board of session ${n} so far`, onclick: () => onReplay(s) }, 'Replay'))
      if (!readOnly) actions.push(h('button', { type: 'button', class: 'session-end', 'aria-label': `End session ${n}`, onclick: e => end(n, e.currentTarget) }, 'End'))
    }
    if (s.status === 'ended') {
      if (s.board) actions.push(h('button', { type: 'button', class: 'session-open', 'aria-label': `Open the board of session ${n}`, onclick: () => onOpenBoard(s) }, 'Board'))
      if (s.board) actions.push(h('button', { type: 'button', class: 'session-replay', 'aria-label': `Replay the board of session ${n}`, onclick: () => onReplay(s) }, 'Replay'))
      if (s.has_pdf) actions.push(h('a', { class: 'button session-pdf', href: api.sessionPdfUrl(workspace, n), download: `${workspace}-session-${n}.pdf`, 'aria-label': `Download the PDF of session ${n}` }, 'PDF'))
      else actions.push(h('span', { class: 'muted' }, 'PDF not available'))
    }
    return h('li', { class: 'session', 'data-session': n, 'data-status': s.status || '' },
      h('div', { class: 'session-head' },
        h('strong', {}, s.title || `Session ${n}`), ' ',
        h('span', { class: 'session-state state-' + (s.status || 'unknown') }, state)),
      h('ul', { class: 'session-times' }, ...times.map(t => h('li', { 'data-zone-kind': t.kind }, t.kind === 'yours' ? 'Your time: ' : 'Session time: ', h('time', { datetime: new Date(Number(s.start_utc) * 1000).toISOString() }, t.text)))),
      agenda.length ? h('ul', { class: 'session-agenda', 'aria-label': `Agenda of session ${n}` }, ...agenda.map(a => h('li', {}, a))) : h('p', { class: 'muted' }, 'No agenda.'),
      h('div', { class: 'session-actions' }, ...actions))
  }

  function render () {
    list.replaceChildren(...[...sessions].sort((a, b) => Number(b.number) - Number(a.number)).map(row))
    status.textContent = sessions.length ? `${sessions.length} session${sessions.length === 1 ? '' : 's'}` : 'No sessions yet.'
  }

  async function refresh () {
    try {
      const r = await api.listSessions(workspace)
      if (!alive) return
      sessions = (Array.isArray(r?.sessions) ? r.sessions : []).filter(s => s && typeof s === 'object' && Number.isInteger(Number(s.number)))
      render()
    } catch (err) {
      if (alive) status.textContent = `Sessions are not available: ${err.message}`
    }
  }

  async function start (n, btn) {
    btn.disabled = true
    try {
      const s = await api.startSession(workspace, n)
      await refresh()
      onOpenBoard(s, { justStarted: true })
    } catch (err) {
      toast(`Starting session ${n} failed: ${err.message}`, 'error'); btn.disabled = false
    }
  }

  async function end (n, btn) {
    if (!confirm(`End session ${n}? Versions of its board and the plan are saved and the session PDF is made.`)) return
    btn.disabled = true
    toast(`Ending session ${n}…`)
    try {
      await api.endSession(workspace, n)
      toast(`Session ${n} ended.`)
    } catch (err) {
      toast(`Ending session ${n} failed: ${err.message}`, 'error')
    }
    await refresh()
  }

  // Another person may start or end a session: refresh now and then, and when the tab is back.
  const poll = setInterval(() => { if (document.visibilityState === 'visible') refresh() }, 15000)
  const onVisible = () => { if (document.visibilityState === 'visible') refresh() }
  document.addEventListener('visibilitychange', onVisible)
  refresh()
  return { root, refresh, destroy () { alive = false; clearInterval(poll); document.removeEventListener('visibilitychange', onVisible) } }
}
