// The free map of an ext file system from dumpe2fs's listing (ext-free.ts):
// any doubt means no map (the source then sends every non-zero block).

import { describe, expect, it } from 'vitest'
import { parseDumpe2fs } from '../../src/image/ext-free.js'

const listing = (header: Record<string, string>, groups: string[]): string => [
  ...Object.entries({ 'Filesystem features': 'has_journal ext_attr extent 64bit flex_bg', 'Filesystem state': 'clean', 'Block count': '16384', 'Block size': '4096', ...header })
    .map(([k, v]) => `${k}:${' '.repeat(Math.max(1, 26 - k.length))}${v}`),
  '',
  ...groups.flatMap((free, i) => [`Group ${i}: (Blocks ${i * 8192}-${i * 8192 + 8191})`, '  Primary superblock at 0', `  Free blocks: ${free}`, '  Free inodes: 12-2048'])
].join('\n')

describe('parseDumpe2fs', () => {
  it('turns each group\'s free blocks into byte ranges, joining neighbours', () => {
    const map = parseDumpe2fs(listing({}, ['100-8191', '8192-9000, 9005, 10000-16383']), 64 * 1_048_576)
    expect(map).toEqual({ kind: 'ext', fsBlockBytes: 4096, partitions: 0, freeBytes: (8092 + 809 + 1 + 6384) * 4096, ranges: [[100 * 4096, 9001 * 4096], [9005 * 4096, 9006 * 4096], [10000 * 4096, 16384 * 4096]] })
  })

  it('an empty free list is a full group', () => {
    expect(parseDumpe2fs(listing({}, ['', '8192-16383']), 64 * 1_048_576)).toMatchObject({ kind: 'ext', ranges: [[8192 * 4096, 16384 * 4096]] })
  })

  it.each([
    [{ 'Filesystem features': 'has_journal needs_recovery extent' }, /needs journal recovery/],
    [{ 'Filesystem state': 'not clean' }, /not clean/],
    [{ 'Filesystem state': 'clean with errors' }, /not clean/],
    [{ 'Filesystem features': 'extent bigalloc' }, /bigalloc/],
    [{ 'Block count': '999999' }, /larger than the image/],
    [{ 'Block size': 'lots' }, /no block size/]
  ])('no map when %o', (header, why) => {
    const map = parseDumpe2fs(listing(header, ['100-8191', '8192-16383']), 64 * 1_048_576)
    expect(map.kind).toBe('none')
    expect(map.kind === 'none' ? map.why : '').toMatch(why)
  })

  it('no map for a listing it cannot read or that contradicts itself', () => {
    expect(parseDumpe2fs(listing({}, ['100-8191x']), 64 * 1_048_576)).toMatchObject({ kind: 'none', why: expect.stringMatching(/cannot read/) })
    expect(parseDumpe2fs(listing({}, ['9000-8000']), 64 * 1_048_576)).toMatchObject({ kind: 'none', why: expect.stringMatching(/outside/) })
    expect(parseDumpe2fs(listing({}, ['5000-6000', '100-200']), 64 * 1_048_576)).toMatchObject({ kind: 'none', why: expect.stringMatching(/out of order/) })
    expect(parseDumpe2fs(listing({}, ['20000-20001']), 64 * 1_048_576)).toMatchObject({ kind: 'none', why: expect.stringMatching(/outside/) })
    expect(parseDumpe2fs(listing({}, []), 64 * 1_048_576)).toMatchObject({ kind: 'none', why: expect.stringMatching(/no block groups/) })
  })
})
