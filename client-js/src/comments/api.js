// REST calls for comments, feedback and sessions (server/README.md "Domain"): the server
// stamps author, role and time from the token and applies the entry through the document's
// room, so every open client sees it arrive over its WebSocket.

/** The access token of this page (`?token=` in the invite link). */
export function tokenFromLocation () {
  return new URLSearchParams(location.search).get('token') || ''
}

/** fetch + JSON with the token; throws an Error carrying the server's message and status. */
export async function api (method, path, token, body) {
  let r
  try {
    r = await fetch(path, {
      method,
      headers: { Authorization: 'Bearer ' + token, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      cache: 'no-store'
    })
  } catch {
    throw Object.assign(new Error('the server cannot be reached (offline?)'), { status: 0 })
  }
  const text = await r.text()
  let json = null
  try { json = text ? JSON.parse(text) : null } catch { /* not JSON */ }
  if (!r.ok) {
    const why = (json && typeof json.error === 'string' && json.error) || text.slice(0, 200) || r.statusText
    throw Object.assign(new Error(`${why} (HTTP ${r.status})`), { status: r.status })
  }
  return json
}

export const postComment = (boardDoc, token, elementId, text) =>
  api('POST', `/api/docs/${boardDoc}/comments`, token, { element_id: elementId, text })

export const postGoalComment = (planDoc, token, goalId, text) =>
  api('POST', `/api/docs/${planDoc}/feedback`, token, { goal_id: goalId, text })

export function postFeedback (planDoc, token, { text, rating, session }) {
  const body = { text }
  if (rating != null) body.rating = rating
  if (session != null) body.session = session
  return api('POST', `/api/docs/${planDoc}/feedback`, token, body)
}

/** The workspace's sessions, or [] when the server has none (or no domain layer). */
export async function listSessions (workspace, token) {
  try {
    const j = await api('GET', `/api/workspaces/${encodeURIComponent(workspace)}/sessions`, token)
    return Array.isArray(j?.sessions) ? j.sessions : []
  } catch { return [] }
}
