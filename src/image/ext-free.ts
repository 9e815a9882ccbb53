// Which bytes of an ext2/3/4 image, or of the ext2/3/4 partitions of a
// whole-disk image (GPT or MBR), the file systems do not use, so the source
// sends only used blocks (issue 12; Clonezilla's partclone does the same). The block bitmaps are read by Debian's e2fsprogs (`dumpe2fs`),
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
  /** `partitions`: how many ext partitions of a disk image it covers (0: the image is one file system). */
  | { kind: 'ext', ranges: Array<[number, number]>, freeBytes: number, fsBlockBytes: number, partitions: number }
  | { kind: 'none', why?: string }

const EXT_MAGIC = 0xef53
/** dumpe2fs of a 16 TiB file system lists ~130k groups: allow its output. */
const MAX_OUTPUT_BYTES = 256 * 1_048_576

/** True when an ext2/3/4 superblock starts at `offset` (magic 0xEF53 at byte 1080 from there). */
export async function looksLikeExt (path: string, offset = 0): Promise<boolean> {
  const handle = await open(path, 'r')
  try {
    const buf = Buffer.alloc(2)
    const { bytesRead } = await handle.read(buf, 0, 2, offset + 1024 + 0x38)
    return bytesRead === 2 && buf.readUInt16LE(0) === EXT_MAGIC
  } finally {
    await handle.close()
  }
}

/**
 * The free map of an image that is an ext2/3/4 file system, or a whole
 * disk (GPT or MBR) with ext2/3/4 partitions: each partition's free space,
 * at its offset. Space outside every ext partition is never free (it may be
 * another file system, a boot loader, a partition table).
 */
export async function extFreeMap (path: string, imageSize: number): Promise<FreeMap> {
  if (await looksLikeExt(path, 0).catch(() => false)) return await dumpe2fsFreeMap(path, 0, imageSize)
  const partitions = await partitionsOf(path, imageSize).catch(() => [])
  const ranges: Array<[number, number]> = []
  let freeBytes = 0
  let fsBlockBytes = 0
  let mapped = 0
  const why: string[] = []
  for (const [i, p] of partitions.entries()) {
    if (!(await looksLikeExt(path, p.offset).catch(() => false))) continue
    const map = await dumpe2fsFreeMap(path, p.offset, p.length)
    if (map.kind === 'none') { why.push(`partition ${i + 1}: ${map.why ?? 'no free map'}`); continue }
    for (const [start, end] of map.ranges) ranges.push([p.offset + start, p.offset + end])
    freeBytes += map.freeBytes
    fsBlockBytes = map.fsBlockBytes
    mapped++
  }
  if (ranges.length === 0) return { kind: 'none', why: why.length > 0 ? why.join('; ') : undefined }
  ranges.sort((a, b) => a[0] - b[0])
  return { kind: 'ext', ranges, freeBytes, fsBlockBytes, partitions: mapped }
}

async function dumpe2fsFreeMap (path: string, offset: number, length: number): Promise<FreeMap> {
  // e2fsprogs reads "FILE?offset=N" as FILE from byte N; a '?' of the path's own would be misread.
  if (path.includes('?')) return { kind: 'none', why: 'the image path contains a "?", which dumpe2fs would misread' }
  let out: string
  try {
    out = await new Promise<string>((resolve, reject) => {
      execFile('dumpe2fs', [offset === 0 ? path : `${path}?offset=${offset}`], { maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }, (err, stdout) => {
        if (err !== null) reject(err)
        else resolve(stdout)
      })
    })
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
    return { kind: 'none', why: missing ? 'dumpe2fs (Debian e2fsprogs) is not installed' : `dumpe2fs failed: ${(err as Error).message.split('\n')[0]}` }
  }
  return parseDumpe2fs(out, length)
}

/** A partition: where it starts and how long it is, in bytes. */
export interface Partition { offset: number, length: number }

/**
 * The partitions of a whole-disk image, from its GPT (512-byte sectors) or
 * its MBR's primary entries; none when it has neither. Only partitions
 * wholly inside the image are kept.
 */
export async function partitionsOf (path: string, imageSize: number): Promise<Partition[]> {
  const handle = await open(path, 'r')
  try {
    const read = async (offset: number, length: number): Promise<Buffer> => {
      const buf = Buffer.alloc(length)
      await handle.read(buf, 0, length, offset)
      return buf
    }
    const inside = (p: Partition): boolean => p.length > 0 && p.offset + p.length <= imageSize
    const header = await read(512, 512)
    if (header.subarray(0, 8).toString('latin1') === 'EFI PART') {
      const entriesLba = Number(header.readBigUInt64LE(72))
      const count = Math.min(header.readUInt32LE(80), 1024)
      const size = header.readUInt32LE(84)
      if (size < 128 || size > 4096) return []
      const entries = await read(entriesLba * 512, count * size)
      const out: Partition[] = []
      for (let i = 0; i < count; i++) {
        const e = entries.subarray(i * size, (i + 1) * size)
        if (e.subarray(0, 16).every(b => b === 0)) continue
        const first = Number(e.readBigUInt64LE(32))
        const last = Number(e.readBigUInt64LE(40))
        out.push({ offset: first * 512, length: (last - first + 1) * 512 })
      }
      return out.filter(inside)
    }
    const mbr = await read(0, 512)
    if (mbr.readUInt16LE(510) !== 0xaa55) return []
    const out: Partition[] = []
    for (let i = 0; i < 4; i++) {
      const at = 446 + 16 * i
      const type = mbr[at + 4]!
      // Empty, extended (its logical partitions are not read) or GPT-protective.
      if (type === 0 || type === 0x05 || type === 0x0f || type === 0x85 || type === 0xee) continue
      out.push({ offset: mbr.readUInt32LE(at + 8) * 512, length: mbr.readUInt32LE(at + 12) * 512 })
    }
    return out.filter(inside)
  } finally {
    await handle.close()
  }
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
  return { kind: 'ext', ranges, freeBytes, fsBlockBytes: blockBytes, partitions: 0 }
}
