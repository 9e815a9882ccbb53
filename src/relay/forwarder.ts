// One downstream of a node: forwards verified blocks to it, starting at the
// offset the downstream asks for (HELLO), which may be behind this node.
//
//   catching up:  the downstream needs blocks this node already passed; a
//                 pump sends them from the replay buffer, or reads them back
//                 from the target, while live blocks keep arriving (the node
//                 never waits for a downstream that is catching up).
//   live:         the downstream has everything this node verified; each new
//                 block is sent as it is verified, and waiting for the
//                 downstream's credit paces the node (the chain's backpressure).
//
//   background:   a straggler moved out of the way: the pump serves it at its
//                own pace, from the replay buffer or the target, and it never
//                goes live, so it never paces this node. A live downstream
//                that gives no credit for `demoteAfterMs` (hung, or far too
//                slow) is demoted to this mode, so it stops the nodes above it
//                for seconds, not until the coordinator's stall timeout.
//
// The switch from catching up to live happens synchronously once the pump has
// sent everything verified so far, so no block is skipped or sent twice.
// After the last block the forwarder sends END (image digest) itself.

import { systemClock, type Clock } from '../clock.js'
import { RingcastError, errorMessage } from '../errors.js'
import { REWIRE_DEFAULTS } from '../topology/rewire.js'
import type { BlockSender } from './block-sender.js'
import { slabs } from '../net/slabs.js'
import type { Payload } from './hash.js'
import type { ReplayBlock } from './replay-buffer.js'
import type { SignedEnd } from './source-signature.js'

/** What a forwarder needs from its node's pipeline. */
export interface BlockStore {
  readonly imageSize: number
  /** Every block below this offset is verified (in memory or on the target). */
  readonly verifiedThrough: number
  /** The source's signed END once it arrived, else undefined. */
  readonly end: SignedEnd | undefined
  /** A verified block still in memory. */
  replayed: (offset: number) => ReplayBlock | undefined
  /**
   * The verified block at `offset` read back from the target (waiting for
   * its write to land), checked against the source's hash: what comes off
   * our disk is checked like what comes off the wire.
   */
  readBack: (offset: number) => Promise<ReplayBlock>
  /** Resolves when verifiedThrough or end changes. */
  changed: () => Promise<void>
  /**
   * Where the SKIP starting at `offset` ends (the run of verified blocks the
   * source marked ZERO or FREE, within one hash batch), or undefined when
   * the block there is DATA.
   */
  skipEnd: (offset: number) => number | undefined
}


/** A block a forwarder sends while it still arrives (see Forwarder.begin). */
export interface LiveBlock {
  /** The next piece of the payload, in order (queued; sent as credit and the socket allow). */
  piece: (chunks: Payload) => void
  /** Resolves when the whole block is sent, or the downstream was demoted for withholding credit. */
  finish: () => Promise<void>
  /** The block did not verify: close the hop mid-block, so the downstream never has it whole. */
  poison: (why: string) => void
}

export class Forwarder {
  /** Why forwarding stopped (the local copy goes on regardless). */
  failure?: Error
  /** Bytes sent from the replay buffer / read back from the target. */
  replayedBytes = 0
  readBackBytes = 0
  /** Offset the downstream asked to start at. */
  startedAt = 0
  /** close() was called: the failure is ours, not the downstream's. */
  closedOnPurpose = false
  /** It gave no credit for demoteAfterMs while live: served in the background since. */
  demoted = false
  /** Told when the downstream is demoted. */
  onDemoted?: () => void
  /**
   * Closed mid-block because the block did not verify here (or our upstream
   * vanished mid-block): the downstream is fine and wants a new stream from
   * this node, not a new upstream.
   */
  poisoned = false
  private live = false
  private ended = false
  private readonly finished = Promise.withResolvers<void>()

  constructor (
    readonly sender: BlockSender,
    private readonly store: BlockStore,
    readonly background = false,
    /** How long a live downstream may withhold credit before it is served in the background (the re-wire policy's). */
    private readonly demoteAfterMs = REWIRE_DEFAULTS.demoteAfterMs,
    private readonly clock: Clock = systemClock
  ) {
    this.finished.promise.catch(() => {})
  }

  /** Handshake, then catch the downstream up in the background. */
  async start (): Promise<void> {
    this.startedAt = await this.sender.start()
    if (this.startedAt > this.store.imageSize) {
      throw new RingcastError('PROTOCOL', `downstream asked to start at ${this.startedAt}, past the image end ${this.store.imageSize}`)
    }
    void this.pump()
  }

  get peer (): string {
    return this.sender.channel.remotePeer
  }

  /** Resolves when END was sent and the downstream acknowledged everything; rejects if it failed. */
  async complete (): Promise<void> {
    await this.finished.promise
  }

  /**
   * Offer a block the node just verified. Live: sent now, waiting for credit.
   * Catching up: ignored here (the pump will fetch it).
   */
  async offer (block: ReplayBlock): Promise<void> {
    const live = this.begin(block.offset, block.length, false, block.compressedLength ?? 0)
    if (live === undefined) return
    live.piece(block.payload)
    await live.finish()
  }

