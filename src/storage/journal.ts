// Resume journal: a node killed mid-transfer (kill -9, power loss) resumes
// instead of starting over. Outside the target we keep one record per block
// written: offset, length, SHA-256. On restart the node re-reads its target and
// re-hashes each block against the journal; the longest verified prefix from
// offset 0 is kept. Because every block is re-verified, the journal need not be
// ordered against the target's data sync: a record whose block never reached
// the disk fails verification and the prefix simply ends there.
//
// Format (text, so an operator can read it with less):
//
//   ringcast-journal 2 {"sessionId":"<hex>","imageSize":N,"blockSize":N,"targetPath":"..."}\n
//   0000000000000000 0000000001048576 <64 hex chars of SHA-256>\n    <- RECORD_BYTES, fixed width
//   0000000001048576 0000000001048576 <64 hex chars of SHA-256>\n
//   0000000002097152 0000000033554432 ------------------...----zero\n  <- a run of ZERO blocks
//   0000000035651584 0000000016777216 ------------------...----free\n  <- a run of FREE blocks
//
// A run of blocks the source marked ZERO is checked on resume by reading it
// back (all zeros); a run of FREE blocks holds nothing the clone defines, so
// there is nothing to read. Either way the source's signed batches must say
// the same of those blocks once they arrive (RelayPipeline.checkResumed).
//
// Records are fixed width so a torn append (a crash mid-write, or the run of
// NULs some file systems leave after power loss) never parses: loading stops at
// the first record that is not exactly well formed or not contiguous.

import { createHash } from 'node:crypto'
import { constants } from 'node:fs'
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { errorMessage, isRingcastError, RingcastError } from '../errors.js'
import { CONTENT_DATA, CONTENT_FREE, CONTENT_ZERO, HASH_BYTES, SESSION_ID_BYTES } from '../wire/protocol.js'

export interface JournalHeader {
  /** 16-byte session id from the coordinator (stored as hex). */
  sessionId: Uint8Array
  imageSize: number
  blockSize: number
  /** The target path as given, to refuse a journal written for another target. */
  targetPath: string
}

/**
 * A block written (`content` DATA or absent: its SHA-256 in `hash`), or a
 * run of whole blocks the source marked ZERO or FREE (`hash` unused).
 */
export interface JournalBlock { offset: number, length: number, hash: Uint8Array, content?: number }

export interface LoadedJournal { header: JournalHeader, blocks: JournalBlock[] }

const MAGIC = 'ringcast-journal '
/** Bump when the format changes; an older ringcast then refuses the journal by name. */
const HEADER_PREFIX = `${MAGIC}2 `
/** The header line holds a path (PATH_MAX is 4096); a longer first line is not a header. */
const MAX_HEADER_BYTES = 8192
/** `<16 digits> <16 digits> <64 hex>\n`: 16 digits hold any safe integer. */
const RECORD_BYTES = 16 + 1 + 16 + 1 + 64 + 1
const RECORD_PATTERN = /^(\d{16}) (\d{16}) ([0-9a-f]{64}|-{60}zero|-{60}free)\n$/
const RUN_MARK: Record<number, string> = { [CONTENT_ZERO]: `${'-'.repeat(60)}zero`, [CONTENT_FREE]: `${'-'.repeat(60)}free` }
/** Read a ZERO run back in pieces of this much. */
const ZERO_CHECK_BYTES = 4 * 1_048_576
/** A journal is loaded whole; 64 MiB is ~678k records (678 GiB of image at 1 MiB blocks). */
export const MAX_JOURNAL_BYTES = 64 * 1_048_576
/** Where block-device journals live: a device has no directory of its own to hold one. */
const BLOCK_DEVICE_JOURNAL_DIR = '/var/lib/ringcast'

export function defaultJournalPath (target: { path: string, kind: 'file' | 'block' }): string {
  if (target.kind === 'file') return `${target.path}.ringcast-journal`
  return join(BLOCK_DEVICE_JOURNAL_DIR, `${target.path.replace(/[^A-Za-z0-9._-]/g, '_')}.journal`)
}

