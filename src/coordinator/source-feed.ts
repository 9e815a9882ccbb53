// The source's side of the data plane: a block stream from the image into a
// node the plan says the source feeds (a head, an orphan with no live
// ancestor, a late joiner with no tail to serve it). Each feed starts where
// the node asks (its HELLO answer) and is paced by the node's credit and by
// serve --max-rate, shared over every feed.

import type { Clock } from '../clock.js'
import { isRingcastError, errorMessage } from '../errors.js'
import type { ImageSource } from '../image/image-file.js'
import type { Network } from '../net/network.js'
import { BlockSender } from '../relay/block-sender.js'
import { BlockReader, streamImage } from '../relay/image-streamer.js'
import type { RateLimiter } from '../relay/rate-limiter.js'
import { dialBlocks } from '../net/dial-blocks.js'
import { isFinished, type Member } from './member.js'
import type { Session } from './session.js'
import type { SourceHashes } from './source-hashes.js'

export interface FeedOutcomes {
  log: (line: string) => void
  /** The feed into `m` broke while the source was still meant to feed it. */
  failed: (m: Member, reason: string) => void
  /** The image itself cannot be read: no node can finish. */
  imageUnreadable: (reason: string) => void
}

/** Feeds again after a node said our data did not match (damage in transit), per node. */
const MAX_REFEEDS = 3
/** Time for the coordinator to check its image first (a changed image fails every node instead). */
const REFEED_DELAY_MS = 500

export class SourceFeeds {
  private readonly refeeds = new WeakMap<Member, number>()

  constructor (
    private readonly session: Session,
    private readonly net: Network,
    private readonly image: ImageSource,
    private readonly hashes: SourceHashes,
    private readonly limiter: RateLimiter | undefined,
    private readonly outcomes: FeedOutcomes,
    private readonly clock: Clock,
    /** serve --compress: zstd level for DATA blocks (0: none). */
    private readonly compressionLevel = 0
  ) {}

  /** Stream the image into `m`, from the offset it asks for, until it has acknowledged all of it. */
  async feed (m: Member): Promise<void> {
    const { params } = this.session
    let sender: BlockSender | undefined
    try {
      const channel = await dialBlocks(this.net, this.session.dataPlane, m, this.session.hopInto(m), this.clock)
      sender = m.feed = new BlockSender(channel, { ...params, batches: this.hashes })
      if (isFinished(m)) { sender.close(`${m.name} already finished`); return }
      const reader = new BlockReader(this.image, params.blockSize, params.windowBytes, i => this.hashes.nextDataBlock(i))
      const from = await streamImage(reader, sender, params.imageSize, this.hashes, this.limiter, this.compressionLevel)
      if (from > 0) this.outcomes.log(`fed ${m.name} from ${from} bytes on`)
      // Keep the stream open until the node has written everything (docs/runtime-facts.md, trap 4).
      await sender.waitAcked(params.imageSize).catch(() => {})
    } catch (err) {
      if (isRingcastError(err, 'IMAGE_UNREADABLE')) { this.outcomes.imageUnreadable(errorMessage(err)); return }
      // Not a failure when the node is fed another way now (a straggler moved under a leaf).
      if (!this.session.fedBySource(m) || (sender !== undefined && m.feed !== sender)) return
      // It says our data does not match what we signed: the coordinator
      // checks the image (onLie); if the image still matches, the block was
      // damaged on the way, so it is fed again, a few times at most.
      if (sender?.closedWith === 'INTEGRITY' && (this.refeeds.get(m) ?? 0) < MAX_REFEEDS && !isFinished(m)) {
        this.refeeds.set(m, (this.refeeds.get(m) ?? 0) + 1)
        await this.clock.sleep(REFEED_DELAY_MS)
        if (!isFinished(m) && this.session.fedBySource(m) && m.feed === sender) void this.feed(m)
        return
      }
      this.outcomes.failed(m, `the source could not feed it: ${errorMessage(err)}`)
    }
  }
}
