// Upstreams that lie about the data (protocol 4, invariant 1): a node writes
// and forwards only blocks that hash to what the source signed, takes only
// batches and an END the source signed, and names the upstream that sent
// anything else (onUpstreamLied), then waits for another upstream rather
// than failing. Upstreams that merely break the wire format are in
// relay-memory.test.ts.

import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { UpstreamLieError, type RingcastError } from '../../src/errors.js'
import type { Channel } from '../../src/net/channel.js'
import { BlockReceiver } from '../../src/relay/block-receiver.js'
import { BlockSender } from '../../src/relay/block-sender.js'
import { blockHash, type Payload } from '../../src/relay/hash.js'
import type { BatchSource } from '../../src/relay/hash-index.js'
import type { RelayPipeline } from '../../src/relay/relay-pipeline.js'
import { SourceSigner, type SignedEnd } from '../../src/relay/source-signature.js'
import { compressBlock, initCompression } from '../../src/relay/compression.js'
import { encodeBlockHeader } from '../../src/wire/messages.js'
import { ed25519Identity } from '../support/signed-image.js'
import {
  BLOCK, feed, handUpstream, hex, hop, newSession, only, openTarget, pipelineOf, receiverOf, rejection, relaySender,
  settledFile, sha256, sourceSender, tempDir, untouched, waitFor, type HandUpstream, type Session
} from './relay-fixtures.js'

/** `payload` as one new buffer with one bit flipped (the original, which the relay keeps, is not touched). */
function flipBit (payload: Payload, at = 1000): Uint8Array {
  const copy = new Uint8Array(Buffer.concat(payload))
  copy[at % copy.byteLength]! ^= 0x08
  return copy
}

/** What the downstream had when the liar's hop was closed, before it was given another upstream. */
interface AtLie {
  writtenThrough: number
  verifiedThrough: number
  file: Buffer
}

/**
 *   source ──> relay-a ──(lies)──> node-b        then:   source ──> node-b
 *
 * relay-a is a real node whose sending hop to node-b is built by `lyingSender`.
 * When node-b drops it, node-b is handed a new hop straight from the source.
 */
async function throughLyingRelay (s: Session, lyingSender: (channel: Channel, relay: RelayPipeline) => BlockSender): Promise<{
  atLie: AtLie
  lied: Array<[string, string]>
  /** The block each lie was about (undefined: a hash batch or END). */
  lieBlocks: Array<{ offset: number, length: number } | undefined>
  relayTold: Array<[string, string]>
  resumedAt: number
  resultDigest: Uint8Array
  fileA: Buffer
  fileB: Buffer
}> {
  const { imageSize } = s.params
  const dir = await tempDir()
  const a = await openTarget(dir, 'a.img', imageSize)
  const b = await openTarget(dir, 'b.img', imageSize)
  const sourceToA = hop('source', 'relay-a')
  const aToB = hop('relay-a', 'node-b')
  const relay = pipelineOf(a.target, s)
  const relayTold: Array<[string, string]> = []
  relay.onDownstreamFailed = (peer, err) => relayTold.push([peer, err.message])
  const node = pipelineOf(b.target, s)
  const lied: Array<[string, string]> = []
  const lieBlocks: Array<{ offset: number, length: number } | undefined> = []
  node.onUpstreamLied = (peer, lie) => { lied.push([peer, lie.message]); lieBlocks.push(lie.block) }

  let atLie: AtLie | undefined
  let honestFeed: Promise<number> | undefined
  let upstreams = 0
  const nextUpstream = async (): Promise<BlockReceiver> => {
    upstreams++
    if (upstreams === 1) return receiverOf(aToB.b, node, s)
    if (upstreams > 2) throw new Error('node-b asked for a third upstream')
    // node-b dropped the liar and waits for the coordinator's next upstream.
    // Let the writes it queued before the lie land, then look at its target.
    await waitFor(() => node.writtenThrough === node.verifiedThrough)
    await new Promise(resolve => setTimeout(resolve, 20))
    atLie = { writtenThrough: node.writtenThrough, verifiedThrough: node.verifiedThrough, file: await readFile(b.path) }
    const honest = hop('source', 'node-b')
    honestFeed = feed(s, sourceSender(honest.a, s))
    return receiverOf(honest.b, node, s)
  }

  const runB = node.run(nextUpstream)
  await relay.attachDownstream(lyingSender(aToB.a, relay))
  const [, , resultB] = await Promise.all([
    feed(s, sourceSender(sourceToA.a, s)),
    relay.run(only(receiverOf(sourceToA.b, relay, s))),
    runB
  ])
  expect(atLie, 'node-b never dropped the lying relay').toBeDefined()
  const resumedAt = await honestFeed!
  await a.target.close()
  await b.target.close()
  return { atLie: atLie!, lied, lieBlocks, relayTold, resumedAt, resultDigest: resultB.sourceDigest, fileA: await readFile(a.path), fileB: await readFile(b.path) }
}

