// A source image: a regular file or a block device, read at offsets.

import { createReadStream } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { basename } from 'node:path'
import { RingcastError } from '../errors.js'
import { blockDeviceSize } from '../storage/block-device.js'
import { compressionOf, spool } from './spool.js'

/** Where a stretch of a source's bytes comes from: [offset, offset + size) of the source is the file at `path`. */
export interface ImageSegment {
  /** The image's name in a session of several (NAME=IMAGE), else ''. */
  name: string
  path: string
  offset: number
  size: number
}

export interface ImageSource {
  /** The file read (for a session of several images, the first's). */
  readonly path: string
  readonly name: string
  readonly size: number
  /** Where its bytes come from; bytes between segments read as zeros (image-set.ts). */
  readonly segments: readonly ImageSegment[]
  /** Read exactly `length` bytes at `offset` into `into` (or a new buffer). */
  read: (offset: number, length: number, into?: Uint8Array) => Promise<Uint8Array>
  close: () => Promise<void>
}

export interface OpenImageOptions {
  /** Where stdin and compressed images are spooled (default: the system's temporary directory). */
  spoolDir?: string
  log?: (line: string) => void
}

/**
 * The image `spec` names: `-` for standard input, a .gz/.zst/.xz file
 * (decompressed), else a regular file or block device read in place. The
 * first two are spooled (spool.ts) and served from the spool, which close()
 * removes.
 */
export async function openImage (spec: string, options: OpenImageOptions = {}): Promise<ImageSource> {
  const compressed = spec === '-' ? undefined : compressionOf(spec)
  if (spec !== '-' && compressed === undefined) return await openImageFile(spec)
  const what = spec === '-' ? 'standard input' : `image ${spec}`
  let input
  if (spec === '-') {
    if (process.stdin.isTTY === true) throw new RingcastError('USAGE', 'the image is standard input (-), but that is a terminal: pipe or redirect an image into it')
    input = process.stdin
  } else {
    // Fail here, with the same sentences as for a plain image, if it cannot be read at all.
    await (await openImageFile(spec)).close()
    input = createReadStream(spec)
  }
  options.log?.(`spooling ${what}${compressed !== undefined ? ` (decompressing ${compressed.compression})` : ''} into ${options.spoolDir ?? 'the temporary directory'} before serving`)
  const spooled = await spool(input, what, { compression: compressed?.compression, spoolDir: options.spoolDir, onBytes: bytes => options.log?.(`spooled ${bytes} bytes of ${what}`) })
  try {
    const image = await openImageFile(spooled.path)
    return { ...image, path: spooled.path, name: spec === '-' ? 'stdin' : compressed!.name, async close () { await image.close(); await spooled.remove() } }
  } catch (err) {
    await spooled.remove()
    throw err
  }
}

export async function openImageFile (path: string): Promise<ImageSource> {
  let handle: FileHandle
  try {
    handle = await open(path, 'r')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable (permission denied)' : `cannot be opened (${(err as Error).message})`
    throw new RingcastError('IMAGE_UNREADABLE', `image ${path} ${why}`, { cause: err })
  }
  try {
    const st = await handle.stat()
    let size: number
    if (st.isFile()) size = st.size
    else if (st.isBlockDevice()) size = await blockDeviceSize(st.rdev)
    else throw new RingcastError('IMAGE_UNREADABLE', `image ${path} is not a regular file or block device`)
    if (size === 0) throw new RingcastError('IMAGE_EMPTY', `image ${path} is empty`)
    // Probe one byte now so an unreadable image (EISDIR, EIO) fails before any node joins.
    await handle.read(Buffer.alloc(1), 0, 1, 0)
    return {
      path,
      name: basename(path),
      size,
      segments: [{ name: '', path, offset: 0, size }],
      async read (offset, length, into) {
        const buf = into ?? Buffer.allocUnsafe(length)
        let filled = 0
        while (filled < length) {
          const { bytesRead } = await handle.read(buf, filled, length - filled, offset + filled)
          if (bytesRead === 0) throw new RingcastError('IMAGE_UNREADABLE', `image ${path} shrank while it was being read (short read at ${offset + filled})`)
          filled += bytesRead
        }
        return buf.subarray(0, length)
      },
      async close () { await handle.close() }
    }
  } catch (err) {
    await handle.close()
    if (err instanceof RingcastError) throw err
    throw new RingcastError('IMAGE_UNREADABLE', `image ${path} cannot be read: ${(err as Error).message}`, { cause: err })
  }
}
