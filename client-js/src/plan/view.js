// Plan editor: goals (title, status, owner, due, progress, milestones, rich description),
// rich-text notes, check-ins and feedback, all bound live to the plan document.
import * as Y from 'yjs'
import Quill from 'quill'
import QuillCursors from 'quill-cursors'
import { bindQuill } from '../quill-binding.js'
import { h } from '../dom.js'
import { bindYText } from '../ytext-input.js'
import {
  planGoals, planNotes, planCheckins, planMeta, addGoal, setGoalField, addMilestone,
  moveGoal, deleteGoal, addCheckin, GOAL_STATUSES, clampProgress, isValidDate
} from '../model/plan.js'
import { planComments, mountFeedback } from '../comments/plan.js'

Quill.register('modules/cursors', QuillCursors, true)

const STATUS_LABEL = { 'not-started': 'Not started', 'in-progress': 'In progress', done: 'Done', blocked: 'Blocked' }
const NOTES_TOOLBAR = [[{ header: [1, 2, 3, false] }], ['bold', 'italic', 'underline', 'strike', 'code'], ['link'], [{ list: 'bullet' }, { list: 'ordered' }, { list: 'check' }], ['clean']]
const NOTES_FORMATS = ['header', 'bold', 'italic', 'underline', 'strike', 'code', 'link', 'list']

function richEditor (ytext, { readOnly, awareness, toolbar = NOTES_TOOLBAR, placeholder, label }) {
  const host = h('div', { class: 'rich', 'aria-label': label })
  // Quill puts its toolbar before the editor host, so the host needs its parent first.
  const wrap = h('div', { class: 'rich-wrap' }, host)
  const quill = new Quill(host, {
    theme: 'snow',
    readOnly,
    placeholder: readOnly ? '' : placeholder,
    formats: NOTES_FORMATS,
    modules: { toolbar: readOnly ? false : toolbar, cursors: !!awareness, history: { userOnly: true } }
  })
  quill.root.setAttribute('aria-label', label)
  quill.root.setAttribute('role', 'textbox')
  quill.root.setAttribute('aria-multiline', 'true')
  const binding = bindQuill(ytext, quill, awareness)
  return { wrap, host, quill, mount (parent) { parent.append(wrap) }, destroy () { binding.destroy() } }
}

