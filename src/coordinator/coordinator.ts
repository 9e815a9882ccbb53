// The coordinator: admits nodes, plans the chain, feeds its head, collects
// Done/Failed, judges each copy and builds the report.
//
// How this works
//   1. `start()` opens the image, starts libp2p and listens for
//      /ringcast/control/1.0.0. Each control stream must open with a Join;
//      the node is admitted (Welcome) or refused (Refuse + close).
//   2. `run()` waits until `nodes` have joined or `waitTimeoutMs` passes,
//      plans a chain in join order, sends every node its Plan, dials the head
//      and streams the image into it.
//   3. Nodes report Progress (the heartbeat), then Done (digest) or Failed.
//      A node whose control stream drops, that reports Failed, or that is
//      silent for `stallTimeoutMs` is failed, and the plan is re-wired
//      around it (detach): its upstream now feeds its downstream, which
//      says where it stands and is caught up from the upstream's replay
//      buffer or target; the head's downstream is fed from the image. Every
//      Done gets a Verdict against the image's SHA-256, which a worker
//      computes while nodes join (ImageDigest).
//   4. Once started, a node may still join: a restarted one (same identity)
//      resumes from its journal, a late one starts from 0. Either is spliced
//      in at a tail (spliceAtTail), which serves what it lacks.
//   5. When every member is finished the report is built and returned.

import { randomBytes, createHash, timingSafeEqual } from 'node:crypto'
import { RingcastError, errorMessage, isRingcastError } from '../errors.js'
import { ImageDigest } from '../image/image-digest.js'
import { openImageFile, type ImageSource } from '../image/image-file.js'
import type { Channel } from '../net/channel.js'
import { closeWithReason, dialCandidates, readControl, sendControl } from '../net/control-stream.js'
import { loadOrCreateKey } from '../net/identity.js'
import { NetNode } from '../net/node.js'
import { BlockSender, short } from '../relay/block-sender.js'
import { sameBytes, toHex } from '../relay/hash.js'
import { BlockReader, streamImage } from '../relay/image-streamer.js'
import { RateLimiter } from '../relay/rate-limiter.js'
import { chooseTopology } from '../topology/estimate.js'
import { formatTopology, plan, SOURCE, type Plan, type PlanNode } from '../topology/plan.js'
import { repairOrphans, type TreeView } from '../topology/repair.js'
import { subnetOf } from '../topology/subnet.js'
import { printable, type Done, type Join } from '../wire/messages.js'
import { BLOCKS_PROTOCOL, CONTROL_PROTOCOL, PROTOCOL_VERSION, SESSION_ID_BYTES } from '../wire/protocol.js'
import { validateConfig, type CoordinatorConfig, type NodeFacts } from './config.js'
import { isFinished, type Member } from './member.js'
import { buildReport, type SessionReport } from './report.js'

/** A connected peer has this long to send its Join. */
const JOIN_TIMEOUT_MS = 15_000
/**
 * A node whose upstream reports it gave no credit for 5 s is hung if its own
 * heartbeats (every 500 ms) have been missing this long too.
 */
const HUNG_SILENCE_MS = 3_000
/** After the report, how long nodes get to read their Verdict and hang up. */
const FAREWELL_TIMEOUT_MS = 3_000

export interface CoordinatorHooks {
  log: (line: string) => void
  /** Called about twice a second while blocks move. */
  progress?: (p: ProgressSnapshot) => void
  now?: () => number
}

export interface ProgressSnapshot {
  imageBytes: number
  sentBytes: number
  /** Least and most bytes written by any running or done node. */
  slowestBytes: number
  fastestBytes: number
  running: number
  finished: number
}

export class Coordinator {
  readonly token: string
  private readonly members = new Map<string, Member>()
  private readonly sessionId = randomBytes(SESSION_ID_BYTES)
  private started = false
  /** Every member finished: the report is being built; joins are refused. */
  private ending = false
  private startedAt = 0
  /** Shared by every feed from the image (serve --max-rate). */
  private readonly limiter?: RateLimiter
  private chainLength = 0
  private wake?: () => void
  private readonly now: () => number

