// Comments on goals (a count badge per goal card, opening the goal's thread) and the
// session feedback section of the plan (rating 1–5 + text per session, grouped by session).
// Both are written over REST, so author and role come from the token, and read from the plan
// document, so they arrive live.
import { h, toast } from '../dom.js'
import { openThread, closeThread, currentThreadKey } from './thread.js'
import { goalThread, goalCommentCounts, planFeedbackEntries, groupFeedback, defaultSession, sessionLabel, checkText, parseRating, formatTime } from './model.js'
import { postGoalComment, postFeedback, listSessions, tokenFromLocation } from './api.js'

/** Per-plan registry of goal comment buttons; keeps their counts live. */
export function planComments ({ doc, planName, token = tokenFromLocation(), readOnly }) {
  const feedback = doc.getArray('feedback')
  const buttons = new Map() // goalId → { btn, title }
  const refresh = () => {
    const counts = goalCommentCounts(doc)
    for (const [id, b] of buttons) setCount(b.btn, counts.get(id) || 0, b.title())
  }
  feedback.observeDeep(refresh)

  function open (goalId, title, returnFocus) {
    openThread({
      key: `${planName}#goal:${goalId}`,
      title: `Comments on “${title() || 'Untitled goal'}”`,
      read: () => goalThread(doc, goalId),
      subscribe: fn => { feedback.observeDeep(fn); return () => feedback.unobserveDeep(fn) },
      send: text => postGoalComment(planName, token, goalId, text),
      readOnly,
      returnFocus
    })
  }

  return {
    /** The "Comments" button of one goal card. */
    button (goalId, title) {
      const btn = h('button', { type: 'button', class: 'comment-btn', 'data-goal-comments': goalId, onclick: () => open(goalId, title, btn) })
      buttons.set(goalId, { btn, title })
      setCount(btn, goalCommentCounts(doc).get(goalId) || 0, title())
      return btn
    },
    /** A goal card went away (a moved goal comes back as a new card with the same id). */
    forget (goalId, btn) { if (buttons.get(goalId)?.btn === btn) buttons.delete(goalId) },
    open,
    destroy () {
      feedback.unobserveDeep(refresh)
      if (String(currentThreadKey()).startsWith(planName + '#')) closeThread()
    }
  }
}

function setCount (btn, n, title) {
  btn.dataset.count = String(n)
  btn.textContent = `💬 ${n}`
  btn.setAttribute('aria-label', `Comments on goal “${title || 'Untitled goal'}”: ${n}`)
  btn.title = n === 1 ? '1 comment' : `${n} comments`
}

const stars = r => '★'.repeat(r) + '☆'.repeat(5 - r)

/** Fills `section` with the feedback form (mentor and mentee) and the grouped list. */
export function mountFeedback (section, { doc, planName, token = tokenFromLocation(), user, readOnly }) {
  const workspace = planName.split('/')[0]
  const feedback = doc.getArray('feedback')
  let sessions = []
  const list = h('ul', { class: 'feedback', id: 'feedback', 'aria-label': 'Feedback by session' })

  const render = () => {
    const groups = groupFeedback(planFeedbackEntries(doc), sessions)
    if (!groups.length) { list.replaceChildren(h('li', { class: 'muted' }, 'No feedback yet.')); return }
    list.replaceChildren(...groups.map(g => h('li', { class: 'fb-group', 'data-session': g.session ?? '' },
      h('h3', { class: 'fb-session' }, g.label, g.average != null ? h('span', { class: 'fb-avg' }, `average ${g.average} / 5`) : null),
      h('ul', {}, ...g.entries.map(e => h('li', { class: 'fb', 'data-author': e.author },
        h('div', { class: 'fb-head' }, h('strong', {}, e.author), ' ', e.role ? h('span', { class: 'role role-' + e.role }, e.role) : null,
          e.rating != null ? [' ', h('span', { class: 'fb-stars', role: 'img', 'aria-label': `Rating ${e.rating} of 5` }, stars(e.rating))] : null,
          ' · ', h('time', {}, formatTime(e.createdAt))),
        h('p', { class: 'fb-text' }, e.text)))))))
  }
  feedback.observeDeep(render)

  let form = null
  if (!readOnly && (user.role === 'mentor' || user.role === 'mentee')) {
    const sessionSel = h('select', { id: 'feedback-session' })
    const fillSessions = () => {
      const cur = sessionSel.value
      sessionSel.replaceChildren(h('option', { value: '' }, 'No particular session'),
        ...[...sessions].sort((a, b) => b.number - a.number).map(s => h('option', { value: String(s.number) }, sessionLabel(s))))
      sessionSel.value = cur && [...sessionSel.options].some(o => o.value === cur) ? cur : String(defaultSession(sessions) ?? '')
    }
    const radios = [1, 2, 3, 4, 5].map(n => h('label', {}, h('input', { type: 'radio', name: 'fb-rating', value: String(n), 'aria-label': `${n} of 5` }), h('span', { 'aria-hidden': 'true' }, `${n}★`)))
    const text = h('textarea', { id: 'feedback-text', rows: 2, placeholder: 'What went well, what to try next…' })
    const error = h('p', { class: 'thread-error', role: 'alert', hidden: true })
    const submit = h('button', { type: 'submit', id: 'feedback-submit' }, 'Send feedback')
    form = h('form', {
      class: 'fb-form',
      id: 'feedback-form',
      'aria-label': 'Give session feedback',
      onsubmit: async e => {
        e.preventDefault()
        const c = checkText(text.value)
        const checked = form.querySelector('input[name="fb-rating"]:checked')
        const rating = parseRating(checked ? checked.value : '')
        if (!c.ok) return showError(c.error)
        if (rating === undefined) return showError('Pick a rating from 1 to 5.')
        submit.disabled = true
        try {
          await postFeedback(planName, token, { text: c.text, rating, session: sessionSel.value ? Number(sessionSel.value) : null })
          text.value = ''
          if (checked) checked.checked = false
          showError(null)
          toast('Feedback sent.')
        } catch (err) {
          showError('Not sent: ' + err.message)
        } finally { submit.disabled = false }
      }
    },
    h('label', { class: 'fb-field' }, 'Session', sessionSel),
    h('fieldset', { class: 'fb-rating' }, h('legend', {}, 'Rating (optional)'), ...radios),
    h('label', { class: 'fb-field' }, 'Feedback', text),
    error, submit)
    function showError (msg) { error.hidden = !msg; error.textContent = msg || '' }
    fillSessions()
    const load = () => listSessions(workspace, token).then(s => { sessions = s; fillSessions(); render() })
    text.addEventListener('focus', load) // sessions scheduled meanwhile
    load()
  } else {
    listSessions(workspace, token).then(s => { sessions = s; render() })
  }

  section.append(...[form, list].filter(Boolean))
  render()
  return { destroy () { feedback.unobserveDeep(render) } }
}
