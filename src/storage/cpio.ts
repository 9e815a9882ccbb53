// cpio archives (the "newc" format of Linux initramfs images, `cpio -H
// newc`) for archive targets (archive.ts): read entry by entry from a
// stream, and unpacked by hand (node-tar reads no cpio). Every entry is
// checked by archive.ts's checkEntries before this writes anything, and the
// writes here never follow a symlink (O_NOFOLLOW, exclusive creates).
//
//   header  "070701" or "070702", then 13 fields of 8 hex digits: ino mode
//           uid gid nlink mtime filesize devmajor devminor rdevmajor
//           rdevminor namesize check (110 bytes)
//   name    namesize bytes with its NUL, padded to 4 (with the header)
//   data    filesize bytes, padded to 4; a symlink's data is its target
//   end     an entry named TRAILER!!!
//
// Hard links share an inode number; newc stores the data once, with the
// last of them (the others have size 0).

import { constants } from 'node:fs'
import { chmod, chown, lchown, link, lutimes, mkdir, open, symlink, utimes } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { RingcastError } from '../errors.js'
import type { ArchiveEntry } from './archive.js'

const HEADER_BYTES = 110
/** A name longer than PATH_MAX is not a path. */
const MAX_NAME_BYTES = 4096
/** A symlink target longer than PATH_MAX is not one either. */
const MAX_LINK_BYTES = 4096

const S_IFMT = 0o170000
const TYPES: Record<number, string> = { 0o100000: 'File', 0o040000: 'Directory', 0o120000: 'SymbolicLink', 0o020000: 'CharacterDevice', 0o060000: 'BlockDevice', 0o010000: 'FIFO', 0o140000: 'Socket' }

export interface CpioEntry { name: string, type: string, mode: number, uid: number, gid: number, nlink: number, ino: number, mtime: number, size: number }

/** Exact reads from a stream. */
class StreamReader {
  private chunks: Buffer[] = []
  private buffered = 0
  private readonly it: AsyncIterator<Buffer | Uint8Array>
  offset = 0
  constructor (stream: Readable) { this.it = (stream as AsyncIterable<Buffer | Uint8Array>)[Symbol.asyncIterator]() }

  /** `n` bytes, or fewer only at the end of the stream. */
  async read (n: number): Promise<Buffer> {
    while (this.buffered < n) {
      const next = await this.it.next()
      if (next.done === true) break
      const b = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value)
      this.chunks.push(b)
      this.buffered += b.byteLength
    }
    const take = Math.min(n, this.buffered)
    let out: Buffer
    const first = this.chunks[0]
    if (first !== undefined && first.byteLength >= take) {
      // Most reads (headers, names) fit in the first chunk: no copy.
      out = first.subarray(0, take)
      if (first.byteLength === take) this.chunks.shift()
      else this.chunks[0] = first.subarray(take)
    } else {
      const all = Buffer.concat(this.chunks, this.buffered)
      out = all.subarray(0, take)
      const rest = all.subarray(take)
      this.chunks = rest.byteLength > 0 ? [rest] : []
    }
    this.buffered -= take
    this.offset += take
    return out
  }

  async exact (n: number, what: string): Promise<Buffer> {
    const b = await this.read(n)
    if (b.byteLength < n) throw new RingcastError('ARCHIVE_REFUSED', `the cpio archive ends inside ${what} (at byte ${this.offset})`)
    return b
  }

  async skip (n: number, what: string): Promise<void> {
    for (let left = n; left > 0;) left -= (await this.exact(Math.min(left, 1_048_576), what)).byteLength
  }

  /** Stop reading the stream (it is not drained). */
  async close (): Promise<void> { await this.it.return?.() }
}

const pad4 = (n: number): number => (4 - n % 4) % 4

/**
 * Each entry of the newc archive on `stream`, in order, with `onData` given
 * its data (a reader positioned at it) or, when absent, the data skipped.
 */
export async function readCpio (stream: Readable, onEntry: (entry: CpioEntry, data: (sink: (chunk: Buffer) => Promise<void>) => Promise<void>) => Promise<void>): Promise<void> {
  const r = new StreamReader(stream)
  try {
    while (true) {
      const header = await r.exact(HEADER_BYTES, 'a header')
      const magic = header.toString('latin1', 0, 6)
      if (magic !== '070701' && magic !== '070702') {
        throw new RingcastError('ARCHIVE_REFUSED', magic === '070707' ? 'the image is an old-format (odc) cpio archive; only newc (cpio -H newc) is unpacked' : `not a newc cpio header at byte ${r.offset - HEADER_BYTES}`)
      }
      const fields: number[] = []
      for (let i = 0; i < 13; i++) {
        const text = header.toString('latin1', 6 + i * 8, 14 + i * 8)
        if (!/^[0-9a-fA-F]{8}$/.test(text)) throw new RingcastError('ARCHIVE_REFUSED', `a cpio header at byte ${r.offset - HEADER_BYTES} has a field that is not hex ("${text}")`)
        fields.push(parseInt(text, 16))
      }
      const [ino, mode, uid, gid, nlink, mtime, size, , , , , nameSize] = fields as [number, number, number, number, number, number, number, number, number, number, number, number]
      if (nameSize === 0 || nameSize > MAX_NAME_BYTES) throw new RingcastError('ARCHIVE_REFUSED', `a cpio entry at byte ${r.offset - HEADER_BYTES} has a ${nameSize}-byte name`)
      const nameBytes = await r.exact(nameSize + pad4(HEADER_BYTES + nameSize), 'a name')
      if (nameBytes[nameSize - 1] !== 0) throw new RingcastError('ARCHIVE_REFUSED', `a cpio entry name at byte ${r.offset} does not end in NUL`)
      const name = nameBytes.toString('utf8', 0, nameSize - 1)
      if (name === 'TRAILER!!!') return
      const type = TYPES[mode & S_IFMT] ?? `mode ${(mode & S_IFMT).toString(8)}`
      let consumed = false
      const data = async (sink: (chunk: Buffer) => Promise<void>): Promise<void> => {
        consumed = true
        for (let left = size; left > 0;) {
          const chunk = await r.exact(Math.min(left, 1_048_576), `the data of "${name}"`)
          await sink(chunk)
          left -= chunk.byteLength
        }
      }
      await onEntry({ name, type, mode, uid, gid, nlink, ino, mtime, size }, data)
      if (!consumed) await r.skip(size, `the data of "${name}"`)
      await r.skip(pad4(size), 'padding')
    }
  } finally {
    await r.close()
  }
}

