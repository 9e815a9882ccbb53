// The node agent: joins a coordinator, receives its place in the chain,
// writes and forwards the image, and reports Done or Failed.
//
// How this works
//   1. Inspect the target before connecting, so a bad target costs nothing.
//   2. Dial the coordinator (retrying with backoff), Join, await Welcome.
//   3. Await the Plan; accept a block stream only from the named upstream;
//      dial the named downstream.
//   4. If a journal from an earlier run of this node for this session is
//      there, re-verify the target against it and resume after what checks.
//   5. Run the RelayPipeline; send Progress twice a second. Record every
//      written block in the journal.
//   6. Send Done, then stay until the downstream has everything and the
//      coordinator's Verdict arrived. Exit status follows the verdict; a
//      verified copy removes its journal.

import { createHash } from 'node:crypto'
import { RingcastError, errorMessage, isRingcastError, type ErrorCode } from '../errors.js'
import type { Channel } from '../net/channel.js'
import { readControl, sendControl } from '../net/control-stream.js'
import { ephemeralKey, loadOrCreateKey } from '../net/identity.js'
import { NetNode } from '../net/node.js'
import { BlockReceiver, receiveBufferLimit } from '../relay/block-receiver.js'
import { BlockSender, short } from '../relay/block-sender.js'
import { DEMOTE_AFTER_MS, type Forwarder } from '../relay/forwarder.js'
import { RateLimiter } from '../relay/rate-limiter.js'
import { RelayPipeline, type ResumeState } from '../relay/relay-pipeline.js'
import { toHex } from '../relay/hash.js'
import { endOfBlocks } from '../relay/replay-buffer.js'
import { MAX_FANOUT } from '../topology/plan.js'
import { defaultJournalPath, Journal, journalMismatch, loadJournal, verifyAgainstJournal, type JournalHeader } from '../storage/journal.js'
import { inspectTarget, Target, type TargetInfo } from '../storage/target.js'
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
  /** Newest verified bytes kept in memory to catch a downstream up. */
  replayBytes: number
  /** Resume journal path; default next to a file target (see defaultJournalPath); null: no journal. */
  journalPath?: string | null
  /** Most bytes per second written to the target (0 or undefined: no cap). */
  maxWriteRateBytesPerSecond?: number
}

export interface AgentHooks {
  log: (line: string) => void
  progress?: (writtenBytes: number, imageBytes: number) => void
}

export interface AgentResult {
  name: string
  bytesWritten: number
  /** Offset this run started at (more than 0 when it resumed). */
  resumedFrom: number
  /** Payload bytes received in this run. */
  bytesReceived: number
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
/** Fsync the journal after this many bytes written (its records are written out sooner). */
const JOURNAL_CHECKPOINT_BYTES = 16 * 1_048_576
/**
 * Block streams waiting for the Plan before we can tell whether they come
 * from our upstream. Each may buffer up to one window, so strangers get at
 * most this many windows of our memory.
 */
const MAX_PENDING_BLOCK_STREAMS = 2
/** How long a block stream from an unexpected peer waits for a Plan naming it. */
const PLAN_RACE_MS = 2_000
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
  private pipeline?: RelayPipeline
  /**
   * Downstreams that failed by themselves, by peer, told to the coordinator
   * one per heartbeat until a plan no longer names them.
   */
  private readonly downstreamFailures = new Map<string, string>()
  /** Downstreams demoted for giving no credit (told to the coordinator: a hang if they are silent too). */
  private readonly stalledDownstreams = new Set<string>()
  private failureTurn = 0
  private journalWarned = false
  /** Woken by every Plan (a block stream may arrive just before the Plan naming its sender). */
  private planWaiters: Array<() => void> = []
  private pendingBlockStreams = 0
  private welcome?: Welcome
  private control?: Channel
  private sessionOver = false
  private verdictArrived = false

  constructor (private readonly config: AgentConfig, private readonly hooks: AgentHooks, private readonly net: NetNode) {
    this.plan.promise.catch(() => {})
    this.verdict.promise.catch(() => {})
  }

