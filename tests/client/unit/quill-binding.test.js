// The caret mapping used after remote changes: inserts before the caret push it right,
// inserts at the caret leave it (the remote text lands after it), deletes pull it left.
import { describe, it, expect } from 'vitest'
import { mapIndex } from '../../../client-js/src/quill-binding.js'

describe('mapIndex', () => {
  it('an insert before the caret moves it right by the inserted length', () => {
    expect(mapIndex([{ retain: 2 }, { insert: 'abc' }], 5, 0)).toEqual({ index: 8, length: 0 })
  })
  it('an insert exactly at the caret leaves the caret in place', () => {
    expect(mapIndex([{ retain: 5 }, { insert: 'xy' }], 5, 0)).toEqual({ index: 5, length: 0 })
  })
  it('an insert inside a selection grows the selection', () => {
    expect(mapIndex([{ retain: 6 }, { insert: 'xy' }], 5, 3)).toEqual({ index: 5, length: 5 })
  })
  it('a delete spanning the caret moves it to the start of the deletion', () => {
    expect(mapIndex([{ retain: 3 }, { delete: 4 }], 5, 0)).toEqual({ index: 3, length: 0 })
  })
  it('changes after the caret do not move it', () => {
    expect(mapIndex([{ retain: 9 }, { insert: 'z' }, { delete: 2 }], 5, 1)).toEqual({ index: 5, length: 1 })
  })
})
