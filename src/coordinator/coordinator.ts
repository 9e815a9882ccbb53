// The coordinator: admits nodes, plans the topology, feeds the heads,
// follows every node, re-wires around failures, judges each copy and builds
// the report.
//
// How this works
//   1. `start()` opens the image, starts the network and listens for
//      /ringcast/control/1.0.0. Each control stream must open with a Join;
//      the node is admitted (Welcome) or refused (Refuse + close): see
//      admission.ts.
//   2. `run()` waits until `nodes` have joined or `waitTimeoutMs` passes,
//      plans the topology (initial-plan.ts), sends every node its Plan and
//      streams the image into each head (source-feed.ts).
//   3. Nodes report Progress (the heartbeat), then Done (digest) or Failed.
//      Every decision about the topology during the run is the re-wire
//      policy's (src/topology/rewire.ts), carried out by rewiring.ts: a
//      node whose control stream drops, that reports Failed, or that goes
//      silent is failed and detached; a straggler is moved under a leaf; a
//      late or restarted node is spliced in at a tail. Every Done is
//      checked against the image's SHA-256 (a worker computes it while nodes
//      join) and then proven by a read-back challenge (verdicts.ts).
//   4. A verified node that asked for the identity step (join --identity)
//      gets its host name and inventory fields with its Verdict and is
//      finished only with its IdentityDone (identity-steps.ts); only then
//      is it verified for network boot.
//   5. When every member is finished the report is built and returned.
//   6. With serve --state DIR the session is kept there as it goes
//      (session-state.ts). A coordinator started again with that DIR (after
//      kill -9, say) re-adopts it: the nodes, whose data plane went on,
//      dial back with Join.rejoin, get a new Plan (and the heads a new
//      source feed, from where they are), and a node whose Done was lost
//      sends it again (docs/restart.md).

import { randomBytes } from 'node:crypto'
import { systemClock, sleepOrWake, type Cancel, type Clock } from '../clock.js'
import { RingcastError, errorMessage, type ErrorCode } from '../errors.js'
import { openSessionSource, type SessionSource } from '../image/image-set.js'
import type { Channel } from '../net/channel.js'
import { closeWithReason, multiaddrHost, readControl, sendControl } from '../net/control-stream.js'
import { ed25519Seed, loadOrCreateKey } from '../net/identity.js'
import type { Network } from '../net/network.js'
import { NetNode } from '../net/node.js'
import { short } from '../relay/block-sender.js'
import { blockHash, sameBytes, toHex } from '../relay/hash.js'
import { RateLimiter } from '../relay/rate-limiter.js'
import { SourceSigner } from '../relay/source-signature.js'
import { formatTopology, SOURCE } from '../topology/plan.js'
import { detach, judgeBacklog, judgeSilence, judgeStalledDownstream, relocateStraggler, spliceLateJoiner, bypassBrokenHop, type RewireEffect, type RewirePolicy } from '../topology/rewire.js'
import { dataPlaneToWire } from '../wire/data-plane-kind.js'
import { fromWireCode } from '../wire/error-codes.js'
import { printable, type ControlInput, type Join } from '../wire/messages.js'
import { CONTROL_PROTOCOL, DIGEST_BATCHES_SHA256, PROTOCOL_VERSION, SESSION_ID_BYTES } from '../wire/protocol.js'
import { checkSessionParams } from '../wire/session-params.js'
import { FailedAttempts } from './failed-attempts.js'
import { checkJoin, newMember, stillRunning } from './admission.js'
import { rewirePolicyOf, validateConfig, type CoordinatorConfig } from './config.js'
import { initialPlan, sourceSubnetOf } from './initial-plan.js'
import { isFinished, type Member } from './member.js'
import { buildReport, describeTotals, type SessionReport } from './report.js'
import { Rewiring } from './rewiring.js'
import { Session } from './session.js'
import { snapshotOf, type SessionSnapshot } from './snapshot.js'
import { SourceFeeds } from './source-feed.js'
import { contentPolicyFor, SourceHashes, type ContentPolicy } from './source-hashes.js'
import { initCompression } from '../relay/compression.js'
import { Verdicts } from './verdicts.js'
import { IdentitySteps, IDENTITY_DONE_TIMEOUT_MS } from './identity-steps.js'
import { imagesChanged, memberOf, notConnected, paramsChanged, recordOf, stampImages, StateStore, type ImageStamp, type SessionState } from './session-state.js'

/** A connected peer has this long to send its Join. */
const JOIN_TIMEOUT_MS = 15_000
/** After the report, how long nodes get to read their Verdict and hang up. */
const FAREWELL_TIMEOUT_MS = 3_000
/** How often stalls are checked and progress is shown. */
const TICK_MS = 500
/** Write the session state (serve --state) at least this often while blocks move; outcomes are written at once. */
const STATE_EVERY_TICKS = 4
/**
 * A tick this late means this process was not running (SIGSTOP, a frozen
 * VM): the silence it saw was its own, so nobody is judged for it.
 */
const PAUSED_AFTER_MS = 5 * TICK_MS
/**
 * Re-adopted members have this long past the stall timeout to dial back:
 * a node redials with a backoff of up to 5 s (control-link.ts).
 */
const REDIAL_GRACE_MS = 5_000

