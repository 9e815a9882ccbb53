// Sources that cannot be read at offsets, made into a file that can: standard
// input of unknown length, and compressed images (.gz, .zst, .xz),
// decompressed on the fly into a spool file at the source. A session needs
// the image's exact size before any node joins (Welcome, the target-size
// refusal) and the source signs every block's hash before it streams it, so
// the bytes land in the spool first; serving starts once the last one has.
//
// The spool is sparse: a 1 MiB stretch of zeros is not written, only skipped
// (a disk image is often mostly zeros), and the file is removed when the
// source closes, or at exit. It lives in --spool-dir (default: the system's
// temporary directory) with mode 0600.

import { rmSync } from 'node:fs'
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { spawn } from 'node:child_process'
import { PassThrough, Readable, type Transform } from 'node:stream'
import * as zlib from 'node:zlib'
import { errorMessage, RingcastError } from '../errors.js'

/** The compressions a source may come in, by file name suffix. */
export type Compression = 'gzip' | 'zstd' | 'xz'
const SUFFIXES: Array<[string, Compression]> = [['.gz', 'gzip'], ['.zst', 'zstd'], ['.xz', 'xz']]

/** The compression a file name says, and the name without its suffix. */
export function compressionOf (path: string): { compression: Compression, name: string } | undefined {
  for (const [suffix, compression] of SUFFIXES) {
    if (path.endsWith(suffix) && basename(path).length > suffix.length) return { compression, name: basename(path).slice(0, -suffix.length) }
  }
  return undefined
}

/** xz-embedded's return codes (its xz.h), in words. */
const XZ_ERRORS: Record<string, string> = {
  2: 'its integrity check is of a kind not supported',
  3: 'out of memory',
  4: 'it needs more memory than allowed',
  5: 'it is not in the xz format',
  6: 'it uses unsupported options',
  7: 'its data is corrupt (an integrity check failed)',
  8: 'it is truncated'
}
function xzError (err: Error): Error {
  const code = /error code (\d+)/.exec(err.message)?.[1]
  return code !== undefined && XZ_ERRORS[code] !== undefined ? new Error(`${XZ_ERRORS[code]} (xz code ${code})`, { cause: err }) : err
}

/** Spool writes are this large, and a stretch of zeros this large is skipped, not written. */
const SPOOL_CHUNK_BYTES = 1_048_576

/** Every spool directory still on disk, removed at exit if its owner did not. */
const live = new Set<string>()
process.once('exit', () => { for (const dir of live) try { rmSync(dir, { recursive: true, force: true }) } catch {} })

export interface Spooled {
  /** The spool file: a regular file of the image's exact bytes. */
  path: string
  size: number
  /** Remove the spool. */
  remove: () => Promise<void>
}

/**
 * A decompressing stream for `compression`. Each checks its format's own
 * checksums, so a corrupt image fails here rather than being cloned: gzip
 * (node:zlib, CRC-32), xz (xz-decompress: xz-embedded in WASM, the stream's
 * CRC), zstd (node:zlib's libzstd where Node has it, 22.15+; else the zstd
 * command, Debian's `zstd`). A pure-JS zstd decoder (fzstd) was tried and
 * dropped: it does not check the frame checksum, and cloned a corrupted
 * image without a word.
 */
