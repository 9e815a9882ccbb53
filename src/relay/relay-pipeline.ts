// A node's pipeline for one image:
//
//   upstream --> [receive] --> [verify against the --+--> [write to target] --> ack upstream
//                 (frames,      source's signed hash;  |     (in order, libuv pool)
//                  no copy)     ~0.65 ms per MiB)      +--> [replay buffer] --> [forward to each downstream]
//                                                           (newest R bytes)     (credit-bounded; 1 in a
//                                                                                 chain, up to K in a tree)
//
// One loop reads a block, verifies it (BlockReceiver: against the hash the
// source signed, never one its upstream made up), queues its write and
// forwards it; writes complete in order behind it. A block is acknowledged
// upstream only once verified and written, so the upstream's credit window
// bounds everything this node holds in memory. There is no second,
// whole-image SHA-256 pass: every block matching the source's signed hash,
// and the source's signed END, is the proof (the coordinator then asks for
// read-back proof, and join --verify-readback re-reads the whole target).
//
// The upstream may change mid-image (the coordinator re-wires around a dead
// node): a lost upstream is closed, and the next one starts where we stand.
// Downstreams may change too: a new one starts where *it* stands, and is
// caught up from the replay buffer or the target (see Forwarder).

import { systemClock, type Clock } from '../clock.js'
import { REWIRE_DEFAULTS } from '../topology/rewire.js'
import { RingcastError, UpstreamLieError, isRingcastError } from '../errors.js'
import type { ImageTarget } from '../storage/target.js'
import type { SessionParams } from '../wire/session-params.js'
import type { BlockReceiver, Received } from './block-receiver.js'
import type { BlockSender } from './block-sender.js'
import { Forwarder, type BlockStore, type LiveBlock } from './forwarder.js'
import type { RateLimiter } from './rate-limiter.js'
import { blockHash, sameBytes, type Payload } from './hash.js'
import { HashIndex } from './hash-index.js'
import { slabs } from '../net/slabs.js'
import { ReplayBuffer, type KnownBlock, type ReplayBlock } from './replay-buffer.js'
import { blocksInBatch, batchBlocks, type HashBatch, type SignedEnd } from './source-signature.js'
import { CONTENT_DATA, CONTENT_ZERO } from '../wire/protocol.js'

const NO_HASH = new Uint8Array()
const endOfBlock = (b: KnownBlock): number => b.offset + b.length

export interface PipelineResult {
  /** The source's image digest, as its signed END vouched for it. */
  sourceDigest: Uint8Array
  /** That END. */
  end: SignedEnd
  /** Milliseconds from the first block to the fsync completing. */
  elapsedMs: number
}

export interface PipelineOptions {
  /** Newest verified bytes kept in memory for a downstream that falls behind. */
  replayBytes: number
  /** Told of every block written (the resume journal). */
  onWritten?: (block: KnownBlock) => void
  /** Caps the rate of writes to the target (join --max-write-rate). */
  writeLimiter?: RateLimiter
  /** A live downstream withholding credit this long is served in the background (default: the re-wire policy's). */
  demoteAfterMs?: number
  clock?: Clock
}

/** What a resumed node already has: verified blocks from 0 (checked against its journal's hashes). */
export interface ResumeState {
  blocks: KnownBlock[]
}

export class RelayPipeline implements BlockStore {
  writtenThrough = 0
  /** Every block below this offset is verified (it may still be being written). */
  verifiedThrough = 0
  bytesReceived = 0
  /** Most payload bytes ever received but not yet written (bounded by the window). */
  peakInflightBytes = 0
  /** Where this node started (more than 0 after a resume). */
  resumedFrom = 0
  /** The source's signed END, once it arrived. */
  end: SignedEnd | undefined
  /** The source's signed block hashes this node holds (and forwards). */
  readonly hashes: HashIndex
  /** The downstreams in force, by peer id (one in a chain, up to K in a tree). */
  readonly forwarders = new Map<string, Forwarder>()
  /** Called when a downstream fails by itself (not when it is replaced or dropped). */
  onDownstreamFailed?: (peer: string, err: Error) => void
  /** Called when a live downstream gave no credit for too long and is served in the background from then on. */
  onDownstreamDemoted?: (peer: string) => void
  /** Called when a downstream's hop was closed mid-block by us (see Forwarder.poisoned): it wants a new stream from this node. */
  onDownstreamPoisoned?: (peer: string) => void
  /** Called when the upstream sent data that does not match the source (its hop is closed; nothing of it was written). */
  onUpstreamLied?: (peer: string, lie: UpstreamLieError) => void