export interface CoordinatorHooks {
  log: (line: string) => void
  /** Called about twice a second while blocks move. */
  progress?: (p: ProgressSnapshot) => void
  /** Nodes the coordinator boots (serve --boot-nodes): their own tokens, and what becomes of each. */
  nodes?: NodeOutcomes
}

/** What the boot service (src/boot/boot-service.ts) takes from a session, by node name. */
export interface NodeOutcomes {
  /** Whether `token` is node `name`'s own single-use one for this session (nothing is spent: the Join may still be refused). */
  validToken: (name: string, token: string) => boolean
  /** The Join that presented it is admitted: spend it (no-op for any other token). */
  redeem: (name: string, token: string) => void
  joined: (name: string) => void
  /** Its copy is verified (and, if it asked for one, its identity step succeeded): it may boot its clone. */
  verified: (name: string) => void
  failed: (name: string, reason: string) => void
  /** Its own inventory fields, for its identity hooks (RINGCAST_FIELD_<NAME>); undefined: none. */
  identityOf?: (name: string) => Promise<Record<string, string> | undefined>
}

/** What a running session looks like, for a progress bar. */
export interface ProgressSnapshot {
  imageBytes: number
  /** Least bytes written by any running or done node. */
  slowestBytes: number
}

/** What a test or an embedding program may put in place of the real parts. */
export interface CoordinatorParts {
  /** The network to listen on (default: a libp2p node with the configured key). */
  net?: Network
  /** With `net`: the Ed25519 seed of the identity behind its peer id, which signs what the source vouches for. */
  signingSeed?: Uint8Array
  clock?: Clock
}

export class Coordinator {
  readonly token: string
  private readonly session: Session
  private readonly rewiring: Rewiring
  private readonly feeds: SourceFeeds
  private readonly verdicts: Verdicts
  private readonly identitySteps: IdentitySteps
  private readonly policy: RewirePolicy
  private startedAt = 0
  private wake?: () => void
  /** The image's SHA-256 and its signed block hashes, computed by a worker while nodes join. */
  private readonly hashes: SourceHashes
  /** Wrong tokens, by address: each is refused more slowly (failed-attempts.ts). */
  private readonly failedAttempts = new FailedAttempts()
  /** When tick() last ran, to tell a pause of this process from nodes going silent. */
  private lastTickAt = 0
  private ticks = 0

  private constructor (
    readonly config: CoordinatorConfig,
    readonly image: SessionSource,
    readonly net: Network,
    signingSeed: Uint8Array,
    policy: ContentPolicy,
    private readonly hooks: CoordinatorHooks,
    private readonly clock: Clock,
    /** serve --state: where the session is kept, the image stamps, and the session read back from there, if any. */
    private readonly kept?: { store: StateStore, stamps: ImageStamp[], restored?: SessionState }
  ) {
    const restored = kept?.restored
    this.token = restored?.token ?? (config.token !== '' ? config.token : randomBytes(16).toString('hex'))
    this.policy = rewirePolicyOf(config)
    const params = checkSessionParams({
      sessionId: restored !== undefined ? new Uint8Array(Buffer.from(restored.sessionId, 'hex')) : randomBytes(SESSION_ID_BYTES),
      imageSize: image.size,
      blockSize: config.blockSizeBytes,
      windowBytes: config.windowBytes
    }, 'USAGE', 'the command line')
    this.session = new Session(params, net.peerId, config.dataPlane)
    const limiter = config.maxRateBytesPerSecond > 0 ? new RateLimiter(config.maxRateBytesPerSecond, undefined, clock.now, clock.sleep) : undefined
    this.hashes = new SourceHashes(image.segments, params, new SourceSigner(signingSeed, params), clock.now, policy)
    this.hashes.end().then(
      end => {
        this.imageDigest = toHex(end.imageSha256)
        if (restored?.digest !== undefined && restored.digest !== this.imageDigest) {
          for (const n of this.session.all) this.fail(n, 'IMAGE_UNREADABLE', `the image is not the one this session began with (its digest was ${restored.digest.slice(0, 16)}…, now ${this.imageDigest.slice(0, 16)}…)`)
        }
        this.persist()
        const several = image.parts.length > 0
        hooks.log(`${several ? 'session digest (of the signed hash batches)' : end.digestKind === DIGEST_BATCHES_SHA256 ? 'clone digest (used blocks)' : 'image sha256'} ${toHex(end.imageSha256)} (hashed and signed in ${((this.hashes.elapsedMs ?? 0) / 1000).toFixed(1)} s; ${describeTotals(this.hashes.totals)})`)
        for (const [i, p] of image.parts.entries()) {
          const sha = this.hashes.imageSha256s[i]
          hooks.log(`image ${p.name}: ${p.size} bytes, ${sha === undefined ? 'sha256 not known (its unused blocks were not read)' : `sha256 ${toHex(sha)}`}; ${describeTotals(this.hashes.segmentTotals[i]!)}`)
        }
      },
      err => hooks.log(`hashing the image failed: ${errorMessage(err)}`))
    this.feeds = new SourceFeeds(this.session, net, image, this.hashes, limiter, {
      log: hooks.log,
      failed: (m, reason) => this.fail(m, 'PEER_GONE', reason),
      imageUnreadable: reason => { for (const n of this.session.all) this.fail(n, 'IMAGE_UNREADABLE', reason) }
    }, clock, config.compressionLevel)
    this.identitySteps = new IdentitySteps(this.session, clock, {
      log: hooks.log,
      fieldsOf: hooks.nodes?.identityOf === undefined ? undefined : async name => await hooks.nodes!.identityOf!(name),
      set: m => { hooks.nodes?.verified(m.name); this.persist(); this.wake?.() },
      failed: (m, reason) => { hooks.nodes?.failed(m.name, reason); this.persist(); this.wake?.() }
    })
    this.verdicts = new Verdicts(this.session, image, this.hashes, clock, {
      log: hooks.log,
      fail: (m, code, reason) => this.fail(m, code, reason),
      judged: m => {
        // A node that asked for the identity step is verified for boot only by its IdentityDone.
        if (m.verified === true) { if (m.wantsIdentity !== true) hooks.nodes?.verified(m.name) } else hooks.nodes?.failed(m.name, m.reason ?? 'its copy was not verified')
        this.persist()
        this.wake?.()
      },
      identityFor: async m => await this.identitySteps.forVerdict(m)
    })
    this.rewiring = new Rewiring(this.session, {
      log: hooks.log,
      feed: async m => { await this.feeds.feed(m) },
      fail: (m, code, reason) => this.fail(m, code, reason)
    })
    if (restored !== undefined) this.restore(restored)
  }

