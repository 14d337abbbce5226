// The workspace admin page at /admin?token=ADMIN_TOKEN (`tandem admin-token` prints one):
// list workspaces, create one (title, mentor and mentees with time zones, meeting link),
// manage each workspace's invites, and match mentors with mentees (a mentor's pairs can
// pre-fill the new-workspace form).
import { h, toast } from '../dom.js'
import { api } from '../comments/api.js'
import { decodeToken } from '../model/token.js'
import { workspaceRequest, rememberLinks, absoluteLink } from './model.js'
import { invitePanel, linkField } from './invites.js'
import { matchSection } from './match.js'
import './admin.css'

function zones () {
  try { return Intl.supportedValuesOf('timeZone') } catch { return ['UTC', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo'] }
}
function localZone () {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' } catch { return 'UTC' }
}

export async function mountAdmin (app, token) {
  document.title = 'Tandem — admin'
  const info = decodeToken(token)
  const fail = (title, detail) => app.replaceChildren(h('main', { class: 'error-page', role: 'alert' }, h('h1', {}, title), h('p', {}, detail),
    h('p', { class: 'muted' }, 'Open this page as ', h('code', {}, '/admin?token=…'), ' with the token ', h('code', {}, 'tandem admin-token'), ' prints.')))
  if (!info.ok) return fail(info.expired ? 'This admin link has expired' : 'This admin link does not work', info.error)
  if (info.role !== 'admin') return fail('This page needs an admin token', `The token in this link is for ${info.role} ${info.name}; workspaces are created with an admin token.`)

  const wsBody = h('tbody', {})
  const wsStatus = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' }, 'Loading workspaces…')
  const detail = h('section', { class: 'card admin-detail', id: 'ws-detail', 'aria-labelledby': 'ws-detail-h', hidden: true })
  const dl = h('datalist', { id: 'tz-list' }, ...zones().map(z => h('option', { value: z })))
  let workspaces = []

  async function load (select) {
    try {
      const j = await api('GET', '/api/workspaces', token)
      workspaces = Array.isArray(j?.workspaces) ? j.workspaces : []
    } catch (err) {
      if (err.status === 401 || err.status === 403) return fail('This admin link does not work', 'The server refused the token: ' + err.message)
      wsStatus.textContent = 'Workspaces could not be loaded: ' + err.message
      return
    }
    wsStatus.textContent = workspaces.length ? `${workspaces.length} workspace${workspaces.length === 1 ? '' : 's'}.` : 'No workspaces yet: create the first one below.'
    wsBody.replaceChildren(...workspaces.map(w => h('tr', { 'data-workspace': w.id },
      h('th', { scope: 'row' }, w.title), h('td', {}, h('code', {}, w.id)), h('td', {}, `${w.mentor?.name ?? '—'} (${w.mentor?.time_zone ?? ''})`),
      h('td', {}, (Array.isArray(w.mentees) ? w.mentees : []).map(m => `${m.name} (${m.time_zone})`).join(', ')),
      h('td', {}, w.meeting_link && /^https?:/i.test(w.meeting_link) ? h('a', { href: w.meeting_link, target: '_blank', rel: 'noopener noreferrer' }, 'Meeting') : '—'),
      h('td', {}, w.created ? new Date(w.created).toISOString().slice(0, 10) : ''),
      h('td', { class: 'actions' },
        h('button', { type: 'button', class: 'manage-btn', 'aria-label': `Invites of ${w.title}`, onclick: () => showDetail(w.id) }, 'Invites'),
        h('a', { href: `/w/${encodeURIComponent(w.id)}?token=${encodeURIComponent(token)}`, class: 'open-link', 'aria-label': `Open ${w.title} as admin` }, 'Open')))))
    if (select) showDetail(select)
  }

  function showDetail (id, createdInvites) {
    const w = workspaces.find(x => x.id === id)
    if (!w) return
    const panel = invitePanel({ workspace: w, token })
    const fresh = createdInvites?.length
      ? h('div', { class: 'invite-created', id: 'created-invites' }, h('p', {}, 'Workspace created. Send each person their link:'),
        h('ul', { class: 'created-list' }, ...createdInvites.map(i => h('li', { 'data-person': i.name }, h('span', {}, `${i.name} (${i.role}) `), linkField(absoluteLink(i.link, location.origin), `invite link for ${i.name}`)))))
      : null
    detail.replaceChildren(h('h2', { id: 'ws-detail-h', tabindex: -1 }, `Invites — ${w.title}`), fresh, panel.el)
    detail.hidden = false
    detail.querySelector('h2').focus()
  }

  // New workspace form
  const field = (label, input, hint) => h('label', { class: 'field' }, label, input, hint ? h('span', { class: 'muted hint' }, hint) : null)
  const title = h('input', { type: 'text', name: 'title', id: 'ws-title', required: true, maxLength: 200 })
  const wsId = h('input', { type: 'text', name: 'id', id: 'ws-id', maxLength: 64, pattern: '[A-Za-z0-9._~\\-]{1,64}' })
  const link = h('input', { type: 'url', name: 'meetingLink', id: 'ws-link', placeholder: 'https://meet.example.org/…' })
  const mentorName = h('input', { type: 'text', id: 'mentor-name', required: true, maxLength: 200 })
  const mentorTz = h('input', { type: 'text', id: 'mentor-tz', list: 'tz-list', value: localZone() })
  const menteeRows = h('ol', { class: 'mentee-rows', id: 'mentee-rows' })
  const addMentee = (name = '', tz = localZone()) => {
    const n = menteeRows.children.length + 1
    const row = h('li', { class: 'mentee-row' },
      h('label', { class: 'field' }, `Mentee ${n} name`, h('input', { type: 'text', class: 'mentee-name', value: name, maxLength: 200 })),
      h('label', { class: 'field' }, `Mentee ${n} time zone`, h('input', { type: 'text', class: 'mentee-tz', list: 'tz-list', value: tz })),
      h('button', { type: 'button', class: 'icon', 'aria-label': `Remove mentee ${n}`, onclick: () => { row.remove(); menteeRows.querySelector('input')?.focus() } }, '×'))
    menteeRows.append(row)
    return row
  }
  addMentee()
  const formError = h('div', { class: 'form-error', role: 'alert', hidden: true, id: 'ws-form-error' })
  const submit = h('button', { type: 'submit', class: 'primary', id: 'ws-create' }, 'Create workspace')
  const form = h('form', {
    class: 'card ws-form',
    id: 'ws-form',
    'aria-labelledby': 'ws-form-h',
    noValidate: true,
    onsubmit: async e => {
      e.preventDefault()
      const r = workspaceRequest({
        title: title.value,
        id: wsId.value,
        meetingLink: link.value,
        mentor: { name: mentorName.value, timeZone: mentorTz.value },
        mentees: [...menteeRows.children].map(li => ({ name: li.querySelector('.mentee-name').value, timeZone: li.querySelector('.mentee-tz').value }))
      })
      if (!r.ok) return showErrors(r.errors.map(x => x.message))
      submit.disabled = true
      try {
        const res = await api('POST', '/api/workspaces', token, r.body)
        const invites = Array.isArray(res?.invites) ? res.invites : []
        rememberLinks(window.localStorage, invites)
        showErrors([])
        toast(`Workspace “${res.workspace?.title}” created.`)
        form.reset(); menteeRows.replaceChildren(); addMentee(); mentorTz.value = localZone()
        await load()
        showDetail(res.workspace?.id, invites)
      } catch (err) {
        showErrors(['Not created: ' + err.message])
      } finally { submit.disabled = false }
    }
  },
  h('h2', { id: 'ws-form-h' }, 'New workspace'),
  h('div', { class: 'form-grid' },
    field('Title', title), field('Id (optional)', wsId, 'Used in links; derived from the title when empty.'), field('Meeting link', link)),
  h('fieldset', {}, h('legend', {}, 'Mentor'), h('div', { class: 'form-grid' }, field('Name', mentorName), field('Time zone', mentorTz))),
  h('fieldset', {}, h('legend', {}, 'Mentees'), menteeRows,
    h('button', { type: 'button', id: 'add-mentee', onclick: () => addMentee().querySelector('input').focus() }, '+ Add mentee')),
  formError, submit)
  // A mentor and their matched mentees, from the matching section, into the form.
  function prefill (w) {
    title.value = w.title
    mentorName.value = w.mentor.name
    mentorTz.value = w.mentor.timeZone
    menteeRows.replaceChildren()
    for (const m of w.mentees) addMentee(m.name, m.timeZone)
    form.scrollIntoView({ block: 'start' })
    title.focus()
  }

  function showErrors (msgs) {
    formError.hidden = !msgs.length
    formError.replaceChildren(...(msgs.length > 1 ? [h('ul', {}, ...msgs.map(m => h('li', {}, m)))] : msgs.map(m => h('p', {}, m))))
  }

  app.replaceChildren(
    h('header', { class: 'topbar' }, h('strong', { class: 'brand' }, 'Tandem'), h('span', { class: 'workspace' }, 'Workspace admin'), h('div', { class: 'spacer' }),
      h('span', { class: 'me' }, info.name || 'admin', ' ', h('span', { class: 'role role-admin' }, 'admin'))),
    h('main', { class: 'admin', id: 'admin-view' }, dl,
      h('section', { class: 'card', 'aria-labelledby': 'ws-list-h' }, h('h2', { id: 'ws-list-h' }, 'Workspaces'), wsStatus,
        h('div', { class: 'table-wrap' }, h('table', { class: 'ws-table', id: 'ws-table' },
          h('thead', {}, h('tr', {}, ...['Title', 'Id', 'Mentor', 'Mentees', 'Meeting', 'Created', ''].map(t => h('th', { scope: 'col' }, t)))), wsBody))),
      detail, matchSection({ token, onUseForWorkspace: prefill }), form))
  await load()
}