describe('a relay that lies to its downstream', () => {
  it('flips one bit in a forwarded block: the downstream writes nothing of it, names the relay, and finishes from an honest upstream', async () => {
    const s = newSession(12 * BLOCK)
    const badOffset = 5 * BLOCK
    const r = await throughLyingRelay(s, (channel, relay) => {
      // The relay forwards cut-through (beginBlock, then pieces): it flips a
      // bit in the first piece of the bad block.
      const sender = relaySender(channel, relay, s)
      const beginBlock = sender.beginBlock.bind(sender)
      const sendPiece = sender.sendPiece.bind(sender)
      let firstPieceOf: number | undefined
      sender.beginBlock = async (offset, length) => { firstPieceOf = offset; await beginBlock(offset, length) }
      sender.sendPiece = async chunks => {
        const lie = firstPieceOf === badOffset
        firstPieceOf = undefined
        await sendPiece(lie ? [flipBit(chunks as Payload)] : chunks)
      }
      return sender
    })
    // Everything before the bad block is written; nothing of it, nor after it.
    expect(r.atLie.verifiedThrough).toBe(badOffset)
    expect(r.atLie.writtenThrough).toBe(badOffset)
    expect(r.atLie.file.equals(s.image.subarray(0, r.atLie.file.byteLength))).toBe(true)
    expect(r.atLie.file.byteLength).toBeLessThanOrEqual(badOffset)
    expect(untouched(r.atLie.file, badOffset, BLOCK)).toBe(true)
    // The relay is named, with one sentence that says where.
    expect(r.lied).toHaveLength(1)
    expect(r.lied[0]![0]).toBe('relay-a')
    expect(r.lied[0]![1]).toMatch(new RegExp(`^block at ${badOffset} does not match the source \\(sha256 [0-9a-f]{16}…, the source signed [0-9a-f]{16}…\\)$`))
    // ...and names the block as a field too (the coordinator re-reads it when the source is accused).
    expect(r.lieBlocks).toEqual([{ offset: badOffset, length: BLOCK }])
    // The relay learns why its downstream hung up.
    expect(r.relayTold).toEqual([['node-b', expect.stringContaining(`(INTEGRITY): closing this hop: block at ${badOffset} does not match the source`)]])
    // The honest upstream started where node-b stood, and node-b's copy is the image.
    expect(r.resumedAt).toBe(badOffset)
    expect(hex(r.resultDigest)).toBe(sha256(s.image))
    expect(r.fileB.equals(s.image)).toBe(true)
    // The relay's own copy was never touched by its lie.
    expect(r.fileA.equals(s.image)).toBe(true)
  })

  it.each([
    ['keeps the source\'s signature', 'keep'],
    ['signs with its own key', 'own-key']
  ] as const)('flips a bit and rewrites the hash in the batch it forwards (it %s): the batch is rejected, nothing is written', async (_name, how) => {
    const s = newSession(12 * BLOCK)
    const badBlock = 5
    const relayKey = new SourceSigner(ed25519Identity().seed, s.params)
    const r = await throughLyingRelay(s, (channel, relay) => {
      const flipped = flipBit([s.image.subarray(badBlock * BLOCK, (badBlock + 1) * BLOCK)])
      const forging: BatchSource = {
        async batch (index) {
          const real = await relay.hashes.batch(index)
          const hashes = real.hashes.slice()
          hashes.set(blockHash(flipped), badBlock * 32)
          return how === 'keep' ? { index, hashes, contents: real.contents, signature: real.signature } : relayKey.signBatch(index, hashes, real.contents)
        }
      }
      const sender = new BlockSender(channel, { ...s.params, batches: forging })
      const sendBlock = sender.sendBlock.bind(sender)
      sender.sendBlock = async (offset, payload) => { await sendBlock(offset, offset === badBlock * BLOCK ? flipped : payload) }
      return sender
    })
    expect(r.atLie.verifiedThrough).toBe(0)
    expect(r.atLie.writtenThrough).toBe(0)
    expect(r.atLie.file.byteLength).toBe(0)
    expect(r.lied).toEqual([['relay-a', 'hash batch 0 is not signed by the source']])
    expect(r.lieBlocks).toEqual([undefined])
    expect(r.resumedAt).toBe(0)
    expect(r.fileB.equals(s.image)).toBe(true)
  })
})