export function mountPlan (parent, { shared, user, readOnly, token }) {
  const doc = shared.doc
  const cleanups = []
  const ro = readOnly
  // Goal comments and session feedback go through the server (comments/plan.js).
  const threads = planComments({ doc, planName: shared.name, token: token || undefined, readOnly: ro || !['mentor', 'mentee'].includes(user.role) })
  cleanups.push(() => threads.destroy())
  const root = h('div', { class: 'plan', id: 'plan-view' })
  parent.replaceChildren(root)

  // Title
  const title = h('input', { class: 'plan-title', id: 'plan-title', 'aria-label': 'Plan title', readOnly: ro })
  const meta = planMeta(doc)
  const syncTitle = () => { if (document.activeElement !== title) title.value = meta.get('title') ?? 'Development plan' }
  meta.observe(syncTitle); cleanups.push(() => meta.unobserve(syncTitle)); syncTitle()
  title.addEventListener('change', () => meta.set('title', title.value.trim() || 'Development plan'))
  const people = h('p', { class: 'muted', id: 'plan-people' })
  const syncPeople = () => { people.textContent = `Mentor: ${meta.get('mentor') ?? '—'} · Mentee: ${meta.get('mentee') ?? '—'}` }
  meta.observe(syncPeople); cleanups.push(() => meta.unobserve(syncPeople)); syncPeople()

  // Goals
  const goalsList = h('ol', { class: 'goals', id: 'goals', 'aria-label': 'Goals' })
  const cards = new Map() // Y.Map → card
  const goals = planGoals(doc)
  const renderGoals = () => {
    const seen = new Set()
    const order = []
    goals.forEach((g, i) => {
      if (!(g instanceof Y.Map)) return
      seen.add(g)
      let card = cards.get(g)
      if (!card) { card = goalCard(g, { doc, ro, user, threads }); cards.set(g, card) }
      card.setPosition(i, goals.length)
      order.push(card.el)
    })
    for (const [g, card] of cards) if (!seen.has(g)) { card.destroy(); cards.delete(g) }
    order.forEach((el, i) => { if (goalsList.children[i] !== el) goalsList.insertBefore(el, goalsList.children[i] || null) })
    emptyGoals.hidden = goals.length > 0
  }
  const emptyGoals = h('p', { class: 'muted' }, 'No goals yet.')
  goals.observe(renderGoals); cleanups.push(() => { goals.unobserve(renderGoals); for (const c of cards.values()) c.destroy() })

  // Notes
  const notes = richEditor(planNotes(doc), { readOnly: ro, awareness: shared.awareness, placeholder: 'Shared notes: agenda, decisions, links…', label: 'Plan notes' })
  notes.host.id = 'plan-notes'
  cleanups.push(() => notes.destroy())

  // Check-ins
  const checkins = planCheckins(doc)
  const checkinList = h('ul', { class: 'checkins', id: 'checkins' })
  const checkinCards = new Map()
  const renderCheckins = () => {
    const seen = new Set()
    const els = []
    checkins.forEach((c, i) => {
      if (!(c instanceof Y.Map)) return
      seen.add(c)
      if (!checkinCards.has(c)) checkinCards.set(c, checkinCard(c, i, { doc, ro, checkins }))
      els.push(checkinCards.get(c).el)
    })
    for (const [c, card] of checkinCards) if (!seen.has(c)) { card.destroy(); checkinCards.delete(c) }
    checkinList.replaceChildren(...els.reverse())
  }
  checkins.observe(renderCheckins); cleanups.push(() => { checkins.unobserve(renderCheckins); for (const c of checkinCards.values()) c.destroy() })

  const addGoalBtn = ro ? null : h('button', { type: 'button', id: 'add-goal', onclick: () => { const id = addGoal(doc, { owner: user.role === 'mentor' ? 'mentor' : 'mentee' }); requestAnimationFrame(() => root.querySelector(`[data-goal="${id}"] .goal-title`)?.focus()) } }, '+ Add goal')
  const addCheckinBtn = ro ? null : h('button', { type: 'button', id: 'add-checkin', onclick: () => addCheckin(doc, {}) }, '+ Add check-in')

  const notesSection = h('section', { class: 'card notes-card', 'aria-labelledby': 'notes-h' }, h('h2', { id: 'notes-h' }, 'Notes'))
  const feedbackSection = h('section', { class: 'card', 'aria-labelledby': 'feedback-h' }, h('h2', { id: 'feedback-h' }, 'Session feedback'))
  const fb = mountFeedback(feedbackSection, { doc, planName: shared.name, token: token || undefined, user, readOnly: ro })
  cleanups.push(() => fb.destroy())
  root.append(
    h('div', { class: 'plan-head' }, title, people, ro ? h('p', { class: 'readonly-banner', role: 'note' }, 'You are viewing this plan read-only.') : null),
    h('div', { class: 'plan-grid' },
      h('section', { class: 'card goals-card', 'aria-labelledby': 'goals-h' }, h('div', { class: 'section-head' }, h('h2', { id: 'goals-h' }, 'Goals'), addGoalBtn), emptyGoals, goalsList),
      h('div', { class: 'plan-side' },
        notesSection,
        h('section', { class: 'card', 'aria-labelledby': 'checkins-h' }, h('div', { class: 'section-head' }, h('h2', { id: 'checkins-h' }, 'Check-ins'), addCheckinBtn), checkinList),
        feedbackSection)))
  notes.mount(notesSection)
  renderGoals(); renderCheckins()

  return { destroy () { cleanups.forEach(f => f()) } }
}