  /** The image's digest once hashed (hex), for the session state. */
  private imageDigest?: string

  /**
   * Take back the session kept in serve --state: every member as it was,
   * not connected until it dials back (Join.rejoin). A running member that
   * does not within the stall timeout (plus a redial's backoff) is failed
   * by tick() like any silent node, and its downstreams re-wired.
   */
  private restore (state: SessionState): void {
    const s = this.session
    const now = this.clock.now()
    for (const record of state.members) {
      const m = memberOf(record, notConnected(record.peerId, record.address), now + IDENTITY_DONE_TIMEOUT_MS)
      m.lastHeardAt = now + REDIAL_GRACE_MS
      s.members.set(m.peerId, m)
    }
    s.started = state.started
    s.chainLength = state.chainLength
    this.startedAt = state.startedAt
    const count = (st: string): number => state.members.filter(m => m.state === st).length
    this.hooks.log(`re-adopting session ${state.sessionId.slice(0, 8)}… from ${this.kept!.store.dir}: ${state.started ? `started ${Math.round((now - state.startedAt) / 1000)} s ago` : 'not started yet'}; ${count('running') + count('waiting')} node(s) to dial back, ${count('done')} done, ${count('failed')} failed`)
  }

  /** What serve --state keeps of the session now (written coalesced; outcomes at once). */
  private persist (ended = false): void {
    const kept = this.kept
    if (kept === undefined) return
    const s = this.session
    kept.store.save({
      format: 'ringcast-session 1',
      sessionId: toHex(s.params.sessionId),
      imageSize: s.params.imageSize,
      blockSize: s.params.blockSize,
      windowBytes: s.params.windowBytes,
      dataPlane: s.dataPlane,
      token: this.token,
      images: kept.stamps,
      digest: this.imageDigest ?? kept.restored?.digest,
      started: s.started,
      startedAt: this.startedAt,
      chainLength: s.chainLength,
      ended,
      members: s.all.map(recordOf)
    })
  }

  static async start (input: CoordinatorConfig, hooks: CoordinatorHooks, parts: CoordinatorParts = {}): Promise<Coordinator> {
    const config = validateConfig(input)
    const kept = config.stateDir === undefined ? undefined : await openState(config, hooks.log)
    let image: SessionSource
    try {
      image = await openSessionSource(config.images, config.blockSizeBytes, { spoolDir: config.spoolDir, log: hooks.log })
    } catch (err) {
      await kept?.store.close()
      throw err
    }
    try {
      let net = parts.net
      let seed = parts.signingSeed
      if (net === undefined) {
        const { key, warning } = await loadOrCreateKey(config.keyPath)
        if (warning !== undefined) hooks.log(`warning: ${warning}`)
        seed = ed25519Seed(key, `identity key ${config.keyPath}`)
        net = await NetNode.start({ privateKey: key, listen: config.listen })
      }
      if (seed === undefined) throw new RingcastError('INTERNAL', 'a coordinator on a given network needs the signing seed of its identity')
      const policy = await contentPolicyFor(image, config.blockSizeBytes, config.raw, hooks.log)
      if (config.compressionLevel > 0) {
        await initCompression()
        hooks.log(`compressing blocks on the wire with zstd level ${config.compressionLevel} where it saves at least 1/32 of a block`)
      }
      if (kept?.restored !== undefined && kept.restored.imageSize !== image.size) {
        throw new RingcastError('USAGE', `${kept.store.path} holds a session of a ${kept.restored.imageSize}-byte image, serve was given ${image.size} bytes; give the same image or another --state`)
      }
      const coordinator = new Coordinator(config, image, net, seed, policy, hooks, parts.clock ?? systemClock, kept)
      await net.handle(CONTROL_PROTOCOL, channel => { void coordinator.onControl(channel) })
      coordinator.persist()
      return coordinator
    } catch (err) {
      await image.close()
      await kept?.store.close()
      throw err
    }
  }