// ------------------------------------------------------------------ hand-written lies

/** The run's failure, which must be the receiver's UpstreamLieError, with the upstream named once. */
async function lieFrom (up: HandUpstream): Promise<RingcastError> {
  const err = await rejection(up.run())
  expect(err).toBeInstanceOf(UpstreamLieError)
  expect(err.code).toBe('INTEGRITY')
  expect(up.lied).toEqual([['hostile', err.message]])
  expect(up.pipeline.end).toBeUndefined()
  return err
}

describe('pipeline against an upstream that lies about blocks', () => {
  // Ported from protocol 3, where the lie was a hash the upstream made up: now
  // the hash is the source's and the payload is what the upstream changed.
  it('fails with INTEGRITY on a block that does not hash to the source\'s signed hash, and writes nothing from it on', async () => {
    const imageSize = 10 * BLOCK
    // Window of 8 blocks: the hostile upstream may send all 6 blocks at once legally.
    const up = await handUpstream({ imageSize, windowBytes: 8 * BLOCK })
    const corruptOffset = 3 * BLOCK
    up.batch(0)
    up.blocks(0, 3)
    up.block(corruptOffset, flipBit([up.image.subarray(corruptOffset, corruptOffset + BLOCK)], 0))
    up.blocks(4, 6)

    const err = await lieFrom(up)
    expect(err.message).toContain(`block at ${corruptOffset} does not match the source`)
    expect(up.pipeline.writtenThrough).toBeLessThanOrEqual(corruptOffset)
    expect(up.pipeline.verifiedThrough).toBe(corruptOffset)

    const file = await settledFile(up.path)
    // Blocks before the bad one may be written; nothing at or after it.
    expect(file.byteLength).toBeLessThanOrEqual(corruptOffset)
    expect(file.equals(up.image.subarray(0, file.byteLength))).toBe(true)

    // The upstream is told why, and never sees the bad block acknowledged.
    const acks = await up.acks()
    expect(acks.length).toBeGreaterThan(0)
    expect(Math.max(...acks.map(a => a.writtenThrough))).toBeLessThanOrEqual(corruptOffset)
    expect(acks.find(a => a.error !== '')).toMatchObject({ code: 'INTEGRITY', error: expect.stringMatching(/does not match the source/) })
  })
})

