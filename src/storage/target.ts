// A node's target: where the image is written. Inspected before the node
// joins (so a bad target is refused before any byte moves) and opened for
// writing only once the coordinator has admitted the node.
//
// Invariant 5: nothing is written to a target that is mounted (a device, or
// a file behind a mounted loop device), smaller than
// the image, or not the one the operator named (we write the path given, and
// never follow a rename: the file is opened once and kept open).

import { execFile } from 'node:child_process'
import { constants } from 'node:fs'
import { access, open, realpath, stat, type FileHandle } from 'node:fs/promises'
import { RingcastError } from '../errors.js'
import { tryPidLock } from './pid-lock.js'
import { blockDeviceInUse, blockDeviceSectorBytes, blockDeviceSize, fileBacksLoopInUse } from './block-device.js'

export interface TargetInfo {
  path: string
  kind: 'file' | 'block'
  /** Bytes available: file size or device size. */
  size: number
  /** True for a regular file created or grown by --create. */
  growable: boolean
  /** A block device's logical sector size. */
  sectorBytes?: number
  /**
   * What was inspected: the path with every symlink resolved (opened with
   * O_NOFOLLOW), and its device and inode, checked again on the open file
   * (Target.open), so a path swapped after inspection is never written.
   */
  resolvedPath?: string
  device?: number
  inode?: number
}

/** Beside a file target while a join writes it: the writer's pid (pid-lock.ts). */
export const TARGET_LOCK_SUFFIX = '.ringcast-lock'

/** "dev:ino": one file or device node, whatever it is called (hard links, symlinks). */
export const identityOf = (info: TargetInfo): string | undefined => info.device === undefined ? undefined : `${info.device}:${info.inode}`

export interface InspectOptions {
  /** Create the file if missing and let it grow to the image size. */
  create: boolean
}

export async function inspectTarget (path: string, options: InspectOptions): Promise<TargetInfo> {
  const info = await inspectPath(path, options)
  try {
    const resolvedPath = await realpath(path)
    const st = await stat(resolvedPath)
    return { ...info, resolvedPath, device: st.dev, inode: st.ino }
  } catch (err) {
    throw new RingcastError('TARGET_NOT_WRITABLE', `target ${path} cannot be inspected: ${(err as Error).message}`, { cause: err })
  }
}

async function inspectPath (path: string, options: InspectOptions): Promise<TargetInfo> {
  let st
  try {
    st = await stat(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      if (options.create) return await createTargetFile(path)
      throw new RingcastError('TARGET_MISSING', `target ${path} does not exist (pass --create to create a file there)`, { cause: err })
    }
    throw new RingcastError('TARGET_NOT_WRITABLE', `target ${path} cannot be inspected: ${(err as Error).message}`, { cause: err })
  }
  if (st.isBlockDevice()) {
    const inUse = await blockDeviceInUse(st.rdev, path)
    if (inUse !== undefined) throw new RingcastError('TARGET_MOUNTED', `refusing to write ${path}: ${inUse}`)
    await checkWritable(path)
    return { path, kind: 'block', size: await blockDeviceSize(st.rdev), growable: false, sectorBytes: await blockDeviceSectorBytes(st.rdev) }
  }
  if (!st.isFile()) throw new RingcastError('TARGET_UNSUPPORTED', `target ${path} is not a regular file or block device`)
  const backs = await fileBacksLoopInUse(st, path)
  if (backs !== undefined) throw new RingcastError('TARGET_MOUNTED', `refusing to write ${path}: ${backs}`)
  await checkWritable(path)
  return { path, kind: 'file', size: st.size, growable: options.create }
}

async function createTargetFile (path: string): Promise<TargetInfo> {
  try {
    const handle = await open(path, 'wx', 0o644)
    await handle.close()
  } catch (err) {
    throw new RingcastError('TARGET_NOT_WRITABLE', `cannot create target ${path}: ${(err as Error).message}`, { cause: err })
  }
  return { path, kind: 'file', size: 0, growable: true }
}