  /** Addresses nodes can join, best first (non-loopback before loopback). */
  get joinAddrs (): string[] {
    const isLoopback = (a: string): boolean => a.startsWith('/ip4/127.') || a.startsWith('/ip6/::1/')
    const addrs = this.net.addrs
    return [...addrs.filter(a => !isLoopback(a)), ...addrs.filter(isLoopback)]
  }

  /** What the session looks like now: every member's state, feed and bytes (the live view, src/web/). */
  snapshot (): SessionSnapshot {
    return snapshotOf(this.session, { imageBytes: this.image.size, expectedNodes: this.config.nodes, elapsedMs: this.clock.now() - this.startedAt })
  }

  async run (): Promise<SessionReport> {
    const s = this.session
    // A re-adopted session that had started goes on as the nodes dial back (onRejoin).
    if (!s.started) await this.begin()
    this.lastTickAt = this.clock.now()
    const stopTicking = this.clock.every(TICK_MS, () => this.tick())
    try {
      await this.allFinished()
    } finally {
      s.ending = true
      stopTicking()
    }
    // Everyone admitted, including late joiners and restarted nodes.
    const members = s.all
    const end = await this.hashes.end().catch(() => undefined)
    const report = buildReport({
      image: this.config.images.map(i => i.name === '' ? i.path : `${i.name}=${i.path}`).join(' '),
      parts: this.image.parts.map((p, i) => {
        const sha = this.hashes.imageSha256s[i]
        return { name: p.name, source: this.config.images[i]!.path, offset: p.offset, bytes: p.size, sha256: sha === undefined ? undefined : toHex(sha), contentBytes: { ...this.hashes.segmentTotals[i]! } }
      }),
      imageBytes: this.image.size,
      sha256: end?.imageSha256 ?? new Uint8Array(32),
      digestKind: end?.digestKind,
      contentBytes: { ...this.hashes.totals },
      blockBytes: this.config.blockSizeBytes,
      startedAt: this.startedAt,
      endedAt: this.clock.now(),
      members,
      allowFailures: this.config.allowFailures
    })
    // The report is out: a serve started again with this --state begins a new session.
    this.persist(true)
    await this.kept?.store.flush()
    await this.farewell(members)
    return report
  }

  /** Wait for the nodes, plan, send every node its Plan and feed the heads. */
  private async begin (): Promise<void> {
    const s = this.session
    await this.waitForNodes()
    s.started = true
    this.startedAt = this.clock.now()
    const order = s.all
    const { plan: p, how } = initialPlan(order, this.config, this.image.size, await sourceSubnetOf(this.net.addrs), this.hooks.log)
    s.chainLength = p.hops.length
    this.hooks.log(`starting: ${order.length} node(s), ${formatTopology(p.topology)} (${how}; depth ${p.depth}, ${p.heads.length} fed by the source), ${this.image.size} bytes in ${this.config.blockSizeBytes}-byte blocks`)
    for (const hop of p.hops) {
      const member = s.get(hop.node)!
      member.position = hop.position
      member.depth = hop.depth
      member.state = 'running'
      member.lastHeardAt = this.clock.now()
      member.upstreamPeer = hop.upstream === SOURCE ? s.sourcePeer : hop.upstream
      member.downstreamPeers = [...hop.downstreams]
    }
    // Deepest first: every node has its plan before its upstream dials it.
    for (const hop of [...p.hops].reverse()) await this.rewiring.sendPlan(s.get(hop.node)!)
    // Kept before any feed: a coordinator killed from here on re-adopts this topology.
    this.persist()
    for (const head of p.heads) void this.feeds.feed(s.get(head)!)
  }

  /**
   * Stop. With `farewell` every connected node is told (a Refuse), so it
   * exits at once; without it (serve --state) nothing is said: the nodes go
   * on and redial, for a serve started again with the same state to
   * re-adopt them.
   */
  async stop (farewell?: string): Promise<void> {
    if (farewell !== undefined) {
      // Bounded: a node that reads nothing (its buffers full) must not keep serve from stopping.
      let cancel: Cancel | undefined
      await Promise.race([
        Promise.all(this.session.all.filter(m => !m.channel.isClosed).map(async m => { await closeWithReason(m.channel, 'COORDINATOR_GONE', farewell) })),
        new Promise<void>(resolve => { cancel = this.clock.after(FAREWELL_TIMEOUT_MS, resolve) })
      ])
      cancel?.()
    }
    await this.kept?.store.close().catch(() => {})
    await this.hashes.stop().catch(() => {})
    await this.net.stop().catch(() => {})
    await this.image.close().catch(() => {})
  }

  // ------------------------------------------------------------ admission