export class Journal {
  /** Record lines not yet handed to a write. */
  private pending: string[] = []
  /** A background write of pending records is in flight. */
  private writing = false
  /** Every file operation runs on this chain, so writes land in order. It never rejects. */
  private queue: Promise<void> = Promise.resolve()
  private failure?: unknown
  private closing?: Promise<void>

  private constructor (readonly path: string, readonly header: JournalHeader, private readonly handle: FileHandle,
    /** File offset of the next append. */ private position: number, private end: number) {}

  /** Create (or replace) the journal at `path` with just the header. */
  static async create (path: string, header: JournalHeader): Promise<Journal> {
    return await Journal.resume(path, header, [])
  }

  /**
   * Replace the journal at `path` with the header and `keep` (a prefix that
   * verified), then append after it. Written to a temporary file and renamed,
   * so a crash here leaves either the old journal or the new one.
   */
  static async resume (path: string, header: JournalHeader, keep: JournalBlock[]): Promise<Journal> {
    let end = 0
    let problem = headerProblem(header)
    for (const block of keep) {
      problem ??= blockProblem(header, end, block)
      end += block.length
    }
    if (problem !== undefined) throw new RingcastError('INTERNAL', `cannot write resume journal ${path}: ${problem}`)
    const bytes = Buffer.from(headerLine(header) + keep.map(recordLine).join(''), 'utf8')
    const temp = `${path}.tmp`
    let handle: FileHandle | undefined
    try {
      await mkdir(dirname(path), { recursive: true })
      // Created afresh, never through what is there: a leftover (or a symlink
      // someone planted at the name) is unlinked, and O_EXCL | O_NOFOLLOW
      // refuses anything that appears in between.
      await unlink(temp).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err })
      handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
      await writeAt(handle, bytes, 0)
      await handle.sync()
      await rename(temp, path)
    } catch (err) {
      await handle?.close().catch(() => {})
      await unlink(temp).catch(() => {})
      throw new RingcastError('JOURNAL', `cannot write resume journal ${path}: ${errorMessage(err)}`, { cause: err })
    }
    await syncDirectory(dirname(path))
    return new Journal(path, header, handle, bytes.byteLength, end)
  }

  /** Offset up to which blocks have been recorded (in memory). */
  get recordedThrough (): number {
    return this.end
  }

  /** Record one written block; cheap and synchronous, written out in the background. */
  record (block: JournalBlock): void {
    if (this.closing !== undefined) throw new RingcastError('INTERNAL', `resume journal ${this.path} is closed`)
    const problem = blockProblem(this.header, this.end, block)
    if (problem !== undefined) throw new RingcastError('INTERNAL', `cannot journal a block: ${problem}`)
    this.pending.push(recordLine(block))
    this.end += block.length
    // Out at once if no write is in flight (a kill -9 then loses nothing the
    // page cache got); otherwise batched behind the write in flight.
    if (!this.writing) this.flush()
  }

  /** Write out everything recorded so far and make it durable. */
  async checkpoint (): Promise<void> {
    if (this.closing !== undefined) throw new RingcastError('INTERNAL', `resume journal ${this.path} is closed`)
    this.flush()
    // fdatasync is enough: it also persists the file size an append changed.
    await this.enqueue(async () => { await this.handle.datasync() })
    if (this.failure !== undefined) {
      throw new RingcastError('JOURNAL', `writing resume journal ${this.path} failed: ${errorMessage(this.failure)}`, { cause: this.failure })
    }
  }

  /** The transfer finished and verified: the journal has no further use. */
  async remove (): Promise<void> {
    this.pending = []
    await this.close()
    try {
      await unlink(this.path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
      throw new RingcastError('JOURNAL', `cannot delete resume journal ${this.path}: ${errorMessage(err)}`, { cause: err })
    }
  }

  /** Flush what can be flushed (never throws) and close. Idempotent. */
  async close (): Promise<void> {
    this.closing ??= (async () => {
      this.flush()
      await this.enqueue(async () => { await this.handle.datasync() })
      await this.handle.close().catch(() => {})
    })()
    await this.closing
  }

  private flush (): void {
    if (this.pending.length === 0) return
    const bytes = Buffer.from(this.pending.join(''), 'latin1')
    this.pending = []
    this.writing = true
    void this.enqueue(async () => {
      await writeAt(this.handle, bytes, this.position)
      this.position += bytes.byteLength
    }).finally(() => {
      this.writing = false
      if (this.closing === undefined && this.failure === undefined) this.flush()
    })
  }

  /** Run `op` after every earlier one; after a failure nothing more is written (the file may hold a torn record). */
  private async enqueue (op: () => Promise<void>): Promise<void> {
    this.queue = this.queue
      .then(async () => { if (this.failure === undefined) await op() })
      .catch(err => { this.failure ??= err })
    await this.queue
  }
}