async function checkWritable (path: string): Promise<void> {
  try {
    await access(path, constants.W_OK | constants.R_OK)
  } catch (err) {
    throw new RingcastError('TARGET_NOT_WRITABLE', `target ${path} is not writable (a node needs to read and write it)`, { cause: err })
  }
}

/**
 * Start an fdatasync in the background after this many bytes, so writeback
 * streams during the transfer instead of piling up for the final fsync (with
 * a large page cache, the whole image would otherwise be flushed at the end).
 * At most one runs at a time, so a slow disk gets back-to-back syncs, not a
 * queue of them. 16 MiB keeps the final fsync short: in the namespace lab,
 * where 8 nodes share one disk, 64 MiB left ~0.9 s of flushing after the last
 * byte arrived; 16 MiB brings a plain TCP chain of 8 from 1.22x to 1.09x of S/B.
 */
const BACKGROUND_SYNC_BYTES = 16 * 1_048_576

/** Zeros written from one shared buffer, at most ZERO_WRITE_BYTES per writev. */
const ZERO_CHUNK = new Uint8Array(1_048_576)
const ZERO_WRITE_BYTES = 16 * 1_048_576

/**
 * join --discard: discard bytes `from` .. `to` of a block device
 * (`blkdiscard`, util-linux: Node has no ioctl), so the blocks a clone
 * leaves free are trimmed rather than left holding old data. Run before
 * Target.open: blkdiscard opens the device O_EXCL too. A device too small
 * for the image is left alone (Target.open refuses it). One that cannot
 * discard is said so in one line, and the clone goes on: its copy is
 * correct either way.
 */
export async function discardBlockDevice (info: TargetInfo, from: number, to: number, log: (line: string) => void): Promise<void> {
  if (info.kind !== 'block' || info.size < to) return
  const sector = info.sectorBytes ?? 512
  const start = Math.ceil(from / sector) * sector
  const length = Math.floor((to - start) / sector) * sector
  if (length <= 0) return
  const outcome = await new Promise<string | undefined>(resolve => {
    execFile('blkdiscard', ['--offset', String(start), '--length', String(length), info.path], { timeout: 600_000 }, (err, _stdout, stderr) => {
      resolve(err === null ? undefined : (String(stderr).trim().split('\n').pop() ?? err.message))
    })
  })
  log(outcome === undefined
    ? `discarded ${length} bytes of ${info.path} from ${start} (--discard): the blocks this clone leaves free hold nothing`
    : `warning: could not discard ${info.path} (${outcome}); the clone goes on, and its free blocks keep their old data`)
}

/** What a node writes the session's bytes to: one Target, or one per image (target-set.ts). */
export interface ImageTarget {
  write: (offset: number, chunks: readonly Uint8Array[]) => Promise<void>
  /** Make [offset, offset + length) read as zeros; returns the bytes actually written. */
  zero: (offset: number, length: number) => Promise<number>
  read: (offset: number, length: number) => Promise<Buffer>
  /** Sizes set and everything fsynced, once the last block is written. */
  finish: (imageSize: number) => Promise<void>
  /** Whether the next reads come off the disk (see Target.dropCache). */
  dropCache: () => Promise<boolean>
  close: () => Promise<void>
}

export class Target implements ImageTarget {
  /** Bytes written since the last background sync started. */
  private unsynced = 0
  private syncing?: Promise<void>
  private syncFailure?: unknown

  private constructor (readonly info: TargetInfo, private readonly handle: FileHandle,
    /** A file's size when opened: past it, what we have not written reads as zeros (a hole). */
    private readonly openedSize: number,
    /** Releases a file target's lock (pid-lock.ts). */
    private readonly unlock?: () => Promise<void>) {}