  /** The image's SHA-256, computed by a worker while nodes join. */
  private readonly hashes: ImageDigest

  private constructor (
    readonly config: CoordinatorConfig,
    readonly image: ImageSource,
    readonly net: NetNode,
    private readonly hooks: CoordinatorHooks
  ) {
    this.token = config.token !== '' ? config.token : randomBytes(16).toString('hex')
    this.now = hooks.now ?? Date.now
    if (config.maxRateBytesPerSecond > 0) this.limiter = new RateLimiter(config.maxRateBytesPerSecond)
    this.hashes = new ImageDigest(image.path, image.size, this.now)
    this.hashes.digest().then(
      d => hooks.log(`image sha256 ${toHex(d)} (hashed in ${((this.hashes.elapsedMs ?? 0) / 1000).toFixed(1)} s)`),
      err => hooks.log(`hashing the image failed: ${errorMessage(err)}`))
  }

  static async start (input: CoordinatorConfig, hooks: CoordinatorHooks): Promise<Coordinator> {
    const config = validateConfig(input)
    const image = await openImageFile(config.imagePath)
    try {
      const { key, warning } = await loadOrCreateKey(config.keyPath)
      if (warning !== undefined) hooks.log(`warning: ${warning}`)
      const net = await NetNode.start({ privateKey: key, listen: config.listen })
      const coordinator = new Coordinator(config, image, net, hooks)
      await net.handle(CONTROL_PROTOCOL, channel => { void coordinator.onControl(channel) })
      return coordinator
    } catch (err) {
      await image.close()
      throw err
    }
  }

  /** Addresses nodes can join, best first (non-loopback before loopback). */
  get joinAddrs (): string[] {
    const addrs = this.net.addrs
    return [...addrs.filter(a => !a.startsWith('/ip4/127.') && !a.startsWith('/ip6/::1/')), ...addrs.filter(a => a.startsWith('/ip4/127.') || a.startsWith('/ip6/::1/'))]
  }

  async run (): Promise<SessionReport> {
    await this.waitForNodes()
    this.started = true
    this.startedAt = this.now()
    const order = [...this.members.values()]
    const { plan: p, how } = this.planSession(order)
    this.chainLength = p.hops.length
    this.hooks.log(`starting: ${order.length} node(s), ${formatTopology(p.topology)} (${how}; depth ${p.depth}, ${p.heads.length} fed by the source), ${this.image.size} bytes in ${this.config.blockSizeBytes}-byte blocks`)
    for (const hop of p.hops) {
      const member = this.members.get(hop.node)!
      member.position = hop.position
      member.depth = hop.depth
      member.state = 'running'
      member.lastHeardAt = this.now()
      member.upstreamPeer = hop.upstream === SOURCE ? this.net.peerId : hop.upstream
      member.downstreamPeers = [...hop.downstreams]
    }
    // Deepest first: every node has its plan before its upstream dials it.
    for (const hop of [...p.hops].reverse()) await this.sendPlan(this.members.get(hop.node)!)
    for (const head of p.heads) void this.feed(this.members.get(head)!)
    const ticker = setInterval(() => this.tick(), 500)
    try {
      await this.allFinished()
    } finally {
      this.ending = true
      clearInterval(ticker)
    }
    // Everyone admitted, including late joiners and restarted nodes.
    const members = [...this.members.values()]
    const digest = await this.hashes.digest().catch(() => new Uint8Array(32))
    const report = buildReport({
      image: this.image.path,
      imageBytes: this.image.size,
      sha256: digest,
      blockBytes: this.config.blockSizeBytes,
      startedAt: this.startedAt,
      endedAt: this.now(),
      members,
      allowFailures: this.config.allowFailures
    })
    await this.farewell(members)
    return report
  }

