// The node agent: joins a coordinator, receives its place in the chain,
// writes and forwards the image, and reports Done or Failed.
//
// How this works
//   1. Inspect the target before connecting, so a bad target costs nothing.
//   2. Dial the coordinator (retrying with backoff), Join, await Welcome.
//   3. Await the Plan; accept a block stream only from the named upstream;
//      dial the named downstream.
//   4. Run the RelayPipeline; send Progress twice a second.
//   5. Send Done, then stay until the downstream has everything and the
//      coordinator's Verdict arrived. Exit status follows the verdict.

import { RingcastError, errorMessage, isRingcastError, type ErrorCode } from '../errors.js'
import type { Channel } from '../net/channel.js'
import { readControl, sendControl } from '../net/control-stream.js'
import { ephemeralKey, loadOrCreateKey } from '../net/identity.js'
import { NetNode } from '../net/node.js'
import { BlockReceiver, receiveBufferLimit } from '../relay/block-receiver.js'
import { BlockSender, short } from '../relay/block-sender.js'
import { RelayPipeline } from '../relay/relay-pipeline.js'
import { toHex } from '../relay/hash.js'
import { inspectTarget, Target } from '../storage/target.js'
import { printable, type Plan, type Verdict, type Welcome } from '../wire/messages.js'
import { BLOCKS_PROTOCOL, CONTROL_PROTOCOL, MAX_BLOCK_BYTES, MIN_BLOCK_BYTES, PROTOCOL_VERSION, SESSION_ID_BYTES } from '../wire/protocol.js'

export interface AgentConfig {
  /** Coordinator multiaddr, ending in /p2p/<peer id>. */
  coordinator: string
  token: string
  targetPath: string
  /** Create the target file if missing. */
  create: boolean
  name: string
  listen: string[]
  /** Identity key file; ephemeral identity when undefined. */
  keyPath?: string
  /** Give up reaching the coordinator after this long. */
  connectTimeoutMs: number
}

export interface AgentHooks {
  log: (line: string) => void
  progress?: (writtenBytes: number, imageBytes: number) => void
}

export interface AgentResult {
  name: string
  bytesWritten: number
  sha256: string
  elapsedMs: number
  peakRssBytes: number
  peakInflightBytes: number
}

/** How long the Welcome may take once connected. */
const WELCOME_TIMEOUT_MS = 30_000
/** How long the named upstream has to open its block stream after the Plan. */
const UPSTREAM_TIMEOUT_MS = 60_000
/**
 * After losing an upstream, how long to wait for the coordinator to name and
 * connect a new one (it must first notice the loss: up to its stall timeout).
 */
const REPLACEMENT_TIMEOUT_MS = 180_000
const PROGRESS_INTERVAL_MS = 500
/**
 * Block streams waiting for the Plan before we can tell whether they come
 * from our upstream. Each may buffer up to one window, so strangers get at
 * most this many windows of our memory.
 */
const MAX_PENDING_BLOCK_STREAMS = 2
const BACKOFF_FIRST_MS = 250
const BACKOFF_MAX_MS = 5_000

export async function runAgent (config: AgentConfig, hooks: AgentHooks): Promise<AgentResult> {
  if (!/\/p2p\/[^/]+$/.test(config.coordinator)) {
    throw new RingcastError('USAGE', `coordinator address ${config.coordinator} must end in /p2p/<peer id>; copy it from the join command that serve printed`)
  }
  const info = await inspectTarget(config.targetPath, { create: config.create })
  const key = config.keyPath === undefined ? await ephemeralKey() : (await loadOrCreateKey(config.keyPath)).key
  const net = await NetNode.start({ privateKey: key, listen: config.listen })
  const agent = new Agent(config, hooks, net)
  try {
    return await agent.run(info)
  } finally {
    await net.stop().catch(() => {})
  }
}

class Agent {
  private plan = Promise.withResolvers<Plan>()
  private verdict = Promise.withResolvers<Verdict>()
  /** Every plan received, in order; the last is in force. */
  private readonly plans: Plan[] = []
  /** Block streams accepted from the upstream in force, oldest first. */
  private readonly upstreams = new ChannelQueue()
  private currentUpstream?: Channel
  private downstream?: BlockSender
  private pipeline?: RelayPipeline
  private pendingBlockStreams = 0
  private welcome?: Welcome
  private control?: Channel
  private sessionOver = false
  private verdictArrived = false