  /**
   * Open for writing (and reading back: a node serves what it wrote to a
   * downstream that fell behind its replay buffer). Block devices are opened
   * O_EXCL: the kernel refuses if mounted. Nothing is truncated here, so a
   * resumed node keeps what it had.
   */
  static async open (info: TargetInfo, imageSize: number): Promise<Target> {
    if (info.size < imageSize && !info.growable) {
      throw new RingcastError('TARGET_TOO_SMALL', `target ${info.path} holds ${info.size} bytes but the image is ${imageSize}`)
    }
    // The path as inspected, symlinks resolved then: O_NOFOLLOW refuses one planted since.
    const flags = (info.kind === 'block' ? constants.O_RDWR | constants.O_EXCL : constants.O_RDWR) | (info.resolvedPath !== undefined ? constants.O_NOFOLLOW : 0)
    let handle: FileHandle
    try {
      handle = await open(info.resolvedPath ?? info.path, flags)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      const busy = code === 'EBUSY'
      throw new RingcastError(busy ? 'TARGET_MOUNTED' : 'TARGET_NOT_WRITABLE',
        busy ? `refusing to write ${info.path}: the device is busy (mounted or in use)`
          : code === 'ELOOP' ? `refusing to write ${info.path}: it became a symlink after it was inspected`
            : `cannot open target ${info.path} for writing: ${(err as Error).message}`, { cause: err })
    }
    if (info.device !== undefined) {
      const st = await handle.stat().catch(() => undefined)
      if (st === undefined || st.dev !== info.device || st.ino !== info.inode) {
        await handle.close().catch(() => {})
        throw new RingcastError('TARGET_NOT_WRITABLE', `refusing to write ${info.path}: it is not the ${info.kind === 'block' ? 'device' : 'file'} that was inspected (replaced in between)`)
      }
    }
    // A device is held by O_EXCL; a file by a lock beside it, so two joins never write one file.
    let unlock: (() => Promise<void>) | undefined
    if (info.kind === 'file') {
      const lockPath = `${info.resolvedPath ?? info.path}${TARGET_LOCK_SUFFIX}`
      const lock = await tryPidLock(lockPath).catch((err: NodeJS.ErrnoException) => {
        // A directory we may not write (the file itself is writable): no lock, as before there were locks.
        if (err.code === 'EACCES' || err.code === 'EROFS' || err.code === 'EPERM') return undefined
        throw err
      }).catch(async (err: unknown) => {
        await handle.close().catch(() => {})
        throw new RingcastError('TARGET_NOT_WRITABLE', `cannot lock target ${info.path} (${lockPath}): ${(err as Error).message}`, { cause: err })
      })
      if (lock !== undefined && 'heldBy' in lock) {
        await handle.close().catch(() => {})
        throw new RingcastError('TARGET_MOUNTED', `refusing to write ${info.path}: another ringcast join (process ${lock.heldBy}) is writing it (${lockPath})`)
      }
      unlock = lock?.release
    }
    let openedSize = Number.POSITIVE_INFINITY
    if (info.kind === 'file') {
      try {
        openedSize = (await handle.stat()).size
      } catch (err) {
        await handle.close().catch(() => {})
        await unlock?.()
        throw new RingcastError('TARGET_NOT_WRITABLE', `cannot inspect target ${info.path}: ${(err as Error).message}`, { cause: err })
      }
    }
    return new Target(info, handle, openedSize, unlock)
  }

  /**
   * Make `length` bytes at `offset` read as zeros (blocks the source marked
   * ZERO). Past a file's size at open nothing is written: blocks are written
   * in order, so that part of the file is a hole until the next block lands
   * beyond it (or finish() sets the size), and a hole reads as zeros. Returns
   * the bytes actually written.
   */
  async zero (offset: number, length: number): Promise<number> {
    const end = Math.min(offset + length, this.openedSize)
    let written = 0
    for (let at = offset; at < end;) {
      const n = Math.min(end - at, ZERO_WRITE_BYTES)
      const chunks: Uint8Array[] = []
      for (let left = n; left > 0; left -= ZERO_CHUNK.byteLength) chunks.push(left >= ZERO_CHUNK.byteLength ? ZERO_CHUNK : ZERO_CHUNK.subarray(0, left))
      await this.write(at, chunks)
      at += n
      written += n
    }
    return written
  }

  /**
   * A file at least `size` bytes long (holes past what was written): for a
   * target whose image ends in ZERO blocks, so that a resume check reads its
   * zeros rather than its end (target-set.ts). Block devices have their size.
   */
  async extendTo (size: number): Promise<void> {
    if (this.info.kind !== 'file') return
    try {
      if ((await this.handle.stat()).size < size) await this.handle.truncate(size)
    } catch (err) {
      throw writeError(this.info.path, `growing the file to ${size} bytes`, err)
    }
  }

