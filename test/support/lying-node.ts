// A test-only build of the node: preloaded into `ringcast join` (node
// --import), it makes the node a lying relay. It patches BlockSender, the
// upstream end of every hop the node forwards on, so what it writes to its
// own target stays honest and only what it passes on is forged:
//
//   RINGCAST_TEST_LIE=flip     flip one bit in the first block it forwards at or past RINGCAST_TEST_LIE_AT
//   RINGCAST_TEST_LIE=rehash   the same, and replace that block's hash in the batch it forwards
//                              with the forged block's (the source's signature no longer fits)
//   RINGCAST_TEST_LIE=end      forge END: another image digest, the signature kept
//   RINGCAST_TEST_LIE=no-disk  write nothing to the target, but claim every write landed
//                              (the node then claims Done for a copy it never made)
//
// Nothing here is part of ringcast: tests start it with
// NODE_OPTIONS=--import=<this file>, see test/integration/liar.test.ts.

import { createHash } from 'node:crypto'
import { BlockSender } from '../../src/relay/block-sender.js'
import { Target } from '../../src/storage/target.js'
import type { Payload } from '../../src/relay/hash.js'
import type { HashBatch, SignedEnd } from '../../src/relay/source-signature.js'
import { batchBlocks } from '../../src/relay/source-signature.js'

const mode = process.env.RINGCAST_TEST_LIE
const lieAt = Number(process.env.RINGCAST_TEST_LIE_AT ?? '0')

/** What the forged block's bytes are, once chosen (the same forgery on every hop the node opens). */
let forged: { offset: number, bytes: Uint8Array } | undefined

function forge (offset: number, payload: Payload | Uint8Array): Uint8Array {
  const bytes = Buffer.concat(payload instanceof Uint8Array ? [payload] : payload)
  bytes[bytes.byteLength >> 1] = bytes[bytes.byteLength >> 1]! ^ 0x01
  forged = { offset, bytes }
  process.stderr.write(`lying-node: forwarding a forged block at ${offset}\n`)
  return bytes
}

/** BlockSender's private options, as this test build reaches into them. */
interface SenderInsides { options: { blockSize: number, batches: { batch: (i: number) => Promise<HashBatch> } } }

if (mode === 'flip' || mode === 'rehash') {
  // The liar stores and forwards: it must hold a whole block to forge it,
  // and to forge its hash before the batch that carries the hash goes out.
  const beginBlock = BlockSender.prototype.beginBlock
  const sendPiece = BlockSender.prototype.sendPiece
  const pending = new WeakMap<object, { offset: number, length: number, chunks: Uint8Array[], have: number }>()
  BlockSender.prototype.beginBlock = async function (this: BlockSender, offset, length) {
    pending.set(this, { offset, length, chunks: [], have: 0 })
  }
  BlockSender.prototype.sendPiece = async function (this: BlockSender, chunks) {
    const block = pending.get(this)
    if (block === undefined) return await sendPiece.call(this, chunks)
    for (const c of chunks) { block.chunks.push(c); block.have += c.byteLength }
    if (block.have < block.length) return
    pending.delete(this)
    const lie = block.offset >= lieAt && (forged === undefined || forged.offset === block.offset)
    // Forged before the batch this block needs goes out, so rehash can fit the batch to it.
    const bytes = lie ? [forged?.bytes ?? forge(block.offset, block.chunks)] : block.chunks
    if (mode === 'rehash') rehashBatches(this as unknown as SenderInsides)
    await beginBlock.call(this, block.offset, block.length)
    await sendPiece.call(this, bytes)
  }
}

const rehashed = new WeakSet<object>()
/**
 * Serve batches whose entry for the forged block is the forged block's
 * hash, under the source's old signature (a liar cannot sign). Only a batch
 * not yet sent when the forgery is chosen can carry it: tests lie at a batch
 * boundary.
 */
function rehashBatches (sender: SenderInsides): void {
  if (rehashed.has(sender)) return
  rehashed.add(sender)
  const source = sender.options.batches
  const per = batchBlocks(sender.options.blockSize)
  sender.options = {
    ...sender.options,
    batches: {
      async batch (index: number): Promise<HashBatch> {
        const batch = await source.batch(index)
        if (forged === undefined) return batch
        const block = forged.offset / sender.options.blockSize
        if (index !== Math.floor(block / per)) return batch
        const hashes = batch.hashes.slice()
        hashes.set(createHash('sha256').update(forged.bytes).digest(), (block % per) * 32)
        process.stderr.write(`lying-node: forwarding hash batch ${index} with a forged hash for the block at ${forged.offset}\n`)
        return { ...batch, hashes }
      }
    }
  }
}

if (mode === 'end') {
  const sendEnd = BlockSender.prototype.sendEnd
  BlockSender.prototype.sendEnd = async function (this: BlockSender, end: SignedEnd) {
    const imageSha256 = createHash('sha256').update(end.imageSha256).update('forged').digest()
    process.stderr.write('lying-node: forwarding a forged END\n')
    return await sendEnd.call(this, { ...end, imageSha256, signature: end.signature })
  }
}

if (mode === 'no-disk') {
  Target.prototype.write = async function () {}
}