  /** Payload received and verified, not yet written (the straggler test's backlog). */
  unwrittenBytes = 0
  private writes = Promise.resolve()
  private writeFailure?: Error
  private readonly replay: ReplayBuffer
  /** A resumed node's journal hashes, until the source's batches for them arrived and matched. */
  private resumedBlocks?: KnownBlock[]
  private waiters: Array<() => void> = []
  private readonly clock: Clock
  readonly demoteAfterMs: number

  readonly imageSize: number

  constructor (
    private readonly target: ImageTarget,
    private readonly params: SessionParams,
    private readonly options: PipelineOptions = { replayBytes: 0 }
  ) {
    this.imageSize = params.imageSize
    this.hashes = new HashIndex(params)
    this.replay = new ReplayBuffer(options.replayBytes)
    this.clock = options.clock ?? systemClock
    this.demoteAfterMs = options.demoteAfterMs ?? REWIRE_DEFAULTS.demoteAfterMs
  }

  /** Start from what a previous run of this node verified (call before run). */
  resume (state: ResumeState): void {
    let through = 0
    for (const b of state.blocks) {
      if (b.offset !== through || b.offset % this.params.blockSize !== 0) throw new RingcastError('INTERNAL', `resume state has a gap or a misaligned block at ${through}`)
      through = b.offset + b.length
    }
    this.resumedBlocks = state.blocks
    this.resumedCursor = 0
    this.writtenThrough = this.verifiedThrough = this.resumedFrom = through
  }

  /**
   * Receive the image from a succession of upstreams. `nextUpstream` yields
   * the next accepted upstream; when one is lost (closed, reset, or broke the
   * protocol) the pipeline takes the next and resumes where it stands: the
   * HELLO answer tells the new upstream to start at `writtenThrough`.
   */
  async run (nextUpstream: () => Promise<BlockReceiver>): Promise<PipelineResult> {
    let startedAt: number | undefined
    let upstream: BlockReceiver | undefined
    try {
      while (this.end === undefined) {
        upstream = await nextUpstream()
        // Settle queued writes first, so what we ask for is exactly what we lack.
        await this.writes
        if (this.writeFailure !== undefined) throw this.writeFailure
        try {
          await upstream.hello(this.writtenThrough)
        } catch (err) {
          this.upstreamLost(upstream, err)
          continue
        }
        while (true) {
          let item: Received
          let live = new Map<Forwarder, LiveBlock>()
          try {
            item = await upstream.next(async (offset, length, compressedLength) => {
              live = this.beginLive(offset, length, compressedLength)
              return live.size === 0 ? undefined : piece => { for (const l of live.values()) l.piece(piece) }
            })
          } catch (err) {
            // Downstreams already have part of this block: it must never reach them whole.
            for (const l of live.values()) l.poison(`the block being forwarded did not arrive here whole and verified (${(err as Error).message})`)
            // A failed write interrupts the read (see queueWrite): that is fatal, not a lost upstream.
            if (this.writeFailure !== undefined) throw this.writeFailure
            this.upstreamLost(upstream, err)
            break
          }
          if (item.kind === 'end') { this.end = item.end; break }
          if (item.kind === 'hashes') { this.checkResumed(item.batch); continue }
          startedAt ??= this.clock.now()
          if (item.kind === 'skip') {
            this.verifiedThrough = item.offset + item.length
            this.notify()
            this.queueSkip(item.offset, item.length, upstream)
            await this.forwardSkip(item.offset, item.length)
            continue
          }
          // What crossed the wire: the block, or its compressed frame.
          this.bytesReceived += item.compressedLength > 0 ? item.compressedLength : item.length
          this.unwrittenBytes += item.length
          this.peakInflightBytes = Math.max(this.peakInflightBytes, this.unwrittenBytes)
          if (this.writeFailure !== undefined) throw this.writeFailure
          // Kept and forwarded as it came (compressed or not); written as its content.
          const block: ReplayBlock = { offset: item.offset, length: item.length, payload: item.payload, compressedLength: item.compressedLength }
          try {
            this.replay.add(block)
            this.verifiedThrough = item.offset + item.length
            this.notify()
            this.queueWrite({ offset: item.offset, length: item.length, payload: item.content }, upstream)
            await this.finishLive(block, item.held, live)
          } finally {
            // The replay buffer, the write and the forwarders hold it now (slabs.ts).
            slabs.release(item.payload)
          }
        }
      }
      await this.writes
      if (this.writeFailure !== undefined) throw this.writeFailure
    } catch (err) {
      // Let queued writes settle, so nothing lands on the target after we
      // report failure and the caller closes it.
      await this.writes
      await upstream?.refuse(`node failed: ${(err as Error).message}`, isRingcastError(err) ? err.code : 'INTERNAL')
      throw err
    }
    this.notify()
    // END goes on before our own fsync: the downstream's copy does not depend
    // on our disk, and waiting would add every node's final fsync, one after
    // another, to the time the tail of the chain finishes.
    for (const f of this.forwarders.values()) f.end()
    await this.target.finish(this.imageSize)
    return { sourceDigest: this.end.imageSha256, end: this.end, elapsedMs: this.clock.now() - (startedAt ?? this.clock.now()) }
  }

