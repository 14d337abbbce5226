// REST calls of the sessions and history panels (server/README.md "Domain routes"), with the
// viewer's token as a bearer header. Errors become Error objects with the server's message.

export class ApiError extends Error {
  constructor (status, message) { super(message); this.status = status }
}

async function errorOf (r) {
  let msg = ''
  try { const t = await r.text(); try { msg = String(JSON.parse(t).error ?? t) } catch { msg = t } } catch {}
  msg = msg.slice(0, 300)
  if (r.status === 404 && !msg) msg = 'this server does not offer it'
  return new ApiError(r.status, `the server answered ${r.status}${msg ? ': ' + msg : ''}`)
}

export function makeApi (token) {
  const headers = (json) => ({ Authorization: 'Bearer ' + token, ...(json ? { 'Content-Type': 'application/json' } : {}) })
  const call = async (method, path, body, as = 'json') => {
    const r = await fetch(path, { method, headers: headers(body !== undefined), body: body !== undefined ? JSON.stringify(body) : undefined, cache: 'no-store' })
    if (!r.ok) throw await errorOf(r)
    if (as === 'bytes') return new Uint8Array(await r.arrayBuffer())
    if (as === 'blob') return r.blob()
    if (as === 'response') return r
    return r.json()
  }
  const ws = w => `/api/workspaces/${encodeURIComponent(w)}`
  const docPath = d => `/api/docs/${d.split('/').map(encodeURIComponent).join('/')}`
  return {
    token,
    listSessions: w => call('GET', `${ws(w)}/sessions`),
    schedule: (w, body) => call('POST', `${ws(w)}/sessions`, body),
    startSession: (w, n) => call('POST', `${ws(w)}/sessions/${n}/start`),
    endSession: (w, n) => call('POST', `${ws(w)}/sessions/${n}/end`),
    sessionPdfUrl: (w, n) => `${ws(w)}/sessions/${n}/pdf?token=${encodeURIComponent(token)}`,
    icsUrl: w => `${ws(w)}/sessions.ics?token=${encodeURIComponent(token)}`,
    listVersions: d => call('GET', `${docPath(d)}/versions`),
    saveVersion: (d, label) => call('POST', `${docPath(d)}/versions`, { label }),
    versionUpdate: (d, n) => call('GET', `${docPath(d)}/versions/${n}?format=update`, undefined, 'bytes'),
    versionPdfUrl: (d, n) => `${docPath(d)}/versions/${n}/pdf?token=${encodeURIComponent(token)}`,
    restoreVersion: (d, n) => call('POST', `${docPath(d)}/versions/${n}/restore`, undefined, 'bytes'),
    replay: (d, from, to) => {
      const q = new URLSearchParams()
      if (from != null) q.set('from', String(from))
      if (to != null) q.set('to', String(to))
      const qs = q.toString()
      return call('GET', `${docPath(d)}/replay${qs ? '?' + qs : ''}`, undefined, 'response').then(async r => ({
        bytes: new Uint8Array(await r.arrayBuffer()),
        truncated: r.headers.get('X-Tandem-Replay-Truncated') === '1',
        compacted: r.headers.get('X-Tandem-History-Compacted') === '1'
      }))
    }
  }
}
