// Browser end-to-end tests of the Tandem web app: Debian's Chromium (driven by
// playwright-core) against a real `tandem serve` started on a free loopback port, with a
// fresh data directory and signing secret (all in ./harness.mjs). One case per run
// (--case NAME), so each behaviour is its own ctest test. Screenshots of every step go to
// --artifacts.
//
//   node e2e.mjs --tandem PATH/tandem --case stroke [--artifacts DIR] [--dist DIR]
import fs from 'node:fs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import {
  Y, WS, ART, CASE, browser, fail, check, open, snap, waitFor, serverDoc, serverWrite,
  boardCount, drawStroke, addSticky, stickyTexts, notesText, exportVia, runCases, api, createWorkspace
} from './harness.mjs'

let lastNotes = null

const cases = {
  // A stroke drawn by the mentor shows up on the mentee's board, and the server holds it in the DESIGN.md schema.
  async stroke (base, t) {
    const m = await open(base, t.mentor, '#board/1', 'mentor'); const e = await open(base, t.mentee, '#board/1', 'mentee')
    await drawStroke(m.page, 200, 200)
    await snap(m.page, 'mentor-drew')
    await e.page.waitForSelector('#board-canvas [data-type="stroke"] path', { timeout: 20000 })
    await snap(e.page, 'mentee-sees-stroke')
    const d = await e.page.$eval('#board-canvas [data-type="stroke"] path', p => p.getAttribute('d'))
    check(d && d.length > 20, 'the mentee renders the stroke outline')
    const doc = await serverDoc(base, `${WS}/board/1`, t.mentor)
    const els = [...doc.getMap('elements').values()]
    check(els.length === 1 && els[0].get('type') === 'stroke', 'the server holds exactly one stroke element')
    const pts = els[0].get('points')
    check(pts instanceof Y.Array && pts.length >= 9 && pts.length % 3 === 0 && pts.toArray().every(Number.isFinite), 'points is a Y.Array of x,y,pressure numbers')
    check(doc.getMap('meta').get('kind') === 'board', 'the board meta.kind is "board"')
  },

  // A stylus stroke keeps its pressure: the stored triples carry the pen's varying pressure.
  async pressure (base, t) {
    const m = await open(base, t.mentor, '#board/1', 'mentor')
    await m.page.click('[data-tool="pen"]')
    await m.page.evaluate(() => {
      const stage = document.getElementById('board-stage')
      const r = stage.getBoundingClientRect()
      const ev = (type, i, pressure) => stage.dispatchEvent(new PointerEvent(type, { pointerId: 7, pointerType: 'pen', isPrimary: true, button: type === 'pointermove' ? -1 : 0, buttons: type === 'pointerup' ? 0 : 1, pressure, clientX: r.left + 200 + i * 8, clientY: r.top + 300 + Math.sin(i / 4) * 30, bubbles: true, cancelable: true }))
      ev('pointerdown', 0, 0.1)
      for (let i = 1; i <= 30; i++) ev('pointermove', i, 0.1 + (i / 30) * 0.8)
      ev('pointerup', 30, 0)
    })
    await m.page.waitForSelector('#board-canvas [data-type="stroke"] path')
    await m.page.waitForTimeout(500)
    await snap(m.page, 'pen-stroke')
    const doc = await serverDoc(base, `${WS}/board/1`, t.mentor)
    const st = [...doc.getMap('elements').values()].find(x => x.get('type') === 'stroke')
    const pts = st.get('points').toArray()
    const pressures = pts.filter((_, i) => i % 3 === 2)
    check(pressures.length >= 20, `the stroke has ${pressures.length} points`)
    check(Math.min(...pressures) <= 0.2 && Math.max(...pressures) >= 0.8, `pressure goes from light to heavy as drawn (${Math.min(...pressures)}..${Math.max(...pressures)})`)
  },

  // Both type into one sticky note at the same time; both end with the same text holding both parts.
  async sticky (base, t) {
    const m = await open(base, t.mentor, '#board/1', 'mentor'); const e = await open(base, t.mentee, '#board/1', 'mentee')
    await addSticky(m.page, 300, 200, 'Mentor says hi.')
    await waitFor(async () => (await stickyTexts(e.page))[0] === 'Mentor says hi.', 'the sticky to reach the mentee')
    // Both open the editor on the same sticky and type concurrently.
    const center = async page => page.$eval('#board-canvas [data-type="sticky"] .sticky-bg', r => { const b = r.getBoundingClientRect(); return { x: b.left + b.width / 2, y: b.top + b.height / 2 } })
    // A double-click that lands while a remote change redraws the note is lost (on a loaded
    // machine this happened in CI), so double-click again as a person would, up to 3 times.
    const openEditor = async p => {
      for (let attempt = 1; ; attempt++) {
        const c = await center(p); await p.mouse.dblclick(c.x, c.y)
        if (await p.waitForSelector('.text-editor .ql-editor', { timeout: 8000 }).catch(() => null)) return
        if (attempt === 3) fail('double-clicking the sticky 3 times did not open its editor')
        console.log(`# double-click ${attempt} did not open the editor; again`)
      }
    }
    for (const p of [m.page, e.page]) { await openEditor(p); await p.keyboard.press('Control+End') }
    await Promise.all([m.page.keyboard.type(' MENTOR-TYPED', { delay: 15 }), e.page.keyboard.type(' MENTEE-TYPED', { delay: 15 })])
    await snap(m.page, 'both-typing-mentor'); await snap(e.page, 'both-typing-mentee')
    for (const p of [m.page, e.page]) await p.keyboard.press('Escape')
    const final = await waitFor(async () => { const a = (await stickyTexts(m.page))[0]; const b = (await stickyTexts(e.page))[0]; return a && a === b && a.includes('MENTOR-TYPED') && a.includes('MENTEE-TYPED') ? a : null }, 'both sticky texts to converge')
    await snap(m.page, 'converged-mentor'); await snap(e.page, 'converged-mentee')
    check(final.startsWith('Mentor says hi.'), `converged sticky text keeps the first part: "${final}"`)
    const doc = await serverDoc(base, `${WS}/board/1`, t.mentor)
    const st = [...doc.getMap('elements').values()].find(x => x.get('type') === 'sticky')
    check(st && st.get('text') instanceof Y.Text && st.get('text').toString().trim() === final, 'the server holds the same sticky text as a Y.Text')
  },

  // Plan notes co-edited at the same time converge, with formatting kept as Quill attributes.
  async notes (base, t) {
    const m = await open(base, t.mentor, '#plan', 'mentor'); const e = await open(base, t.mentee, '#plan', 'mentee')
    await m.page.click('#plan-notes .ql-editor')
    await m.page.keyboard.press('Control+b')
    await m.page.keyboard.type('Agenda')
    await m.page.keyboard.press('Control+b')
    await m.page.keyboard.press('Enter')
    await m.page.keyboard.type('Topics:')
    await m.page.keyboard.press('Enter')
    await m.page.keyboard.type('Actions:')
    await waitFor(async () => (await notesText(e.page)) === 'Agenda\nTopics:\nActions:', 'the first lines to reach the mentee')
    // The mentee writes at the end of "Topics:" while the mentor goes on after "Actions:", at the same time.
    await e.page.click('#plan-notes .ql-editor > :nth-child(2)'); await e.page.keyboard.press('End')
    await m.page.keyboard.press('Control+End')
    await Promise.all([m.page.keyboard.type(' mentor point.', { delay: 15 }), e.page.keyboard.type(' mentee point.', { delay: 15 })])
    const final = await waitFor(async () => { const a = await notesText(m.page); const b = await notesText(e.page); lastNotes = [a, b]; return a === b && a.includes('mentor point.') && a.includes('mentee point.') ? a : null }, () => `both notes to converge (last: ${JSON.stringify(lastNotes)})`)
    await snap(m.page, 'notes-mentor'); await snap(e.page, 'notes-mentee')
    check(final === 'Agenda\nTopics: mentee point.\nActions: mentor point.', `converged notes have each edit where it was typed: ${JSON.stringify(final)}`)
    // Same spot at the same time, right after formatted text: each side's run stays in order.
    await m.page.keyboard.press('Control+End'); await e.page.keyboard.press('Control+End')
    await Promise.all([m.page.keyboard.type(' MMMMMMMM', { delay: 15 }), e.page.keyboard.type(' eeeeeeee', { delay: 15 })])
    const both = await waitFor(async () => { const a = await notesText(m.page); const b = await notesText(e.page); lastNotes = [a, b]; return a === b && a.includes('MMMMMMMM') && a.includes('eeeeeeee') ? a : null }, () => `same-spot typing to converge in order (last: ${JSON.stringify(lastNotes)})`)
    await snap(m.page, 'same-spot-mentor')
    check(both.endsWith('mentor point. MMMMMMMM eeeeeeee') || both.endsWith('mentor point. eeeeeeee MMMMMMMM'), `typing at the same spot keeps each run whole: ${JSON.stringify(both.split('\n').pop())}`)
    const doc = await serverDoc(base, `${WS}/plan`, t.mentor)
    const delta = doc.getText('notes').toDelta()
    check(delta[0] && delta[0].insert === 'Agenda' && delta[0].attributes?.bold === true, 'the server holds "Agenda" in bold as a Quill attribute')
    check(doc.getMap('meta').get('kind') === 'plan', 'the plan meta.kind is "plan"')
  },

  // A goal edited through every field by the mentor reaches the mentee and is stored in the DESIGN.md plan schema.
  async goals (base, t) {
    // The mentee enters through the bare `/?token=` link: the workspace comes from the token.
    const m = await open(base, t.mentor, '#plan', 'mentor'); const e = await open(base, t.mentee, '#plan', 'mentee', '/')
    // The new goal's title takes focus on the next frame, as a person sees before typing.
    const addGoalAndFocus = async () => {
      const before = (await m.page.$$('#goals .goal-title')).length
      await m.page.click('#add-goal')
      await waitFor(() => m.page.evaluate((n) => document.querySelectorAll('#goals .goal-title').length > n &&
        document.activeElement?.classList.contains('goal-title') && document.activeElement.value === '', before), 'the new goal title to take focus')
    }
    await addGoalAndFocus()
    await m.page.keyboard.type('Ship the first release')
    const g = '#goals .goal >> nth=0'
    await m.page.locator(g).locator('.goal-status').selectOption('in-progress')
    await m.page.locator(g).locator('.goal-owner').selectOption('mentee')
    await m.page.locator(g).locator('.goal-due').fill('2026-12-24')
    await m.page.locator(g).locator('.goal-due').dispatchEvent('change')
    await m.page.locator(g).locator('.goal-progress').fill('40')
    await m.page.locator(g).locator('.goal-desc .ql-editor').click(); await m.page.keyboard.type('Why it matters')
    await m.page.locator(g).locator('.ms-new').fill('Write the README'); await m.page.locator(g).locator('.ms-new').press('Enter')
    await m.page.locator(g).locator('.milestones input[type=checkbox]').check()
    await addGoalAndFocus(); await m.page.keyboard.type('Second goal')
    let seen = ''
    await waitFor(async () => { seen = (await e.page.$$eval('#goals .goal-title', els => els.map(x => x.value))).join('|'); return seen === 'Ship the first release|Second goal' }, () => `both goals to reach the mentee (mentee sees "${seen}")`)
    await e.page.locator(g).locator('.move-down').click()
    await waitFor(async () => (await m.page.$$eval('#goals .goal-title', els => els.map(x => x.value))).join('|') === 'Second goal|Ship the first release', "the mentee's reorder to reach the mentor")
    await snap(m.page, 'goals-mentor'); await snap(e.page, 'goals-mentee')
    const eg = e.page.locator('#goals .goal >> nth=1')
    check(await eg.locator('.goal-status').inputValue() === 'in-progress' && await eg.locator('.progress-out').textContent() === '40%', 'the mentee sees status and progress')
    await m.page.waitForTimeout(500)
    const doc = await serverDoc(base, `${WS}/plan`, t.mentor)
    const goals = doc.getArray('goals').toArray()
    check(goals.length === 2 && goals.every(x => x instanceof Y.Map), 'the server holds two goals as Y.Maps')
    const goal = goals[1]
    check(goal.get('title') instanceof Y.Text && goal.get('title').toString() === 'Ship the first release', 'title is a Y.Text')
    check(goal.get('description') instanceof Y.Text && goal.get('description').toString().startsWith('Why it matters'), 'description is a Y.Text')
    check(goal.get('status') === 'in-progress' && goal.get('owner') === 'mentee' && goal.get('due') === '2026-12-24' && goal.get('progress') === 40, 'status, owner, due and progress have schema values')
    check(typeof goal.get('id') === 'string' && goal.get('id').length > 0, 'the goal has a string id')
    const ms = goal.get('milestones')
    check(ms instanceof Y.Array && ms.length === 1 && ms.get(0).get('title') === 'Write the README' && ms.get(0).get('done') === true && typeof ms.get(0).get('id') === 'string', 'milestones is a Y.Array of Y.Map {id, title, done}')
  },

  // Ctrl+Z undoes the mentor's own shape only; the mentee's shape stays; Ctrl+Shift+Z brings it back.
  async undo (base, t) {
    const m = await open(base, t.mentor, '#board/1', 'mentor'); const e = await open(base, t.mentee, '#board/1', 'mentee')
    const rect = async (page, x, y) => {
      await page.click('[data-tool="rect"]')
      const box = await page.$eval('#board-stage', el => { const r = el.getBoundingClientRect(); return { x: r.left, y: r.top } })
      await page.mouse.move(box.x + x, box.y + y); await page.mouse.down(); await page.mouse.move(box.x + x + 120, box.y + y + 80, { steps: 5 }); await page.mouse.up()
    }
    await rect(m.page, 100, 100)
    await waitFor(async () => (await boardCount(e.page)) === 1, 'the mentor rectangle to reach the mentee')
    await rect(e.page, 400, 100)
    await waitFor(async () => (await boardCount(m.page)) === 2, 'the mentee rectangle to reach the mentor')
    await m.page.focus('#board-stage'); await m.page.keyboard.press('Control+z')
    await waitFor(async () => (await boardCount(e.page)) === 1 && (await boardCount(m.page)) === 1, 'the undo to reach both')
    const authors = page => page.evaluate(() => [...window.tandemApp.boardDoc.doc.getMap('elements').values()].map(x => x.get('author')))
    check((await authors(e.page)).join() === 'mentee-1', "undo removed the mentor's rectangle and kept the mentee's")
    await snap(m.page, 'after-undo')
    await m.page.keyboard.press('Control+Shift+Z')
    await waitFor(async () => (await boardCount(e.page)) === 2, 'the redo to reach the mentee')
    console.log('ok: redo restores the rectangle for both')
  },

  // Image upload: either the image lands on the board from a URL the server serves, or (server
  // without POST /api/uploads) the user is told so and nothing broken is added.
  async upload (base, t) {
    const m = await open(base, t.mentor, '#board/1', 'mentor')
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
    await m.page.setInputFiles('#board-view input[type=file]', { name: 'dot.png', mimeType: 'image/png', buffer: png })
    const outcome = await Promise.race([
      m.page.waitForSelector('#board-canvas [data-type="image"]', { timeout: 20000 }).then(() => ({ image: true })),
      m.page.waitForSelector('.toast.error', { timeout: 20000 }).then(async el => ({ error: await el.textContent() }))
    ]).catch(() => ({}))
    await snap(m.page, 'after-upload')
    if (outcome.image) {
      const src = await m.page.$eval('#board-canvas [data-type="image"] image', i => i.getAttribute('href'))
      const r = await fetch(new URL(src, base), { headers: { Authorization: 'Bearer ' + t.mentor } })
      check(r.ok && (await r.arrayBuffer()).byteLength === png.length, `the uploaded image is served back by the server (${src})`)
    } else {
      check(typeof outcome.error === 'string' && /upload/i.test(outcome.error), `without server support the user is told: "${outcome.error}"`)
      check(await boardCount(m.page) === 0, 'and no broken image element is added')
    }
  },

  // The toolbar works from the keyboard: Tab reaches it, Enter picks a tool, arrow keys move along, shortcuts switch tools.
  async keyboard (base, t) {
    const m = await open(base, t.mentor, '#board/1', 'mentor')
    const pressed = () => m.page.$eval('[data-tool][aria-pressed="true"]', b => b.dataset.tool)
    await m.page.focus('[data-tool="select"]')
    await m.page.keyboard.press('ArrowRight'); await m.page.keyboard.press('ArrowRight')
    check(await m.page.evaluate(() => document.activeElement.dataset.tool) === 'pen', 'ArrowRight moves focus along the toolbar')
    await m.page.keyboard.press('Enter')
    check(await pressed() === 'pen', 'Enter on the focused button picks the pen')
    await m.page.focus('#board-stage'); await m.page.keyboard.press('r')
    check(await pressed() === 'rect', 'the R shortcut picks the rectangle')
    const labels = await m.page.$$eval('#board-toolbar button', bs => bs.filter(b => !b.getAttribute('aria-label')).length)
    check(labels === 0, 'every toolbar button has an accessible label')
    await snap(m.page, 'keyboard-toolbar')
  },

  // The mentee sees the mentor's cursor with the mentor's name, and the mentor in "who is here".
  async cursor (base, t) {
    const m = await open(base, t.mentor, '#board/1', 'mentor'); const e = await open(base, t.mentee, '#board/1', 'mentee')
    const box = await m.page.$eval('#board-stage', el => { const r = el.getBoundingClientRect(); return { x: r.left, y: r.top } })
    for (let i = 0; i < 10; i++) { await m.page.mouse.move(box.x + 300 + i * 10, box.y + 250); await m.page.waitForTimeout(30) }
    await e.page.waitForSelector('.remote-cursor[data-user="Maria Mentor"]', { timeout: 20000 })
    await snap(e.page, 'mentee-sees-cursor')
    const pos = await e.page.$eval('.remote-cursor[data-user="Maria Mentor"]', el => el.style.transform)
    const mx = /translate\(([-\d.]+)px, ([-\d.]+)px\)/.exec(pos)
    check(mx && Math.abs(Number(mx[1]) - 390) < 40 && Math.abs(Number(mx[2]) - 250) < 40, `the cursor sits where the mentor's mouse is (${pos})`)
    check(await e.page.isVisible('#presence [data-user="Maria Mentor"]'), 'the mentor is listed in "who is here"')
    // Follow: the mentee follows the mentor, who zooms in twice; the mentee's view follows.
    await e.page.click('#presence [data-user="Maria Mentor"] .follow')
    await m.page.click('[aria-label="Zoom in (+)"]'); await m.page.click('[aria-label="Zoom in (+)"]')
    const zoom = page => page.textContent('.zoombar .zoom')
    await waitFor(async () => (await zoom(m.page)) === '156%', 'the mentor to zoom to 156%')
    await waitFor(async () => (await zoom(e.page)) === '156%', "the mentee's zoom to follow the mentor's")
    await snap(e.page, 'mentee-follows-mentor')
    console.log("ok: the mentee's view follows the mentor's viewport")
    // Lead: the mentee stops following; the mentor leads; the mentee is pulled along again.
    await e.page.click('#presence [data-user="Maria Mentor"] .follow')
    await e.page.click('[aria-label="Zoom out (-)"]')
    await waitFor(async () => (await zoom(e.page)) === '125%', 'the mentee to zoom out on their own')
    await m.page.click('#lead-btn')
    await m.page.click('[aria-label="Zoom in (+)"]')
    await waitFor(async () => (await zoom(m.page)) === '195%', 'the mentor to zoom to 195%')
    await waitFor(async () => (await zoom(e.page)) === '195%', "the mentee to be pulled along by the mentor's lead")
    console.log("ok: when the mentor leads, the mentee's view follows without asking")
  },

  // The mentee goes offline, draws; the mentor does not see it until the mentee is back; then both converge.
  async offline (base, t) {
    const m = await open(base, t.mentor, '#board/1', 'mentor'); const e = await open(base, t.mentee, '#board/1', 'mentee')
    await e.context.setOffline(true)
    await e.page.waitForSelector('#conn-status[data-state="offline"]', { timeout: 20000 })
    await drawStroke(e.page, 150, 150)
    await addSticky(e.page, 500, 150, 'written offline')
    await drawStroke(m.page, 150, 400)
    await snap(e.page, 'mentee-offline-edits')
    await m.page.waitForTimeout(1500)
    check(await boardCount(m.page) === 1, 'while offline, the mentor sees only their own stroke')
    check(await boardCount(e.page) === 2, 'while offline, the mentee keeps their edits (stroke + sticky)')
    await snap(m.page, 'mentor-during-offline')
    await e.context.setOffline(false)
    await e.page.waitForSelector('#conn-status[data-state="online"]', { timeout: 15000 })
    await waitFor(async () => (await boardCount(m.page)) === 3 && (await boardCount(e.page)) === 3, 'both boards to hold 3 elements')
    await snap(m.page, 'mentor-converged'); await snap(e.page, 'mentee-converged')
    check((await stickyTexts(m.page)).includes('written offline'), 'the mentor sees the sticky written offline')
    const doc = await serverDoc(base, `${WS}/board/1`, t.mentor)
    check(doc.getMap('elements').size === 3, 'the server holds all 3 elements')
  },

  // An edit made offline survives closing the tab (IndexedDB) and reaches the server when the app is opened again online.
  async indexeddb (base, t) {
    const m = await open(base, t.mentor, '#board/1', 'mentor'); const e = await open(base, t.mentee, '#board/1', 'mentee')
    await e.context.setOffline(true)
    await e.page.waitForSelector('#conn-status[data-state="offline"]', { timeout: 20000 })
    await addSticky(e.page, 300, 200, 'kept on this device')
    await e.page.waitForTimeout(700) // let y-indexeddb commit
    const url = e.page.url()
    await e.page.close()
    await m.page.waitForTimeout(800)
    check(await boardCount(m.page) === 0, 'the mentor has not received the offline edit')
    await e.context.setOffline(false)
    const page = await e.context.newPage()
    await page.goto(url)
    await page.waitForSelector('#conn-status[data-state="online"]', { timeout: 15000 })
    await waitFor(async () => (await stickyTexts(m.page)).includes('kept on this device'), 'the stored offline edit to reach the mentor')
    await snap(page, 'mentee-reopened'); await snap(m.page, 'mentor-got-offline-edit')
    const doc = await serverDoc(base, `${WS}/board/1`, t.mentor)
    check([...doc.getMap('elements').values()].some(x => x.get('type') === 'sticky' && x.get('text').toString().includes('kept on this device')), 'the server holds the sticky written offline before the tab was closed')
  },

  // A viewer has no editing tools, cannot type into the plan, and nothing they try reaches the document.
  async viewer (base, t) {
    const m = await open(base, t.mentor, '#board/1', 'mentor')
    await drawStroke(m.page, 200, 200)
    await m.page.goto(m.page.url().replace('#board/1', '#plan'))
    await m.page.click('#plan-notes .ql-editor'); await m.page.keyboard.type('Mentor notes.')
    await m.page.waitForTimeout(500)
    const v = await open(base, t.viewer, '#board/1', 'viewer')
    await waitFor(async () => (await boardCount(v.page)) === 1, 'the viewer to see the board')
    check(await v.page.$('[data-tool="pen"]') === null && await v.page.$('[data-tool="rect"]') === null && await v.page.$('#undo') === null, 'the viewer toolbar has no drawing tools or undo')
    check(await v.page.textContent('#my-role') === 'viewer', 'the header shows the viewer role')
    check(await v.page.$('.tab.add') === null && !(await v.page.textContent('header')).includes('null'), 'the viewer header has no "new board" button and no stray text')
    await v.page.keyboard.press('p'); await v.page.keyboard.press('s')
    const box = await v.page.$eval('#board-stage', el => { const r = el.getBoundingClientRect(); return { x: r.left, y: r.top } })
    await v.page.mouse.move(box.x + 400, box.y + 400); await v.page.mouse.down(); await v.page.mouse.move(box.x + 500, box.y + 450); await v.page.mouse.up()
    await v.page.mouse.click(box.x + 600, box.y + 300)
    await snap(v.page, 'viewer-board')
    check(await boardCount(v.page) === 1, 'drawing as a viewer adds nothing')
    await v.page.click('a[href="#plan"]')
    await v.page.waitForSelector('#plan-notes .ql-editor')
    check(await v.page.$eval('#plan-notes .ql-editor', el => el.getAttribute('contenteditable')) === 'false', 'the notes editor is not editable for a viewer')
    await v.page.click('#plan-notes .ql-editor'); await v.page.keyboard.type('VIEWER WAS HERE')
    check(await v.page.$('#add-goal') === null, 'the viewer has no "add goal" button')
    await snap(v.page, 'viewer-plan')
    await m.page.waitForTimeout(800)
    const doc = await serverDoc(base, `${WS}/plan`, t.mentor)
    check(!doc.getText('notes').toString().includes('VIEWER'), 'the server notes do not contain what the viewer typed')
    check(doc.getText('notes').toString().includes('Mentor notes.'), 'the server notes contain what the mentor typed')
  },

  // Malformed documents written by another client never crash the app: bad entries are skipped, good ones shown.
  async baddata (base, t) {
    await serverWrite(base, `${WS}/board/1`, t.mentor, doc => {
      const els = doc.getMap('elements')
      const good = new Y.Map(); els.set('good', good)
      for (const [k, v] of Object.entries({ type: 'rect', x: 100, y: 100, w: 120, h: 80, rotation: 0, index: 'a0', stroke: '#000', fill: 'none', strokeWidth: 2, strokeStyle: 'solid', opacity: 1, author: 'x', createdAt: 1, locked: false })) good.set(k, v)
      els.set('not-a-map', 'just a string')
      const badStroke = new Y.Map(); els.set('bad-stroke', badStroke); badStroke.set('type', 'stroke'); badStroke.set('points', 'xx'); badStroke.set('x', 'far')
      const badSticky = new Y.Map(); els.set('bad-sticky', badSticky); badSticky.set('type', 'sticky'); badSticky.set('text', 42); badSticky.set('w', -50); badSticky.set('h', null)
      const unknown = new Y.Map(); els.set('unknown', unknown); unknown.set('type', 'hologram'); unknown.set('x', 5)
      const badArrow = new Y.Map(); els.set('bad-arrow', badArrow); badArrow.set('type', 'arrow'); const pts = new Y.Array(); pts.push(['a', null, 3]); badArrow.set('points', pts); badArrow.set('startBinding', 'nowhere')
    })
    await serverWrite(base, `${WS}/plan`, t.mentor, doc => {
      const goals = doc.getArray('goals')
      const g = new Y.Map(); g.set('id', 'g1'); g.set('title', 'plain string title'); g.set('status', 'exploded'); g.set('progress', 'lots'); g.set('milestones', 'none')
      goals.push(['a string goal', g, 7])
      doc.getArray('feedback').push(['not a map'])
      doc.getArray('checkins').push([null])
    })
    const errors = []
    const m = await open(base, t.mentor, '#board/1', 'mentor')
    m.page.on('pageerror', err => errors.push(err.message))
    await waitFor(async () => (await m.page.$('#board-canvas [data-id="good"]')) !== null, 'the valid rectangle to render')
    await m.page.mouse.click(10, 300) // interact: hit-testing runs over the bad entries too
    await m.page.keyboard.press('Control+a'); await m.page.keyboard.press('0')
    await snap(m.page, 'bad-board')
    await m.page.click('a[href="#plan"]')
    await m.page.waitForSelector('#goals')
    await m.page.waitForTimeout(500)
    await snap(m.page, 'bad-plan')
    check(await m.page.$eval('#goals', el => el.querySelectorAll('.goal').length) === 1, 'the plan shows the one goal that is a map, skipping the rest')
    check(errors.length === 0, `no uncaught page errors (${errors.join('; ')})`)
  },

  // Export of the board downloads a PDF whose text has what was typed on the board.
  async export (base, t) {
    const m = await open(base, t.mentor, '#board/1', 'mentor')
    await addSticky(m.page, 300, 200, 'Export check 4711')
    await m.page.waitForTimeout(800)
    await m.page.click('#export-menu-btn')
    await snap(m.page, 'export-menu')
    const download = await exportVia(m.page, '#export-board')
    const file = path.join(ART, `${CASE}-board.pdf`)
    await download.saveAs(file)
    const head = fs.readFileSync(file).subarray(0, 5).toString()
    check(head === '%PDF-', 'the download is a PDF')
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' })
    check(text.includes('Export check 4711'), 'pdftotext finds the sticky text in the exported board')
    // The plan: notes typed in the editor come out in the plan PDF.
    await m.page.click('a[href="#plan"]')
    await m.page.click('#plan-notes .ql-editor'); await m.page.keyboard.type('Plan export 8123')
    await m.page.waitForTimeout(800)
    await m.page.click('#export-menu-btn')
    const dl2 = await exportVia(m.page, '#export-plan')
    const file2 = path.join(ART, `${CASE}-plan.pdf`)
    await dl2.saveAs(file2)
    check(execFileSync('pdftotext', [file2, '-'], { encoding: 'utf8' }).includes('Plan export 8123'), 'pdftotext finds the typed notes in the exported plan')
  },

  // Session flow (issue 8): the mentor schedules a session, starts it (its board opens from the
  // server's template), draws (the mentee sees it), ends it; the list shows it ended with a
  // PDF that holds the agenda and the board, two pages or more.
  async session (base, t) {
    const w = await createWorkspace(base, t.admin)
    const inv = id => w.invites.find(i => i.person_id === id)?.token || fail(`no invite for ${id}`)
    const m = await open(base, inv('mentor-1'), '#sessions', 'mentor', `/w/${WS}`, { timezoneId: 'America/New_York' })
    m.page.on('dialog', d => d.accept())
    await m.page.waitForSelector('#sessions-view #session-schedule')
    await m.page.fill('#session-date', '2026-12-01')
    await m.page.fill('#session-time', '15:30')
    await m.page.selectOption('#session-zone', 'Europe/Berlin')
    await m.page.fill('#session-agenda', 'Portfolio review 5521\nNext steps 7310')
    const unlabelled = await m.page.$$eval('#sessions-view input, #sessions-view select, #sessions-view textarea', els => els.filter(el => !(el.getAttribute('aria-label') || (el.id && document.querySelector(`label[for="${el.id}"]`)))).map(el => el.id || el.tagName))
    check(unlabelled.length === 0, `every field of the schedule form has a label (${unlabelled.join() || 'all'})`)
    await snap(m.page, 'schedule-form')
    await m.page.click('#session-schedule')
    const row = '#sessions-list .session[data-session="1"]'
    await m.page.waitForSelector(row, { timeout: 20000 })
    await snap(m.page, 'scheduled')
    const times = await m.page.$$eval(`${row} .session-times li`, els => els.map(e => [e.dataset.zoneKind, e.textContent]))
    // 15:30 in Berlin on 1 Dec (CET, UTC+1) is 14:30 UTC, 09:30 in New York (EST, UTC-5).
    check(times.some(([k, x]) => k === 'yours' && x.includes('2026-12-01 09:30') && x.includes('America/New_York')), `the mentor sees the start in their zone: ${JSON.stringify(times)}`)
    check(times.some(([k, x]) => k === 'session' && x.includes('2026-12-01 15:30') && x.includes('Europe/Berlin')), 'and in the session\'s zone')
    check((await m.page.textContent(row)).includes('Portfolio review 5521') && (await m.page.textContent(`${row} .session-state`)) === 'Scheduled', 'the row shows the agenda and the state "Scheduled"')
    const icsHref = await m.page.getAttribute('#sessions-ics', 'href')
    const ics = await (await fetch(new URL(icsHref, base))).text()
    check(ics.includes('BEGIN:VCALENDAR') && ics.includes('DTSTART') && /Session 1/.test(ics), 'the "Download calendar" link serves an .ics with the session')

    await m.page.click(`${row} .session-start`)
    await m.page.waitForFunction(() => location.hash === '#board/1', null, { timeout: 20000 })
    await m.page.waitForSelector('#board-stage')
    await waitFor(async () => (await m.page.textContent('#board-canvas')).includes('Portfolio review 5521'), 'the session board with its agenda frame to open')
    check(await m.page.$('#board-canvas [data-type="frame"]') !== null, 'the session board has the agenda frame from the template')
    await snap(m.page, 'session-board')
    const e = await open(base, inv('mentee-1'), '#board/1', 'mentee')
    await waitFor(async () => (await boardCount(e.page)) === 2, 'the mentee to see the template board')
    await drawStroke(m.page, 500, 300)
    await e.page.waitForSelector('#board-canvas [data-type="stroke"] path', { timeout: 20000 })
    await snap(e.page, 'mentee-sees-stroke')
    console.log('ok: the mentee sees the stroke the mentor drew on the session board')
    await addSticky(m.page, 700, 420, 'Board note 8842')
    await waitFor(async () => (await stickyTexts(e.page)).includes('Board note 8842'), 'the sticky to reach the mentee')
    check(await m.page.isVisible('a.tab[href="#board/1"]'), 'the session board is listed among the boards')

    await m.page.click('a.tab[href="#sessions"]')
    await m.page.waitForSelector(`${row} .session-end`)
    await snap(m.page, 'before-end')
    await m.page.click(`${row} .session-end`)
    await m.page.waitForSelector(`${row}[data-status="ended"]`, { timeout: 90000 })
    await snap(m.page, 'ended')
    check((await m.page.textContent(`${row} .session-state`)) === 'Ended', 'the list shows the session as ended')
    const pdfLink = `${row} a.session-pdf`
    check(await m.page.$(pdfLink) !== null, 'the ended session has a PDF link')
    const download = await exportVia(m.page, pdfLink)
    const file = path.join(ART, `${CASE}-session-1.pdf`)
    await download.saveAs(file)
    check(fs.readFileSync(file).subarray(0, 5).toString() === '%PDF-', 'the session PDF downloads')
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' })
    check(text.includes('Portfolio review 5521') && text.includes('Board note 8842'), 'pdftotext finds the agenda and the board text in the session PDF')
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1])
    check(pages >= 2, `the session PDF has ${pages} pages (board + plan)`)
    // The mentee's list says the same; a viewer would get no Start/End buttons.
    const s = await api(base, inv('mentee-1'), 'GET', `/api/workspaces/${WS}/sessions`)
    check(s.json?.sessions?.[0]?.status === 'ended' && s.json.sessions[0].has_pdf === true, 'the server lists the session as ended with has_pdf')
    const v = await open(base, t.viewer, '#sessions', 'viewer')
    await v.page.waitForSelector(`${row}[data-status="ended"]`)
    check(await v.page.$('#session-schedule, .session-start, .session-end') === null && await v.page.$(`${row} a.session-pdf`) !== null, 'a viewer sees the list and the PDF link, without schedule/start/end')
    await snap(v.page, 'viewer-sessions')
    // The ended session's Replay plays its board over the session's time.
    await m.page.click(`${row} .session-replay`)
    await m.page.waitForSelector('#replay-bar #replay-slider')
    check((await m.page.textContent('#replay-bar strong')).includes('Session 1'), 'the replay bar names the session')
    const rmax = Number(await m.page.getAttribute('#replay-slider', 'max'))
    const seekTo = k => m.page.$eval('#replay-slider', (el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })) }, k)
    const strokeCount = () => m.page.$$eval('#board-canvas [data-type="stroke"]', els => els.length)
    await seekTo(0)
    await waitFor(async () => (await strokeCount()) === 0, 'the session replay to start without the stroke')
    await seekTo(rmax)
    await waitFor(async () => (await strokeCount()) === 1 && (await stickyTexts(m.page)).includes('Board note 8842'), 'the session replay to end with the stroke and the sticky')
    await snap(m.page, 'session-replay-end')
    console.log(`ok: the session replay runs over ${rmax} changes from none to the stroke and sticky`)
    await m.page.click('#back-to-live')
    await m.page.click('a.tab[href="#sessions"]')
    await m.page.waitForSelector('#session-agenda')
    // Session 2's board number is already in use (the mentee drew on "Board 2" before): the
    // server keeps that board as it is, and the app adds the agenda frame beside the drawing.
    await e.page.goto(e.page.url().replace(/#.*$/, '#board/2'))
    await e.page.waitForSelector('#conn-status[data-state="online"]')
    await drawStroke(e.page, 300, 300)
    await waitFor(async () => (await boardCount(e.page)) === 1, "the mentee's stroke on board 2")
    await m.page.waitForTimeout(800)
    await m.page.fill('#session-agenda', 'Second agenda 3377')
    await m.page.click('#session-schedule')
    await m.page.waitForSelector('#sessions-list .session[data-session="2"] .session-start')
    await m.page.click('#sessions-list .session[data-session="2"] .session-start')
    await m.page.waitForFunction(() => location.hash === '#board/2', null, { timeout: 20000 })
    await waitFor(async () => (await boardCount(m.page)) === 3, 'the agenda frame and text on the reused board 2')
    await m.page.focus('#board-stage'); await m.page.keyboard.press('0')
    await waitFor(async () => (await m.page.textContent('#board-canvas')).includes('Second agenda 3377'), 'the agenda text to show after fitting the board')
    await waitFor(async () => (await boardCount(e.page)) === 3, 'the mentee to get the agenda beside the stroke')
    await e.page.focus('#board-stage'); await e.page.keyboard.press('0')
    await waitFor(async () => (await e.page.textContent('#board-canvas')).includes('Second agenda 3377'), 'the mentee to see the agenda text')
    await snap(e.page, 'reused-board-agenda')
    const b2 = await serverDoc(base, `${WS}/board/2`, t.mentor)
    const types = [...b2.getMap('elements').values()].map(x => x.get('type')).sort().join()
    check(types === 'frame,stroke,text', `board 2 holds the stroke, the agenda frame and its text (${types})`)
    const fr = [...b2.getMap('elements').values()].find(x => x.get('type') === 'frame')
    const st = [...b2.getMap('elements').values()].find(x => x.get('type') === 'stroke')
    check(fr.get('x') + fr.get('w') <= st.get('x'), `the agenda frame lies left of the mentee's stroke (frame ends at ${fr.get('x') + fr.get('w')}, stroke at ${st.get('x')})`)
  },

  // Version history: the mentor saves a named version, both edit on, the mentor views the
  // version read-only and then restores it; both browsers end on the version's content.
  async restore (base, t) {
    const m = await open(base, t.mentor, '#board/1', 'mentor'); const e = await open(base, t.mentee, '#board/1', 'mentee')
    m.page.on('dialog', d => d.accept())
    await addSticky(m.page, 300, 200, 'Kept in version 4242')
    await waitFor(async () => (await stickyTexts(e.page)).includes('Kept in version 4242'), 'the first sticky to reach the mentee')
    // Keyboard: Enter on History opens the panel with focus inside; Esc closes it and returns focus.
    await m.page.focus('#history-btn'); await m.page.keyboard.press('Enter')
    await m.page.waitForSelector('#history-panel #version-label')
    check(await m.page.evaluate(() => !!document.activeElement?.closest('#history-panel')) && await m.page.getAttribute('#history-btn', 'aria-expanded') === 'true', 'Enter on History opens the panel and moves focus into it')
    const unnamed = await m.page.$$eval('#history-panel button, #history-panel input', els => els.filter(el => !(el.getAttribute('aria-label') || el.textContent.trim() || (el.id && document.querySelector(`label[for="${el.id}"]`)))).length)
    check(unnamed === 0, 'every control in the history panel has a label')
    await m.page.keyboard.press('Escape')
    await waitFor(async () => (await m.page.$('#history-panel')) === null && await m.page.evaluate(() => document.activeElement?.id === 'history-btn'), 'Esc to close the panel and return focus to History')
    await m.page.keyboard.press('Enter')
    await m.page.waitForSelector('#history-panel #version-label')
    await m.page.fill('#version-label', 'Before the edits')
    await m.page.keyboard.press('Enter')
    const vrow = '#versions-list .version[data-kind="named"]'
    await m.page.waitForSelector(vrow, { timeout: 20000 })
    check((await m.page.textContent(vrow)).includes('Before the edits'), 'the saved version is listed with its name')
    await snap(m.page, 'version-saved')
    await m.page.click('#history-close')
    await addSticky(m.page, 600, 200, 'Added after 9911')
    await drawStroke(e.page, 200, 450)
    await waitFor(async () => (await boardCount(m.page)) === 3 && (await boardCount(e.page)) === 3, 'both to hold 3 elements after further edits')
    await snap(m.page, 'edited-further')
    // View the version read-only: the banner says so, only the first sticky is there.
    await m.page.click('#history-btn')
    // Its PDF holds the version's sticky, not the later one.
    const vfile = path.join(ART, `${CASE}-version.pdf`)
    await (await exportVia(m.page, `${vrow} a.version-pdf`)).saveAs(vfile)
    const vtext = execFileSync('pdftotext', [vfile, '-'], { encoding: 'utf8' })
    check(vtext.includes('Kept in version 4242') && !vtext.includes('Added after 9911'), 'the version PDF has the version\'s sticky and not the later one')
    await m.page.click(`${vrow} .version-view`)
    await m.page.waitForSelector('#static-banner')
    check((await m.page.textContent('#static-banner')).includes('read-only'), `the banner says the view is read-only: "${await m.page.textContent('#static-banner strong')}"`)
    await waitFor(async () => (await boardCount(m.page)) === 1, 'the version view to show one element')
    check((await stickyTexts(m.page)).join() === 'Kept in version 4242' && await m.page.$('[data-tool="pen"]') === null, 'the version view shows the saved sticky and no drawing tools')
    await snap(m.page, 'viewing-version')
    await m.page.click('#back-to-live')
    await waitFor(async () => (await boardCount(m.page)) === 3, 'back to live to show 3 elements')
    // Restore.
    await m.page.click('#history-btn')
    await m.page.click(`${vrow} .version-restore`)
    const restored = async page => { const s = await stickyTexts(page); return (await boardCount(page)) === 1 && s.join() === 'Kept in version 4242' }
    await waitFor(() => restored(m.page), 'the mentor to show the restored version')
    await waitFor(() => restored(e.page), 'the mentee to show the restored version')
    await snap(m.page, 'restored-mentor'); await snap(e.page, 'restored-mentee')
    console.log('ok: both browsers show the restored content')
    const doc = await serverDoc(base, `${WS}/board/1`, t.mentor)
    const els = [...doc.getMap('elements').values()]
    check(els.length === 1 && els[0].get('text').toString().trim() === 'Kept in version 4242', 'the server holds the restored board')
    // The plan has versions too: its version view is the plan editor, read-only.
    await m.page.click('#history-close')
    await m.page.click('a.tab[href="#plan"]')
    await m.page.click('#plan-notes .ql-editor'); await m.page.keyboard.type('Plan notes v1 5150')
    await e.page.click('a.tab[href="#plan"]')
    await waitFor(async () => (await notesText(e.page)).includes('Plan notes v1 5150'), 'the plan notes to reach the mentee')
    await m.page.click('#history-btn')
    await m.page.fill('#version-label', 'Plan v1'); await m.page.click('#version-save')
    await m.page.waitForSelector(`${vrow} .version-view`)
    await m.page.click('#history-close')
    await m.page.click('#plan-notes .ql-editor'); await m.page.keyboard.press('Control+End'); await m.page.keyboard.type(' and later 6161')
    await waitFor(async () => (await notesText(m.page)).includes('later 6161'), 'the later notes')
    await m.page.click('#history-btn')
    await m.page.click(`${vrow} .version-view`)
    await m.page.waitForSelector('#static-banner')
    await waitFor(async () => (await notesText(m.page)) === 'Plan notes v1 5150', 'the plan version view to show the notes as saved')
    check(await m.page.$eval('#plan-notes .ql-editor', el => el.getAttribute('contenteditable')) === 'false' && await m.page.$('#add-goal') === null, 'the plan version is shown read-only')
    await snap(m.page, 'viewing-plan-version')
    await m.page.click('#back-to-live')
    await waitFor(async () => (await notesText(m.page)).includes('later 6161'), 'back to the live plan')
  },

  // Replay: strokes drawn at different times; the slider at the start shows none, at the end all,
  // in between the ones drawn before that time; play runs to the end.
  async replay (base, t) {
    const m = await open(base, t.mentor, '#board/1', 'mentor')
    for (let i = 0; i < 3; i++) {
      await drawStroke(m.page, 150 + i * 200, 200)
      await m.page.waitForTimeout(1200)
    }
    await waitFor(async () => (await boardCount(m.page)) === 3, 'three strokes on the live board')
    await m.page.click('#history-btn')
    await m.page.click('#replay-btn')
    await m.page.waitForSelector('#replay-bar #replay-slider')
    const max = Number(await m.page.getAttribute('#replay-slider', 'max'))
    check(max >= 3, `the replay has ${max} logged changes`)
    const strokes = () => m.page.$$eval('#board-canvas [data-type="stroke"]', els => els.length)
    const seek = async k => { await m.page.$eval('#replay-slider', (el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })) }, k) }
    await seek(0)
    await waitFor(async () => (await boardCount(m.page)) === 0, 'the start of the replay to show an empty board')
    check(await strokes() === 0, 'at the start the replay shows no strokes')
    await snap(m.page, 'replay-start')
    await seek(max)
    await waitFor(async () => (await strokes()) === 3, 'the end of the replay to show all 3 strokes')
    check(/\d\d:\d\d:\d\d/.test(await m.page.textContent('#replay-time')), `the replay shows the time (${await m.page.textContent('#replay-time')})`)
    await snap(m.page, 'replay-end')
    // Scrubbing back: a middle position shows some, not all.
    let mid = null
    for (let k = 1; k < max && mid == null; k++) { await seek(k); const n = await strokes(); if (n === 1) mid = k }
    check(mid != null, `some position shows exactly the first stroke (${mid})`)
    await snap(m.page, 'replay-middle')
    // Keyboard: Home goes to the start; Play runs to the end.
    await m.page.focus('#replay-slider'); await m.page.keyboard.press('Home')
    await waitFor(async () => (await strokes()) === 0, 'Home on the slider to go back to the start')
    await m.page.selectOption('#replay-speed', '16')
    await m.page.click('#replay-play')
    await waitFor(async () => (await strokes()) === 3 && Number(await m.page.$eval('#replay-slider', el => el.value)) === max, 'play to reach the end', 60000)
    await snap(m.page, 'replay-played')
    await m.page.click('#back-to-live')
    await m.page.waitForSelector('[data-tool="pen"]')
    check(await boardCount(m.page) === 3 && await m.page.$('#replay-bar') === null, 'leaving replay returns to the live board')
  },

  // A forged or expired token gets a clear error page, not the app.
  async badtoken (base, t) {
    const context = await browser.newContext(); const page = await context.newPage()
    await page.goto(`${base}/w/${WS}?token=not-a-token`)
    await page.waitForSelector('.error-page')
    check((await page.textContent('.error-page h1')).includes('does not work'), 'a malformed token shows "This link does not work"')
    const [payload, sig] = t.mentor.split('.')
    const claims = JSON.parse(Buffer.from(payload, 'base64url'))
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'mentor', name: 'Mallory' })).toString('base64url') + '.' + sig
    await page.goto(`${base}/w/${WS}?token=${forged}`)
    await page.waitForSelector('.error-page', { timeout: 20000 })
    await snap(page, 'forged-token')
    check(await page.$('#board-stage, #plan-view') === null, 'a token with a wrong signature does not open the workspace')
    const expired = Buffer.from(JSON.stringify({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 })).toString('base64url') + '.' + sig
    await page.goto(`${base}/w/${WS}?token=${expired}`)
    await page.waitForSelector('.error-page')
    check((await page.textContent('.error-page h1')).includes('expired'), 'an expired token shows "This link has expired"')
    await snap(page, 'expired-token')
  }
}

await runCases(cases)