  private async onControl (channel: Channel): Promise<void> {
    const s = this.session
    let join: Join
    try {
      const first = await readControl(channel, JOIN_TIMEOUT_MS, this.clock)
      if (first === null) { channel.abort(new Error('closed before Join')); return }
      if (first.kind !== 'join') throw new RingcastError('PROTOCOL', `expected Join, got ${first.kind}`)
      join = first.body
    } catch (err) {
      this.hooks.log(`closed control stream from ${short(channel.remotePeer)} (${channel.remoteAddr}): ${errorMessage(err)}`)
      await closeWithReason(channel, 'PROTOCOL', errorMessage(err))
      return
    }
    const rejoin = rejoinOf(join)
    if (rejoin !== undefined) {
      if (!sameBytes(rejoin.sessionId, s.params.sessionId)) {
        const why = 'this coordinator runs another session (it was started without that session\'s serve --state)'
        this.hooks.log(`refused ${printable(join.name, 64)} from ${channel.remoteAddr}: it dialled back into session ${toHex(rejoin.sessionId).slice(0, 8)}…, but ${why}`)
        await closeWithReason(channel, 'REFUSED', why)
        return
      }
      const member = s.get(channel.remotePeer)
      if (member !== undefined && (member.state === 'running' || member.state === 'waiting' || (member.state === 'done' && !s.ending)) && join.protocolVersion === PROTOCOL_VERSION) {
        await this.readopt(member, channel, rejoin)
        return
      }
      // Not known (the state missed its admission), or failed meanwhile: admitted as any Join,
      // bar its token (its peer id is the session's), and placed as a late joiner or a restart.
    }
    const refusal = checkJoin(join, channel.remotePeer, s, { nodes: this.config.nodes, token: this.token, parts: this.image.parts, nodeToken: this.hooks.nodes?.validToken, rejoin: rejoin !== undefined })
    if (refusal !== undefined) {
      this.hooks.log(`refused ${join.name !== '' ? printable(join.name, 64) : short(channel.remotePeer)} from ${channel.remoteAddr}: ${refusal.reason}`)
      if (refusal.code === 'BAD_TOKEN') {
        const waitMs = this.failedAttempts.failed(multiaddrHost(channel.remoteAddr, false) ?? channel.remoteAddr, this.clock.now())
        await new Promise<void>(resolve => { this.clock.after(waitMs, resolve) })
      }
      await closeWithReason(channel, refusal.code, refusal.reason)
      return
    }
    // Admitted: a booted node's token is spent now, in the same tick as the check (no second Join can slip between).
    this.hooks.nodes?.redeem(join.name, join.token)
    const previous = s.get(channel.remotePeer)
    // Same identity while the old run still looks alive: that run is gone (the node restarted).
    if (stillRunning(previous)) this.fail(previous, 'RESTARTED', 'the node restarted and joined again')
    const member = newMember(join, channel, previous, s, this.clock.now())
    s.members.set(member.peerId, member)
    this.hooks.nodes?.joined(member.name)
    // Joined (or re-joined) mid-session: splice it in now, in the same tick
    // as any fail() above, so the run never sees every member finished.
    const splice = s.started ? this.spliceIn(member) : undefined
    const rewired = splice?.kind === 'attach' ? this.rewiring.update([splice], undefined) : undefined
    await sendControl(channel, this.welcome()).catch(() => {})
    this.hooks.log(previous !== undefined
      ? `${member.name} is back (restart ${member.restarts}); it resumes from its journal`
      : `admitted ${member.name} from ${member.address}${s.started ? ', late' : ''} (${s.members.size}/${Number.isFinite(this.config.nodes) ? this.config.nodes : '?'})`)
    if (rewired !== undefined) {
      const up = rewired.moves[0]?.upstream
      this.hooks.log(`${member.name} joins ${up === undefined ? 'fed from the source' : `behind ${up.name}`}`)
      // Its plan and its upstream's (or the feed) only now: it has its Welcome.
      void this.rewiring.announce(rewired)
    }
    this.wake?.()
    this.persist()
    await this.followMember(member)
  }

  /**
   * A member dials back (Join.rejoin): the coordinator was restarted (serve
   * --state) or its control stream broke. Its data plane went on, so it
   * keeps its place: it gets its Welcome, a new Plan (new hop keys, the
   * same topology as far as this coordinator knows it), the source's feed
   * again if the source feeds it, its Verdict again if one was decided.
   */
  private async readopt (m: Member, channel: Channel, rejoin: Rejoin): Promise<void> {
    const s = this.session
    const old = m.channel
    m.channel = channel
    if (!old.isClosed) old.abort(new Error('the node dialled again'))
    m.lastHeardAt = this.clock.now()
    if (m.state === 'running') {
      m.writtenThrough = Math.min(rejoin.writtenThrough, this.image.size)
      m.bytesReceived = rejoin.bytesReceived
      m.resumedFrom = Math.min(rejoin.resumedFrom, this.image.size)
      // Its Done comes again: it is challenged anew.
      if (rejoin.doneSent) m.proving = undefined
    }
    await sendControl(channel, this.welcome()).catch(() => {})
    this.hooks.log(`${m.name} dialled back at ${m.writtenThrough} bytes (${m.state}); it goes on where it is`)
    if (m.state === 'running' && s.started) {
      await this.rewiring.sendPlan(m)
      if (s.fedBySource(m) && m.feed === undefined) void this.feeds.feed(m)
    } else if (m.state === 'done' && !rejoin.verified && m.identity?.state !== 'waiting') {
      await this.verdicts.resend(m)
    }
    this.persist()
    this.wake?.()
    await this.followMember(m)
  }

  /** What every admitted node (and every one that dials back) is told of the session. */
  private welcome (): ControlInput {
    const s = this.session
    return {
      welcome: {
        sessionId: s.params.sessionId,
        imageName: this.image.name,
        imageSize: s.params.imageSize,
        blockSize: s.params.blockSize,
        windowBytes: s.params.windowBytes,
        dataPlane: dataPlaneToWire(s.dataPlane),
        parts: [...this.image.parts]
      }
    }
  }