  constructor (private readonly config: AgentConfig, private readonly hooks: AgentHooks, private readonly net: NetNode) {
    this.plan.promise.catch(() => {})
    this.verdict.promise.catch(() => {})
  }

  async run (info: Awaited<ReturnType<typeof inspectTarget>>): Promise<AgentResult> {
    await this.net.handle(BLOCKS_PROTOCOL, channel => { void this.onBlockStream(channel) })
    this.hooks.log(`listening on ${this.net.addrs.join(' ')}`)
    const control = this.control = await this.connect()
    await sendControl(control, {
      join: {
        protocolVersion: PROTOCOL_VERSION,
        name: this.config.name,
        token: this.config.token,
        targetPath: info.path,
        targetSize: info.size,
        targetGrowable: info.growable,
        listenPort: this.net.listenPort,
        listenAddrs: this.net.addrs
      }
    })
    const welcome = this.welcome = await this.awaitWelcome(control)
    this.hooks.log(`joined: image ${welcome.imageName}, ${welcome.imageSize} bytes; waiting for the session to start`)
    void this.followControl(control)

    const target = await Target.open(info, welcome.imageSize)
    const pipeline = this.pipeline = new RelayPipeline(target, welcome.imageSize)
    pipeline.onUpstreamLost = (reason, at) => this.hooks.log(`upstream lost at ${at} bytes (${reason}); waiting for the coordinator to re-wire`)
    const ticker = setInterval(() => {
      void sendControl(control, { progress: { writtenThrough: pipeline.writtenThrough, bytesReceived: pipeline.bytesReceived } }).catch(() => {})
      this.hooks.progress?.(pipeline.writtenThrough, welcome.imageSize)
    }, PROGRESS_INTERVAL_MS)
    let downstream: BlockSender | undefined
    try {
      const plan = await this.plan.promise
      this.hooks.log(`position ${plan.position + 1} of ${plan.chainLength}; upstream ${short(plan.upstreamPeer)}, downstream ${plan.downstreamPeer === '' ? 'none (tail)' : short(plan.downstreamPeer)}`)
      downstream = this.downstream = plan.downstreamPeer === '' ? undefined : await this.openDownstream(plan)
      if (this.plans.at(-1)!.downstreamPeer !== plan.downstreamPeer) pipeline.dropDownstream(downstream, 'the coordinator removed this node\'s downstream')
      let first = true
      const result = await pipeline.run(async () => {
        const channel = await this.upstreams.next(first ? UPSTREAM_TIMEOUT_MS : REPLACEMENT_TIMEOUT_MS)
        first = false
        return new BlockReceiver(channel, { sessionId: welcome.sessionId, imageSize: welcome.imageSize, blockSize: welcome.blockSize, windowBytes: welcome.windowBytes })
      }, downstream)
      const rss = process.resourceUsage().maxRSS * 1024
      await sendControl(control, {
        done: { sha256: result.digest, bytesWritten: welcome.imageSize, elapsedMs: result.elapsedMs, peakRssBytes: rss, peakInflightBytes: pipeline.peakInflightBytes }
      })
      this.hooks.progress?.(welcome.imageSize, welcome.imageSize)
      if (pipeline.downstreamFailure !== undefined) this.hooks.log(`downstream lost: ${errorMessage(pipeline.downstreamFailure)}`)
      await this.lingerForDownstream(downstream, welcome.imageSize)
      const verdict = await this.verdict.promise
      if (!verdict.verified) throw new RingcastError('INTEGRITY', `the coordinator did not verify this copy: ${printable(verdict.reason)}`)
      return {
        name: this.config.name,
        bytesWritten: welcome.imageSize,
        sha256: toHex(result.digest),
        elapsedMs: result.elapsedMs,
        peakRssBytes: rss,
        peakInflightBytes: pipeline.peakInflightBytes
      }
    } catch (err) {
      if (!this.sessionOver && !(isRingcastError(err) && err.code === 'INTEGRITY' && this.verdictArrived)) {
        const code = isRingcastError(err) ? err.code : 'INTERNAL'
        await sendControl(control, { failed: { code, reason: errorMessage(err), writtenThrough: pipeline.writtenThrough } }).catch(() => {})
      }
      downstream?.close(`upstream node failed: ${errorMessage(err)}`)
      throw err
    } finally {
      clearInterval(ticker)
      await target.close()
      await control.closeWrite().catch(() => {})
    }
  }