describe('pipeline against a forged or early END', () => {
  const other = (s: Session): SourceSigner => new SourceSigner(ed25519Identity().seed, s.params)
  it.each([
    ['a different digest, signed with another key', (s: Session): SignedEnd => other(s).signEnd(randomBytes(32))],
    ['the right digest, signed with another key', (s: Session): SignedEnd => other(s).signEnd(s.signed.imageSha256)],
    ['the right digest with a corrupted signature', (s: Session): SignedEnd => {
      const signature = s.signed.end.signature.slice()
      signature[17]! ^= 0x01
      return { imageSha256: s.signed.imageSha256, signature }
    }],
    ['another digest under the source\'s signature of the right one', (s: Session): SignedEnd => ({ imageSha256: randomBytes(32), signature: s.signed.end.signature })],
    ['the right digest, signed by the source for another session', (s: Session): SignedEnd =>
      new SourceSigner(s.signed.seed, { ...s.params, sessionId: randomBytes(16) }).signEnd(s.signed.imageSha256)]
  ])('rejects END with %s: the pipeline does not report success', async (_name, forge) => {
    const up = await handUpstream({ imageSize: 3 * BLOCK + 100 })
    up.batch(0)
    up.blocks(0, 4)
    up.end(forge(up))
    const err = await lieFrom(up)
    expect(err.message).toBe('END (the image digest) is not signed by the source')
    // Every block was good and is written; only the proof of the whole is missing.
    expect(up.pipeline.verifiedThrough).toBe(up.params.imageSize)
  })

  it('rejects the source\'s own END sent before the last block', async () => {
    const up = await handUpstream({ imageSize: 3 * BLOCK })
    up.batch(0)
    up.blocks(0, 1)
    up.end()
    const err = await lieFrom(up)
    expect(err.message).toBe(`END at ${3 * BLOCK} after ${BLOCK} bytes of a ${3 * BLOCK}-byte image`)
  })

  it('rejects an END that names another image size, after every block', async () => {
    const up = await handUpstream({ imageSize: BLOCK + BLOCK / 2 })
    up.batch(0)
    up.blocks(0, 2)
    up.end(undefined, BLOCK)
    expect((await lieFrom(up)).message).toMatch(/^END at 65536 after 98304 bytes/)
  })
})

describe('pipeline against bad hash batches', () => {
  // 4 KiB blocks: 256 per batch, so 600 blocks are 3 batches (256, 256, 88).
  const SMALL = 4096
  const opts = { imageSize: 600 * SMALL, blockSize: SMALL, windowBytes: 2 * 1_048_576 }

  it.each([
    ['batches out of order', (up: HandUpstream) => { up.batch(1) }, /^hash batch from block 256, expected 0$/],
    ['a batch sent twice', (up: HandUpstream) => { up.batch(0); up.batch(0) }, /^hash batch from block 0, expected 256$/],
    ['a batch longer than a HASHES frame may be', (up: HandUpstream) => { up.batch(0, { hashes: randomBytes(300 * 32) }) }, /exceeds the limit/]
  ])('fails with PROTOCOL on %s, and writes nothing', async (_name, misbehave, message) => {
    const up = await handUpstream(opts)
    misbehave(up)
    const err = await rejection(up.run())
    expect(err.code).toBe('PROTOCOL')
    expect(err.message).toMatch(message)
    expect(up.lied).toEqual([])
    expect(up.pipeline.hashes.held).toBeLessThanOrEqual(1)
    expect(up.pipeline.writtenThrough).toBe(0)
  })

  it.each([
    ['a batch one hash short', (up: HandUpstream) => { up.batch(0, { hashes: up.signed.batchList[0]!.hashes.subarray(32) }) },
      'hash batch 0 holds 8160 bytes, expected 8192', 0],
    ['a short last batch with one hash too many', (up: HandUpstream) => {
      up.batch(0); up.batch(1)
      up.batch(2, { hashes: Buffer.concat([up.signed.batchList[2]!.hashes, randomBytes(32)]) })
    }, 'hash batch 2 holds 2848 bytes, expected 2816', 2],
    ['a block before any batch', (up: HandUpstream) => { up.block(0) },
      'block at 0 came before the source\'s hash for it', 0],
    ['a block of the second batch before that batch', (up: HandUpstream) => { up.batch(0); up.blocks(0, 257) },
      `block at ${256 * SMALL} came before the source's hash for it`, 1],
    ['a batch past the image end (even one the source signed)', (up: HandUpstream) => {
      up.batch(0); up.batch(1); up.batch(2)
      const stray = up.signed.signer.signBatch(3, randomBytes(32), new Uint8Array(1))
      up.batch(3, { firstBlock: 768, hashes: stray.hashes, signature: stray.signature })
    }, 'hash batch 3 lies past the image end', 3],
    ['a batch whose hashes the source did not sign', (up: HandUpstream) => {
      const hashes = up.signed.batchList[0]!.hashes.slice()
      hashes[40]! ^= 0x01
      up.batch(0, { hashes })
    }, 'hash batch 0 is not signed by the source', 0],
    ['the source\'s batch 0 replayed as batch 1', (up: HandUpstream) => {
      up.batch(0)
      up.batch(1, { hashes: up.signed.batchList[0]!.hashes, signature: up.signed.batchList[0]!.signature })
    }, 'hash batch 1 is not signed by the source', 1]
  ])('fails with INTEGRITY on %s', async (_name, misbehave, message, batchesKept) => {
    const up = await handUpstream(opts)
    misbehave(up)
    const err = await lieFrom(up)
    expect(err.message).toBe(message)
    // Only batches that were the source's are kept, and no block without one is written.
    expect(up.pipeline.hashes.held).toBe(batchesKept)
    expect(up.pipeline.verifiedThrough).toBeLessThanOrEqual(batchesKept * 256 * SMALL)
    expect(untouched(await settledFile(up.path), up.pipeline.verifiedThrough, opts.imageSize)).toBe(true)
  })
})