  /** A node joining a running session: where the policy puts it (the caller updates the structure at once, announces it after the Welcome). */
  private spliceIn (m: Member): RewireEffect<string> {
    m.state = 'running'
    m.lastHeardAt = this.clock.now()
    m.downstreamPeers = []
    if (m.position < 0) m.position = this.session.chainLength++
    return spliceLateJoiner(m.peerId, this.rewiring.view())
  }

  private async waitForNodes (): Promise<void> {
    const s = this.session
    const deadline = this.clock.now() + this.config.waitTimeoutMs
    // Members read back from serve --state count once they have dialled back.
    while (s.all.filter(m => !m.channel.isClosed).length < this.config.nodes) {
      const left = deadline - this.clock.now()
      if (left <= 0) break
      const { slept, wake } = sleepOrWake(this.clock, left)
      this.wake = wake
      await slept
    }
    this.wake = undefined
    // A node that joined and left while we waited is not part of the session.
    for (const m of s.all) if (m.channel.isClosed) s.members.delete(m.peerId)
    const waited = `${Math.round(this.config.waitTimeoutMs / 1000)} s`
    if (s.members.size === 0) throw new RingcastError('NO_NODES', `no node joined within ${waited}`)
    if (s.members.size < this.config.minNodes) {
      const why = `only ${s.members.size} of the required ${this.config.minNodes} node(s) joined within ${waited}`
      for (const m of s.all) void closeWithReason(m.channel, 'REFUSED', `the session did not start: ${why}`)
      throw new RingcastError('NO_NODES', why)
    }
    if (s.members.size < this.config.nodes && Number.isFinite(this.config.nodes)) {
      this.hooks.log(`wait timeout: starting with ${s.members.size} of ${this.config.nodes} node(s)`)
    }
  }

  // ------------------------------------------------------------ the run

  /** Read a member's control stream until it is finished or gone. */
  private async followMember (m: Member): Promise<void> {
    const channel = m.channel
    try {
      while (true) {
        const msg = await readControl(channel)
        if (msg === null) break
        m.lastHeardAt = this.clock.now()
        switch (msg.kind) {
          case 'progress':
            m.writtenThrough = Math.min(msg.body.writtenThrough, this.image.size)
            m.bytesReceived = msg.body.bytesReceived
            m.unwrittenBytes = Number(msg.body.unwrittenBytes ?? 0)
            m.resumedFrom = Math.min(msg.body.resumedFrom, this.image.size)
            this.watchBacklog(m)
            for (const peer of msg.body.stalledDownstreams.slice(0, 64)) this.onStalledDownstream(m, peer)
            if (msg.body.downstreamPeer !== '') this.onDownstreamTrouble(m, msg.body.downstreamPeer, printable(msg.body.downstreamError))
            if (msg.body.lyingUpstream !== '') this.onLie(m, msg.body.lyingUpstream, printable(msg.body.lie), Number(msg.body.lieBlockEnd ?? 0))
            break
          case 'done':
            await this.verdicts.onDone(m, msg.body)
            break
          case 'proof':
            await this.verdicts.onProof(m, msg.body)
            break
          case 'failed':
            this.fail(m, fromWireCode(msg.body.code, 'INTERNAL'), printable(msg.body.reason), msg.body.writtenThrough)
            // After a verified Verdict (an archive it could not unpack, say): its identity step will not come.
            this.identitySteps.abandon(m, `it gave up after its copy was verified: ${printable(msg.body.reason)}`)
            break
          case 'identityDone':
            this.identitySteps.onIdentityDone(m, msg.body)
            break
          default:
            throw new RingcastError('PROTOCOL', `unexpected ${msg.kind} from a node`)
        }
      }
    } catch (err) {
      // The node dialled back on another stream meanwhile: this one's end says nothing.
      if (m.channel !== channel) return
      if (!isFinished(m)) this.fail(m, 'PROTOCOL', errorMessage(err))
      this.identitySteps.abandon(m, `its control stream was closed: ${errorMessage(err)}`)
      await closeWithReason(channel, 'PROTOCOL', errorMessage(err))
      return
    }
    if (m.channel !== channel) return
    this.identitySteps.abandon(m, 'the node left before it reported its identity step')
    if (!isFinished(m)) {
      if (!this.session.started) {
        this.session.members.delete(m.peerId)
        this.hooks.log(`${m.name} left before the session started`)
        return
      }
      this.fail(m, 'PEER_GONE', `lost contact with the node at ${m.writtenThrough} bytes`)
    }
  }

  /**
   * `m` failed: its downstreams are re-wired. With `revoke`, even a node
   * already judged done (a liar found out after its own copy verified: it
   * lies only in what it forwards) is failed, so that it is named and the
   * node it lied to is fed again.
   */
  private fail (m: Member, code: ErrorCode, reason: string, writtenThrough?: number, revoke = false): void {
    if (m.state === 'failed' || (m.state === 'done' && !revoke)) return
    m.verified = undefined
    m.state = 'failed'
    m.failCode = code
    this.identitySteps.cancel(m, `the node failed: ${reason}`)
    m.reason = `${reason}${reason.includes(' at ') ? '' : ` (at ${writtenThrough ?? m.writtenThrough} of ${this.image.size} bytes)`}`
    if (writtenThrough !== undefined) m.writtenThrough = Math.min(writtenThrough, this.image.size)
    m.finishedAt = this.clock.now()
    this.hooks.log(`${m.name} failed: ${m.reason}`)
    this.hooks.nodes?.failed(m.name, m.reason)
    m.feed?.close(`${m.name} failed`)
    // A hung node may wake up later: tell it its part is over.
    void closeWithReason(m.channel, code, `this node was declared failed: ${m.reason}`)
    if (this.session.started) this.rewiring.apply(detach(m.peerId, this.rewiring.view()), `re-wiring around ${m.name}`)
    this.persist()
    this.wake?.()
  }