function goalCard (g, { doc, ro, user, threads }) {
  const id = g.get('id')
  const cleanups = []
  const titleIn = h('input', { class: 'goal-title', 'aria-label': 'Goal title', placeholder: 'Goal title' })
  if (g.get('title') instanceof Y.Text) cleanups.push(bindYText(titleIn, g.get('title'), { readOnly: ro }))
  else titleIn.value = String(g.get('title') ?? '')
  const status = h('select', { 'aria-label': 'Status', class: 'goal-status', disabled: ro, onchange: () => setGoalField(doc, id, 'status', status.value) },
    ...GOAL_STATUSES.map(s => h('option', { value: s }, STATUS_LABEL[s])))
  const owner = h('select', { 'aria-label': 'Owner', class: 'goal-owner', disabled: ro, onchange: () => setGoalField(doc, id, 'owner', owner.value) },
    h('option', { value: 'mentee' }, 'Mentee'), h('option', { value: 'mentor' }, 'Mentor'))
  const due = h('input', { type: 'date', 'aria-label': 'Due date', class: 'goal-due', readOnly: ro, onchange: () => setGoalField(doc, id, 'due', due.value) })
  const progress = h('input', { type: 'range', min: 0, max: 100, step: 5, 'aria-label': 'Progress', class: 'goal-progress', disabled: ro, oninput: () => setGoalField(doc, id, 'progress', Number(progress.value)) })
  const progressOut = h('output', { class: 'progress-out' })
  const sync = () => {
    status.value = g.get('status') ?? 'not-started'
    owner.value = g.get('owner') ?? 'mentee'
    if (document.activeElement !== due) due.value = isValidDate(g.get('due')) ? g.get('due') : ''
    const p = clampProgress(g.get('progress'))
    if (document.activeElement !== progress) progress.value = String(p)
    progressOut.textContent = p + '%'
    el.dataset.status = status.value
  }
  g.observe(sync); cleanups.push(() => g.unobserve(sync))

  // Milestones
  const msList = h('ul', { class: 'milestones', 'aria-label': 'Milestones' })
  const ms = g.get('milestones')
  const renderMs = () => {
    if (!(ms instanceof Y.Array)) return
    // Entries that are not maps (bad data from elsewhere) are skipped, never a crash.
    msList.replaceChildren(...ms.toArray().map((m, i) => [m, i]).filter(([m]) => m instanceof Y.Map).map(([m, i]) => {
      const cb = h('input', { type: 'checkbox', checked: !!m.get('done'), disabled: ro, 'aria-label': 'Done: ' + (m.get('title') || 'milestone'), onchange: () => m.set('done', cb.checked) })
      const t = h('input', { class: 'ms-title', value: String(m.get('title') ?? ''), readOnly: ro, 'aria-label': 'Milestone title', onchange: () => m.set('title', t.value) })
      const d = h('input', { type: 'date', class: 'ms-due', value: isValidDate(m.get('due')) ? m.get('due') : '', readOnly: ro, 'aria-label': 'Milestone due date', onchange: () => { if (isValidDate(d.value)) m.set('due', d.value); else m.delete('due') } })
      return h('li', { class: m.get('done') ? 'done' : '' }, cb, t, d, ro ? null : h('button', { type: 'button', class: 'icon', 'aria-label': 'Remove milestone', onclick: () => ms.delete(i, 1) }, '×'))
    }))
  }
  if (ms instanceof Y.Array) { ms.observeDeep(renderMs); cleanups.push(() => ms.unobserveDeep(renderMs)) }
  const newMs = h('input', { class: 'ms-new', placeholder: 'Add a milestone and press Enter', 'aria-label': 'New milestone' })
  newMs.addEventListener('keydown', e => { if (e.key === 'Enter' && newMs.value.trim()) { addMilestone(doc, id, { title: newMs.value.trim() }); newMs.value = '' } })

  let desc = null
  const descHost = h('div', { class: 'goal-desc' })
  if (g.get('description') instanceof Y.Text) {
    desc = richEditor(g.get('description'), { readOnly: ro, toolbar: [['bold', 'italic', 'underline', 'strike', 'code'], ['link'], [{ list: 'bullet' }, { list: 'ordered' }, { list: 'check' }]], placeholder: 'Why this goal matters, how we will know it is done…', label: 'Goal description' })
    desc.mount(descHost)
    cleanups.push(() => desc.destroy())
  }

  const move = delta => {
    const i = planGoals(doc).toArray().indexOf(g)
    if (i >= 0 && moveGoal(doc, i, i + delta)) requestAnimationFrame(() => document.querySelector(`[data-goal="${id}"] .move-${delta < 0 ? 'up' : 'down'}`)?.focus())
  }
  const up = h('button', { type: 'button', class: 'icon move-up', 'aria-label': 'Move goal up', onclick: () => move(-1) }, '↑')
  const down = h('button', { type: 'button', class: 'icon move-down', 'aria-label': 'Move goal down', onclick: () => move(1) }, '↓')
  const commentBtn = typeof id === 'string' && id ? threads.button(id, () => titleIn.value) : null
  const el = h('li', { class: 'goal', 'data-goal': id, draggable: !ro },
    h('div', { class: 'goal-row' }, ro ? null : h('span', { class: 'grip', 'aria-hidden': 'true', title: 'Drag to reorder' }, '⋮⋮'), titleIn,
      commentBtn,
      ro ? null : up, ro ? null : down, ro ? null : h('button', { type: 'button', class: 'icon', 'aria-label': 'Delete goal', onclick: () => { if (confirm('Delete this goal?')) deleteGoal(doc, id) } }, '🗑')),
    h('div', { class: 'goal-fields' },
      h('label', {}, 'Status ', status), h('label', {}, 'Owner ', owner), h('label', {}, 'Due ', due),
      h('label', { class: 'progress-label' }, 'Progress ', progress, progressOut)),
    descHost,
    h('div', { class: 'ms-box' }, h('h3', {}, 'Milestones'), msList, ro ? null : newMs))
  if (!ro) {
    el.addEventListener('dragstart', e => { e.dataTransfer.setData('text/x-goal', id); el.classList.add('dragging') })
    el.addEventListener('dragend', () => el.classList.remove('dragging'))
    el.addEventListener('dragover', e => { if (e.dataTransfer.types.includes('text/x-goal')) e.preventDefault() })
    el.addEventListener('drop', e => {
      const from = e.dataTransfer.getData('text/x-goal'); if (!from || from === id) return
      e.preventDefault()
      const arr = planGoals(doc).toArray()
      moveGoal(doc, arr.findIndex(x => x instanceof Y.Map && x.get('id') === from), arr.indexOf(g))
    })
  }
  sync(); renderMs()
  return {
    el,
    setPosition (i, n) { up.disabled = i === 0; down.disabled = i === n - 1 },
    destroy () { cleanups.forEach(f => f()); if (commentBtn) threads.forget(id, commentBtn); el.remove() }
  }
}