describe('pipeline against lying skips (protocol 5)', () => {
  // 4 KiB blocks, 256 per batch: 600 blocks in 3 batches. Zero runs at
  // blocks 10-19, 250-260 (across the first batch boundary) and 300-309.
  const SMALL = 4096
  const BLOCKS = 600
  const zeroRuns: Array<[number, number]> = [[10, 20], [250, 261], [300, 310]]
  function sparse (): Uint8Array {
    const image = randomBytes(BLOCKS * SMALL)
    for (const [from, to] of zeroRuns) image.fill(0, from * SMALL, to * SMALL)
    return image
  }
  // A window that holds the whole image: a hand upstream sends without waiting for credit.
  const opts = (): Parameters<typeof handUpstream>[0] => ({ imageSize: BLOCKS * SMALL, blockSize: SMALL, windowBytes: 4 * 1_048_576, image: sparse(), skipZeros: true })

  // (Zeros written over old data: skip-session.test.ts and used-blocks.test.ts; here the target is a new file.)
  it('an honest upstream: SKIPs over exactly the blocks the source marked zero, and the target reads zeros there', async () => {
    const up = await handUpstream(opts())
    up.batch(0); up.blocks(0, 10); up.skip(10 * SMALL, 10 * SMALL); up.blocks(20, 250); up.skip(250 * SMALL, 6 * SMALL)
    up.batch(1); up.skip(256 * SMALL, 5 * SMALL); up.blocks(261, 300); up.skip(300 * SMALL, 10 * SMALL); up.blocks(310, 512)
    up.batch(2); up.blocks(512, 600); up.end()
    await up.run()
    expect(up.lied).toEqual([])
    expect(up.pipeline.bytesReceived).toBe((BLOCKS - 31) * SMALL)
    expect(Buffer.from(await settledFile(up.path)).equals(Buffer.from(up.image))).toBe(true)
  })

  it.each([
    ['a SKIP over a block the source sends as data', (up: HandUpstream) => { up.batch(0); up.blocks(0, 9); up.skip(9 * SMALL, 11 * SMALL) },
      `skip over the block at ${9 * SMALL}, which the source sends as data`],
    ['a BLOCK for a block the source marked zero', (up: HandUpstream) => { up.batch(0); up.blocks(0, 11) },
      `block at ${10 * SMALL} came with a payload, but the source marked it as not sent (zero or free)`],
    ['a SKIP before the batch that says what it skips', (up: HandUpstream) => { up.skip(0, SMALL) },
      'skip at 0 came before the source\'s hashes for it']
  ])('fails with INTEGRITY on %s, naming the upstream, and writes nothing past it', async (_name, misbehave, message) => {
    const up = await handUpstream(opts())
    misbehave(up)
    const err = await lieFrom(up)
    expect(err.message).toBe(message)
    expect(up.pipeline.verifiedThrough).toBeLessThanOrEqual(10 * SMALL)
  })

  it.each([
    ['a SKIP across a hash batch boundary', (up: HandUpstream) => { up.batch(0); up.batch(1); up.blocks(0, 10); up.skip(10 * SMALL, 10 * SMALL); up.blocks(20, 250); up.skip(250 * SMALL, 11 * SMALL) }, /crosses a hash batch boundary/],
    ['a SKIP of part of a block', (up: HandUpstream) => { up.batch(0); up.blocks(0, 10); up.skip(10 * SMALL, 100) }, /is not a run of whole blocks/],
    ['a SKIP that is not where the stream stands', (up: HandUpstream) => { up.batch(0); up.blocks(0, 5); up.skip(10 * SMALL, SMALL) }, /^skip at 40960, expected 20480$/],
    ['an empty SKIP', (up: HandUpstream) => { up.batch(0); up.blocks(0, 10); up.skip(10 * SMALL, 0) }, /is not a run of whole blocks/]
  ])('fails with PROTOCOL on %s', async (_name, misbehave, message) => {
    const up = await handUpstream(opts())
    misbehave(up)
    const err = await rejection(up.run())
    expect(err.code).toBe('PROTOCOL')
    expect(err.message).toMatch(message)
  })
})

