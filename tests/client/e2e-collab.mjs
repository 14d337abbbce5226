// Browser end-to-end tests of comments, session feedback and workspace admin (issue #8,
// client side) on the shared harness (harness.mjs): the admin page creates a workspace and
// invites, revocation reaches an open page, comments and feedback travel live between
// mentor and mentee, and feedback ends up in the plan PDF. One case per run (--case NAME).
//
//   node e2e-collab.mjs --tandem PATH/tandem --case admin|comments|feedback|match [--artifacts DIR] [--dist DIR]
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  WS, ART, check, fail, api, createWorkspace, serverDoc, browser, snap, open, waitFor, addSticky, exportVia, runCases, Y
} from './harness.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const claimsOf = tok => JSON.parse(Buffer.from(tok.split('.')[0], 'base64url').toString('utf8'))
const texts = (page, sel) => page.$$eval(sel, els => els.map(e => e.textContent.trim()))

async function newPage (who, permissions = []) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
  if (permissions.length) await context.grantPermissions(permissions)
  const page = await context.newPage()
  page.on('pageerror', e => console.log(`[${who} pageerror] ${e.message}`))
  page.on('console', m => { if (m.type() === 'error') console.log(`[${who} console] ${m.text()}`) })
  return page
}

// Opens the comment thread of a goal and waits for the panel.
async function openGoalThread (page, goalId) {
  await page.click(`[data-goal-comments="${goalId}"]`)
  await page.waitForSelector(`#comment-thread[data-key$="#goal:${goalId}"]`)
}

async function postInThread (page, text) {
  await page.fill('#thread-text', text)
  await page.keyboard.press('Control+Enter')
  await waitFor(async () => (await page.inputValue('#thread-text')) === '', `the thread form to clear after sending “${text}” (error: ${await page.textContent('.thread-error').catch(() => '')})`)
}

const threadComments = page => page.$$eval('#thread-list .comment', els => els.map(e => ({
  author: e.querySelector('.comment-author')?.textContent, role: e.querySelector('.role')?.textContent ?? '', text: e.querySelector('.comment-text')?.textContent
})))