  async run (info: TargetInfo): Promise<AgentResult> {
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

    // Heartbeats start now: re-verifying a large prefix takes a while.
    let pipeline: RelayPipeline | undefined
    let resumedFrom = 0
    const ticker = setInterval(() => {
      const failure = this.nextFailureToReport()
      void sendControl(control, {
        progress: {
          writtenThrough: pipeline?.writtenThrough ?? 0,
          bytesReceived: pipeline?.bytesReceived ?? 0,
          resumedFrom,
          downstreamPeer: failure?.[0] ?? '',
          downstreamError: failure?.[1] ?? '',
          stalledDownstreams: [...this.stalledDownstreams].filter(p => this.wanted(p))
        }
      }).catch(() => {})
      this.hooks.progress?.(pipeline?.writtenThrough ?? resumedFrom, welcome.imageSize)
    }, PROGRESS_INTERVAL_MS)
    let target: Target | undefined
    let journal: Journal | undefined
    try {
      const header: JournalHeader = { sessionId: welcome.sessionId, imageSize: welcome.imageSize, blockSize: welcome.blockSize, targetPath: info.path }
      const resume = await this.loadResumeState(info, header)
      resumedFrom = endOfBlocks(resume?.blocks ?? [])
      journal = await this.openJournal(info, header, resume)
      target = await Target.open(info, welcome.imageSize)
      pipeline = this.pipeline = this.makePipeline(target, welcome, journal)
      if (resume !== undefined) pipeline.resume(resume)
      const plan = await this.plan.promise
      const downs = downstreamsOf(plan).map(d => short(d.peer)).join(', ')
      this.hooks.log(`position ${plan.position + 1} of ${plan.chainLength}, depth ${plan.depth}; upstream ${short(plan.upstreamPeer)}, downstream ${downs === '' ? 'none (tail)' : downs}`)
      // The downstreams are connected before any block moves (from the newest
      // plan: another may have come meanwhile); later ones as plans come.
      await Promise.all(downstreamsOf(this.plans.at(-1)!).map(async d => { await this.connectDownstream(d) }))
      let first = true
      const result = await pipeline.run(async () => {
        const channel = await this.upstreams.next(first ? UPSTREAM_TIMEOUT_MS : REPLACEMENT_TIMEOUT_MS)
        first = false
        return new BlockReceiver(channel, { sessionId: welcome.sessionId, imageSize: welcome.imageSize, blockSize: welcome.blockSize, windowBytes: welcome.windowBytes })
      })
      await journal?.checkpoint().catch(err => this.journalTrouble(err))
      const rss = process.resourceUsage().maxRSS * 1024
      await sendControl(control, {
        done: { sha256: result.digest, bytesWritten: welcome.imageSize, elapsedMs: result.elapsedMs, peakRssBytes: rss, peakInflightBytes: pipeline.peakInflightBytes, bytesReceived: pipeline.bytesReceived, resumedFrom }
      })
      this.hooks.progress?.(welcome.imageSize, welcome.imageSize)
      await this.lingerForDownstream()
      const verdict = await this.verdict.promise
      if (!verdict.verified) throw new RingcastError('INTEGRITY', `the coordinator did not verify this copy: ${printable(verdict.reason)}`)
      await journal?.remove().catch(() => {})
      journal = undefined
      return {
        name: this.config.name,
        bytesWritten: welcome.imageSize,
        resumedFrom,
        bytesReceived: pipeline.bytesReceived,
        sha256: toHex(result.digest),
        elapsedMs: result.elapsedMs,
        peakRssBytes: rss,
        peakInflightBytes: pipeline.peakInflightBytes
      }
    } catch (err) {
      if (!this.sessionOver && !(isRingcastError(err) && err.code === 'INTEGRITY' && this.verdictArrived)) {
        const code = isRingcastError(err) ? err.code : 'INTERNAL'
        await sendControl(control, { failed: { code, reason: errorMessage(err), writtenThrough: pipeline?.writtenThrough ?? 0 } }).catch(() => {})
      }
      for (const peer of [...pipeline?.forwarders.keys() ?? []]) pipeline?.dropDownstream(peer, `upstream node failed: ${errorMessage(err)}`)
      throw err
    } finally {
      clearInterval(ticker)
      await journal?.close()
      await target?.close()
      await control.closeWrite().catch(() => {})
    }
  }

