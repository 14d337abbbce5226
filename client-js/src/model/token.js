// Reads the invite link: which workspace, and who the user is according to the token's
// payload. The signature is checked by the server; here we only decode to show name/role.

/** Decodes base64url to a string (UTF-8). */
export function base64UrlDecode (s) {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)
  const bin = atob(b64)
  const bytes = Uint8Array.from(bin, c => c.charCodeAt(0))
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
}

/**
 * Returns { ok: true, user, name, role, prefix, exp } or { ok: false, error } for a token
 * `base64url(payload JSON).base64url(signature)`. `now` in ms. Accepts the common spellings
 * of the payload keys (user/sub, name, role, prefix/pfx, exp in s or ms).
 */
export function decodeToken (token, now = Date.now()) {
  if (typeof token !== 'string' || !token) return { ok: false, error: 'This link has no access token.' }
  const parts = token.split('.')
  if (parts.length !== 2 || !parts[0] || !parts[1] || !/^[A-Za-z0-9_-]+$/.test(parts[0] + parts[1])) {
    return { ok: false, error: 'The access token in this link is malformed.' }
  }
  let p
  try { p = JSON.parse(base64UrlDecode(parts[0])) } catch { return { ok: false, error: 'The access token in this link cannot be read.' } }
  if (!p || typeof p !== 'object') return { ok: false, error: 'The access token in this link cannot be read.' }
  const role = p.role ?? p.r
  if (!['mentor', 'mentee', 'viewer', 'admin'].includes(role)) return { ok: false, error: 'The access token names no known role.' }
  let exp = p.exp ?? p.expires ?? p.expiry
  if (typeof exp === 'number' && exp < 1e12) exp = exp * 1000 // seconds since epoch
  if (typeof exp === 'number' && exp <= now) return { ok: false, expired: true, error: 'This invite link has expired. Ask your mentor for a new one.' }
  return {
    ok: true,
    user: String(p.user ?? p.sub ?? p.uid ?? p.id ?? ''),
    name: String(p.name ?? p.display_name ?? p.displayName ?? p.user ?? p.sub ?? 'Guest'),
    role,
    prefix: String(p.prefix ?? p.pfx ?? p.scope ?? ''),
    exp: typeof exp === 'number' ? exp : null
  }
}

/** Workspace from `/w/{workspace}` or, failing that, the token's prefix (when not `*`). */
export function workspaceFromLocation (pathname, info) {
  const m = /^\/w\/([A-Za-z0-9._~-]+)\/?/.exec(pathname)
  if (m) return decodeURIComponent(m[1])
  if (info && info.prefix && info.prefix !== '*') return info.prefix.split('/')[0]
  return null
}

/** A colour per user, stable across sessions and peers. */
export function userColor (id) {
  let h = 0
  for (const c of String(id)) h = (h * 31 + c.charCodeAt(0)) >>> 0
  const palette = ['#d1495b', '#00798c', '#edae49', '#66a182', '#8d5fd3', '#e07a5f', '#3d5a80', '#c44536']
  return palette[h % palette.length]
}

export const DOC_NAME_RE = /^[A-Za-z0-9._~\/-]{1,200}$/
export function isValidDocName (name) {
  return DOC_NAME_RE.test(name) && !name.split('/').some(s => s === '' || s === '..')
}