  /** Carry out a judgement that fails a node, if there is one. */
  private failIf (effect: RewireEffect<string> | undefined): void {
    if (effect?.kind !== 'fail') return
    const m = this.session.get(effect.node)
    if (m !== undefined) this.fail(m, effect.code, effect.reason)
  }

  /** `up` reported that `peer` gave it no credit for a while: hung if silent too. */
  private onStalledDownstream (up: Member, peer: string): void {
    const down = this.session.get(peer)
    if (down === undefined || down.state !== 'running' || down.upstreamPeer !== up.peerId) return
    this.failIf(judgeStalledDownstream(peer, this.clock.now() - down.lastHeardAt, this.policy, up.name))
  }

  /** The straggler test on every heartbeat; a straggler is moved out of the way. */
  private watchBacklog (m: Member): void {
    if (m.state !== 'running' || m.background) return
    const verdict = judgeBacklog({ backlogBytes: m.unwrittenBytes, windowBytes: this.config.windowBytes, finished: m.writtenThrough >= this.image.size, slowSince: m.slowSince, nowMs: this.clock.now() }, this.policy)
    m.slowSince = verdict.slowSince
    if (!verdict.straggler) return
    const effects = relocateStraggler(m.peerId, this.rewiring.view())
    if (effects.length === 0) return
    this.hooks.log(`${m.name} is a straggler: its disk kept ${m.unwrittenBytes} of the ${this.config.windowBytes}-byte window waiting for ${Math.round(this.policy.stragglerAfterMs / 1000)} s; moving it out of the way`)
    m.slowSince = undefined
    this.rewiring.apply(effects, `moving straggler ${m.name}`)
  }

  /** A node says its downstream failed by itself (unreachable, or the catch-up broke): the source feeds it. */
  private onDownstreamTrouble (up: Member, peer: string, reason: string): void {
    const down = this.session.get(peer)
    if (down === undefined || isFinished(down) || down.upstreamPeer !== up.peerId || !up.downstreamPeers.includes(peer)) return
    this.rewiring.apply([bypassBrokenHop(peer, this.rewiring.view())], `${up.name} cannot feed ${down.name} (${reason})`)
  }

  /**
   * `accuser` says its upstream sent data that does not match what the
   * source signed (it wrote none of it). The upstream is failed, which
   * re-wires its downstreams to an honest feed. Only a node's upstream in
   * force can be accused, and only by the node it feeds. A node that lies
   * about its upstream can fail an honest one, but no more than a node that
   * simply leaves could harm (every admitted node holds the session token);
   * see docs/architecture.md, "Source-signed blocks".
   */
  private onLie (accuser: Member, peer: string, lie: string, blockEnd: number): void {
    if (accuser.state !== 'running' || accuser.upstreamPeer !== peer) return
    if (peer === this.session.sourcePeer) {
      // One check at a time per node: a node repeating the claim costs one block read, not one per message.
      if (accuser.checkingSource === true) return
      accuser.checkingSource = true
      void this.checkOwnImage(accuser, lie, blockEnd).finally(() => { accuser.checkingSource = false })
      return
    }
    const liar = this.session.get(peer)
    if (liar === undefined) return
    // On an encrypted hop (TLS: AEAD) nothing on the wire can change a byte
    // unseen, so the upstream sent it. In the clear (integrity-only) damage
    // that TCP's checksum misses, or bytes injected on the path, would look
    // the same: that mode is for trusted fabrics, and naming the liar at its
    // first bad block matters more (docs/architecture.md, "Source-signed blocks").
    this.fail(liar, 'INTEGRITY', `it sent data that does not match the source: ${lie} (caught by ${accuser.name}, which wrote none of it)`, undefined, true)
  }

  /**
   * A node says the source's own data does not match what the source signed.
   * The image may have changed under us (nothing can be served then), or the
   * block was damaged in transit (only the integrity-only data plane can let
   * that through) or the node lies: re-read the block and judge.
   */
  private async checkOwnImage (accuser: Member, lie: string, blockEnd: number): Promise<void> {
    const { params } = this.session
    const offset = blockEndingAt(blockEnd, params)
    if (offset !== undefined) {
      try {
        const bytes = await this.image.read(offset, blockEnd - offset)
        if (!sameBytes(blockHash(bytes), await this.hashes.hash(offset / params.blockSize))) {
          const reason = `the image changed while it was being served (the block at ${offset} no longer matches the hash signed for it)`
          for (const n of this.session.all) this.fail(n, 'IMAGE_UNREADABLE', reason)
          return
        }
      } catch (err) {
        for (const n of this.session.all) this.fail(n, 'IMAGE_UNREADABLE', `the image cannot be read: ${errorMessage(err)}`)
        return
      }
    }
    this.hooks.log(`${accuser.name} says the source's data does not match what it signed (${lie}); ${offset !== undefined ? 'the image still matches there' : 'no block named to check'}, so it was damaged on the way or ${accuser.name} lies: the source feeds it again, a few times at most`)
  }