export function decompressor (compression: Compression, input: Readable): Readable {
  if (compression === 'gzip') return input.pipe(zlib.createGunzip())
  if (compression === 'xz') {
    // Loaded when needed: its WASM is not every command's startup cost.
    const out = new PassThrough()
    import('xz-decompress').then(({ default: xz }) => {
      const decoded = Readable.fromWeb(new xz.XzReadableStream(Readable.toWeb(input) as ReadableStream<Uint8Array>) as never) as Readable
      decoded.on('error', err => out.destroy(xzError(err)))
      decoded.pipe(out)
    }, err => out.destroy(err as Error))
    return out
  }
  const native = (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress
  if (native !== undefined) return input.pipe(native())
  const child = spawn('zstd', ['-dcq'], { stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  const out = new PassThrough()
  child.on('error', err => {
    out.destroy((err as NodeJS.ErrnoException).code === 'ENOENT'
      ? new Error('this Node has no zstd (22.15+ has it), and the zstd command (Debian package zstd) is not installed')
      : err)
  })
  input.on('error', err => out.destroy(err))
  child.stdin.on('error', () => {})
  input.pipe(child.stdin)
  // End only once zstd has exited well ('close' comes after its output
  // ended): its last words may be a checksum error.
  child.stdout.pipe(out, { end: false })
  child.on('close', code => {
    if (code === 0) out.end()
    else out.destroy(new Error(stderr.trim().split('\n').pop() ?? `zstd exited ${String(code)}`))
  })
  return out
}

/**
 * Copy `source` (decompressed, if `compression` says so) into a new sparse
 * spool file under `spoolDir`. `what` names the source in errors. Progress
 * goes to `onBytes` now and then.
 */
export async function spool (source: Readable, what: string, options: { compression?: Compression, spoolDir?: string, onBytes?: (bytes: number) => void } = {}): Promise<Spooled> {
  let dir: string
  try {
    dir = await mkdtemp(join(options.spoolDir ?? tmpdir(), 'ringcast-spool-'))
  } catch (err) {
    throw new RingcastError('IMAGE_UNREADABLE', `cannot make a spool directory for ${what} in ${options.spoolDir ?? tmpdir()}: ${errorMessage(err)}`, { cause: err })
  }
  live.add(dir)
  const remove = async (): Promise<void> => { live.delete(dir); await rm(dir, { recursive: true, force: true }) }
  const path = join(dir, 'image')
  let handle: FileHandle | undefined
  try {
    handle = await open(path, 'wx', 0o600)
    const input = options.compression === undefined ? source : decompressor(options.compression, source)
    let size = 0
    let pending: Buffer[] = []
    let pendingBytes = 0
    let reported = 0
    const zeros = Buffer.alloc(SPOOL_CHUNK_BYTES)
    const writeOut = async (bytes: Buffer): Promise<void> => {
      // A whole chunk of zeros is a hole: seek past it.
      if (!(bytes.byteLength === SPOOL_CHUNK_BYTES && bytes.equals(zeros))) {
        for (let done = 0; done < bytes.byteLength;) done += (await handle!.write(bytes, done, bytes.byteLength - done, size + done)).bytesWritten
      }
      size += bytes.byteLength
      if (size - reported >= 64 * SPOOL_CHUNK_BYTES) { reported = size; options.onBytes?.(size) }
    }
    try {
      for await (const chunk of input as AsyncIterable<Buffer | Uint8Array>) {
        const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
        pending.push(bytes)
        pendingBytes += bytes.byteLength
        if (pendingBytes < SPOOL_CHUNK_BYTES) continue
        const joined = Buffer.concat(pending, pendingBytes)
        let at = 0
        for (; at + SPOOL_CHUNK_BYTES <= joined.byteLength; at += SPOOL_CHUNK_BYTES) await writeOut(joined.subarray(at, at + SPOOL_CHUNK_BYTES))
        pending = at < joined.byteLength ? [joined.subarray(at)] : []
        pendingBytes = joined.byteLength - at
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw new RingcastError('IMAGE_UNREADABLE', `no space left to spool ${what} in ${dir} (give --spool-dir on a larger file system)`, { cause: err })
      const how = options.compression === undefined ? 'reading' : `decompressing (${options.compression})`
      throw new RingcastError('IMAGE_UNREADABLE', `${how} ${what} failed after ${size + pendingBytes} bytes: ${errorMessage(err)}`, { cause: err })
    }
    if (pendingBytes > 0) await writeOut(Buffer.concat(pending, pendingBytes))
    if (size === 0) throw new RingcastError('IMAGE_EMPTY', `${what} is empty`)
    await handle.truncate(size)
    await handle.close()
    handle = undefined
    options.onBytes?.(size)
    return { path, size, remove }
  } catch (err) {
    await handle?.close().catch(() => {})
    await remove()
    if (err instanceof RingcastError) throw err
    throw new RingcastError('IMAGE_UNREADABLE', `cannot spool ${what} into ${dir}: ${errorMessage(err)}`, { cause: err })
  }
}
