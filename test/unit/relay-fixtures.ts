// Shared by the relay's unit tests (relay-memory, upstream-lies,
// relay-memory-bound): an in-memory channel pair, file targets in a temp
// dir, and a signed session (test/support/signed-image.ts) with the
// senders, receivers and pipelines wired the way the agent and the
// coordinator wire them. Not a test file itself (no .test.ts).

import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, onTestFinished } from 'vitest'
import { RingcastError } from '../../src/errors.js'
import type { ImageSource } from '../../src/image/image-file.js'
import type { Channel } from '../../src/net/channel.js'
import { BlockReceiver } from '../../src/relay/block-receiver.js'
import { BlockSender } from '../../src/relay/block-sender.js'
import { BlockReader, streamImage } from '../../src/relay/image-streamer.js'
import { RelayPipeline, type PipelineOptions, type PipelineResult } from '../../src/relay/relay-pipeline.js'
import { batchBlocks, type SignedEnd } from '../../src/relay/source-signature.js'
import { inspectTarget, Target } from '../../src/storage/target.js'
import { ByteReader } from '../../src/wire/framing.js'
import { decodeAck, encodeBlockHeader, type Ack } from '../../src/wire/messages.js'
import { MAX_ACK_FRAME_BYTES } from '../../src/wire/protocol.js'
import type { SessionParams } from '../../src/wire/session-params.js'
import { signImage, type SignedImage } from '../support/signed-image.js'

export const BLOCK = 65_536
export const WINDOW = 4 * BLOCK

// ------------------------------------------------------------------ in-memory channel pair

/** Most bytes a coalescing hop delivers in one chunk: about one noise message (65 535 bytes less its tag). */
export const STREAM_CHUNK_BYTES = 65_519

/**
 *   a.send(x) ──copy──> b.reader        a.closeWrite() ends b.reader
 *   b.send(y) ──copy──> a.reader        abort(err) ends both readers with err
 *
 * With `coalesce`, what one side sends in one turn of the event loop
 * arrives in Buffers of up to STREAM_CHUNK_BYTES, as a libp2p stream over
 * noise delivers it: frames share chunks with the payloads around them,
 * and whatever keeps a view into one keeps the whole chunk.
 */
export function channelPair (aPeer = 'upstream', bPeer = 'downstream', options: { coalesce?: boolean } = {}): { a: Channel, b: Channel, abort: (err: Error) => void } {
  const readers = [new ByteReader(), new ByteReader()] as const
  const writeClosed = [false, false]
  let isClosed = false
  let resolveClosed!: () => void
  const closed = new Promise<void>(resolve => { resolveClosed = resolve })
  const close = (): void => {
    if (isClosed) return
    isClosed = true
    resolveClosed()
  }
  const abort = (err: Error): void => {
    if (isClosed) return
    readers[0].end(err)
    readers[1].end(err)
    close()
  }
  const pending: [Uint8Array[], Uint8Array[]] = [[], []]
  const deliver = (i: 0 | 1): void => {
    const all = Buffer.concat(pending[i])
    pending[i] = []
    // Each chunk its own Buffer (Buffer.from copies), as each decrypted noise message is.
    for (let at = 0; at < all.byteLength; at += STREAM_CHUNK_BYTES) readers[i === 0 ? 1 : 0].push(Buffer.from(all.subarray(at, at + STREAM_CHUNK_BYTES)))
  }
  const end = (i: 0 | 1, remotePeer: string): Channel => {
    const other = readers[i === 0 ? 1 : 0]
    // What channelFromStream does: a peer that overflows the reader is cut off.
    readers[i].onOverflow = err => { abort(err) }
    return {
      remotePeer,
      remoteAddr: `/memory/${remotePeer}`,
      reader: readers[i],
      async send (bytes) {
        if (isClosed || writeClosed[i]!) throw new Error('channel is closed')
        if (options.coalesce !== true) { other.push(bytes.slice()); return }
        if (pending[i].push(bytes.slice()) === 1) setImmediate(() => { deliver(i) })
      },
      async closeWrite () {
        if (writeClosed[i]!) return
        writeClosed[i] = true
        deliver(i)
        other.end()
        if (writeClosed[0]! && writeClosed[1]!) close()
      },
      abort,
      closed,
      get isClosed () { return isClosed }
    }
  }
  return { a: end(0, bPeer), b: end(1, aPeer), abort }
}

/** A pair that is aborted when the test ends, so no reader waits forever. */
export function hop (aPeer?: string, bPeer?: string, options?: { coalesce?: boolean }): ReturnType<typeof channelPair> {
  const pair = channelPair(aPeer, bPeer, options)
  onTestFinished(() => { pair.abort(new Error('test finished')) })
  return pair
}

// ------------------------------------------------------------------ images and targets