  private makePipeline (target: Target, welcome: Welcome, journal: Journal | undefined): RelayPipeline {
    let sinceCheckpoint = 0
    const pipeline = new RelayPipeline(target, welcome.imageSize, {
      replayBytes: this.config.replayBytes,
      writeLimiter: (this.config.maxWriteRateBytesPerSecond ?? 0) > 0 ? new RateLimiter(this.config.maxWriteRateBytesPerSecond!) : undefined,
      onWritten: journal === undefined
        ? undefined
        : block => {
          journal.record(block)
          sinceCheckpoint += block.length
          if (sinceCheckpoint >= JOURNAL_CHECKPOINT_BYTES) {
            sinceCheckpoint = 0
            journal.checkpoint().catch(err => this.journalTrouble(err))
          }
        }
    })
    pipeline.onUpstreamLost = (reason, at) => this.hooks.log(`upstream lost at ${at} bytes (${reason}); waiting for the coordinator to re-wire`)
    pipeline.onDownstreamDemoted = peer => {
      this.stalledDownstreams.add(peer)
      this.hooks.log(`downstream ${short(peer)} gave no credit for ${DEMOTE_AFTER_MS / 1000} s (hung or far too slow): serving it in the background from now on`)
    }
    pipeline.onDownstreamFailed = (peer, err) => {
      this.hooks.log(`downstream ${short(peer)} lost: ${errorMessage(err)}`)
      this.downstreamFailures.set(peer, errorMessage(err))
    }
    return pipeline
  }

  /**
   * What an earlier run of this node, in this session, left verified on the
   * target: every block the journal lists is read back and hashed; the run
   * resumes after the last block that checks. Any doubt means starting over.
   */
  private async loadResumeState (info: TargetInfo, header: JournalHeader): Promise<ResumeState | undefined> {
    const path = this.journalPath(info)
    if (path === undefined) return undefined
    try {
      const loaded = await loadJournal(path)
      if (loaded === undefined || loaded.blocks.length === 0) return undefined
      const mismatch = journalMismatch(loaded.header, header)
      if (mismatch !== undefined) { this.hooks.log(`not resuming from ${path}: ${mismatch}`); return undefined }
      const started = Date.now()
      const wholeImageHash = createHash('sha256')
      const blocks = await verifyAgainstJournal(info.path, loaded.blocks, bytes => { wholeImageHash.update(bytes) })
      const through = endOfBlocks(blocks)
      this.hooks.log(`resuming at ${through} of ${header.imageSize} bytes: ${blocks.length} of ${loaded.blocks.length} journaled block(s) re-verified in ${((Date.now() - started) / 1000).toFixed(1)} s`)
      return blocks.length === 0 ? undefined : { blocks, wholeImageHash }
    } catch (err) {
      this.hooks.log(`not resuming: ${errorMessage(err)}`)
      return undefined
    }
  }

  /** A fresh journal, or the verified part of the old one; none if it cannot be written (the clone goes on). */
  private async openJournal (info: TargetInfo, header: JournalHeader, resume: ResumeState | undefined): Promise<Journal | undefined> {
    const path = this.journalPath(info)
    if (path === undefined) return undefined
    try {
      return resume === undefined ? await Journal.create(path, header) : await Journal.resume(path, header, resume.blocks)
    } catch (err) {
      this.hooks.log(`warning: no resume journal (${errorMessage(err)}); a restart of this node would start over`)
      return undefined
    }
  }

  private journalPath (info: TargetInfo): string | undefined {
    if (this.config.journalPath === null) return undefined
    return this.config.journalPath ?? defaultJournalPath(info)
  }

