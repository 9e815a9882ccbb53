// Writing a newc cpio archive (the initramfs format the kernel unpacks,
// Documentation/driver-api/early-userspace/buffer-format.rst): for each entry
// a 110-byte ASCII header ("070701" and 13 eight-digit hex fields), its name
// with a NUL, padded to 4 bytes, then its data, padded to 4; "TRAILER!!!"
// ends it. Entries are written as given, so owners are root and device nodes
// need no privilege: the archive is built by any user.

import { createReadStream } from 'node:fs'
import type { Writable } from 'node:stream'

export type NewcEntry =
  | { kind: 'dir', path: string, mode?: number }
  | { kind: 'file', path: string, mode: number, size: number, /** Read from here, or `data`. */ from?: string, data?: Buffer }
  | { kind: 'symlink', path: string, target: string }
  | { kind: 'char', path: string, mode: number, major: number, minor: number }

const S_IFDIR = 0o040000
const S_IFREG = 0o100000
const S_IFLNK = 0o120000
const S_IFCHR = 0o020000

/** newc's fields are 8 hex digits: a file of 4 GiB or more cannot be in the archive (and would corrupt every header after it). */
function hex8 (n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw new Error(`${n} does not fit a newc header field (4 GiB at most)`)
  return n.toString(16).padStart(8, '0')
}
const pad4 = (n: number): Buffer => Buffer.alloc((4 - (n % 4)) % 4)

function header (ino: number, mode: number, size: number, name: string, rdev: [number, number] = [0, 0]): Buffer {
  const nameBytes = Buffer.byteLength(name) + 1
  const fields = [ino, mode, 0, 0, 1, 0, size, 0, 0, rdev[0], rdev[1], nameBytes, 0]
  const head = Buffer.from(`070701${fields.map(hex8).join('')}${name}\0`, 'utf8')
  return Buffer.concat([head, pad4(head.length)])
}

async function write (out: Writable, chunk: Buffer): Promise<void> {
  // A destroyed stream emits neither drain nor error again: waiting would hang.
  if (out.destroyed) throw out.errored ?? new Error('the archive\'s output was closed')
  if (out.write(chunk)) return
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error): void => {
      out.off('drain', done)
      out.off('error', done)
      if (err !== undefined) reject(err); else resolve()
    }
    out.on('drain', done)
    out.on('error', done)
  })
}

/** Write `entries` as one newc archive to `out` (not ended: the caller ends it). */
export async function writeNewc (entries: readonly NewcEntry[], out: Writable): Promise<void> {
  let ino = 1
  for (const e of entries) {
    const name = e.path.replace(/^\/+/, '')
    switch (e.kind) {
      case 'dir':
        await write(out, header(ino++, S_IFDIR | (e.mode ?? 0o755), 0, name))
        break
      case 'symlink': {
        const data = Buffer.from(e.target)
        await write(out, Buffer.concat([header(ino++, S_IFLNK | 0o777, data.length, name), data, pad4(data.length)]))
        break
      }
      case 'char':
        await write(out, header(ino++, S_IFCHR | e.mode, 0, name, [e.major, e.minor]))
        break
      case 'file': {
        await write(out, header(ino++, S_IFREG | e.mode, e.size, name))
        let written = 0
        if (e.data !== undefined) {
          await write(out, e.data)
          written = e.data.length
        } else {
          for await (const chunk of createReadStream(e.from!)) {
            await write(out, chunk as Buffer)
            written += (chunk as Buffer).length
          }
        }
        // A file that changed size while we read it would corrupt every later entry.
        if (written !== e.size) throw new Error(`${e.from ?? e.path} changed size while it was archived (${e.size} bytes expected, ${written} read)`)
        await write(out, pad4(e.size))
        break
      }
    }
  }
  await write(out, header(ino, 0, 0, 'TRAILER!!!'))
}