function checkinCard (c, i, { doc, ro, checkins }) {
  const cleanups = []
  const date = h('input', { type: 'date', 'aria-label': 'Check-in date', readOnly: ro, value: isValidDate(c.get('date')) ? c.get('date') : '', onchange: () => { if (isValidDate(date.value)) c.set('date', date.value) } })
  const syncDate = () => { date.value = isValidDate(c.get('date')) ? c.get('date') : '' }
  c.observe(syncDate); cleanups.push(() => c.unobserve(syncDate))
  const summary = h('textarea', { rows: 2, 'aria-label': 'Check-in summary', placeholder: 'Summary', class: 'ci-summary' })
  const next = h('textarea', { rows: 2, 'aria-label': 'Next steps', placeholder: 'Next steps', class: 'ci-next' })
  if (c.get('summary') instanceof Y.Text) cleanups.push(bindYText(summary, c.get('summary'), { readOnly: ro }))
  if (c.get('nextSteps') instanceof Y.Text) cleanups.push(bindYText(next, c.get('nextSteps'), { readOnly: ro }))
  const el = h('li', { class: 'checkin' }, h('div', { class: 'ci-head' }, date,
    ro ? null : h('button', { type: 'button', class: 'icon', 'aria-label': 'Delete check-in', onclick: () => { const k = checkins.toArray().indexOf(c); if (k >= 0) checkins.delete(k, 1) } }, '×')),
  h('label', {}, 'Summary', summary), h('label', {}, 'Next steps', next))
  return { el, destroy () { cleanups.forEach(f => f()) } }
}