  private journalTrouble (err: unknown): void {
    if (this.journalWarned) return
    this.journalWarned = true
    this.hooks.log(`warning: the resume journal failed (${errorMessage(err)}); the clone goes on, but a restart would start over`)
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
        if (msg.kind === 'plan') {
          if (msg.body.downstreams.length > MAX_FANOUT) throw new RingcastError('PROTOCOL', `the coordinator named ${msg.body.downstreams.length} downstreams (at most ${MAX_FANOUT})`)
          this.onPlan(msg.body)
        }
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
    const deadline = Date.now() + PLAN_RACE_MS
    while (this.plans.at(-1)?.upstreamPeer !== peer) {
      const left = deadline - Date.now()
      if (left <= 0 || this.sessionOver) return false
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, left)
        this.planWaiters.push(() => { clearTimeout(timer); resolve() })
      })
    }
    return true
  }

  /** The first Plan starts the run; later ones re-wire a running node. */
  private onPlan (plan: Plan): void {
    const previous = this.plans.at(-1)
    this.plans.push(plan)
    const waiters = this.planWaiters
    this.planWaiters = []
    for (const w of waiters) w()
    if (previous === undefined) { this.plan.resolve(plan); return }
    if (plan.upstreamPeer !== previous.upstreamPeer) {
      this.hooks.log(`re-wired: new upstream ${short(plan.upstreamPeer)}`)
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
      this.downstreamFailures.delete(d.peer)
      this.hooks.log(`re-wired: no longer forwarding to ${short(d.peer)}${d.background ? ' in the background' : ''}`)
      this.pipeline?.dropDownstream(d.peer, 'the coordinator moved this downstream elsewhere')
    }
    for (const [k, d] of now) {
      if (before.has(k)) continue
      this.downstreamFailures.delete(d.peer)
      this.hooks.log(`re-wired: new downstream ${short(d.peer)}${d.background ? ', served in the background (a straggler)' : ''}`)
      // Before the pipeline exists the first plan's downstreams are connected by run().
      if (this.pipeline !== undefined) void this.connectDownstream(d)
    }
  }

  /** One failed downstream to tell the coordinator about, in turn. */
  private nextFailureToReport (): [string, string] | undefined {
    const failures = [...this.downstreamFailures]
    if (failures.length === 0) return undefined
    return failures[this.failureTurn++ % failures.length]
  }

  private wanted (peer: string): boolean {
    const plan = this.plans.at(-1)
    return !this.sessionOver && plan !== undefined && downstreamsOf(plan).some(d => d.peer === peer)
  }

  /**
   * Dial a downstream the plan names and forward to it from where it stands.
   * Gives up after a few attempts and says so in the heartbeat, so the
   * coordinator can feed that node another way.
   */
  private async connectDownstream ({ peer, addrs, background }: PlannedDownstream): Promise<void> {
    const welcome = this.welcome!
    const pipeline = this.pipeline!
    let lastError: unknown
    for (let attempt = 1; attempt <= 3 && this.wanted(peer); attempt++) {
      try {
        const channel = await this.net.dial(peer, addrs, BLOCKS_PROTOCOL)
        const sender = new BlockSender(channel, { sessionId: welcome.sessionId, windowBytes: welcome.windowBytes })
        if (!this.wanted(peer)) { sender.close('the coordinator changed the plan'); return }
        const forwarder = await pipeline.attachDownstream(sender, background)
        if (!this.wanted(peer)) { pipeline.dropDownstream(peer, 'the coordinator changed the plan'); return }
        if (forwarder.startedAt < pipeline.verifiedThrough) {
          this.hooks.log(`downstream ${short(peer)} starts at ${forwarder.startedAt}; catching it up from ${pipeline.verifiedThrough - forwarder.startedAt <= this.config.replayBytes ? 'the replay buffer' : 'the replay buffer and this node\'s target'}`)
        }
        return
      } catch (err) {
        lastError = err
        this.hooks.log(`cannot reach downstream ${short(peer)} (attempt ${attempt}): ${errorMessage(err)}`)
        await new Promise(resolve => setTimeout(resolve, 500 * attempt))
      }
    }
    if (this.wanted(peer)) this.downstreamFailures.set(peer, `cannot reach it: ${errorMessage(lastError)}`)
  }

  /**
   * Stay until the downstream in force acknowledged everything (FINDINGS
   * trap 4), or failed, or the session ended. A downstream named while we
   * linger (a node spliced in behind us) is served from our target.
   */
  private async lingerForDownstream (): Promise<void> {
    const sessionEnd = this.verdict.promise.then(async () => await this.sessionEnded(), () => {})
    const closed = new Set<Forwarder>()
    while (true) {
      // Every downstream in force that has not failed and is not yet done with.
      const open = [...this.pipeline?.forwarders.values() ?? []].filter(f => f.failure === undefined && !closed.has(f))
      if (open.length === 0) return
      const finished = open.map(async f => await f.complete().then(() => f, () => f))
      const outcome = await Promise.race([...finished, sessionEnd.then(() => 'over' as const)])
      if (outcome === 'over') return
      // Done with this one: close our end so it has everything (FINDINGS trap 4).
      closed.add(outcome)
      if (outcome.failure === undefined) await outcome.sender.channel.closeWrite().catch(() => {})
    }
  }

  /** Resolves when the coordinator closes the control stream. */
  private async sessionEnded (): Promise<void> {
    await this.control?.closed
  }
}

interface PlannedDownstream { peer: string, addrs: string[], background: boolean }

/** A plan's downstreams as plain values (the decoder leaves optional fields typed as nullable). */
function downstreamsOf (plan: Plan): PlannedDownstream[] {
  return plan.downstreams.map(d => ({ peer: d.peer ?? '', addrs: d.addrs ?? [], background: d.background === true })).filter(d => d.peer !== '')
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
