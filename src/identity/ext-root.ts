// Where the built-in identity step edits: the clone's root file system,
// found on the node's target(s) without mounting anything.
//
//   target is ext2/3/4 itself (magic 0xEF53 at byte 1024 + 56)  -> that file system
//   else a whole disk (GPT, or MBR's four primary entries)      -> each ext partition
//   of those, the first whose /etc is a directory               -> the root
//
// A file system that needs journal recovery is refused: debugfs does not
// replay the journal, and the replay at the clone's first mount could
// write older metadata over our edits. One larger than its partition is
// refused too (its superblock would have debugfs write past the partition).

import { open } from 'node:fs/promises'
import { RingcastError } from '../errors.js'
import { partitionsOf } from '../image/ext-free.js'
import { inodeType, type ExtFs } from './debugfs.js'

const EXT_MAGIC = 0xef53
/** s_feature_incompat bits. */
const INCOMPAT_RECOVER = 0x0004
const INCOMPAT_64BIT = 0x0080

export interface ExtSuperblock {
  blockBytes: number
  blocks: number
  needsRecovery: boolean
}

/** The superblock of an ext2/3/4 file system starting at `offset` of `path`, or undefined when there is none. */
export async function readSuperblock (path: string, offset: number): Promise<ExtSuperblock | undefined> {
  const handle = await open(path, 'r')
  try {
    const sb = Buffer.alloc(1024)
    const { bytesRead } = await handle.read(sb, 0, 1024, offset + 1024)
    if (bytesRead < 1024 || sb.readUInt16LE(0x38) !== EXT_MAGIC) return undefined
    const incompat = sb.readUInt32LE(0x60)
    const logBlock = sb.readUInt32LE(0x18)
    if (logBlock > 6) return undefined
    const hi = (incompat & INCOMPAT_64BIT) !== 0 ? sb.readUInt32LE(0x150) : 0
    return { blockBytes: 1024 << logBlock, blocks: hi * 2 ** 32 + sb.readUInt32LE(0x04), needsRecovery: (incompat & INCOMPAT_RECOVER) !== 0 }
  } finally {
    await handle.close()
  }
}

/** A target the identity step may edit: a file or a block device (a directory target has no file system of ours to find). */
export interface IdentityTarget { path: string, size: number }

export interface ExtRoot extends ExtFs {
  /** For the log: "/dev/vda, partition 2 (from byte 1048576)". */
  where: string
}

/** The clone's root: the first ext2/3/4 file system on `targets` whose /etc is a directory; one sentence when there is none. */
export async function findExtRoot (targets: readonly IdentityTarget[], timeoutMs?: number): Promise<ExtRoot> {
  const seen: string[] = []
  for (const t of targets) {
    const candidates: Array<{ offset: number, length: number, where: string }> = []
    if (await readSuperblock(t.path, 0).catch(() => undefined) !== undefined) {
      candidates.push({ offset: 0, length: t.size, where: t.path })
    } else {
      const parts = await partitionsOf(t.path, t.size).catch(() => [])
      if (parts.length === 0) seen.push(`${t.path}: neither an ext2/3/4 file system nor a disk with a partition table`)
      for (const [i, p] of parts.entries()) candidates.push({ offset: p.offset, length: p.length, where: `${t.path}, partition ${i + 1} (from byte ${p.offset})` })
    }
    for (const c of candidates) {
      const sb = await readSuperblock(t.path, c.offset).catch(() => undefined)
      if (sb === undefined) { seen.push(`${c.where}: not ext2/3/4`); continue }
      if (sb.blocks * sb.blockBytes > c.length) { seen.push(`${c.where}: its file system (${sb.blocks * sb.blockBytes} bytes) is larger than the space it is in (${c.length})`); continue }
      const fs = { path: t.path, offset: c.offset }
      const etc = await inodeType(fs, '/etc', timeoutMs)
      if (etc !== 'directory') { seen.push(`${c.where}: ext, but ${etc === undefined ? 'no /etc' : `/etc is a ${etc}`}`); continue }
      if (sb.needsRecovery) {
        throw new RingcastError('IDENTITY_FAILED', `the root file system on ${c.where} needs journal recovery (the image was taken from a running system, or not unmounted cleanly): run e2fsck on the image; debugfs would edit under a journal that the first mount replays`)
      }
      return { ...fs, where: c.where }
    }
  }
  throw new RingcastError('IDENTITY_FAILED', `no ext2/3/4 root file system with /etc was found to give the clone its identity (${seen.join('; ') || 'no file or device target'})`)
}
