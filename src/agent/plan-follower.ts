// Follows the coordinator's plans: which upstream's block stream to accept
// (a stranger's is refused, having cost at most a bounded buffer), and
// which downstreams to forward to, as the plans change during the run.
//
//   Plan 1 ........ Plan 2 (re-wired) ....... Plan 3
//   upstream A      upstream B: A's stream     downstream D dropped,
//                   is aborted, B's accepted   E dialled and caught up

import { timeout, type Clock } from '../clock.js'
import { errorMessage, type RingcastError } from '../errors.js'
import type { Channel } from '../net/channel.js'
import type { HopKey } from '../net/data-plane.js'
import { BlockReceiver, receiveBufferLimit } from '../relay/block-receiver.js'
import { short } from '../relay/block-sender.js'
import type { Plan } from '../wire/messages.js'
import type { SessionParams } from '../wire/session-params.js'
import type { PlannedDownstream } from './downstreams.js'

/** How long the named upstream has to open its block stream after the Plan. */
export const UPSTREAM_TIMEOUT_MS = 60_000
/**
 * Block streams waiting for the Plan before we can tell whether they come
 * from our upstream. Each may buffer up to one window, so strangers get at
 * most this many windows of our memory.
 */
const MAX_PENDING_BLOCK_STREAMS = 2
/** How long a block stream from an unexpected peer waits for a Plan naming it. */
const PLAN_RACE_MS = 2_000

export interface DownstreamChanges {
  connect: (d: PlannedDownstream) => void
  drop: (peer: string) => void
}

export class PlanFollower {
  /** Every plan received, in order; the last is in force. */
  private readonly plans: Plan[] = []
  private readonly first = Promise.withResolvers<Plan>()
  /** Block streams accepted from the upstream in force, newest only. */
  readonly upstreams: ChannelQueue
  private currentUpstream?: Channel
  /** Woken by every Plan (a block stream may arrive just before the Plan naming its sender). */
  private planWaiters: Array<() => void> = []
  private pendingBlockStreams = 0
  private over = false
  /** Set once the pipeline exists: until then the first plan's downstreams wait for run(). */
  downstreams?: DownstreamChanges

  constructor (private readonly clock: Clock, private readonly log: (line: string) => void) {
    this.first.promise.catch(() => {})
    this.upstreams = new ChannelQueue(clock)
  }

  /** The first plan (it starts the run). */
  async firstPlan (): Promise<Plan> {
    return await this.first.promise
  }

  get latest (): Plan | undefined {
    return this.plans.at(-1)
  }

  /** The hop key the plan in force expects from our upstream under `id` (the data plane's keyFor), or undefined. */
  hopKeyFor (id: string): HopKey | undefined {
    const plan = this.latest
    if (this.over || plan === undefined || plan.upstreamHopId === '' || plan.upstreamHopId !== id) return undefined
    return { id, key: plan.upstreamHopKey, peer: plan.upstreamPeer }
  }

  /** Whether the plan in force names `peer` as a downstream (and the session goes on). */
  wanted (peer: string): boolean {
    const plan = this.latest
    return !this.over && plan !== undefined && downstreamsOf(plan).some(d => d.peer === peer)
  }

  /** The session is over for this node: nothing more is accepted. */
  end (why: RingcastError): void {
    this.over = true
    this.first.reject(why)
    this.upstreams.fail(why)
    this.wakePlanWaiters()
  }

  /** The first Plan starts the run; later ones re-wire a running node. */
  onPlan (plan: Plan): void {
    const previous = this.latest
    this.plans.push(plan)
    this.wakePlanWaiters()
    if (previous === undefined) { this.first.resolve(plan); return }
    if (plan.upstreamPeer !== previous.upstreamPeer) {
      this.log(`re-wired: new upstream ${short(plan.upstreamPeer)}`)
      // Whatever the old upstream still sends is no longer wanted.
      this.currentUpstream?.abort(new Error('the coordinator named a new upstream'))
      this.currentUpstream = undefined
    }
    // A downstream is the same one if its peer and its mode (live or background) are.
    const key = (d: PlannedDownstream): string => `${d.peer} ${d.background}`
    const before = new Map(downstreamsOf(previous).map(d => [key(d), d]))
    const now = new Map(downstreamsOf(plan).map(d => [key(d), d]))
    for (const [k, d] of before) {
      if (now.has(k)) continue
      this.log(`re-wired: no longer forwarding to ${short(d.peer)}${d.background ? ' in the background' : ''}`)
      this.downstreams?.drop(d.peer)
    }
    for (const [k, d] of now) {
      if (before.has(k)) continue
      this.log(`re-wired: new downstream ${short(d.peer)}${d.background ? ', served in the background (a straggler)' : ''}`)
      this.downstreams?.connect(d)
    }
  }