  /** Fail nodes that went silent; report progress. */
  private tick (): void {
    const now = this.clock.now()
    const pausedMs = now - this.lastTickAt - TICK_MS
    this.lastTickAt = now
    if (pausedMs > PAUSED_AFTER_MS) {
      // This process did not run (SIGSTOP, a frozen VM): the nodes' silence
      // meanwhile was ours. Their heartbeats are queued in our sockets and
      // are read now; until then nobody is judged for the pause.
      this.hooks.log(`the coordinator did not run for ${(pausedMs / 1000).toFixed(1)} s (stopped or starved); no node is judged for that pause`)
      for (const m of this.session.all) if (m.state === 'running') m.lastHeardAt = Math.max(m.lastHeardAt, now)
      for (const m of this.session.all) if (m.proving !== undefined) m.proving.deadline += pausedMs
      return
    }
    if (++this.ticks % STATE_EVERY_TICKS === 0) this.persist()
    this.identitySteps.tick(now)
    for (const m of this.session.all) {
      if (m.state !== 'running') continue
      if (this.verdicts.checkDeadline(m, now)) continue
      const effect = judgeSilence(m.peerId, now - m.lastHeardAt, this.policy)
      if (effect?.kind === 'fail') this.fail(m, effect.code, `${effect.reason} at ${m.writtenThrough} of ${this.image.size} bytes`)
    }
    const live = this.session.all.filter(m => m.state !== 'failed')
    this.hooks.progress?.({
      imageBytes: this.image.size,
      slowestBytes: live.length === 0 ? 0 : Math.min(...live.map(m => m.writtenThrough))
    })
  }

  private async allFinished (): Promise<void> {
    while (!this.session.everyoneFinished) {
      await new Promise<void>(resolve => { this.wake = resolve })
    }
    this.wake = undefined
  }

  /** Close every control stream and give nodes a moment to hang up first. */
  private async farewell (members: Member[]): Promise<void> {
    let cancel: Cancel | undefined
    await Promise.race([
      Promise.all(members.map(async m => {
        await m.channel.closeWrite().catch(() => {})
        await m.channel.closed
      })),
      new Promise<void>(resolve => { cancel = this.clock.after(FAREWELL_TIMEOUT_MS, resolve) })
    ])
    cancel?.()
  }
}

/** The offset of the image's block that ends at `end` (the last block may be short), or undefined if none does. */
export function blockEndingAt (end: number, params: { blockSize: number, imageSize: number }): number | undefined {
  if (!Number.isSafeInteger(end) || end <= 0 || end > params.imageSize) return undefined
  const offset = Math.ceil(end / params.blockSize) * params.blockSize - params.blockSize
  return Math.min(offset + params.blockSize, params.imageSize) === end ? offset : undefined
}

/**
 * serve --state DIR: lock it, read what it keeps, and decide: a session to
 * re-adopt (same image, block size, window, data plane, token), or a new one
 * (none kept, or the kept one ended). Anything else is one sentence.
 */
async function openState (config: CoordinatorConfig, log: (line: string) => void): Promise<{ store: StateStore, stamps: ImageStamp[], restored?: SessionState }> {
  const store = await StateStore.open(config.stateDir!, log)
  try {
    const stamps = await stampImages(config.images.map(i => i.path))
    const kept = await store.load()
    if (kept === undefined || kept.ended) {
      if (kept !== undefined) log(`the session kept in ${store.dir} ended; starting a new one`)
      return { store, stamps }
    }
    const changed = imagesChanged(kept.images, stamps) ?? paramsChanged(kept, { blockSize: config.blockSizeBytes, windowBytes: config.windowBytes }, config.dataPlane)
    if (changed !== undefined) throw new RingcastError('USAGE', `cannot re-adopt the session kept in ${store.dir}: ${changed}; serve it as it was, or remove ${store.path} to start a new session`)
    if (config.token !== '' && config.token !== kept.token) throw new RingcastError('USAGE', `the session kept in ${store.dir} has another token: give the same one, or none (the kept one is used)`)
    return { store, stamps, restored: kept }
  } catch (err) {
    await store.close()
    throw err
  }
}

/** What a node dialling back says of itself (Join.rejoin), as plain values; undefined for a first Join. */
interface Rejoin {
  sessionId: Uint8Array
  writtenThrough: number
  bytesReceived: number
  resumedFrom: number
  doneSent: boolean
  verified: boolean
}

function rejoinOf (join: Join): Rejoin | undefined {
  const r = join.rejoin
  if (r === null || r === undefined) return undefined
  const count = (n: number | null | undefined): number => Number.isSafeInteger(n) && n! >= 0 ? n! : 0
  return {
    sessionId: r.sessionId ?? new Uint8Array(),
    writtenThrough: count(r.writtenThrough),
    bytesReceived: count(r.bytesReceived),
    resumedFrom: count(r.resumedFrom),
    doneSent: r.doneSent === true,
    verified: r.verified === true
  }
}
