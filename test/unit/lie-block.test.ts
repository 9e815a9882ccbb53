// A node that says the source itself sent a bad block names that block by
// where it ends (Progress.lie_block_end); the coordinator re-reads only a
// block of the image that really ends there, whatever a hostile node sends.

import { describe, expect, it } from 'vitest'
import { blockEndingAt } from '../../src/coordinator/coordinator.js'

describe('blockEndingAt', () => {
  const params = { blockSize: 1000, imageSize: 2500 }

  it('finds a whole block and the short last one', () => {
    expect(blockEndingAt(1000, params)).toBe(0)
    expect(blockEndingAt(2000, params)).toBe(1000)
    expect(blockEndingAt(2500, params)).toBe(2000)
  })

  it('names no block for 0 (a hash batch or END), a misaligned end, one past the image, or a non-integer', () => {
    for (const end of [0, 999, 1500, 3000, 2501, -1000, 1000.5, Number.NaN, 2 ** 60]) expect(blockEndingAt(end, params)).toBeUndefined()
  })
})