  /** Offer skipped blocks the node just verified (as offer(), with no payload). */
  async offerSkip (offset: number, length: number): Promise<void> {
    await this.begin(offset, length, true)?.finish()
  }

  /**
   * Start forwarding a block that is still arriving (cut-through): live, the
   * header goes out once the downstream has credit for the whole block, and
   * each piece given to the handle follows in order. The node gives the last
   * piece only once the block has verified, and poisons the block instead
   * if it did not. Undefined when not live, or the downstream has it.
   */
  begin (offset: number, length: number, skip = false, compressedLength = 0): LiveBlock | undefined {
    if (!this.live || this.failure !== undefined) return undefined
    // The downstream asked to start past this block: it has it.
    if (offset + length <= this.sender.sentThrough) return undefined
    if (offset !== this.sender.sentThrough) {
      this.stop(new RingcastError('INTERNAL', `forwarder expected ${this.sender.sentThrough}, was offered ${offset}`))
      return undefined
    }
    let sending = skip ? this.sender.sendSkip(offset, length) : this.sender.beginBlock(offset, length, compressedLength)
    // Every link of the chain is observed (settled() reads the last), so none rejects unhandled.
    sending.catch(() => {})
    let failed = false
    const settled = (): Promise<boolean> => sending.then(() => true, err => { if (!failed) { failed = true; this.stop(err as Error) } return false })
    let cancel: (() => void) | undefined
    return {
      piece: chunks => {
        // Held until the socket has it (it holds it from there), sent or not (slabs.ts).
        slabs.hold(chunks)
        sending = sending.then(async () => { await this.sender.sendPiece(chunks) })
        sending.then(() => { slabs.release(chunks) }, () => { slabs.release(chunks) })
      },
      finish: async () => {
        const done = settled()
        // The clock starts once the block is here whole: a slow upstream
        // must not make a healthy downstream look hung (found in review).
        const slow = new Promise<'slow'>(resolve => { cancel = this.clock.after(this.demoteAfterMs, () => resolve('slow')) })
        const outcome = await Promise.race([done, slow])
        cancel?.()
        if (outcome !== 'slow') return
        // No credit for that long: stop pacing the node on it. Once this block is
        // through, the pump serves it at its own pace from the replay buffer and target.
        this.live = false
        this.demoted = true
        this.onDemoted?.()
        void done.then(sent => { if (sent) void this.pump() })
      },
      poison: why => {
        cancel?.()
        this.poisoned = true
        this.close(why)
      }
    }
  }

  /**
   * The node has the whole image and its digest. Live: END goes out now.
   * Catching up: the pump sends END when it reaches the image end.
   * Either way, complete() tells when the downstream has it all.
   */
  end (): void {
    if (this.live && this.failure === undefined) void this.sendEnd()
  }

  /** Stop forwarding and close the hop, telling the downstream why. */
  close (reason: string): void {
    this.closedOnPurpose = true
    this.sender.close(reason)
    this.stop(new RingcastError('PEER_GONE', reason))
  }

  private stop (err: Error): void {
    if (this.failure !== undefined) return
    this.failure = err
    this.finished.reject(err)
    // Hang up, so the downstream learns at once that this hop is over.
    if (!this.closedOnPurpose) this.sender.close(`the upstream stopped forwarding: ${err.message}`)
  }

  private async pump (): Promise<void> {
    try {
      while (this.failure === undefined) {
        const next = this.sender.sentThrough
        if (next >= this.store.imageSize) {
          if (this.store.end !== undefined) { await this.sendEnd(); return }
          await this.store.changed()
          continue
        }
        if (next >= this.store.verifiedThrough) {
          // In the background, wait for the node to verify more.
          if (this.background || this.demoted) { await this.store.changed(); continue }
          // Everything verified so far is sent (or the downstream is ahead of
          // us): from here the node's own loop forwards each block live.
          this.live = true
          return
        }
        const skipEnd = this.store.skipEnd(next)
        if (skipEnd !== undefined) {
          await this.sender.sendSkip(next, skipEnd - next)
          continue
        }
        const block = await this.fetch(next)
        try {
          await this.sender.sendBlock(block.offset, block.payload, (block.compressedLength ?? 0) > 0 ? { length: block.length } : undefined)
        } finally {
          slabs.release(block.payload)
        }
      }
    } catch (err) {
      this.stop(err as Error)
    }
  }

  /** The block at `offset`, its slabs held for the caller (slabs.ts): a send may wait long for credit. */
  private async fetch (offset: number): Promise<ReplayBlock> {
    const inMemory = this.store.replayed(offset)
    if (inMemory !== undefined) {
      slabs.hold(inMemory.payload)
      this.replayedBytes += inMemory.length
      return inMemory
    }
    const block = await this.store.readBack(offset)
    this.readBackBytes += block.length
    return block
  }

  private async sendEnd (): Promise<void> {
    if (this.ended) return
    this.ended = true
    try {
      await this.sender.sendEnd(this.store.end!)
      await this.sender.waitAcked(this.store.imageSize)
      this.finished.resolve()
    } catch (err) {
      this.stop(err instanceof Error ? err : new Error(errorMessage(err)))
    }
  }
}