  /** Dial the coordinator, retrying with exponential backoff. */
  private async connect (): Promise<Channel> {
    const deadline = Date.now() + this.config.connectTimeoutMs
    let delay = BACKOFF_FIRST_MS
    let attempts = 0
    while (true) {
      attempts++
      try {
        return await this.net.dial(undefined, [this.config.coordinator], CONTROL_PROTOCOL)
      } catch (err) {
        if (Date.now() + delay > deadline) {
          throw new RingcastError('UNREACHABLE', `cannot reach the coordinator at ${this.config.coordinator} (${attempts} attempt(s) over ${Math.round(this.config.connectTimeoutMs / 1000)} s): ${errorMessage(err)}`, { cause: err })
        }
        this.hooks.log(`coordinator not reachable yet (${errorMessage(err)}); retrying in ${delay} ms`)
        await new Promise(resolve => setTimeout(resolve, delay))
        delay = Math.min(delay * 2, BACKOFF_MAX_MS)
      }
    }
  }

  private async awaitWelcome (control: Channel): Promise<Welcome> {
    const reply = await readControl(control, WELCOME_TIMEOUT_MS)
    if (reply === null) throw new RingcastError('REFUSED', 'the coordinator closed the connection without answering the Join')
    if (reply.kind === 'refuse') {
      const code: ErrorCode = ['BAD_TOKEN', 'VERSION', 'TARGET_TOO_SMALL'].includes(reply.body.code) ? reply.body.code as ErrorCode : 'REFUSED'
      throw new RingcastError(code, `the coordinator refused this node: ${printable(reply.body.reason)}`)
    }
    if (reply.kind !== 'welcome') throw new RingcastError('PROTOCOL', `expected Welcome, got ${reply.kind}`)
    const w = reply.body
    if (w.sessionId.byteLength !== SESSION_ID_BYTES || w.imageSize <= 0 || w.blockSize < MIN_BLOCK_BYTES ||
      w.blockSize > MAX_BLOCK_BYTES || w.windowBytes < w.blockSize || w.windowBytes > 2 ** 31) {
      throw new RingcastError('PROTOCOL', `the coordinator sent an impossible Welcome (block ${w.blockSize}, window ${w.windowBytes}, image ${w.imageSize})`)
    }
    return w
  }

  /** Plan, Verdict, Refuse from the coordinator, until it hangs up. */
  private async followControl (control: Channel): Promise<void> {
    let reason = 'the coordinator closed the session'
    try {
      while (true) {
        const msg = await readControl(control)
        if (msg === null) break
        if (msg.kind === 'plan') this.onPlan(msg.body)
        else if (msg.kind === 'verdict') { this.verdictArrived = true; this.verdict.resolve(msg.body) }
        else if (msg.kind === 'refuse') { reason = `the coordinator ended this node's part: ${printable(msg.body.reason)}`; break }
        else throw new RingcastError('PROTOCOL', `unexpected ${msg.kind} from the coordinator`)
      }
    } catch (err) {
      reason = `control stream to the coordinator failed: ${errorMessage(err)}`
    }
    this.sessionOver = true
    const gone = new RingcastError('PEER_GONE', reason)
    this.plan.reject(gone)
    this.verdict.reject(gone)
    this.upstreams.fail(gone)
  }