  /**
   * A resumed node trusted its journal for its prefix; once the source's
   * signed hashes for those blocks arrive, they must agree, or the prefix
   * is not this session's image.
   */
  private checkResumed (batch: HashBatch): void {
    const blocks = this.resumedBlocks
    if (blocks === undefined) return
    const { blockSize } = this.params
    const per = batchBlocks(blockSize)
    for (let i = 0; i < blocksInBatch(this.params, batch.index); i++) {
      const offset = (batch.index * per + i) * blockSize
      // Records come in order, each a block or a run of blocks.
      while (blocks[this.resumedCursor] !== undefined && endOfBlock(blocks[this.resumedCursor]!) <= offset) this.resumedCursor++
      const b = blocks[this.resumedCursor]
      if (b === undefined) { this.resumedBlocks = undefined; return }
      const signed = batch.contents[i]!
      const recorded = b.content ?? CONTENT_DATA
      if (signed !== recorded || (recorded === CONTENT_DATA && !sameBytes(b.hash, batch.hashes.subarray(i * 32, i * 32 + 32)))) {
        throw new RingcastError('INTEGRITY', `the block at ${offset} this node resumed with does not match what the source signed for it; remove the resume journal and start over`)
      }
    }
  }

  /** Where the resumed records stand in checkResumed. */
  private resumedCursor = 0

  /** Called for every upstream lost before END (the node goes on with the next). */
  onUpstreamLost?: (reason: string, at: number) => void

  private upstreamLost (upstream: BlockReceiver, err: unknown): void {
    const reason = (err as Error).message
    if (err instanceof UpstreamLieError) this.onUpstreamLied?.(upstream.channel.remotePeer, err)
    void upstream.refuse(`closing this hop: ${reason}`, isRingcastError(err) ? err.code : 'PEER_GONE')
    this.onUpstreamLost?.(reason, this.writtenThrough)
  }

  /**
   * Cut-through: every live downstream starts receiving a block as soon as
   * its header is checked here, while its payload still arrives. Downstreams
   * that are catching up do not take part (their pump sends whole, verified
   * blocks from the replay buffer).
   */
  private beginLive (offset: number, length: number, compressedLength: number): Map<Forwarder, LiveBlock> {
    const live = new Map<Forwarder, LiveBlock>()
    for (const f of this.forwarders.values()) {
      const block = f.begin(offset, length, false, compressedLength)
      if (block !== undefined) live.set(f, block)
    }
    return live
  }

  /**
   * The block verified: its last piece goes to the downstreams that have the
   * rest, and one that went live while it arrived gets it whole. The loop
   * takes the next block when every live downstream has this one (or was
   * demoted for withholding credit), so the slowest live downstream paces
   * the node (and, through our acks, the upstream).
   */
  private async finishLive (block: ReplayBlock, held: Payload, live: Map<Forwarder, LiveBlock>): Promise<void> {
    const waits: Array<Promise<void>> = []
    for (const f of this.forwarders.values()) {
      const begun = live.get(f)
      if (begun !== undefined) {
        begun.piece(held)
        waits.push(begun.finish())
      } else {
        waits.push(f.offer(block))
      }
    }
    if (waits.length === 1) await waits[0]
    else if (waits.length > 1) await Promise.all(waits)
  }

  /**
   * Forward to `sender`'s peer from now on, beside any other downstreams; a
   * forwarder already in force for that peer is replaced. The HELLO answer
   * says where it stands; it is caught up in the background. A `background`
   * downstream (a straggler) is served at its own pace and never paces us.
   */
  async attachDownstream (sender: BlockSender, background = false): Promise<Forwarder> {
    const forwarder = new Forwarder(sender, this, background, this.demoteAfterMs, this.clock)
    forwarder.onDemoted = () => this.onDownstreamDemoted?.(forwarder.peer)
    await forwarder.start()
    this.forwarders.get(forwarder.peer)?.close('replaced by another stream to the same downstream')
    this.forwarders.set(forwarder.peer, forwarder)
    forwarder.complete().catch(err => {
      if (this.forwarders.get(forwarder.peer) !== forwarder) return
      if (forwarder.poisoned) this.onDownstreamPoisoned?.(forwarder.peer)
      else if (!forwarder.closedOnPurpose) this.onDownstreamFailed?.(forwarder.peer, err as Error)
    })
    // A node that already has the whole image serves it all from here.
    if (this.end !== undefined) forwarder.end()
    return forwarder
  }

