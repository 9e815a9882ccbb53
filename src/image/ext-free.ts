// Which bytes of an ext2/3/4 image its file system does not use, so the
// source sends only used blocks (issue 12; Clonezilla's partclone does the
// same). The block bitmaps are read by Debian's e2fsprogs (`dumpe2fs`),
// which also computes the groups whose bitmaps were never initialised
// (BLOCK_UNINIT): parsing that by hand is where a home-made reader goes
// wrong. Measured: ~0.1 s for a 4 GiB image (docs/data-plane.md).
//
// Any doubt means no free map: the source then sends every block that is not
// all zeros, which is always a correct clone. Doubts: not ext, e2fsprogs
// missing, a file system that needs journal recovery or was not cleanly
// unmounted (its bitmaps may be behind its journal), bigalloc (clusters),
// output we cannot parse.

import { execFile } from 'node:child_process'
import { open } from 'node:fs/promises'

/** What the free map of an image is, or why there is none. */
export type FreeMap =
  | { kind: 'ext', ranges: Array<[number, number]>, freeBytes: number, fsBlockBytes: number }
  | { kind: 'none', why?: string }

const EXT_MAGIC = 0xef53
/** dumpe2fs of a 16 TiB file system lists ~130k groups: allow its output. */
const MAX_OUTPUT_BYTES = 256 * 1_048_576

/** True when the image starts with an ext2/3/4 superblock (magic 0xEF53 at byte 1080). */
export async function looksLikeExt (path: string): Promise<boolean> {
  const handle = await open(path, 'r')
  try {
    const buf = Buffer.alloc(2)
    const { bytesRead } = await handle.read(buf, 0, 2, 1024 + 0x38)
    return bytesRead === 2 && buf.readUInt16LE(0) === EXT_MAGIC
  } finally {
    await handle.close()
  }
}

export async function extFreeMap (path: string, imageSize: number): Promise<FreeMap> {
  if (!(await looksLikeExt(path).catch(() => false))) return { kind: 'none' }
  let out: string
  try {
    out = await new Promise<string>((resolve, reject) => {
      execFile('dumpe2fs', [path], { maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }, (err, stdout) => {
        if (err !== null) reject(err)
        else resolve(stdout)
      })
    })
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
    return { kind: 'none', why: missing ? 'dumpe2fs (Debian e2fsprogs) is not installed' : `dumpe2fs failed: ${(err as Error).message.split('\n')[0]}` }
  }
  return parseDumpe2fs(out, imageSize)
}

/** The free map a `dumpe2fs` listing describes (exported for the unit tests). */
export function parseDumpe2fs (out: string, imageSize: number): FreeMap {
  const field = (name: string): string | undefined => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(out)?.[1]?.trim()
  const features = field('Filesystem features') ?? ''
  const state = field('Filesystem state')
  const blockBytes = Number(field('Block size'))
  const blockCount = Number(field('Block count'))
  if (!Number.isSafeInteger(blockBytes) || blockBytes <= 0 || !Number.isSafeInteger(blockCount) || blockCount <= 0) return { kind: 'none', why: 'dumpe2fs printed no block size or count' }
  if (/\bneeds_recovery\b/.test(features)) return { kind: 'none', why: 'the file system needs journal recovery (it was not unmounted cleanly, or is mounted): its bitmaps may be behind its journal' }
  if (state !== 'clean') return { kind: 'none', why: `the file system state is "${state ?? 'unknown'}", not clean (run e2fsck on the source first)` }
  if (/\bbigalloc\b/.test(features)) return { kind: 'none', why: 'bigalloc file systems are not supported for used-blocks-only cloning' }
  if (blockCount * blockBytes > imageSize) return { kind: 'none', why: `the file system (${blockCount * blockBytes} bytes) is larger than the image (${imageSize} bytes)` }
  const ranges: Array<[number, number]> = []
  let freeBytes = 0
  let groups = 0
  for (const match of out.matchAll(/^ {2}Free blocks: ?(.*)$/gm)) {
    groups++
    const list = match[1]!.trim()
    if (list === '') continue
    for (const item of list.split(',')) {
      const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(item)
      if (m === null) return { kind: 'none', why: `dumpe2fs printed a free-block list we cannot read ("${item.trim()}")` }
      const first = Number(m[1])
      const last = m[2] === undefined ? first : Number(m[2])
      if (last < first || last >= blockCount) return { kind: 'none', why: `dumpe2fs listed free blocks ${first}-${last} outside the file system's ${blockCount} blocks` }
      const start = first * blockBytes
      const end = (last + 1) * blockBytes
      const prev = ranges[ranges.length - 1]
      if (prev !== undefined && start < prev[1]) return { kind: 'none', why: 'dumpe2fs listed free blocks out of order' }
      if (prev !== undefined && start === prev[1]) prev[1] = end
      else ranges.push([start, end])
      freeBytes += end - start
    }
  }
  if (groups === 0) return { kind: 'none', why: 'dumpe2fs listed no block groups' }
  return { kind: 'ext', ranges, freeBytes, fsBlockBytes: blockBytes }
}