  private async onBlockStream (channel: Channel): Promise<void> {
    const refuse = async (why: string): Promise<void> => {
      this.hooks.log(`refused a block stream from ${short(channel.remotePeer)} (${channel.remoteAddr}): ${why}`)
      const receiver = new BlockReceiver(channel, { sessionId: new Uint8Array(), imageSize: 0, blockSize: 0, windowBytes: 0 })
      await receiver.refuse(why)
    }
    // An honest upstream may send a whole window before we look at it; a
    // stranger gets no more room than that before it is refused.
    if (this.welcome !== undefined) {
      channel.reader.maxBufferedBytes = receiveBufferLimit(this.welcome.windowBytes, this.welcome.blockSize)
    }
    if (this.pendingBlockStreams >= MAX_PENDING_BLOCK_STREAMS) { await refuse('too many block streams waiting for the plan'); return }
    this.pendingBlockStreams++
    try {
      await withTimeout(this.plan.promise, UPSTREAM_TIMEOUT_MS, 'no plan yet')
    } catch (err) {
      await refuse(errorMessage(err)); return
    } finally {
      this.pendingBlockStreams--
    }
    if (channel.remotePeer !== this.plans.at(-1)!.upstreamPeer) { await refuse('this peer is not the upstream the coordinator named'); return }
    // A new stream from our upstream replaces the one we had.
    this.currentUpstream?.abort(new Error('replaced by a new block stream from the upstream'))
    this.currentUpstream = channel
    this.upstreams.push(channel)
  }

  /** The first Plan starts the run; later ones re-wire a running node. */
  private onPlan (plan: Plan): void {
    const previous = this.plans.at(-1)
    this.plans.push(plan)
    if (previous === undefined) { this.plan.resolve(plan); return }
    if (plan.upstreamPeer !== previous.upstreamPeer) {
      this.hooks.log(`re-wired: new upstream ${short(plan.upstreamPeer)}`)
      // Whatever the old upstream still sends is no longer wanted.
      this.currentUpstream?.abort(new Error('the coordinator named a new upstream'))
      this.currentUpstream = undefined
    }
    if (plan.downstreamPeer !== previous.downstreamPeer) {
      if (plan.downstreamPeer === '') {
        this.hooks.log('re-wired: no downstream any more (this node is now a tail)')
        this.pipeline?.dropDownstream(this.downstream, 'the coordinator removed this node\'s downstream')
      } else {
        this.hooks.log(`ignoring a new downstream ${short(plan.downstreamPeer)}: splicing a downstream in mid-image is not supported yet`)
      }
    }
  }

  private async openDownstream (plan: Plan): Promise<BlockSender | undefined> {
    const welcome = this.welcome!
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const channel = await this.net.dial(plan.downstreamPeer, plan.downstreamAddrs, BLOCKS_PROTOCOL)
        const sender = new BlockSender(channel, { sessionId: welcome.sessionId, windowBytes: welcome.windowBytes })
        await sender.start()
        return sender
      } catch (err) {
        this.hooks.log(`cannot reach downstream ${short(plan.downstreamPeer)} (attempt ${attempt}): ${errorMessage(err)}`)
        await new Promise(resolve => setTimeout(resolve, 500 * attempt))
      }
    }
    return undefined
  }

  /** Stay until the downstream acknowledged everything (FINDINGS trap 4), or is gone, or the session ended. */
  private async lingerForDownstream (downstream: BlockSender | undefined, imageSize: number): Promise<void> {
    if (downstream === undefined || downstream.failure !== undefined) return
    await Promise.race([
      downstream.waitAcked(imageSize).catch(() => {}),
      this.verdict.promise.then(() => this.sessionEnded(), () => {})
    ])
    await downstream.channel.closeWrite().catch(() => {})
  }

  /** Resolves when the coordinator closes the control stream. */
  private async sessionEnded (): Promise<void> {
    await this.control?.closed
  }
}

async function withTimeout<T> (promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new RingcastError('PEER_GONE', message)), ms)
    })])
  } finally {
    clearTimeout(timer)
  }
}


/** Accepted upstream channels, handed to the pipeline one at a time. */
class ChannelQueue {
  private readonly items: Channel[] = []
  private waiter?: { resolve: (c: Channel) => void, reject: (e: Error) => void }
  private failure?: Error

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
    return await withTimeout(new Promise<Channel>((resolve, reject) => { this.waiter = { resolve, reject } }), timeoutMs,
      `no upstream connected within ${Math.round(timeoutMs / 1000)} s`)
  }
}