  /**
   * A block stream opened to us: accepted if it comes from the upstream
   * the plan names (waiting briefly for that plan), refused otherwise.
   */
  async admitBlockStream (channel: Channel, params: SessionParams | undefined): Promise<void> {
    const refuse = async (why: string): Promise<void> => {
      this.log(`refused a block stream from ${short(channel.remotePeer)} (${channel.remoteAddr}): ${why}`)
      await BlockReceiver.refuse(channel, why)
    }
    // An honest upstream may send a whole window before we look at it; a
    // stranger gets no more room than that before it is refused.
    if (params !== undefined) channel.reader.maxBufferedBytes = receiveBufferLimit(params.windowBytes, params.blockSize)
    if (this.pendingBlockStreams >= MAX_PENDING_BLOCK_STREAMS) { await refuse('too many block streams waiting for the plan'); return }
    this.pendingBlockStreams++
    try {
      await timeout(this.clock, this.first.promise, UPSTREAM_TIMEOUT_MS, 'no plan yet')
    } catch (err) {
      await refuse(errorMessage(err)); return
    } finally {
      this.pendingBlockStreams--
    }
    if (!(await this.planNames(channel.remotePeer))) { await refuse('this peer is not the upstream the coordinator named'); return }
    // A new stream from our upstream replaces the one we had.
    this.currentUpstream?.abort(new Error('replaced by a new block stream from the upstream'))
    this.currentUpstream = channel
    this.upstreams.push(channel)
  }

  /**
   * Whether the plan in force names `peer` as our upstream, waiting briefly:
   * the coordinator tells us before it tells our new upstream, but the
   * upstream's dial can still overtake our Plan on another connection.
   */
  private async planNames (peer: string): Promise<boolean> {
    const deadline = this.clock.now() + PLAN_RACE_MS
    while (this.latest?.upstreamPeer !== peer) {
      const left = deadline - this.clock.now()
      if (left <= 0 || this.over) return false
      await new Promise<void>(resolve => {
        const cancel = this.clock.after(left, resolve)
        this.planWaiters.push(() => { cancel(); resolve() })
      })
    }
    return true
  }

  private wakePlanWaiters (): void {
    const waiters = this.planWaiters
    this.planWaiters = []
    for (const w of waiters) w()
  }
}

/** A plan's downstreams as plain values (the decoder leaves optional fields typed as nullable). */
export function downstreamsOf (plan: Plan): PlannedDownstream[] {
  return plan.downstreams.map(d => ({
    peer: d.peer ?? '',
    addrs: d.addrs ?? [],
    background: d.background === true,
    hop: { id: d.hopId ?? '', key: d.hopKey ?? new Uint8Array() },
    dataHosts: d.dataHosts ?? [],
    dataPort: d.dataPort ?? 0
  })).filter(d => d.peer !== '')
}

/** Accepted upstream channels, handed to the pipeline one at a time. */
export class ChannelQueue {
  private readonly items: Channel[] = []
  private waiter?: { resolve: (c: Channel) => void, reject: (e: Error) => void }
  private failure?: Error

  constructor (private readonly clock: Clock) {}

  push (channel: Channel): void {
    // Only the newest stream matters: older ones were replaced (and aborted).
    this.items.length = 0
    if (this.waiter !== undefined) { this.waiter.resolve(channel); this.waiter = undefined } else this.items.push(channel)
  }

  fail (err: Error): void {
    this.failure ??= err
    this.waiter?.reject(err)
    this.waiter = undefined
  }

  async next (timeoutMs: number): Promise<Channel> {
    const ready = this.items.shift()
    if (ready !== undefined) return ready
    if (this.failure !== undefined) throw this.failure
    return await timeout(this.clock, new Promise<Channel>((resolve, reject) => { this.waiter = { resolve, reject } }), timeoutMs,
      `no upstream connected within ${Math.round(timeoutMs / 1000)} s`)
  }
}
