// Uploaded images are served only with a token; <image href> sends no header, so the
// board adds the viewer's token to /uploads/ links and to nothing else.
import { describe, it, expect } from 'vitest'
import { setUploadToken, withUploadToken } from '../../../client-js/src/board/render.js'

describe('withUploadToken', () => {
  it('adds the token to /uploads/ links only', () => {
    setUploadToken('a.b+c')
    expect(withUploadToken('/uploads/acme/ab12.png')).toBe('/uploads/acme/ab12.png?token=a.b%2Bc')
    expect(withUploadToken('https://example.org/x.png')).toBe('https://example.org/x.png')
    expect(withUploadToken('data:image/png;base64,AAAA')).toBe('data:image/png;base64,AAAA')
    expect(withUploadToken('/uploads/acme/ab12.png?token=x')).toBe('/uploads/acme/ab12.png?token=x')
  })
  it('leaves links alone without a token', () => {
    setUploadToken('')
    expect(withUploadToken('/uploads/acme/ab12.png')).toBe('/uploads/acme/ab12.png')
  })
})
