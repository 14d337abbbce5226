// Workspace admin helpers (admin/model.js): the create-workspace request checked from form
// values, invite states and requests, remembered invite links.
import { describe, it, expect } from 'vitest'
import {
  workspaceRequest, validWorkspaceId, validTimeZone, inviteState, inviteRequest, inviteChoices, absoluteLink,
  rememberedLinks, rememberLinks, sortInvites
} from '../../../client-js/src/admin/model.js'

const good = {
  title: ' Acme mentoring ',
  id: '',
  meetingLink: 'https://meet.example.org/acme',
  mentor: { name: 'Maria', timeZone: 'Europe/Berlin' },
  mentees: [{ name: 'Eli', timeZone: 'America/New_York' }, { name: '', timeZone: '' }, { name: 'Ana', timeZone: '' }]
}

describe('workspaceRequest', () => {
  it('builds the POST /api/workspaces body the server parses', () => {
    const r = workspaceRequest(good)
    expect(r.ok).toBe(true)
    expect(r.body).toEqual({
      title: 'Acme mentoring',
      mentor: { name: 'Maria', time_zone: 'Europe/Berlin' },
      mentees: [{ name: 'Eli', time_zone: 'America/New_York' }, { name: 'Ana', time_zone: 'UTC' }],
      meeting_link: 'https://meet.example.org/acme'
    })
  })
  it('keeps an explicit id', () => {
    expect(workspaceRequest({ ...good, id: 'acme-7' }).body.id).toBe('acme-7')
  })
  it('names every problem', () => {
    const r = workspaceRequest({ title: '', id: 'a/b', meetingLink: 'javascript:alert(1)', mentor: { name: '', timeZone: '../etc' }, mentees: [] })
    expect(r.ok).toBe(false)
    expect(r.errors.map(e => e.field).sort()).toEqual(['id', 'meetingLink', 'mentees', 'mentor.name', 'mentor.timeZone', 'title'].sort())
  })
  it('a mentee row with a zone but no name is an error, not skipped', () => {
    const r = workspaceRequest({ ...good, mentees: [{ name: '', timeZone: 'UTC' }] })
    expect(r.ok).toBe(false)
    expect(r.errors[0].field).toBe('mentees.0.name')
  })
  it('ids and zones', () => {
    expect(validWorkspaceId('acme-7.x~y_z')).toBe(true)
    expect(validWorkspaceId('a..b')).toBe(false)
    expect(validWorkspaceId('x'.repeat(65))).toBe(false)
    expect(validTimeZone('America/Argentina/Buenos_Aires')).toBe(true)
    expect(validTimeZone('Etc/GMT+5')).toBe(true)
    expect(validTimeZone('Europe/../x')).toBe(false)
    expect(validTimeZone('Europe Berlin')).toBe(false)
  })
})

describe('invites', () => {
  const now = 1_800_000_000_000
  it('state: revoked wins, then expired, else active', () => {
    expect(inviteState({ revoked: true, revoked_at: Date.UTC(2026, 10, 25, 17, 30) }, now)).toEqual({ state: 'revoked', label: 'Revoked 2026-11-25 17:30 UTC' })
    expect(inviteState({ revoked: false, expires: now - 1 }, now).state).toBe('expired')
    expect(inviteState({ revoked: false, expires: 0 }, now)).toEqual({ state: 'active', label: 'Active' })
    expect(inviteState({ revoked: false, expires: now + 1000 }, now).state).toBe('active')
  })
  it('requests for a person or a named viewer', () => {
    expect(inviteRequest('person:eli', '')).toEqual({ ok: true, body: { person_id: 'eli' } })
    expect(inviteRequest('viewer', ' Val ')).toEqual({ ok: true, body: { viewer_name: 'Val' } })
    expect(inviteRequest('viewer', ' ').ok).toBe(false)
    expect(inviteRequest('person:', '').ok).toBe(false)
  })
  it('choices list the mentor (unless left out), the mentees and a viewer', () => {
    const ws = { mentor: { id: 'maria', name: 'Maria' }, mentees: [{ id: 'eli', name: 'Eli' }] }
    expect(inviteChoices(ws).map(c => c.value)).toEqual(['person:maria', 'person:eli', 'viewer'])
    expect(inviteChoices(ws, { includeMentor: false }).map(c => c.role)).toEqual(['mentee', 'viewer'])
  })
  it('absolute links and sorting', () => {
    expect(absoluteLink('/w/acme?token=a.b', 'http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/w/acme?token=a.b')
    expect(absoluteLink('', 'http://x')).toBe('')
    const s = sortInvites([{ token_id: 'a', created: 1 }, { token_id: 'b', created: 3, revoked: true }, { token_id: 'c', created: 2 }])
    expect(s.map(i => i.token_id)).toEqual(['c', 'a', 'b'])
  })
  it('remembers links per token id and survives damaged storage', () => {
    const mem = new Map()
    const storage = { getItem: k => mem.get(k) ?? null, setItem: (k, v) => mem.set(k, v) }
    rememberLinks(storage, [{ token_id: 't1', link: '/w/a?token=1' }, { token_id: 't2' }])
    expect(rememberedLinks(storage)).toEqual({ t1: '/w/a?token=1' })
    mem.set('tandem:invite-links', '{broken')
    expect(rememberedLinks(storage)).toEqual({})
    rememberLinks(storage, [{ token_id: 't3', link: '/w/a?token=3' }])
    expect(rememberedLinks(storage)).toEqual({ t3: '/w/a?token=3' })
  })
})