/** Read a symlink's target (its data). */
async function linkTarget (e: CpioEntry, data: (sink: (chunk: Buffer) => Promise<void>) => Promise<void>): Promise<string> {
  if (e.size === 0 || e.size > MAX_LINK_BYTES) throw new RingcastError('ARCHIVE_REFUSED', `symlink "${e.name}" has a ${e.size}-byte target`)
  const parts: Buffer[] = []
  await data(async chunk => { parts.push(Buffer.from(chunk)) })
  return Buffer.concat(parts).toString('utf8')
}

/** The newc archive's entries for checkEntries: a hard link (shared inode) becomes a Link to the group's first member. */
export async function listCpio (stream: Readable): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = []
  const firstOfInode = new Map<number, string>()
  await readCpio(stream, async (e, data) => {
    if (e.type === 'SymbolicLink') { entries.push({ path: e.name, type: e.type, linkpath: await linkTarget(e, data) }); return }
    if (e.type === 'File' && e.nlink > 1) {
      const first = firstOfInode.get(e.ino)
      if (first !== undefined) { entries.push({ path: e.name, type: 'Link', linkpath: first }); return }
      firstOfInode.set(e.ino, e.name)
    }
    entries.push({ path: e.name, type: e.type })
  })
  return entries
}

/**
 * Unpack the newc archive on `stream` into `dir`, whose entries
 * checkEntries has passed: modes kept exactly, owners as root, mtimes.
 * Device nodes, FIFOs and sockets are skipped. Returns the counts.
 */
export async function unpackCpio (stream: Readable, dir: string, kinds: { unpacked: Set<string>, skipped: Set<string> }): Promise<{ unpacked: number, skipped: number }> {
  const root = process.getuid?.() === 0
  let unpacked = 0
  let skipped = 0
  /** Directories get their modes last: a read-only one must not stop what goes inside it. */
  const dirs: Array<[string, CpioEntry]> = []
  /** Per inode of a hard-linked file: the member that holds the data once written, and the members waiting for it. */
  const groups = new Map<number, { written?: string, waiting: string[] }>()
  const at = (name: string): string => join(dir, ...name.split('/').filter(p => p !== '' && p !== '.'))
  const own = async (path: string, e: CpioEntry, isLink = false): Promise<void> => {
    if (root) await (isLink ? lchown(path, e.uid, e.gid) : chown(path, e.uid, e.gid))
    if (!isLink) await chmod(path, e.mode & 0o7777)
    const when = new Date(e.mtime * 1000)
    await (isLink ? lutimes(path, when, when) : utimes(path, when, when))
  }
  await readCpio(stream, async (e, data) => {
    if (kinds.skipped.has(e.type) || !kinds.unpacked.has(e.type)) { skipped++; return }
    if (e.name.split('/').filter(p => p !== '' && p !== '.').length === 0) return
    const path = at(e.name)
    await mkdir(dirname(path), { recursive: true, mode: 0o755 })
    if (e.type === 'Directory') {
      await mkdir(path, { recursive: true, mode: 0o700 })
      dirs.push([path, e])
    } else if (e.type === 'SymbolicLink') {
      await symlink(await linkTarget(e, data), path)
      await own(path, e, true)
    } else {
      const group = e.nlink > 1 ? (groups.get(e.ino) ?? groups.set(e.ino, { waiting: [] }).get(e.ino)!) : undefined
      if (group?.written !== undefined) {
        await link(group.written, path)
      } else if (group !== undefined && e.size === 0) {
        // Its data comes with a later member of the group (or never: an empty file).
        group.waiting.push(path)
        return
      } else {
        const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
        try {
          await data(async chunk => { for (let done = 0; done < chunk.byteLength;) done += (await handle.write(chunk, done)).bytesWritten })
        } finally {
          await handle.close()
        }
        await own(path, e)
        if (group !== undefined) {
          group.written = path
          for (const waiting of group.waiting.splice(0)) { await link(path, waiting); unpacked++ }
        }
      }
    }
    unpacked++
  })
  // Hard-linked empty files: no member held data; make the first, link the rest.
  for (const group of groups.values()) {
    const [first, ...rest] = group.waiting
    if (first === undefined) continue
    await (await open(first, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644)).close()
    for (const path of rest) await link(first, path)
    unpacked += group.waiting.length
  }
  for (const [path, e] of dirs.reverse()) await own(path, e)
  return { unpacked, skipped }
}
