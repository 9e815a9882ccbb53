// A source image: a regular file or a block device, read at offsets.

import { open, type FileHandle } from 'node:fs/promises'
import { basename } from 'node:path'
import { RingcastError } from '../errors.js'
import { blockDeviceSize } from '../storage/block-device.js'

export interface ImageSource {
  readonly path: string
  readonly name: string
  readonly size: number
  /** Read exactly `length` bytes at `offset` into `into` (or a new buffer). */
  read: (offset: number, length: number, into?: Uint8Array) => Promise<Uint8Array>
  close: () => Promise<void>
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