const cases = {
  // The admin creates a workspace on the admin page and an invite for a mentee; the mentee's
  // link opens the workspace's plan; revoking it disconnects the open page and the link then
  // shows the error page.
  async admin (base, t) {
    if (!t.admin) fail('tandem admin-token is needed for the admin page')
    const admin = await newPage('admin', ['clipboard-read', 'clipboard-write'])
    await admin.goto(`${base}/admin?token=${encodeURIComponent(t.admin)}`)
    await admin.waitForSelector('#ws-table')
    await waitFor(async () => (await admin.textContent('#ws-list-h + p')).includes('No workspaces'), 'the empty workspace list')
    await snap(admin, 'admin-empty')

    // A form error is shown, not sent.
    await admin.click('#ws-create')
    await admin.waitForSelector('#ws-form-error:not([hidden])')
    check((await admin.textContent('#ws-form-error')).includes('title'), 'an empty form says what is missing')

    await admin.fill('#ws-title', 'Collab mentorship 4417')
    await admin.fill('#ws-id', 'collab-ws')
    await admin.fill('#ws-link', 'https://meet.example.org/collab')
    await admin.fill('#mentor-name', 'Maria Mentor')
    await admin.fill('#mentor-tz', 'Europe/Berlin')
    await admin.fill('#mentee-rows li:nth-child(1) .mentee-name', 'Eli Mentee')
    await admin.fill('#mentee-rows li:nth-child(1) .mentee-tz', 'America/New_York')
    await admin.click('#add-mentee')
    await admin.keyboard.type('Ana Second') // focus moved to the new row's name
    await admin.fill('#mentee-rows li:nth-child(2) .mentee-tz', 'Asia/Tokyo')
    await snap(admin, 'admin-form-filled')
    await admin.click('#ws-create')
    await admin.waitForSelector('#ws-table tr[data-workspace="collab-ws"]')
    await admin.waitForSelector('#created-invites')
    await snap(admin, 'admin-workspace-created')
    const ws = await api(base, t.admin, 'GET', '/api/workspaces/collab-ws')
    check(ws.status === 200 && ws.json.title === 'Collab mentorship 4417', 'the server holds the workspace with its title')
    check(ws.json.mentor.name === 'Maria Mentor' && ws.json.mentor.time_zone === 'Europe/Berlin', 'the mentor with name and time zone')
    check(JSON.stringify(ws.json.mentees.map(m => [m.name, m.time_zone])) === JSON.stringify([['Eli Mentee', 'America/New_York'], ['Ana Second', 'Asia/Tokyo']]), 'both mentees with their time zones')
    check(ws.json.meeting_link === 'https://meet.example.org/collab', 'the meeting link')
    check((await admin.$$('#created-invites li')).length === 3, 'the page shows one link per person after creating')

    // A new invite for the mentee from the invite panel.
    const eli = ws.json.mentees.find(m => m.name === 'Eli Mentee')
    await admin.selectOption('#invite-who-collab-ws', 'person:' + eli.id)
    await admin.click('.invite-panel .invite-form button[type="submit"]')
    await admin.waitForSelector('.invite-panel .invite-created input.invite-link')
    const link = await admin.inputValue('.invite-panel .invite-created input.invite-link')
    check(link.startsWith(`${base}/w/collab-ws?token=`), `the invite link points at the workspace (${link.slice(0, 60)}…)`)
    const tok = new URL(link).searchParams.get('token')
    const jti = claimsOf(tok).jti
    check(claimsOf(tok).role === 'mentee' && claimsOf(tok).name === 'Eli Mentee', 'the invite token is for the mentee')
    await admin.waitForSelector(`tr[data-token-id="${jti}"][data-state="active"]`)
    check((await admin.textContent(`tr[data-token-id="${jti}"] .role`)) === 'mentee', 'the invite list shows the new invite as an active mentee invite')
    await admin.click('.invite-panel .invite-created .copy-btn')
    const copied = await waitFor(() => admin.evaluate(() => navigator.clipboard.readText()).catch(() => ''), 'the clipboard to hold the link')
    check(copied === link, 'Copy puts the invite link on the clipboard')
    await snap(admin, 'admin-invite-created')

    // The mentee opens the link and sees the workspace's plan.
    const mentee = await newPage('mentee')
    await mentee.goto(link)
    await mentee.waitForSelector('#conn-status[data-state="online"]', { timeout: 30000 })
    await mentee.waitForSelector('#plan-view .goal')
    check((await mentee.inputValue('#plan-title')) === 'Collab mentorship 4417', "the mentee sees the workspace's plan (its title)")
    check((await mentee.textContent('#my-role')) === 'mentee', 'as a mentee')
    await snap(mentee, 'mentee-opened-invite')

    // Revoke (confirming the dialog): the open page loses its connection.
    let asked = ''
    admin.once('dialog', d => { asked = d.message(); d.accept() })
    await admin.click(`tr[data-token-id="${jti}"] .revoke-btn`)
    await admin.waitForSelector(`tr[data-token-id="${jti}"][data-state="revoked"]`)
    check(asked.includes('Eli Mentee'), 'revoking asks for confirmation naming the person')
    await snap(admin, 'admin-revoked')
    await mentee.waitForSelector('#conn-status[data-state="denied"]', { timeout: 20000 })
    await snap(mentee, 'mentee-revoked-live')
    const banner = await mentee.waitForSelector('#access-banner[role="alert"]', { timeout: 5000 }).catch(() => null)
    check(banner !== null && (await banner.textContent()).includes('revoked'), 'the open page of the revoked mentee says in a banner that access has ended')

    const again = await newPage('mentee-again')
    await again.goto(link)
    await again.waitForSelector('.error-page', { timeout: 20000 })
    check((await again.textContent('.error-page h1')).includes('does not work'), 'reopening the revoked link shows the error page')
    check(await again.$('#plan-view') === null, 'and not the plan')
    await snap(again, 'mentee-reopens-revoked-link')

    // The other invites still work: the mentor's link from creation.
    const mentorLink = await admin.inputValue('#created-invites li[data-person="Maria Mentor"] input')
    const mentor = await newPage('mentor')
    await mentor.goto(mentorLink)
    await mentor.waitForSelector('#conn-status[data-state="online"]', { timeout: 30000 })
    check((await mentor.textContent('#my-role')) === 'mentor', 'the mentor link from creation opens the workspace as mentor')
    // The mentor's Invite dialog creates a viewer invite.
    await mentor.click('#invite-btn')
    await mentor.waitForSelector('#invite-dialog[open] .invite-form')
    const ownJti = claimsOf(new URL(mentorLink).searchParams.get('token')).jti
    await mentor.waitForSelector(`#invite-dialog tr[data-token-id="${ownJti}"]`)
    check(await mentor.$(`#invite-dialog tr[data-token-id="${ownJti}"] .revoke-btn`) === null, "the mentor cannot revoke their own link from the dialog")
    check(await mentor.$(`#invite-dialog tr[data-token-id="${jti}"][data-state="revoked"]`) !== null, "the mentor's dialog lists the revoked mentee invite as revoked")
    await mentor.selectOption('#invite-dialog .invite-who', 'viewer')
    await mentor.fill('#invite-dialog .invite-viewer-name', 'Val Viewer')
    await mentor.click('#invite-dialog .invite-form button[type="submit"]')
    await mentor.waitForSelector('#invite-dialog .invite-created input.invite-link')
    const vlink = await mentor.inputValue('#invite-dialog .invite-created input.invite-link')
    check(claimsOf(new URL(vlink).searchParams.get('token')).role === 'viewer', "the mentor's dialog issues a viewer invite")
    await snap(mentor, 'mentor-invite-dialog')
    await mentor.keyboard.press('Escape')
    check(await mentor.$('#invite-dialog[open]') === null, 'Escape closes the invite dialog')
  },

  // A mentee comments on a goal and on a board element; the mentor sees each with the
  // mentee's name, live; a viewer reads but cannot comment.
  async comments (base, t) {
    if (!t.admin) fail('tandem admin-token is needed to create the workspace')
    await createWorkspace(base, t.admin)
    const m = await open(base, t.mentor, '#plan', 'mentor')
    const e = await open(base, t.mentee, '#plan', 'mentee')
    await m.page.waitForSelector('[data-goal-comments="goal-1"][data-count="0"]')
    await openGoalThread(e.page, 'goal-1')
    await snap(e.page, 'mentee-goal-thread-empty')
    await postInThread(e.page, 'Could we split this goal? 5521')
    await m.page.waitForSelector('[data-goal-comments="goal-1"][data-count="1"]', { timeout: 20000 })
    await snap(m.page, 'mentor-sees-goal-badge')
    await openGoalThread(m.page, 'goal-1')
    let c = await threadComments(m.page)
    check(c.length === 1 && c[0].author === 'Eli Mentee' && c[0].role === 'mentee' && c[0].text === 'Could we split this goal? 5521', `the mentor sees the comment with the mentee's name and role (${JSON.stringify(c)})`)
    // Live while the thread is open.
    await postInThread(e.page, 'Second thought 7730')
    await waitFor(async () => (await threadComments(m.page)).length === 2, "the mentee's second comment in the mentor's open thread")
    c = await threadComments(m.page)
    check(c[1].text === 'Second thought 7730', 'comments are listed oldest first')
    await snap(m.page, 'mentor-thread-live')
    const plan = await serverDoc(base, `${WS}/plan`, t.mentor)
    const fb = plan.getArray('feedback').toArray().map(x => x.toJSON())
    check(fb.length === 2 && fb.every(x => x.goalId === 'goal-1' && x.author === 'Eli Mentee' && x.role === 'mentee'), 'the server holds both as plan feedback entries with goalId, author and role from the token')
    await m.page.keyboard.press('Escape')
    check(await m.page.$('#comment-thread') === null, 'Escape closes the thread')

    // Board element comments.
    await m.page.click('a[href="#board/1"]'); await m.page.waitForSelector('#board-stage')
    await addSticky(m.page, 300, 200, 'Agenda sticky')
    await m.page.waitForTimeout(600)
    await e.page.click('a[href="#board/1"]'); await e.page.waitForSelector('#board-stage')
    await e.page.waitForSelector('#board-canvas [data-type="sticky"]')
    const box = await e.page.$eval('#board-stage', el => { const r = el.getBoundingClientRect(); return { x: r.left, y: r.top } })
    await e.page.keyboard.press('Escape')
    await e.page.mouse.click(box.x + 360, box.y + 260)
    await e.page.waitForSelector('#element-comments-btn:not([hidden])[data-count="0"]')
    await snap(e.page, 'mentee-selected-sticky')
    await e.page.keyboard.press('c')
    await e.page.waitForSelector('#comment-thread #thread-text')
    await postInThread(e.page, 'Board comment 9034')
    await e.page.waitForSelector('#element-comments-btn[data-count="1"]')
    const elId = await e.page.getAttribute('#element-comments-btn', 'data-id')
    // The mentor selects the same sticky: the badge already counts the comment.
    await m.page.keyboard.press('Escape')
    const mbox = await m.page.$eval('#board-stage', el => { const r = el.getBoundingClientRect(); return { x: r.left, y: r.top } })
    await m.page.mouse.click(mbox.x + 360, mbox.y + 260)
    await m.page.waitForSelector(`#element-comments-btn[data-id="${elId}"][data-count="1"]`, { timeout: 20000 })
    await m.page.click('#element-comments-btn')
    await m.page.waitForSelector('#thread-list .comment')
    c = await threadComments(m.page)
    check(c.length === 1 && c[0].author === 'Eli Mentee' && c[0].text === 'Board comment 9034', `the mentor sees the board comment with the mentee's name (${JSON.stringify(c)})`)
    await snap(m.page, 'mentor-board-thread')
    // Live on the board too.
    await postInThread(e.page, 'And another 1180')
    await waitFor(async () => (await threadComments(m.page)).length === 2, 'the second board comment live in the open thread')
    await m.page.waitForSelector('#element-comments-btn[data-count="2"]')
    const board = await serverDoc(base, `${WS}/board/1`, t.mentor)
    const el = board.getMap('elements').get(elId)
    const list = el?.get('comments')
    check(list instanceof Y.Array && list.length === 2 && list.get(0).get('author') === 'Eli Mentee' && list.get(0).get('text') === 'Board comment 9034', "the server holds the comments in the element's comments array")
    await snap(m.page, 'mentor-board-thread-live')

    // A viewer reads the goal thread but gets no form.
    const v = await open(base, t.viewer, '#plan', 'viewer')
    await v.page.waitForSelector('[data-goal-comments="goal-1"][data-count="2"]')
    await openGoalThread(v.page, 'goal-1')
    check((await threadComments(v.page)).length === 2, 'the viewer reads the comments')
    check(await v.page.$('#thread-text') === null, 'the viewer has no comment box')
    await snap(v.page, 'viewer-reads-thread')
  },

  // Mentor and mentee each give feedback for the session; it shows in the plan for both,
  // grouped by session, and in the plan PDF.
  async feedback (base, t) {
    if (!t.admin) fail('tandem admin-token is needed to create the workspace')
    await createWorkspace(base, t.admin)
    const s = await api(base, t.mentor, 'POST', `/api/workspaces/${WS}/sessions`, { date: '2026-11-25', time: '15:00', time_zone: 'Europe/Berlin' })
    if (s.status !== 201) fail(`scheduling a session answered ${s.status}: ${s.text}`)
    const st = await api(base, t.mentor, 'POST', `/api/workspaces/${WS}/sessions/${s.json.number}/start`)
    if (st.status !== 200) fail(`starting the session answered ${st.status}: ${st.text}`)
    const m = await open(base, t.mentor, '#plan', 'mentor')
    const e = await open(base, t.mentee, '#plan', 'mentee')
    for (const p of [m.page, e.page]) await waitFor(async () => (await p.inputValue('#feedback-session')) === String(s.json.number), 'the started session preselected in the feedback form')
    const give = async (page, rating, text) => {
      await page.check(`#feedback-form input[name="fb-rating"][value="${rating}"]`)
      await page.fill('#feedback-text', text)
      await page.click('#feedback-submit')
      await waitFor(async () => (await page.inputValue('#feedback-text')) === '', `the feedback form to clear (error: ${await page.textContent('#feedback-form .thread-error').catch(() => '')})`)
    }
    await snap(e.page, 'feedback-form')
    await give(m.page, 4, 'Mentor feedback 7391: strong progress')
    await give(e.page, 5, 'Mentee feedback 2846: very helpful')
    const group = `#feedback .fb-group[data-session="${s.json.number}"]`
    for (const [who, p] of [['mentor', m.page], ['mentee', e.page]]) {
      await waitFor(async () => (await p.$$(`${group} .fb`)).length === 2, `both feedback entries in the ${who}'s plan`)
      const heads = await texts(p, `${group} .fb .fb-head`)
      const bodies = await texts(p, `${group} .fb .fb-text`)
      check(heads.some(h => h.startsWith('Maria Mentor') && h.includes('mentor')) && heads.some(h => h.startsWith('Eli Mentee') && h.includes('mentee')), `the ${who} sees both authors with their roles`)
      check(bodies.includes('Mentor feedback 7391: strong progress') && bodies.includes('Mentee feedback 2846: very helpful'), `the ${who} sees both texts`)
      check((await p.textContent(`${group} .fb-session`)).includes('Session 1 — 2026-11-25'), `grouped under “Session 1 — 2026-11-25” for the ${who}`)
      check((await p.getAttribute(`${group} .fb[data-author="Eli Mentee"] .fb-stars`, 'aria-label')) === 'Rating 5 of 5', `the mentee's rating shown to the ${who}`)
    }
    await snap(m.page, 'mentor-sees-feedback')
    await snap(e.page, 'mentee-sees-feedback')
    const plan = await serverDoc(base, `${WS}/plan`, t.mentor)
    const fb = plan.getArray('feedback').toArray().map(x => x.toJSON())
    check(fb.length === 2 && fb.every(x => x.session === s.json.number) && fb.map(x => x.rating).sort().join() === '4,5', 'the server holds both with their session and ratings')

    await m.page.click('#export-menu-btn')
    const dl = await exportVia(m.page, '#export-plan')
    const file = path.join(ART, 'feedback-plan.pdf')
    await dl.saveAs(file)
    check(fs.readFileSync(file).subarray(0, 5).toString() === '%PDF-', 'the plan export is a PDF')
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ')
    check(text.includes('Mentor feedback 7391: strong progress') && text.includes('Mentee feedback 2846: very helpful'), 'pdftotext finds both feedback texts in the plan PDF')
    check(text.includes('Maria Mentor') && text.includes('Eli Mentee'), 'and their authors')
  },

  // The admin matches mentors and mentees on the admin page: the table shows the pairs the
  // server computes for the same profiles, with names from the profiles, and a mentor's
  // pairs pre-fill the new-workspace form, which then creates that workspace.
  async match (base, t) {
    if (!t.admin) fail('tandem admin-token is needed for the admin page')
    const profiles = JSON.parse(fs.readFileSync(path.join(here, '../domain/fixtures/match-sample.json'), 'utf8'))
    profiles.mentors.find(m => m.id === 'bob').name = 'Bob Builder 3321'
    const expected = await api(base, t.admin, 'POST', '/api/match', profiles)
    check(expected.status === 200 && expected.json.assignments.length >= 1, `the server matches the sample (${expected.status})`)
    const admin = await newPage('admin')
    await admin.goto(`${base}/admin?token=${encodeURIComponent(t.admin)}`)
    await admin.waitForSelector('#match-form')
    await admin.fill('#match-input', '{ "mentors": [] }')
    await admin.click('#match-run')
    await admin.waitForSelector('#match-error:not([hidden])')
    check((await admin.textContent('#match-error')).includes('mentors'), 'bad profiles get a message naming the problem')
    await admin.fill('#match-input', JSON.stringify(profiles, null, 2))
    await admin.click('#match-run')
    await admin.waitForSelector('#match-table tbody tr')
    await snap(admin, 'match-result')
    const rows = await admin.$$eval('#match-table tbody tr', trs => trs.map(tr => [tr.dataset.mentee, tr.dataset.mentor, tr.querySelector('.match-score').textContent]))
    check(JSON.stringify(rows) === JSON.stringify(expected.json.assignments.map(a => [a.mentee, a.mentor, a.score.toFixed(1)])),
      `the table shows the server's pairs and scores: ${JSON.stringify(rows)}`)
    const withBob = expected.json.assignments.filter(a => a.mentor === 'bob')
    if (!withBob.length) fail('the sample no longer assigns anyone to bob')
    check((await admin.textContent('#match-table')).includes('Bob Builder 3321'), 'mentors are shown by the name in their profile')
    check((await texts(admin, '#match-table .match-why')).every(x => x.length > 0), 'every pair has an explanation')
    await admin.click('.match-use[data-mentor="bob"]')
    check(await admin.inputValue('#mentor-name') === 'Bob Builder 3321' && await admin.inputValue('#mentor-tz') === 'America/New_York', "the mentor's name and time zone fill the form")
    const menteeTz = await admin.$$eval('#mentee-rows .mentee-tz', els => els.map(e => e.value))
    const sample = new Map(profiles.mentees.map(m => [m.id, m.time_zone]))
    check(JSON.stringify(menteeTz) === JSON.stringify(withBob.map(a => sample.get(a.mentee))), `the matched mentees' time zones fill the form: ${menteeTz}`)
    await admin.fill('#ws-id', 'matched-ws')
    await admin.click('#ws-create')
    await admin.waitForSelector('tr[data-workspace="matched-ws"]')
    const ws = await api(base, t.admin, 'GET', '/api/workspaces/matched-ws')
    check(ws.status === 200 && ws.json.mentor?.name === 'Bob Builder 3321' && ws.json.mentees?.length === withBob.length, `the workspace holds the matched mentor and mentees: ${ws.text.slice(0, 200)}`)
    await snap(admin, 'match-workspace-created')
  }
}

await runCases(cases)