export function memoryImage (bytes: Uint8Array): ImageSource {
  return {
    path: '/memory/image.img',
    name: 'image.img',
    size: bytes.byteLength,
    async read (offset, length) {
      expect(offset + length).toBeLessThanOrEqual(bytes.byteLength)
      return bytes.slice(offset, offset + length)
    },
    async close () {}
  }
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

export async function tempDir (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ringcast-relay-'))
  onTestFinished(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

/** A fresh target file, opened for an image of `imageSize` bytes; closed after the test. */
export async function openTarget (dir: string, name: string, imageSize: number): Promise<{ path: string, target: Target }> {
  const path = join(dir, name)
  const info = await inspectTarget(path, { create: true })
  const target = await Target.open(info, imageSize)
  onTestFinished(async () => { await target.close() })
  return { path, target }
}

/** Give writes already queued time to land, then read the file (without closing the target). */
export async function settledFile (path: string): Promise<Buffer> {
  await new Promise(resolve => setTimeout(resolve, 100))
  return await readFile(path)
}

/** True when `file` holds nothing but zeros (or nothing at all) in [offset, offset + length). */
export function untouched (file: Uint8Array, offset: number, length: number): boolean {
  return file.subarray(offset, offset + length).every(b => b === 0)
}

// ------------------------------------------------------------------ a signed session

/** One image, its session parameters, and what the source signed for it. */
export interface Session {
  image: Uint8Array
  params: SessionParams
  signed: SignedImage
}

/** `skipZeros`: the source marks all-zero blocks ZERO (they travel as SKIPs). */
export function newSession (imageSize: number, opts: { blockSize?: number, windowBytes?: number, image?: Uint8Array, skipZeros?: boolean } = {}): Session {
  const image = opts.image ?? randomBytes(imageSize)
  const params: SessionParams = { sessionId: randomBytes(16), imageSize, blockSize: opts.blockSize ?? BLOCK, windowBytes: opts.windowBytes ?? WINDOW }
  return { image, params, signed: signImage(image, params, undefined, { skipZeros: opts.skipZeros }) }
}

/** The receiving end of a hop into `pipeline`, checking against the source's key, as the agent builds it. */
export function receiverOf (channel: Channel, pipeline: RelayPipeline, s: Session): BlockReceiver {
  return new BlockReceiver(channel, { ...s.params, verifier: s.signed.verifier, hashes: pipeline.hashes })
}

/** The source's sending end of a hop (batches from the source's manifest). */
export function sourceSender (channel: Channel, s: Session): BlockSender {
  return new BlockSender(channel, { ...s.params, batches: s.signed.batches })
}

/** A node's sending end of a hop: it forwards the batches it holds. */
export function relaySender (channel: Channel, from: RelayPipeline, s: Session): BlockSender {
  return new BlockSender(channel, { ...s.params, batches: from.hashes })
}

export function pipelineOf (target: Target, s: Session, options?: PipelineOptions): RelayPipeline {
  return new RelayPipeline(target, s.params, options)
}

/** The source feeding `sender` the image (from wherever the downstream asks). */
export async function feed (s: Session, sender: BlockSender, image: ImageSource = memoryImage(s.image)): Promise<number> {
  return await streamImage(new BlockReader(image, s.params.blockSize, s.params.windowBytes), sender, s.params.imageSize, s.signed.manifest)
}

// ------------------------------------------------------------------ observing a hop

/** Record the most bytes a reader ever held unread. */
export function sampleBuffered (reader: ByteReader): { max: number } {
  const seen = { max: 0 }
  const push = reader.push.bind(reader)
  reader.push = chunk => {
    push(chunk)
    seen.max = Math.max(seen.max, reader.bufferedBytes)
  }
  return seen
}

/** Wrap sender.sendBlock to record unacknowledged bytes right after every send. */
export function sampleInflight (sender: BlockSender): number[] {
  const samples: number[] = []
  const sendBlock = sender.sendBlock.bind(sender)
  sender.sendBlock = async (offset, payload) => {
    await sendBlock(offset, payload)
    samples.push(sender.sentThrough - sender.ackedThrough)
  }
  return samples
}

/** Keep every error `receiver` throws (from hello and next), in order. */
export function recordFailures (receiver: BlockReceiver): Error[] {
  const failures: Error[] = []
  const hello = receiver.hello.bind(receiver)
  const next = receiver.next.bind(receiver)
  receiver.hello = async from => { try { await hello(from) } catch (err) { failures.push(err as Error); throw err } }
  receiver.next = async () => { try { return await next() } catch (err) { failures.push(err as Error); throw err } }
  return failures
}

/**
 * Exactly one upstream. A pipeline that loses it asks for another; this
 * one then throws the error that cut the first off (as `receiver` threw
 * it, code and class intact), so tests can assert what the pipeline
 * objected to.
 */
export function only (receiver: BlockReceiver): () => Promise<BlockReceiver> {
  const failures = recordFailures(receiver)
  let given = false
  return async () => {
    if (given) throw failures[0] ?? new RingcastError('PEER_GONE', 'the only upstream was lost')
    given = true
    return receiver
  }
}

export async function rejection (p: Promise<unknown>): Promise<RingcastError> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(RingcastError)
    return err as RingcastError
  }
  throw new Error('expected the pipeline to fail, but it finished')
}

export async function waitFor (cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise(resolve => setTimeout(resolve, 2))
}

// ------------------------------------------------------------------ a hand-driven upstream

/** A HASHES frame as a sender puts it on the wire (by default every block DATA). */
export function hashesFrame (sessionId: Uint8Array, firstBlock: number, hashes: Uint8Array, signature: Uint8Array, contents = new Uint8Array(Math.floor(hashes.byteLength / 32))): Uint8Array {
  return encodeBlockHeader({ kind: 'hashes', sessionId, offset: 0, length: 0, hash: new Uint8Array(), firstBlock, hashes, contents, signature })
}

/** An END frame as a sender puts it on the wire. */
export function endFrame (sessionId: Uint8Array, imageSize: number, end: SignedEnd): Uint8Array {
  return encodeBlockHeader({ kind: 'end', sessionId, offset: imageSize, length: 0, hash: end.imageSha256, signature: end.signature, digest: end.digestKind })
}

export interface HandUpstream extends Session {
  /** Put raw bytes on the wire. */
  send: (bytes: Uint8Array) => void
  /** Send the source's signed batch `index` as it is (firstBlock, hashes and signature overridable). */
  batch: (index: number, forged?: { firstBlock?: number, hashes?: Uint8Array, signature?: Uint8Array }) => void
  /** Send a SKIP frame over `length` bytes at `offset`. */
  skip: (offset: number, length: number) => void
  /** Send a BLOCK frame at `offset` and its payload (by default the image's bytes there). */
  block: (offset: number, payload?: Uint8Array, sessionId?: Uint8Array) => void
  /** Send every block in [from, to) (block indices), honestly. */
  blocks: (from: number, to: number) => void
  /** Send END (by default the source's signed one). */
  end: (end?: SignedEnd, offset?: number) => void
  receiver: BlockReceiver
  pipeline: RelayPipeline
  path: string
  target: Target
  /** Every upstream the pipeline named a liar, with the sentence. */
  lied: Array<[peer: string, lie: string]>
  /** Every ack the node sent back, up to its closing the stream. */
  acks: () => Promise<Ack[]>
  /** Run the pipeline with this upstream only (see `only`). */
  run: () => Promise<PipelineResult>
}

/** An upstream that writes frames itself, so it can break every rule. HELLO is sent; nothing else is. */
export async function handUpstream (opts: { imageSize: number, windowBytes?: number, blockSize?: number, peer?: string, image?: Uint8Array, skipZeros?: boolean }): Promise<HandUpstream> {
  const s = newSession(opts.imageSize, opts)
  const { sessionId, imageSize, blockSize } = s.params
  const dir = await tempDir()
  const { path, target } = await openTarget(dir, 'target.img', imageSize)
  const { a, b } = hop(opts.peer ?? 'hostile', 'node')
  const send = (bytes: Uint8Array): void => { void a.send(bytes) }
  const batch: HandUpstream['batch'] = (index, forged = {}) => {
    const real = s.signed.batchList[index]
    const hashes = forged.hashes ?? real!.hashes
    send(hashesFrame(sessionId, forged.firstBlock ?? index * batchBlocks(blockSize), hashes, forged.signature ?? real!.signature,
      forged.hashes === undefined ? real!.contents : undefined))
  }
  const skip: HandUpstream['skip'] = (offset, length) => { send(encodeBlockHeader({ kind: 'skip', sessionId, offset, length, hash: new Uint8Array() })) }
  const block: HandUpstream['block'] = (offset, payload = s.image.subarray(offset, Math.min(offset + blockSize, imageSize)), session = sessionId) => {
    send(encodeBlockHeader({ kind: 'block', sessionId: session, offset, length: payload.byteLength, hash: new Uint8Array() }))
    if (payload.byteLength > 0) send(payload)
  }
  const blocks: HandUpstream['blocks'] = (from, to) => { for (let i = from; i < to; i++) block(i * blockSize) }
  const end: HandUpstream['end'] = (signedEnd = s.signed.end, offset = imageSize) => { send(endFrame(sessionId, offset, signedEnd)) }
  send(encodeBlockHeader({ kind: 'hello', sessionId, offset: 0, length: 0, hash: new Uint8Array() }))
  const pipeline = pipelineOf(target, s)
  const receiver = receiverOf(b, pipeline, s)
  const lied: Array<[string, string]> = []
  pipeline.onUpstreamLied = (peer, lie) => lied.push([peer, lie.message])
  const upstreams = only(receiver)
  const run = async (): Promise<PipelineResult> => await pipeline.run(upstreams)
  const acks = async (): Promise<Ack[]> => {
    const out: Ack[] = []
    try {
      for (let f = await a.reader.readFrame(MAX_ACK_FRAME_BYTES); f !== null; f = await a.reader.readFrame(MAX_ACK_FRAME_BYTES)) out.push(decodeAck(f))
    } catch {}
    return out
  }
  return { ...s, send, batch, skip, block, blocks, end, receiver, pipeline, path, target, lied, acks, run }
}