  /** Write all of `chunks`, in order, starting at `offset` (one writev, no copy). */
  async write (offset: number, chunks: readonly Uint8Array[]): Promise<void> {
    let pending = chunks.filter(c => c.byteLength > 0)
    const total = pending.reduce((n, c) => n + c.byteLength, 0)
    let position = offset
    try {
      while (pending.length > 0) {
        const { bytesWritten } = await this.handle.writev(pending as Uint8Array[], position)
        if (bytesWritten === 0) throw new Error('the write made no progress')
        position += bytesWritten
        pending = dropBytes(pending, bytesWritten)
      }
      if (this.syncFailure !== undefined) throw this.syncFailure
    } catch (err) {
      throw writeError(this.info.path, `write of ${total} bytes at ${offset}`, err)
    }
    this.unsynced += total
    if (this.unsynced >= BACKGROUND_SYNC_BYTES && this.syncing === undefined) {
      this.unsynced = 0
      this.syncing = this.handle.datasync()
        .catch(err => { this.syncFailure ??= err })
        .finally(() => { this.syncing = undefined })
    }
  }

  /** Read back `length` bytes at `offset` (what this node wrote there). */
  async read (offset: number, length: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(length)
    let done = 0
    try {
      while (done < length) {
        const { bytesRead } = await this.handle.read(buffer, done, length - done, offset + done)
        if (bytesRead === 0) throw new Error(`end of target after ${offset + done} bytes`)
        done += bytesRead
      }
    } catch (err) {
      throw new RingcastError('TARGET_WRITE_FAILED', `reading back ${length} bytes at ${offset} from target ${this.info.path} failed: ${(err as Error).message}`, { cause: err })
    }
    return buffer
  }

  /** Make a file target exactly the image size, then fsync. */
  async finish (imageSize: number): Promise<void> {
    try {
      await this.syncing
      if (this.syncFailure !== undefined) throw this.syncFailure
      if (this.info.kind === 'file') await this.handle.truncate(imageSize)
      await this.handle.sync()
    } catch (err) {
      throw writeError(this.info.path, 'fsync', err)
    }
  }

  /** Make everything written so far durable. */
  async sync (): Promise<void> {
    try {
      await this.syncing
      await this.handle.sync()
    } catch (err) {
      throw writeError(this.info.path, 'fsync', err)
    }
  }

  /**
   * Drop what the kernel caches of a block device, so the next read comes
   * off the disk (blockdev --flushbufs: BLKFLSBUF). A file's page cache
   * cannot be dropped from Node for one file; false then, or when the tool
   * is missing or fails.
   */
  async dropCache (): Promise<boolean> {
    if (this.info.kind !== 'block') return false
    return await new Promise(resolve => {
      execFile('blockdev', ['--flushbufs', this.info.path], { timeout: 30_000 }, err => resolve(err === null))
    })
  }

  async close (): Promise<void> {
    await this.syncing
    await this.handle.close().catch(() => {})
    await this.unlock?.().catch(() => {})
  }
}

/** What is left of `chunks` after its first `n` bytes (a short writev). */
function dropBytes (chunks: Uint8Array[], n: number): Uint8Array[] {
  let skip = n
  let i = 0
  while (i < chunks.length && skip >= chunks[i]!.byteLength) skip -= chunks[i++]!.byteLength
  const rest = chunks.slice(i)
  if (rest.length > 0 && skip > 0) rest[0] = rest[0]!.subarray(skip)
  return rest
}

function writeError (path: string, what: string, err: unknown): RingcastError {
  const code = (err as NodeJS.ErrnoException).code
  const why = code === 'ENOSPC' ? 'no space left on the device' : code === 'EROFS' ? 'read-only file system' : code === 'EIO' ? 'I/O error' : (err as Error).message
  return new RingcastError('TARGET_WRITE_FAILED', `${what} on target ${path} failed: ${why}`, { cause: err })
}
