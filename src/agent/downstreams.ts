// The nodes this one forwards to, as the plan in force names them: dialled
// and attached to the pipeline (which catches each up from where it
// stands), dropped when a plan no longer names them, and reported to the
// coordinator when they fail by themselves or stop giving credit.

import type { Clock } from '../clock.js'
import { errorMessage } from '../errors.js'
import type { Network } from '../net/network.js'
import { BlockSender, short } from '../relay/block-sender.js'
import type { Forwarder } from '../relay/forwarder.js'
import type { RelayPipeline } from '../relay/relay-pipeline.js'
import { dialBlocks } from '../net/dial-blocks.js'
import type { DataPlaneKind, SessionParams } from '../wire/session-params.js'

export interface PlannedDownstream {
  peer: string
  /** libp2p multiaddrs (the libp2p data plane). */
  addrs: string[]
  background: boolean
  /** The hop's key, and where its data-plane server listens. */
  hop: { id: string, key: Uint8Array }
  dataHosts: string[]
  dataPort: number
}

export class Downstreams {
  /** Downstreams that failed by themselves, by peer, told one per heartbeat until a plan no longer names them. */
  private readonly failures = new Map<string, string>()
  /** Demoted for giving no credit: told to the coordinator (a hang if they are silent too). */
  private readonly stalled = new Set<string>()
  private failureTurn = 0
  /** connect() calls still dialling or waiting for the HELLO answer: linger() waits for them too. */
  private readonly connecting = new Set<Promise<void>>()
  /** The newest plan entry for each downstream we connected, to open a new stream to it. */
  private readonly planned = new Map<string, PlannedDownstream>()

  constructor (
    private readonly net: Network,
    private readonly clock: Clock,
    private readonly params: SessionParams,
    private readonly dataPlane: DataPlaneKind,
    private readonly pipeline: RelayPipeline,
    private readonly replayBytes: number,
    /** Whether the plan in force still names `peer` as a downstream. */
    private readonly wanted: (peer: string) => boolean,
    private readonly log: (line: string) => void
  ) {
    pipeline.onDownstreamDemoted = peer => {
      this.stalled.add(peer)
      log(`downstream ${short(peer)} gave no credit for ${pipeline.demoteAfterMs / 1000} s (hung or far too slow): serving it in the background from now on`)
    }
    pipeline.onDownstreamPoisoned = peer => {
      const d = this.planned.get(peer)
      if (d === undefined || !wanted(peer)) return
      log(`downstream ${short(peer)}: the block being forwarded to it did not arrive here whole and verified; opening a new stream to it`)
      void this.connect(d)
    }
    pipeline.onDownstreamFailed = (peer, err) => {
      log(`downstream ${short(peer)} lost: ${errorMessage(err)}`)
      this.failures.set(peer, errorMessage(err))
    }
  }

  /**
   * Dial a downstream the plan names and forward to it from where it stands.
   * If it cannot be reached, says so in the heartbeat, so the coordinator
   * can feed that node another way.
   */
  async connect (downstream: PlannedDownstream): Promise<void> {
    this.planned.set(downstream.peer, downstream)
    const connecting = this.dialAndAttach(downstream)
    this.connecting.add(connecting)
    try {
      await connecting
    } finally {
      this.connecting.delete(connecting)
    }
  }

  private async dialAndAttach ({ peer, addrs, background, hop, dataHosts, dataPort }: PlannedDownstream): Promise<void> {
    this.failures.delete(peer)
    if (!this.wanted(peer)) return
    try {
      // dialBlocks covers the race with the downstream's Plan; anything else
      // is told to the coordinator at once, which feeds that node another way.
      const channel = await dialBlocks(this.net, this.dataPlane, { peerId: peer, dialAddrs: addrs, dataHosts, dataPort }, hop, this.clock)
      const sender = new BlockSender(channel, { ...this.params, batches: this.pipeline.hashes })
      if (!this.wanted(peer)) { sender.close('the coordinator changed the plan'); return }
      const forwarder = await this.pipeline.attachDownstream(sender, background)
      if (!this.wanted(peer)) { this.pipeline.dropDownstream(peer, 'the coordinator changed the plan'); return }
      if (forwarder.startedAt < this.pipeline.verifiedThrough) {
        const fromMemory = this.pipeline.verifiedThrough - forwarder.startedAt <= this.replayBytes
        this.log(`downstream ${short(peer)} starts at ${forwarder.startedAt}; catching it up from ${fromMemory ? 'the replay buffer' : 'the replay buffer and this node\'s target'}`)
      }
    } catch (err) {
      this.log(`cannot reach downstream ${short(peer)}: ${errorMessage(err)}`)
      if (this.wanted(peer)) this.failures.set(peer, `cannot reach it: ${errorMessage(err)}`)
    }
  }

  /** Stop forwarding to `peer`: the coordinator moved it elsewhere. */
  drop (peer: string): void {
    this.failures.delete(peer)
    this.pipeline.dropDownstream(peer, 'the coordinator moved this downstream elsewhere')
  }

  /** Stop forwarding to every downstream: this node failed. */
  dropAll (why: string): void {
    for (const peer of [...this.pipeline.forwarders.keys()]) this.pipeline.dropDownstream(peer, why)
  }

  /** One failed downstream to tell the coordinator about, in turn. */
  nextFailureToReport (): [string, string] | undefined {
    const failures = [...this.failures]
    if (failures.length === 0) return undefined
    return failures[this.failureTurn++ % failures.length]
  }

  /** Demoted downstreams the plan still names. */
  stalledToReport (): string[] {
    return [...this.stalled].filter(p => this.wanted(p))
  }

  /**
   * Stay until every downstream in force acknowledged everything
   * (docs/runtime-facts.md, trap 4), or failed, or `sessionEnd` resolves. A
   * downstream named while we linger (a node spliced in behind us) is
   * served from our target.
   */
  async linger (sessionEnd: Promise<void>): Promise<void> {
    const closed = new Set<Forwarder>()
    while (true) {
      const open = [...this.pipeline.forwarders.values()].filter(f => f.failure === undefined && !closed.has(f))
      // A downstream still answering HELLO is not in the pipeline yet (a
      // straggler answers only once its queued writes land): wait for it too.
      if (open.length === 0 && this.connecting.size === 0) return
      const finished = open.map(async f => await f.complete().then(() => f, () => f))
      const attached = [...this.connecting].map(async c => { await c; return 'attached' as const })
      const outcome = await Promise.race([...finished, ...attached, sessionEnd.then(() => 'over' as const)])
      if (outcome === 'over') return
      if (outcome === 'attached') continue
      // Done with this one: close our end so it has everything (docs/runtime-facts.md, trap 4).
      closed.add(outcome)
      if (outcome.failure === undefined) await outcome.sender.channel.closeWrite().catch(() => {})
    }
  }
}