/** Read a journal; undefined if there is none. Stops at a torn, garbled or non-contiguous record. */
export async function loadJournal (path: string): Promise<LoadedJournal | undefined> {
  let handle: FileHandle
  try {
    handle = await open(path, 'r')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new RingcastError('JOURNAL', `cannot open resume journal ${path}: ${errorMessage(err)}`, { cause: err })
  }
  let bytes: Buffer
  try {
    const { size } = await handle.stat()
    if (size > MAX_JOURNAL_BYTES) {
      throw new RingcastError('JOURNAL', `resume journal ${path} is ${size} bytes, more than the ${MAX_JOURNAL_BYTES}-byte limit (delete it to start over)`)
    }
    bytes = Buffer.alloc(size)
    bytes = bytes.subarray(0, await readAt(handle, bytes, 0))
  } catch (err) {
    if (isRingcastError(err)) throw err
    throw new RingcastError('JOURNAL', `cannot read resume journal ${path}: ${errorMessage(err)}`, { cause: err })
  } finally {
    await handle.close().catch(() => {})
  }
  return parseJournal(path, bytes)
}

function parseJournal (path: string, bytes: Buffer): LoadedJournal {
  const newline = bytes.subarray(0, MAX_HEADER_BYTES).indexOf(0x0a)
  const line = bytes.toString('utf8', 0, newline < 0 ? Math.min(bytes.byteLength, MAX_HEADER_BYTES) : newline)
  const header = newline < 0 ? undefined : parseHeader(line)
  if (header === undefined) {
    const why = line.startsWith(MAGIC) && !line.startsWith(HEADER_PREFIX) ? 'was written by another ringcast version' : 'is not a ringcast resume journal'
    throw new RingcastError('JOURNAL', `${path} ${why} (delete it to start over)`)
  }
  const blocks: JournalBlock[] = []
  let end = 0
  for (let at = newline + 1; at + RECORD_BYTES <= bytes.byteLength; at += RECORD_BYTES) {
    const match = RECORD_PATTERN.exec(bytes.toString('latin1', at, at + RECORD_BYTES))
    if (match === null) break
    const mark = match[3]!
    const content = mark.endsWith('zero') ? CONTENT_ZERO : mark.endsWith('free') ? CONTENT_FREE : CONTENT_DATA
    const block: JournalBlock = content === CONTENT_DATA
      ? { offset: Number(match[1]), length: Number(match[2]), hash: new Uint8Array(Buffer.from(mark, 'hex')) }
      : { offset: Number(match[1]), length: Number(match[2]), hash: new Uint8Array(), content }
    if (blockProblem(header, end, block) !== undefined) break
    blocks.push(block)
    end += block.length
  }
  return { header, blocks }
}

function parseHeader (line: string): JournalHeader | undefined {
  if (!line.startsWith(HEADER_PREFIX)) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(line.slice(HEADER_PREFIX.length))
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const fields = parsed as Record<string, unknown>
  if (typeof fields.sessionId !== 'string' || !/^([0-9a-f]{2})+$/.test(fields.sessionId) ||
    typeof fields.imageSize !== 'number' || typeof fields.blockSize !== 'number' || typeof fields.targetPath !== 'string') return undefined
  const header = { sessionId: new Uint8Array(Buffer.from(fields.sessionId, 'hex')), imageSize: fields.imageSize, blockSize: fields.blockSize, targetPath: fields.targetPath }
  return headerProblem(header) === undefined ? header : undefined
}