  /**
   * The plan for the nodes that joined, in order of joining. Nodes are
   * grouped by the subnet they connected from (a /24, or an IPv6 /64), the
   * source's own first. `auto` weighs every topology with the declared rates.
   */
  private planSession (order: Member[]): { plan: Plan, how: string } {
    const facts = (m: Member): NodeFacts | undefined => this.config.inventory?.get(m.name)
    const nodes: PlanNode[] = order.map(m => ({ id: m.peerId, subnet: facts(m)?.subnet ?? subnetKey(m.address) }))
    const sourceSubnet = this.net.addrs.map(subnetKey).find(k => k !== undefined && !k.startsWith('127.'))
    if (this.config.inventory !== undefined) {
      const unknown = order.filter(m => facts(m) === undefined).map(m => m.name)
      this.hooks.log(`inventory: ${order.length - unknown.length} of ${order.length} node(s) listed${unknown.length > 0 ? `; not listed (planned by their address): ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ', …' : ''}` : ''}`)
    }
    const t = this.config.topology
    if (t.kind !== 'auto') return { plan: plan(nodes, t, sourceSubnet), how: 'as asked' }
    const choice = chooseTopology(nodes, {
      imageBytes: this.image.size,
      blockBytes: this.config.blockSizeBytes,
      sourceUplink: this.config.sourceRateBytesPerSecond,
      nodeLink: this.config.linkRateBytesPerSecond,
      nodeDisk: Infinity,
      hopLatency: 0.001,
      perNode: new Map(order.map(m => [m.peerId, { link: facts(m)?.link, disk: facts(m)?.disk }]))
    }, sourceSubnet)
    // The estimate names nodes by peer id; people know them by name.
    const bottleneck = order.reduce((text, m) => text.replaceAll(m.peerId, m.name), choice.estimate.bottleneck)
    return { plan: choice.plan, how: `auto: estimated ${choice.estimate.seconds.toFixed(1)} s, limited by ${bottleneck}` }
  }

  async stop (): Promise<void> {
    await this.hashes.stop().catch(() => {})
    await this.net.stop().catch(() => {})
    await this.image.close().catch(() => {})
  }

  // ------------------------------------------------------------ admission

  private async onControl (channel: Channel): Promise<void> {
    let join: Join
    try {
      const first = await readControl(channel, JOIN_TIMEOUT_MS)
      if (first === null) { channel.abort(new Error('closed before Join')); return }
      if (first.kind !== 'join') throw new RingcastError('PROTOCOL', `expected Join, got ${first.kind}`)
      join = first.body
    } catch (err) {
      this.hooks.log(`closed control stream from ${short(channel.remotePeer)} (${channel.remoteAddr}): ${errorMessage(err)}`)
      await closeWithReason(channel, 'PROTOCOL', errorMessage(err))
      return
    }
    const refusal = this.checkJoin(join, channel)
    if (refusal !== undefined) {
      this.hooks.log(`refused ${join.name !== '' ? printable(join.name, 64) : short(channel.remotePeer)} from ${channel.remoteAddr}: ${refusal.reason}`)
      await closeWithReason(channel, refusal.code, refusal.reason)
      return
    }
    const previous = this.members.get(channel.remotePeer)
    // Same identity while the old run still looks alive: that run is gone (the node restarted).
    if (previous !== undefined && !isFinished(previous)) this.fail(previous, 'RESTARTED', 'the node restarted and joined again')
    const member: Member = {
      peerId: channel.remotePeer,
      name: join.name !== '' ? printable(join.name, 64) : short(channel.remotePeer),
      address: channel.remoteAddr,
      dialAddrs: dialCandidates(channel.remoteAddr, join.listenPort, join.listenAddrs),
      targetPath: printable(join.targetPath, 4096),
      channel,
      state: 'waiting',
      position: previous?.position ?? -1,
      writtenThrough: 0,
      bytesReceived: 0,
      resumedFrom: 0,
      lastHeardAt: this.now(),
      upstreamPeer: '',
      downstreamPeers: [],
      depth: 0,
      background: false,
      joinedLate: previous?.joinedLate ?? this.started,
      restarts: previous === undefined ? 0 : previous.restarts + 1,
      hadBeforeRestart: previous?.writtenThrough,
      firstJoinedAt: previous?.firstJoinedAt ?? this.now()
    }
    this.members.set(member.peerId, member)
    // Joined (or re-joined) mid-session: splice it in now, in the same tick
    // as any fail() above, so the run never sees every member finished.
    const tail = this.started ? this.spliceAtTail(member) : undefined
    await sendControl(channel, {
      welcome: {
        sessionId: this.sessionId,
        imageName: this.image.name,
        imageSize: this.image.size,
        blockSize: this.config.blockSizeBytes,
        windowBytes: this.config.windowBytes
      }
    }).catch(() => {})
    this.hooks.log(previous !== undefined
      ? `${member.name} is back (restart ${member.restarts}); it resumes from its journal`
      : `admitted ${member.name} from ${member.address}${this.started ? ', late' : ''} (${this.members.size}/${Number.isFinite(this.config.nodes) ? this.config.nodes : '?'})`)
    if (this.started) {
      // Its own plan first, so it accepts the stream its upstream opens.
      await this.sendPlan(member)
      if (tail !== undefined) await this.sendPlan(tail)
      else void this.feed(member)
    }
    this.wake?.()
    await this.followMember(member)
  }

  private checkJoin (join: Join, channel: Channel): { code: string, reason: string } | undefined {
    if (join.protocolVersion !== PROTOCOL_VERSION) {
      return { code: 'VERSION', reason: `node speaks ringcast protocol ${join.protocolVersion}, this coordinator speaks ${PROTOCOL_VERSION}; run the same ringcast version on both` }
    }
    if (!tokensMatch(join.token, this.token)) return { code: 'BAD_TOKEN', reason: 'wrong session token' }
    if (this.ending) return { code: 'REFUSED', reason: 'the session is over' }
    const previous = this.members.get(channel.remotePeer)
    if (previous !== undefined) {
      // Before the start a second Join with one identity is a mistake; after it, a restart.
      if (!this.started) return { code: 'REFUSED', reason: 'a node with this identity has already joined' }
      if (previous.state === 'done') return { code: 'REFUSED', reason: 'this node already finished its copy in this session' }
    } else {
      const present = [...this.members.values()].filter(m => m.state !== 'failed').length
      if (present >= this.config.nodes) return { code: 'REFUSED', reason: `the session is full (${this.config.nodes} node(s))` }
    }
    if (!join.targetGrowable && join.targetSize < this.image.size) {
      return { code: 'TARGET_TOO_SMALL', reason: `target ${printable(join.targetPath)} holds ${join.targetSize} bytes but the image is ${this.image.size}` }
    }
    return undefined
  }

  private async waitForNodes (): Promise<void> {
    const deadline = this.now() + this.config.waitTimeoutMs
    while (this.members.size < this.config.nodes) {
      const left = deadline - this.now()
      if (left <= 0) break
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, left)
        this.wake = () => { clearTimeout(timer); resolve() }
      })
    }
    this.wake = undefined
    // A node that joined and left while we waited is not part of the session.
    for (const m of this.members.values()) if (m.channel.isClosed) this.members.delete(m.peerId)
    if (this.members.size === 0) {
      throw new RingcastError('NO_NODES', `no node joined within ${Math.round(this.config.waitTimeoutMs / 1000)} s`)
    }
    if (this.members.size < this.config.minNodes) {
      const why = `only ${this.members.size} of the required ${this.config.minNodes} node(s) joined within ${Math.round(this.config.waitTimeoutMs / 1000)} s`
      for (const m of this.members.values()) void closeWithReason(m.channel, 'REFUSED', `the session did not start: ${why}`)
      throw new RingcastError('NO_NODES', why)
    }
    if (this.members.size < this.config.nodes && Number.isFinite(this.config.nodes)) {
      this.hooks.log(`wait timeout: starting with ${this.members.size} of ${this.config.nodes} node(s)`)
    }
  }

  // ------------------------------------------------------------ the run

  /** Read a member's control stream until it is finished or gone. */
  private async followMember (m: Member): Promise<void> {
    try {
      while (true) {
        const msg = await readControl(m.channel)
        if (msg === null) break
        m.lastHeardAt = this.now()
        switch (msg.kind) {
          case 'progress':
            m.writtenThrough = Math.min(msg.body.writtenThrough, this.image.size)
            m.bytesReceived = msg.body.bytesReceived
            m.resumedFrom = Math.min(msg.body.resumedFrom, this.image.size)
            this.watchBacklog(m)
            for (const peer of msg.body.stalledDownstreams.slice(0, 64)) this.onStalledDownstream(m, peer)
            if (msg.body.downstreamPeer !== '') this.onDownstreamTrouble(m, msg.body.downstreamPeer, printable(msg.body.downstreamError))
            break
          case 'done':
            await this.onDone(m, msg.body)
            break
          case 'failed':
            this.fail(m, printable(msg.body.code, 32), printable(msg.body.reason), msg.body.writtenThrough)
            break
          default:
            throw new RingcastError('PROTOCOL', `unexpected ${msg.kind} from a node`)
        }
      }
    } catch (err) {
      if (!isFinished(m)) this.fail(m, 'PROTOCOL', errorMessage(err))
      await closeWithReason(m.channel, 'PROTOCOL', errorMessage(err))
      return
    }
    if (!isFinished(m)) {
      if (!this.started) {
        this.members.delete(m.peerId)
        this.hooks.log(`${m.name} left before the session started`)
        return
      }
      this.fail(m, 'PEER_GONE', `lost contact with the node at ${m.writtenThrough} bytes`)
    }
  }

  private async onDone (m: Member, done: Done): Promise<void> {
    if (!this.started || isFinished(m)) throw new RingcastError('PROTOCOL', 'Done before the session could be complete')
    const source = await this.hashes.digest().catch(() => undefined)
    m.state = 'done'
    m.finishedAt = this.now()
    m.digest = done.sha256
    m.writtenThrough = Math.min(done.bytesWritten, this.image.size)
    m.elapsedMs = done.elapsedMs
    m.peakRssBytes = done.peakRssBytes
    m.peakInflightBytes = done.peakInflightBytes
    m.bytesReceived = done.bytesReceived
    m.resumedFrom = Math.min(done.resumedFrom, this.image.size)
    m.verified = source !== undefined && sameBytes(source, done.sha256) && done.bytesWritten === this.image.size
    if (!m.verified) {
      m.reason = source === undefined ? 'the source failed before the image was complete' : `digest ${toHex(done.sha256).slice(0, 16)}… differs from the source's ${toHex(source).slice(0, 16)}…`
    }
    this.hooks.log(`${m.name}: ${m.verified ? 'verified' : `NOT verified: ${m.reason ?? ''}`}`)
    await sendControl(m.channel, { verdict: { verified: m.verified, sourceSha256: source ?? new Uint8Array(), reason: m.reason ?? '' } }).catch(() => {})
    this.wake?.()
  }

  private fail (m: Member, code: string, reason: string, writtenThrough?: number): void {
    if (isFinished(m)) return
    m.state = 'failed'
    m.failCode = code
    m.reason = `${reason}${reason.includes(' at ') ? '' : ` (at ${writtenThrough ?? m.writtenThrough} of ${this.image.size} bytes)`}`
    if (writtenThrough !== undefined) m.writtenThrough = Math.min(writtenThrough, this.image.size)
    m.finishedAt = this.now()
    this.hooks.log(`${m.name} failed: ${m.reason}`)
    m.feed?.close(`${m.name} failed`)
    // A hung node may wake up later: tell it its part is over.
    void closeWithReason(m.channel, 'REFUSED', `this node was declared failed: ${m.reason}`)
    if (this.started) this.detach(m, `re-wiring around ${m.name}`)
    this.wake?.()
  }

  /**
   * Take `node` out of the structure (it failed, or is a straggler being
   * moved), keeping the others going (invariant 4):
   *
   *   before:  U --> node --> N --> ...        after:  U --> N --> ...
   *
   * Its upstream stops feeding it, and its orphans go where the repair rule
   * says: one takes its place under its nearest live ancestor (in a chain:
   * U), the others go under idle leaves, or the source feeds them. N tells
   * its new upstream where it stands (the HELLO answer) and is caught up
   * from that node's replay buffer or target. Sends every plan that
   * changed, except `node`'s own.
   */
  private detach (node: Member, why: string): void {
    const up = this.members.get(node.upstreamPeer)
    if (up !== undefined) up.downstreamPeers = up.downstreamPeers.filter(p => p !== node.peerId)
    const orphans = node.downstreamPeers
      .map(p => this.members.get(p))
      .filter((o): o is Member => o !== undefined && !isFinished(o) && o.upstreamPeer === node.peerId)
    node.downstreamPeers = []
    const view: TreeView<string> = {
      upstreamOf: id => {
        const m = this.members.get(id)
        return m === undefined || m.upstreamPeer === this.net.peerId || m.upstreamPeer === '' ? undefined : m.upstreamPeer
      },
      // The node keeps its orphans here, as the rule needs to see them.
      downstreamsOf: id => id === node.peerId ? orphans.map(o => o.peerId) : this.members.get(id)?.downstreamPeers ?? [],
      isGone: id => id === node.peerId || this.members.get(id)?.state !== 'running' || this.members.get(id)?.background === true,
      nodes: [...this.members.values()].sort((a, b) => a.position - b.position).map(m => m.peerId)
    }
    const changed = new Set<Member>()
    for (const [orphanId, newUpId] of repairOrphans(node.peerId, view)) {
      const orphan = this.members.get(orphanId)!
      const newUp = newUpId === undefined ? undefined : this.members.get(newUpId)
      if (newUp === undefined) {
        this.hooks.log(`${why}: feeding ${orphan.name} from the source`)
        this.feedFromSource(orphan)
        continue
      }
      this.hooks.log(`${why}: ${newUp.name} now feeds ${orphan.name}`)
      orphan.upstreamPeer = newUp.peerId
      newUp.downstreamPeers.push(orphan.peerId)
      changed.add(newUp)
      // The downstream first, so it accepts the stream the upstream opens.
      void this.sendPlan(orphan).then(async () => { await this.sendPlan(newUp) })
    }
    if (up !== undefined && up.state === 'running' && !changed.has(up)) void this.sendPlan(up)
  }

  /**
   * `up` got no credit from `peer` for 5 s (Forwarder's DEMOTE_AFTER_MS). If
   * `peer` has been silent that long as well, it is hung: fail it now rather
   * than after the whole stall timeout, so the nodes below it are re-wired
   * in seconds. (One that still heartbeats is slow, not hung: the straggler
   * rule deals with it.)
   */
  private onStalledDownstream (up: Member, peer: string): void {
    const down = this.members.get(peer)
    if (down === undefined || down.state !== 'running' || down.upstreamPeer !== up.peerId) return
    const silentMs = this.now() - down.lastHeardAt
    if (silentMs < HUNG_SILENCE_MS) return
    this.fail(down, 'STALLED', `no heartbeat for ${(silentMs / 1000).toFixed(1)} s and no credit to ${up.name} for 5 s (hung) at ${down.writtenThrough} of ${this.image.size} bytes`)
  }

  /**
   * Straggler detection: a node whose disk keeps three quarters of the credit
   * window waiting is the one pacing everything above it (through the
   * credits). Sustained for --straggler-after, it is moved out of the way.
   */
  private watchBacklog (m: Member): void {
    if (this.config.stragglerAfterMs === 0 || m.state !== 'running' || m.background) return
    const backlog = m.resumedFrom + m.bytesReceived - m.writtenThrough
    if (backlog < 0.75 * this.config.windowBytes || m.writtenThrough >= this.image.size) { m.slowSince = undefined; return }
    m.slowSince ??= this.now()
    if (this.now() - m.slowSince >= this.config.stragglerAfterMs) this.relocateStraggler(m, backlog)
  }

  /**
   * Move a straggler out of the way: its downstreams are re-parented as if it
   * had failed, and it goes under a running leaf, which serves it in the
   * background (from its replay buffer and target, at the straggler's pace,
   * never waiting for it). Without any leaf the source feeds it on its own
   * stream.
   */
  private relocateStraggler (s: Member, backlog: number): void {
    const others = [...this.members.values()].filter(m => m !== s && m.state === 'running')
    if (others.length === 0) return
    this.hooks.log(`${s.name} is a straggler: its disk kept ${backlog} of the ${this.config.windowBytes}-byte window waiting for ${Math.round(this.config.stragglerAfterMs / 1000)} s; moving it out of the way`)
    s.background = true
    s.slowSince = undefined
    this.detach(s, `moving straggler ${s.name}`)
    // A leaf with an idle uplink, the one that has most; else the last
    // straggler moved (stragglers then form a chain of their own, in the
    // background, none pacing the others).
    const leaf = others
      .filter(m => m.downstreamPeers.length === 0)
      .sort((a, b) => Number(a.background) - Number(b.background) || b.writtenThrough - a.writtenThrough)[0]
    if (leaf === undefined) {
      this.hooks.log(`${s.name} is fed by the source on its own stream`)
      this.feedFromSource(s)
      return
    }
    this.hooks.log(`${leaf.name} serves straggler ${s.name} in the background`)
    // Fed by the source until now: that stream ends here, on purpose.
    const feed = s.feed
    s.feed = undefined
    s.upstreamPeer = leaf.peerId
    feed?.close(`${s.name} is served by ${leaf.name} from now on`)
    s.depth = leaf.depth + 1
    leaf.downstreamPeers.push(s.peerId)
    // The straggler first, so it accepts the stream the leaf opens.
    void this.sendPlan(s).then(async () => { await this.sendPlan(leaf) })
  }

  /**
   * Put a node that joined mid-session (late, or back after a restart) behind
   * the running tail that has the most, which serves it what it lacks and
   * then the live stream. Returns that tail; without one (undefined) the
   * node is to be fed from the image. The caller sends the plans.
   */
  private spliceAtTail (m: Member): Member | undefined {
    m.state = 'running'
    m.lastHeardAt = this.now()
    m.downstreamPeers = []
    if (m.position < 0) m.position = this.chainLength++
    // A straggler served in the background would pace whoever it fed: never a tail.
    const tails = [...this.members.values()].filter(t => t !== m && t.state === 'running' && t.downstreamPeers.length === 0 && !t.background)
    const tail = tails.sort((a, b) => b.writtenThrough - a.writtenThrough)[0]
    if (tail === undefined) {
      this.hooks.log(`${m.name} joins fed from the source`)
      m.upstreamPeer = this.net.peerId
      return undefined
    }
    this.hooks.log(`${m.name} joins behind ${tail.name}`)
    m.upstreamPeer = tail.peerId
    m.depth = tail.depth + 1
    tail.downstreamPeers = [m.peerId]
    return tail
  }

  /**
   * A node says its downstream failed by itself (unreachable, or the catch-up
   * broke): feed that downstream from the image instead.
   */
  private onDownstreamTrouble (up: Member, peer: string, reason: string): void {
    const down = this.members.get(peer)
    if (down === undefined || isFinished(down) || down.upstreamPeer !== up.peerId || !up.downstreamPeers.includes(peer)) return
    this.hooks.log(`${up.name} cannot feed ${down.name} (${reason}); feeding ${down.name} from the source`)
    up.downstreamPeers = up.downstreamPeers.filter(p => p !== peer)
    void this.sendPlan(up)
    this.feedFromSource(down)
  }

  private feedFromSource (m: Member): void {
    m.upstreamPeer = this.net.peerId
    m.depth = 1
    void this.sendPlan(m).then(async () => { await this.feed(m) })
  }

  private async sendPlan (m: Member): Promise<void> {
    await sendControl(m.channel, {
      plan: {
        upstreamPeer: m.upstreamPeer,
        downstreams: m.downstreamPeers.map(peer => ({ peer, addrs: this.members.get(peer)?.dialAddrs ?? [], background: this.members.get(peer)?.background === true })),
        position: m.position,
        chainLength: this.chainLength,
        depth: m.depth
      }
    }).catch(err => this.fail(m, 'PEER_GONE', `could not send it a plan: ${errorMessage(err)}`))
  }

  /** Stream the image into `m`, from the offset it asks for. */
  private async feed (m: Member): Promise<void> {
    let sender: BlockSender | undefined
    try {
      const channel = await this.net.dial(m.peerId, m.dialAddrs, BLOCKS_PROTOCOL)
      sender = m.feed = new BlockSender(channel, { sessionId: this.sessionId, windowBytes: this.config.windowBytes })
      if (isFinished(m)) { sender.close(`${m.name} already finished`); return }
      const reader = new BlockReader(this.image, this.config.blockSizeBytes, this.config.windowBytes)
      const from = await streamImage(reader, sender, this.image.size, async () => await this.hashes.digest(), this.limiter)
      if (from > 0) this.hooks.log(`fed ${m.name} from ${from} bytes on`)
      // Keep the stream open until the node has written everything (FINDINGS trap 4).
      await sender.waitAcked(this.image.size).catch(() => {})
    } catch (err) {
      if (isRingcastError(err, 'IMAGE_UNREADABLE')) {
        for (const n of this.members.values()) this.fail(n, 'IMAGE_UNREADABLE', errorMessage(err))
        return
      }
      // Not a failure when the node is fed another way now (a straggler moved under a leaf).
      if (m.upstreamPeer !== this.net.peerId || (sender !== undefined && m.feed !== sender)) return
      this.fail(m, 'PEER_GONE', `the source could not feed it: ${errorMessage(err)}`)
    }
  }

  /** Fail nodes that went silent; report progress. */
  private tick (): void {
    const now = this.now()
    for (const m of this.members.values()) {
      // Heartbeats, not progress: a node starved behind a dead one still
      // talks, while a hung (SIGSTOPped, frozen, unplugged) one does not.
      if (m.state === 'running' && now - m.lastHeardAt > this.config.stallTimeoutMs) {
        this.fail(m, 'STALLED', `no heartbeat for ${Math.round((now - m.lastHeardAt) / 1000)} s (hung, frozen or unplugged) at ${m.writtenThrough} of ${this.image.size} bytes`)
      }
    }
    const all = [...this.members.values()]
    const live = all.filter(m => m.state !== 'failed')
    this.hooks.progress?.({
      imageBytes: this.image.size,
      sentBytes: Math.max(0, ...all.map(m => m.feed?.sentThrough ?? 0)),
      slowestBytes: live.length === 0 ? 0 : Math.min(...live.map(m => m.writtenThrough)),
      fastestBytes: live.length === 0 ? 0 : Math.max(...live.map(m => m.writtenThrough)),
      running: live.filter(m => m.state === 'running').length,
      finished: all.filter(isFinished).length
    })
  }

  private async allFinished (): Promise<void> {
    while (![...this.members.values()].every(isFinished)) {
      await new Promise<void>(resolve => { this.wake = resolve })
    }
    this.wake = undefined
  }

  /** Close every control stream and give nodes a moment to hang up first. */
  private async farewell (members: Member[]): Promise<void> {
    await Promise.race([
      Promise.all(members.map(async m => {
        await m.channel.closeWrite().catch(() => {})
        await m.channel.closed
      })),
      new Promise(resolve => setTimeout(resolve, FAREWELL_TIMEOUT_MS).unref())
    ])
  }
}

/** Constant-time token comparison (hash first so lengths do not leak). */
function tokensMatch (given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

/**
 * The subnet a multiaddr's address is in, as a grouping key for the
 * planners: the /24 of an IPv4 address, the /64 of an IPv6 one, in the same
 * form as an inventory's subnets, so listed and unlisted nodes group together.
 */
export function subnetKey (multiaddr: string): string | undefined {
  const ip = /^\/ip[46]\/([^/]+)/.exec(multiaddr)?.[1]
  if (ip === undefined) return undefined
  try {
    return subnetOf(ip)
  } catch {
    return undefined
  }
}