  /** Stop forwarding to `peer` (the coordinator moved it); the local copy goes on. */
  dropDownstream (peer: string, reason: string): void {
    this.forwarders.get(peer)?.close(reason)
    this.forwarders.delete(peer)
  }

  // ------------------------------------------------------------ BlockStore

  replayed (offset: number): ReplayBlock | undefined {
    return this.replay.get(offset)
  }

  async readBack (offset: number): Promise<ReplayBlock> {
    const { blockSize } = this.params
    if (offset % blockSize !== 0 || offset >= this.verifiedThrough) {
      throw new RingcastError('PEER_GONE', `this node cannot serve offset ${offset}: it is not at a block boundary of what it verified`)
    }
    const length = Math.min(blockSize, this.imageSize - offset)
    while (this.writtenThrough < offset + length) {
      if (this.writeFailure !== undefined) throw this.writeFailure
      await this.writes
    }
    const bytes = await this.target.read(offset, length)
    const expected = await this.hashes.hash(offset / blockSize)
    if (!sameBytes(blockHash(bytes), expected)) {
      throw new RingcastError('INTEGRITY', `block at ${offset} reads back from this node's target differently from what the source signed`)
    }
    return { offset, length, payload: [bytes] }
  }

  async changed (): Promise<void> {
    await new Promise<void>(resolve => this.waiters.push(resolve))
  }

  private notify (): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }

  skipEnd (offset: number): number | undefined {
    const { blockSize } = this.params
    const end = this.hashes.skipEnd(offset / blockSize, Math.ceil(this.verifiedThrough / blockSize))
    return end === undefined ? undefined : Math.min(end * blockSize, this.imageSize)
  }

  /** Payload bytes the replay buffer holds. */
  get replayHeldBytes (): number {
    return this.replay.heldBytes
  }

  /**
   * Writes run one after another; each acks upstream when it lands. A failed
   * write also ends the upstream's stream: writes lag behind reading, so the
   * loop may already have taken every block the upstream had credit for and
   * would otherwise wait in next() forever for blocks that cannot come (we
   * stopped acking). Found by CI: a disk that filled up hung the session.
   */
  /** Skipped blocks go live to every downstream that is live (the others' pumps send them). */
  private async forwardSkip (offset: number, length: number): Promise<void> {
    const waits: Array<Promise<void>> = []
    for (const f of this.forwarders.values()) waits.push(f.offerSkip(offset, length))
    if (waits.length === 1) await waits[0]
    else if (waits.length > 1) await Promise.all(waits)
  }

  /**
   * Skipped blocks, in order with the writes: ZERO blocks are made to read
   * zeros (Target.zero), FREE ones are left as they are; the journal keeps
   * each run of one kind.
   */
  private queueSkip (offset: number, length: number, upstream: BlockReceiver): void {
    const end = offset + length
    const { blockSize } = this.params
    this.writes = this.writes.then(async () => {
      if (this.writeFailure !== undefined) return
      for (let at = offset; at < end;) {
        const content = this.hashes.contentOf(at / blockSize)!
        let runEnd = at + blockSize
        while (runEnd < end && this.hashes.contentOf(runEnd / blockSize) === content) runEnd += blockSize
        runEnd = Math.min(runEnd, end)
        if (content === CONTENT_ZERO) await this.target.zero(at, runEnd - at)
        this.options.onWritten?.({ offset: at, length: runEnd - at, hash: NO_HASH, content })
        at = runEnd
      }
      this.writtenThrough = end
      await upstream.ack(end).catch(() => {})
    }).catch(err => {
      this.writeFailure ??= err as Error
      upstream.channel.reader.end(this.writeFailure)
    })
  }

  private queueWrite (block: ReplayBlock, upstream: BlockReceiver): void {
    const end = block.offset + block.length
    slabs.hold(block.payload)
    this.writes = this.writes.then(async () => {
      if (this.writeFailure !== undefined) return
      await this.options.writeLimiter?.take(block.length)
      await this.target.write(block.offset, block.payload)
      this.unwrittenBytes -= block.length
      this.writtenThrough = end
      if (this.options.onWritten !== undefined) {
        this.options.onWritten({ offset: block.offset, length: block.length, hash: this.hashes.hashOf(block.offset / this.params.blockSize)! })
      }
      await upstream.ack(end).catch(() => {})
    }).catch(err => {
      this.writeFailure ??= err as Error
      upstream.channel.reader.end(this.writeFailure)
    }).finally(() => { slabs.release(block.payload) })
  }
}