/** A reason the journal does not belong to this transfer, or undefined when it does. */
export function journalMismatch (loaded: JournalHeader, wanted: JournalHeader): string | undefined {
  if (Buffer.compare(loaded.sessionId, wanted.sessionId) !== 0) return 'it was written for another session'
  if (loaded.targetPath !== wanted.targetPath) return `it was written for target ${loaded.targetPath}`
  if (loaded.imageSize !== wanted.imageSize) return `it was written for a ${loaded.imageSize}-byte image, not ${wanted.imageSize} bytes`
  if (loaded.blockSize !== wanted.blockSize) return `it was written for ${loaded.blockSize}-byte blocks, not ${wanted.blockSize}`
  return undefined
}

/**
 * Re-hash the target against the journal from offset 0 and return the verified
 * prefix of `blocks`. Stops at the first block that is short or differs.
 * `onVerified` sees each verified block's bytes in order; they are reused after it returns.
 */
export async function verifyAgainstJournal (target: JournalTarget, blocks: JournalBlock[], onVerified: (bytes: Uint8Array) => void): Promise<JournalBlock[]> {
  if (blocks.length === 0) return []
  const targetPath = typeof target === 'string' ? target : target.map(p => p.path).join(', ')
  let reader: TargetReader
  try {
    reader = await openTargetReader(target)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw new RingcastError('JOURNAL', `cannot open target ${targetPath} to check it against the resume journal: ${errorMessage(err)}`, { cause: err })
  }
  try {
    const buffer = Buffer.allocUnsafe(blocks.reduce((n, b) => Math.max(n, isRun(b) ? Math.min(b.length, ZERO_CHECK_BYTES) : b.length), 0))
    let end = 0
    for (const [i, block] of blocks.entries()) {
      if (block.offset !== end) return blocks.slice(0, i)
      if (block.content === CONTENT_FREE) { end += block.length; continue }
      if (block.content === CONTENT_ZERO) {
        if (!(await readsZero(reader, buffer, block, targetPath))) return blocks.slice(0, i)
        end += block.length
        continue
      }
      const bytes = buffer.subarray(0, block.length)
      // Only read errors become JOURNAL errors; whatever onVerified throws passes through untouched.
      const got = await reader.readAt(bytes, block.offset).catch((err: unknown) => {
        throw new RingcastError('JOURNAL', `reading target ${targetPath} at ${block.offset} to check it against the resume journal failed: ${errorMessage(err)}`, { cause: err })
      })
      if (got < block.length || !createHash('sha256').update(bytes).digest().equals(block.hash)) return blocks.slice(0, i)
      onVerified(bytes)
      end += block.length
    }
    return blocks.slice()
  } finally {
    await reader.close()
  }
}

/**
 * What a journal's offsets are offsets of: one target file or device, or
 * for a session of several images each image's target, holding the
 * session's bytes [offset, offset + size) (src/wire/image-parts.ts).
 */
export type JournalTarget = string | ReadonlyArray<{ path: string, offset: number, size: number }>

interface TargetReader {
  /** Fill `into` from `position`; fewer bytes than asked where the target ends (or a part's file is missing). */
  readAt: (into: Uint8Array, position: number) => Promise<number>
  close: () => Promise<void>
}

async function openTargetReader (target: JournalTarget): Promise<TargetReader> {
  if (typeof target === 'string') {
    const handle = await open(target, 'r')
    return { readAt: async (into, position) => await readAt(handle, into, position), close: async () => { await handle.close().catch(() => {}) } }
  }
  // Several: a missing file reads as nothing (its blocks do not check); padding between parts reads as zeros.
  const handles: Array<FileHandle | undefined> = []
  for (const part of target) {
    handles.push(await open(part.path, 'r').catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      for (const h of handles) void h?.close().catch(() => {})
      throw err
    }))
  }
  return {
    async readAt (into, position) {
      const end = position + into.byteLength
      let done = 0
      for (const [i, part] of target.entries()) {
        const next = target[i + 1]?.offset ?? part.offset + part.size
        const from = Math.max(position + done, part.offset)
        if (from >= Math.min(end, next) || from !== position + done) continue
        const h = handles[i]
        let at = from
        if (at < part.offset + part.size) {
          if (h === undefined) return done
          const to = Math.min(end, part.offset + part.size)
          const got = await readAt(h, into.subarray(at - position, to - position), at - part.offset)
          done += got
          if (at + got < to) return done
          at = to
        }
        const padEnd = Math.min(end, next)
        into.fill(0, at - position, padEnd - position)
        done = padEnd - position
      }
      return done
    },
    async close () { await Promise.all(handles.map(async h => { await h?.close().catch(() => {}) })) }
  }
}