describe('pipeline against lying compressed blocks', () => {
  const SMALL = 4096
  const BLOCKS = 20
  const text = (): Uint8Array => Buffer.from('compressible ringcast block text '.repeat(BLOCKS * SMALL / 33 + 1)).subarray(0, BLOCKS * SMALL)
  const opts = (): Parameters<typeof handUpstream>[0] => ({ imageSize: BLOCKS * SMALL, blockSize: SMALL, windowBytes: 1_048_576, image: text() })
  /** A BLOCK frame whose payload is `frame`, declared as compressed. */
  const compressed = (up: HandUpstream, offset: number, frame: Uint8Array, length = SMALL): void => {
    up.send(encodeBlockHeader({ kind: 'block', sessionId: up.params.sessionId, offset, length, hash: new Uint8Array(), compressedLength: frame.byteLength }))
    up.send(frame)
  }

  it('an honest upstream\'s compressed blocks are written as their content', async () => {
    await initCompression()
    const up = await handUpstream(opts())
    up.batch(0)
    for (let i = 0; i < BLOCKS; i++) compressed(up, i * SMALL, compressBlock(up.image.subarray(i * SMALL, (i + 1) * SMALL), 3)!)
    up.end()
    await up.run()
    expect(up.pipeline.bytesReceived).toBeLessThan(BLOCKS * SMALL / 4)
    expect(Buffer.from(await settledFile(up.path)).equals(Buffer.from(up.image))).toBe(true)
  })

  it.each([
    ['a frame of other content', (up: HandUpstream) => { compressed(up, SMALL, compressBlock(Buffer.alloc(SMALL, 7), 3)!) }, /^block at 4096 does not match the source/],
    ['a frame that declares another length', (up: HandUpstream) => { compressed(up, SMALL, compressBlock(Buffer.alloc(2 * SMALL, 7), 3)!) }, /^block at 4096 came as a zstd frame of 8192 bytes of content for a 4096-byte block$/],
    ['bytes that are not a zstd frame', (up: HandUpstream) => { compressed(up, SMALL, randomBytes(100)) }, /^block at 4096 came as a compressed payload that is not a zstd frame$/]
  ])('fails with INTEGRITY on %s, naming the upstream', async (_name, misbehave, message) => {
    await initCompression()
    const up = await handUpstream(opts())
    up.batch(0)
    up.blocks(0, 1)
    misbehave(up)
    const err = await lieFrom(up)
    expect(err.message).toMatch(message)
    expect(up.pipeline.verifiedThrough).toBe(SMALL)
  })

  it('fails with PROTOCOL on a compressed payload longer than its block', async () => {
    const up = await handUpstream(opts())
    up.batch(0)
    compressed(up, 0, randomBytes(SMALL + 1))
    const err = await rejection(up.run())
    expect(err.code).toBe('PROTOCOL')
    expect(err.message).toMatch(/comes as a 4097-byte compressed payload, more than its 4096 bytes/)
  })
})
