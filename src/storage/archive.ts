// Archive targets (issue 12, item 2): `join --target DIR`, an empty
// directory, unpacks a tar image (.tar, .tar.gz, .tar.zst, .tar.xz) or a
// newc cpio archive (compressed the same ways; cpio.ts) into it.
//
// The node receives the archive like any image, into a staging file beside
// the directory (`DIR.ringcast-archive`: every block verified against the
// source, resumable, served to downstreams). Only once the coordinator has
// verified that copy is it unpacked, in two passes:
//
//   1. every entry is checked (checkEntries) and one that would land
//      outside DIR refuses the whole archive, before anything is written:
//      an absolute path, a `..`, a relative symlink that climbs out of DIR,
//      a hard link to anything but a file earlier in the archive, an entry
//      written through or over a symlink, an entry of a kind not unpacked;
//   2. node-tar (`tar`, which has had path bypasses before 7.5.11) unpacks
//      with its own protections on as well, keeping modes (and owners, as
//      root). Device nodes and FIFOs are skipped, and counted.
//
// An absolute symlink target (/usr/lib/x, common in root file systems) is
// kept as it is: it points into the tree as it is used once booted or
// chrooted, and no entry is ever written through a symlink here.

import { createReadStream } from 'node:fs'
import { open, readdir, rm, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import type { Parser, ReadEntry } from 'tar'
import { errorMessage, RingcastError } from '../errors.js'
import { decompressor, type Compression } from '../image/spool.js'
import { printable } from '../wire/messages.js'
import { listCpio, unpackCpio } from './cpio.js'

export interface ArchiveEntry { path: string, type: string, linkpath?: string }

/** Entry kinds unpacked as they are. */
const UNPACKED = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link'])
/** Entry kinds skipped (a node's unpacked tree is not a device). */
const SKIPPED = new Set(['CharacterDevice', 'BlockDevice', 'FIFO', 'Socket'])

/** The staging file an archive target's image is received into. */
export function stagingPathFor (dir: string): string {
  return `${dir.replace(/\/+$/, '')}.ringcast-archive`
}

/** If `path` is a directory, it is an archive target: it must be empty (nothing in it to follow or overwrite). */
export async function archiveTargetDir (path: string): Promise<string | undefined> {
  let entries: string[]
  try {
    entries = await readdir(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOTDIR' || code === 'ENOENT') return undefined
    throw new RingcastError('TARGET_NOT_WRITABLE', `target directory ${path} cannot be read: ${errorMessage(err)}`, { cause: err })
  }
  if (entries.length > 0) throw new RingcastError('TARGET_UNSUPPORTED', `target directory ${path} is not empty (${entries.length} entries): an archive is unpacked only into an empty directory`)
  return path
}

/** The archive's compression, by its magic number. */
async function compressionOfFile (path: string): Promise<Compression | undefined> {
  const handle = await open(path, 'r')
  const head = Buffer.alloc(6)
  try {
    await handle.read(head, 0, head.byteLength, 0)
  } finally {
    await handle.close()
  }
  const starts = (bytes: number[]): boolean => bytes.every((b, i) => head[i] === b)
  if (starts([0x1f, 0x8b])) return 'gzip'
  if (starts([0x28, 0xb5, 0x2f, 0xfd])) return 'zstd'
  if (starts([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz'
  return undefined
}

/** The archive's bytes, decompressed; each call reads it from the start. */
async function archiveStream (path: string): Promise<Readable> {
  const compression = await compressionOfFile(path)
  const raw = createReadStream(path)
  return compression === undefined ? raw : decompressor(compression, raw)
}

/** tar or (newc) cpio, by the first bytes of the decompressed archive. */
async function formatOf (path: string): Promise<'tar' | 'cpio'> {
  const stream = await archiveStream(path)
  let head = Buffer.alloc(0)
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      head = Buffer.concat([head, chunk])
      if (head.byteLength >= 262) break
    }
  } catch (err) {
    throw new RingcastError('ARCHIVE_REFUSED', `the archive cannot be read: ${errorMessage(err)}`, { cause: err })
  } finally {
    stream.destroy()
  }
  if (head.toString('latin1', 0, 4) === '0707') return 'cpio'
  if (head.byteLength >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'tar'
  throw new RingcastError('ARCHIVE_REFUSED', 'the image is neither a tar archive (no ustar header) nor a newc cpio archive, so it cannot be unpacked into a directory')
}

/** Feed `stream` to a node-tar parser (a Parser or an Unpack) and wait for its end. */
async function feed (stream: Readable, sink: Parser): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let failed = false
    const fail = (err: unknown): void => { if (!failed) { failed = true; stream.destroy(); reject(err) } }
    stream.on('error', fail)
    sink.on('error', fail)
    sink.on('close', () => { if (!failed) resolve() })
    stream.pipe(sink as unknown as NodeJS.WritableStream)
  })
}

/** Every entry of the archive at `path`, as its headers say. */
export async function listArchive (path: string): Promise<ArchiveEntry[]> {
  if (await formatOf(path) === 'cpio') {
    try {
      return await listCpio(await archiveStream(path))
    } catch (err) {
      if (err instanceof RingcastError) throw err
      throw new RingcastError('ARCHIVE_REFUSED', `the cpio archive cannot be read: ${errorMessage(err)}`, { cause: err })
    }
  }
  const entries: ArchiveEntry[] = []
  // node-tar is loaded only by a node that unpacks.
  const { Parser } = await import('tar')
  const parser = new Parser({ strict: true, onReadEntry: (e: ReadEntry) => { entries.push({ path: e.path, type: e.type, linkpath: e.linkpath }); e.resume() } })
  try {
    await feed(await archiveStream(path), parser)
  } catch (err) {
    if (err instanceof RingcastError) throw err
    throw new RingcastError('ARCHIVE_REFUSED', `the archive cannot be read: ${errorMessage(err)}`, { cause: err })
  }
  return entries
}

/** Path components of an entry's path ('./a//b/' is a, b). */
const parts = (path: string): string[] => path.split('/').filter(p => p !== '' && p !== '.')

/** Why these entries cannot all be unpacked inside the directory, or undefined when they can. */
export function checkEntries (entries: readonly ArchiveEntry[]): string | undefined {
  const files = new Set<string>()
  const symlinks = new Set<string>()
  for (const e of entries) {
    const shown = printable(e.path, 200)
    if (e.path.includes('\0')) return `entry "${shown}" has a NUL in its name`
    if (e.path.startsWith('/')) return `entry "${shown}" has an absolute path`
    const names = parts(e.path)
    if (names.includes('..')) return `entry "${shown}" climbs out of the directory with ".."`
    if (names.length === 0) continue
    for (let i = 1; i <= names.length; i++) {
      const prefix = names.slice(0, i).join('/')
      if (symlinks.has(prefix)) return i < names.length ? `entry "${shown}" would be written through the symlink "${printable(prefix, 200)}"` : `entry "${shown}" would replace the symlink "${printable(prefix, 200)}"`
    }
    const path = names.join('/')
    if (SKIPPED.has(e.type)) continue
    if (!UNPACKED.has(e.type)) return `entry "${shown}" is of a kind ringcast does not unpack (${e.type})`
    if (e.type === 'SymbolicLink') {
      const target = e.linkpath ?? ''
      if (target === '') return `symlink "${shown}" has no target`
      if (!target.startsWith('/')) {
        const at = names.slice(0, -1)
        for (const step of parts(target)) {
          if (step !== '..') { at.push(step); continue }
          if (at.length === 0) return `symlink "${shown}" points outside the directory ("${printable(target, 200)}")`
          at.pop()
        }
      }
      symlinks.add(path)
    } else if (e.type === 'Link') {
      const target = e.linkpath ?? ''
      const to = parts(target)
      if (target.startsWith('/') || to.includes('..') || !files.has(to.join('/'))) return `hard link "${shown}" points at "${printable(target, 200)}", which is not a file earlier in the archive`
      files.add(path)
    } else if (e.type !== 'Directory') {
      files.add(path)
    }
  }
  return undefined
}

/**
 * Unpack the verified archive at `staging` into `dir` (empty): check every
 * entry, then unpack. Returns how many entries were unpacked and skipped.
 */
export async function unpackArchive (staging: string, dir: string, log: (line: string) => void): Promise<{ unpacked: number, skipped: number }> {
  const entries = await listArchive(staging)
  const problem = checkEntries(entries)
  if (problem !== undefined) throw new RingcastError('ARCHIVE_REFUSED', `refusing to unpack the archive into ${dir}: ${problem}; nothing was written there`)
  if (await formatOf(staging) === 'cpio') {
    let counts: { unpacked: number, skipped: number }
    try {
      counts = await unpackCpio(await archiveStream(staging), dir, { unpacked: UNPACKED, skipped: SKIPPED })
    } catch (err) {
      throw new RingcastError('ARCHIVE_REFUSED', `unpacking the cpio archive into ${dir} failed: ${errorMessage(err)}`, { cause: err })
    }
    log(`unpacked ${counts.unpacked} entries of the cpio archive into ${dir}${counts.skipped > 0 ? ` (skipped ${counts.skipped} device nodes, FIFOs and sockets)` : ''}`)
    return counts
  }
  let unpacked = 0
  let skipped = 0
  // node-tar rewrites an absolute symlink target to a relative one unless
  // its own path protections are off: those links are made here, after it.
  const absoluteLinks: ArchiveEntry[] = []
  const root = process.getuid?.() === 0
  const { Unpack } = await import('tar')
  const unpack = new Unpack({
    cwd: dir,
    strict: true,
    preservePaths: false,
    chmod: true,
    processUmask: 0,
    preserveOwner: root,
    filter: (_path, entry) => {
      const e = entry as ReadEntry
      if (SKIPPED.has(e.type)) { skipped++; return false }
      if (e.type === 'SymbolicLink' && e.linkpath?.startsWith('/') === true) { absoluteLinks.push({ path: e.path, type: e.type, linkpath: e.linkpath }); return false }
      unpacked++
      return true
    }
  })
  try {
    await feed(await archiveStream(staging), unpack)
    for (const link of absoluteLinks) {
      // checkEntries made sure no component of its path is a symlink, and nothing is written through it later.
      const at = join(dir, ...parts(link.path))
      await rm(at, { force: true, recursive: false }).catch(() => {})
      await symlink(link.linkpath!, at)
      unpacked++
    }
  } catch (err) {
    throw new RingcastError('ARCHIVE_REFUSED', `unpacking the archive into ${dir} failed after ${unpacked} entries: ${errorMessage(err)}`, { cause: err })
  }
  log(`unpacked ${unpacked} entries of the archive into ${dir}${skipped > 0 ? ` (skipped ${skipped} device nodes and FIFOs)` : ''}`)
  return { unpacked, skipped }
}