const isRun = (b: JournalBlock): boolean => b.content === CONTENT_ZERO || b.content === CONTENT_FREE

/** Whether the target reads all zeros over `run`. */
async function readsZero (reader: TargetReader, buffer: Buffer, run: JournalBlock, targetPath: string): Promise<boolean> {
  for (let at = run.offset; at < run.offset + run.length;) {
    const bytes = buffer.subarray(0, Math.min(buffer.byteLength, run.offset + run.length - at))
    const got = await reader.readAt(bytes, at).catch((err: unknown) => {
      throw new RingcastError('JOURNAL', `reading target ${targetPath} at ${at} to check it against the resume journal failed: ${errorMessage(err)}`, { cause: err })
    })
    if (got < bytes.byteLength || bytes.some(b => b !== 0)) return false
    at += got
  }
  return true
}

function headerLine (h: JournalHeader): string {
  const fields = { sessionId: Buffer.from(h.sessionId).toString('hex'), imageSize: h.imageSize, blockSize: h.blockSize, targetPath: h.targetPath }
  return `${HEADER_PREFIX}${JSON.stringify(fields)}\n`
}

function recordLine (b: JournalBlock): string {
  return `${String(b.offset).padStart(16, '0')} ${String(b.length).padStart(16, '0')} ${isRun(b) ? RUN_MARK[b.content!]! : Buffer.from(b.hash).toString('hex')}\n`
}

function headerProblem (h: JournalHeader): string | undefined {
  if (h.sessionId.byteLength !== SESSION_ID_BYTES) return `the session id has ${h.sessionId.byteLength} bytes, not ${SESSION_ID_BYTES}`
  if (!Number.isSafeInteger(h.imageSize) || h.imageSize < 0) return `the image size ${h.imageSize} is not a byte count`
  if (!Number.isSafeInteger(h.blockSize) || h.blockSize <= 0) return `the block size ${h.blockSize} is not a byte count`
  if (h.targetPath === '') return 'the target path is empty'
  return undefined
}

/** Why `b` cannot follow a journal that ends at `end`, or undefined if it can. */
function blockProblem (header: JournalHeader, end: number, b: JournalBlock): string | undefined {
  if (b.offset !== end) return `the block at ${b.offset} does not follow the journal's end at ${end}`
  if (b.offset + b.length > header.imageSize) return `the block at ${b.offset} runs past the image end at ${header.imageSize}`
  if (isRun(b)) {
    const wholeBlocks = b.length % header.blockSize === 0 || b.offset + b.length === header.imageSize
    if (!Number.isSafeInteger(b.length) || b.length <= 0 || b.offset % header.blockSize !== 0 || !wholeBlocks) return `the run at ${b.offset} of ${b.length} bytes is not whole blocks`
    return undefined
  }
  if (b.content !== undefined && b.content !== CONTENT_DATA) return `the block at ${b.offset} has content kind ${b.content}`
  if (!Number.isSafeInteger(b.length) || b.length <= 0 || b.length > header.blockSize) return `the block at ${b.offset} has length ${b.length} (block size ${header.blockSize})`
  if (b.hash.byteLength !== HASH_BYTES) return `the block at ${b.offset} has a ${b.hash.byteLength}-byte hash, not SHA-256`
  return undefined
}

async function readAt (handle: FileHandle, into: Uint8Array, position: number): Promise<number> {
  let done = 0
  while (done < into.byteLength) {
    const { bytesRead } = await handle.read(into, done, into.byteLength - done, position + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
  return done
}

async function writeAt (handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.byteLength;) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.byteLength - done, position + done)
    if (bytesWritten === 0) throw new Error('the write made no progress')
    done += bytesWritten
  }
}

/** Make a rename durable. Best effort: some file systems refuse fsync on a directory. */
async function syncDirectory (dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined)
  await handle?.sync().catch(() => {})
  await handle?.close().catch(() => {})
}
