// The source end of the chain: reads the image in blocks, hashes each block
// (and the whole image), and feeds the head of the chain through a
// BlockSender. Reads and block hashes run ahead of the sender by a few blocks
// so the disk and the hash threads overlap the network.

import { createHash } from 'node:crypto'
import type { ImageSource } from '../image/image-file.js'
import type { BlockSender } from './block-sender.js'
import { sha256 } from './hash.js'

/** Blocks read and hashed ahead of the one being sent. */
const READ_AHEAD_BLOCKS = 4

export interface StreamStats {
  imageDigest: Uint8Array
  bytesSent: number
}

/** Reads blocks once and hands them, with their hashes, to whoever asks. */
export class BlockReader {
  private readonly wholeHash = createHash('sha256')
  private hashedThrough = 0
  private ahead = new Map<number, Promise<{ payload: Uint8Array, hash: Uint8Array }>>()

  constructor (private readonly image: ImageSource, readonly blockSize: number) {}

  get blockCount (): number {
    return Math.ceil(this.image.size / this.blockSize)
  }

  async block (index: number): Promise<{ offset: number, payload: Uint8Array, hash: Uint8Array }> {
    for (let i = index; i < Math.min(index + READ_AHEAD_BLOCKS, this.blockCount); i++) {
      if (!this.ahead.has(i)) this.ahead.set(i, this.load(i))
    }
    const loaded = await this.ahead.get(index)!
    this.ahead.delete(index)
    const offset = index * this.blockSize
    // The whole-image digest advances in order as blocks are handed out.
    if (offset === this.hashedThrough) {
      this.wholeHash.update(loaded.payload)
      this.hashedThrough += loaded.payload.byteLength
    }
    return { offset, ...loaded }
  }

  /** SHA-256 of the whole image; valid once every block was handed out in order. */
  digest (): Uint8Array {
    return new Uint8Array(this.wholeHash.copy().digest())
  }

  private async load (index: number): Promise<{ payload: Uint8Array, hash: Uint8Array }> {
    const offset = index * this.blockSize
    const payload = await this.image.read(offset, Math.min(this.blockSize, this.image.size - offset))
    return { payload, hash: await sha256(payload) }
  }
}

/** Stream the whole image to `sender`, then END; returns the image digest. */
export async function streamImage (reader: BlockReader, sender: BlockSender, imageSize: number): Promise<StreamStats> {
  for (let i = 0; i < reader.blockCount; i++) {
    const { offset, payload, hash } = await reader.block(i)
    await sender.sendBlock(offset, payload, hash)
  }
  const imageDigest = reader.digest()
  await sender.sendEnd(imageSize, imageDigest)
  return { imageDigest, bytesSent: imageSize }
}
