// The node agent: joins a coordinator, receives its place in the topology,
// writes and forwards the image, and reports Done or Failed.
//
// How this works
//   1. Inspect the target (or, for a session of several images, each
//      image's target) before connecting, so a bad target costs nothing
//      (targets.ts).
//   2. Dial the coordinator (retrying with backoff), Join, await Welcome
//      (control-link.ts).
//   3. Await the Plan; accept a block stream only from the named upstream,
//      dial the named downstreams, and follow later plans (plan-follower.ts,
//      downstreams.ts).
//   4. If a journal from an earlier run of this node for this session is
//      there, re-verify the target against it and resume after what checks
//      (resume.ts).
//   5. Run the RelayPipeline; send a heartbeat (Progress) twice a second.
//      Record every written block in the journal.
//   6. Send Done, then stay until the downstreams have everything and the
//      coordinator's Verdict arrived. Exit status follows the verdict; a
//      verified copy removes its journal.
//   7. With --identity, over a verified copy only (and once no downstream
//      reads the target any more): the identity step (src/identity/), then
//      IdentityDone, and wait for the coordinator to hang up, its
//      acknowledgement. A failed step exits IDENTITY_FAILED; the copy stays.

import { sleepOrWake, systemClock, type Clock } from '../clock.js'
import { RingcastError, errorMessage, isRingcastError } from '../errors.js'
import { multiaddrHost } from '../net/control-stream.js'
import { ephemeralKey, loadOrCreateKey } from '../net/identity.js'
import type { Channel } from '../net/channel.js'
import type { Network } from '../net/network.js'
import { NetNode } from '../net/node.js'
import { outboundInterface } from '../net/outbound-interface.js'
import { BlockReceiver } from '../relay/block-receiver.js'
import { short } from '../relay/block-sender.js'
import { toHex } from '../relay/hash.js'
import { RateLimiter } from '../relay/rate-limiter.js'
import { RelayPipeline } from '../relay/relay-pipeline.js'
import { SourceVerifier } from '../relay/source-signature.js'
import { answerChallenge, verifyWholeCopy } from '../relay/read-back.js'
import { endOfBlocks } from '../relay/replay-buffer.js'
import type { Journal, JournalHeader } from '../storage/journal.js'
import type { ImageTarget } from '../storage/target.js'
import { REWIRE_DEFAULTS } from '../topology/rewire.js'
import { toWireCode } from '../wire/error-codes.js'
import { printable } from '../wire/messages.js'
import { BLOCKS_PROTOCOL, CONTENT_FREE, PROTOCOL_VERSION } from '../wire/protocol.js'
import { dataPlaneFromWire } from '../wire/data-plane-kind.js'
import type { DataPlaneKind, SessionParams } from '../wire/session-params.js'
import { ControlLink } from './control-link.js'
import { Downstreams } from './downstreams.js'
import { downstreamsOf, PlanFollower, UPSTREAM_TIMEOUT_MS } from './plan-follower.js'
import { journalPathFor, journalRecorder, loadResumeState, openJournal } from './resume.js'
import { checkParts } from '../wire/image-parts.js'
import { describeTargets, discardTargets, finishVerifiedCopy, inspectTargets, joinTargetFields, journalTargetOf, matchParts, openTargets, oversizedFiles, type NamedPath, type OpenTargets, type PlannedTarget } from './targets.js'
import { initCompression } from '../relay/compression.js'
import { checkHookPath } from '../identity/hook-runner.js'
import { identityOfVerdict, runIdentityStep, type IdentityStep } from '../identity/identity-step.js'
import type { Verdict } from '../wire/messages.js'

export interface AgentConfig {
  /** Coordinator multiaddr, ending in /p2p/<peer id>. */
  coordinator: string
  token: string
  /** Where the image goes (one, its name unused), or each image of a session of several by name (join --target NAME=PATH). */
  targets: NamedPath[]
  /** Create a target file if missing. */
  create: boolean
  name: string
  listen: string[]
  /** Identity key file; ephemeral identity when undefined. */
  keyPath?: string
  /** Give up reaching the coordinator after this long. */
  connectTimeoutMs: number
  /**
   * A coordinator that vanishes mid-session is redialled this long while the
   * data plane goes on (serve --state re-adopts the session); 0 or
   * undefined: its hang-up ends this node's part at once.
   */
  coordinatorTimeoutMs?: number
  /** Newest verified bytes kept in memory to catch a downstream up. */
  replayBytes: number
  /** Resume journal path; default next to a file target (see defaultJournalPath); null: no journal. */
  journalPath?: string | null
  /** Most bytes per second written to the target (0 or undefined: no cap). */
  maxWriteRateBytesPerSecond?: number
  /** After the final fsync, re-read the whole target and check it against the source's signed hashes. */
  verifyReadback?: boolean
  /** TCP port for the data plane (direct block streams from the upstream); 0 or undefined: any free port. */
  dataPort?: number
  /** Discard the device's blocks the clone does not define (free ones) before writing (block devices only). */
  discard?: boolean
  /** join --identity: hooks run over the verified copy, in order: `builtin` or executables' paths. None: no identity step. */
  identity?: string[]
}

export interface AgentHooks {
  log: (line: string) => void
  progress?: (writtenBytes: number, imageBytes: number) => void
}

/** What a test or an embedding program may put in place of the real parts. */
export interface AgentParts {
  /** The network (default: a libp2p node with the configured key, on the configured addresses). */
  net?: Network
  clock?: Clock
  /** What runs the identity step (default: runIdentityStep, real processes); tests put a stand-in here. */
  runIdentity?: (step: IdentityStep) => Promise<string[]>
}

export interface AgentResult {
  name: string
  bytesWritten: number
  /** Offset this run started at (more than 0 when it resumed). */
  resumedFrom: number
  /** Payload bytes received in this run. */
  bytesReceived: number
  sha256: string
  /** A session of several images: each, with where it went (a directory for an unpacked archive); empty for one. */
  images: Array<{ name: string, target: string, bytes: number }>
  elapsedMs: number
  peakRssBytes: number
  peakInflightBytes: number
  /** With --identity: what each hook did (the step succeeded, or this is not returned). */
  identity?: string[]
}

/**
 * After IdentityDone, how long the coordinator has to record it and hang up
 * (its acknowledgement). Past it the node exits as its step went, saying
 * that the coordinator may not know.
 */
const IDENTITY_ACK_TIMEOUT_MS = 30_000

/**
 * After losing an upstream, how long to wait for the coordinator to name and
 * connect a new one (it must first notice the loss: up to its stall timeout).
 */
const REPLACEMENT_TIMEOUT_MS = 180_000

/** The host of the first --listen multiaddr (the data plane listens there too), else every interface. */
function listenHost (listen: string[]): string {
  return listen.map(a => multiaddrHost(a, false)).find(h => h !== undefined) ?? '0.0.0.0'
}

export async function runAgent (config: AgentConfig, hooks: AgentHooks, parts: AgentParts = {}): Promise<AgentResult> {
  if (!/\/p2p\/[^/]+$/.test(config.coordinator)) {
    throw new RingcastError('USAGE', `coordinator address ${config.coordinator} must end in /p2p/<peer id>; copy it from the join command that serve printed`)
  }
  const planned = await inspectTargets(config.targets, config.create)
  const identityHooks = await Promise.all((config.identity ?? []).map(checkHookPath))
  // Any upstream may send compressed blocks (serve --compress).
  await initCompression()
  if (config.discard === true && !planned.some(p => p.info.kind === 'block')) {
    throw new RingcastError('USAGE', `--discard is for block devices; ${planned.map(p => p.info.path).join(', ')} ${planned.length > 1 ? 'are files' : 'is a file'} (the blocks a clone leaves free in a new file are holes already)`)
  }
  let net = parts.net
  if (net === undefined) {
    const key = config.keyPath === undefined ? await ephemeralKey() : (await loadOrCreateKey(config.keyPath)).key
    net = await NetNode.start({ privateKey: key, listen: config.listen })
  }
  const agent = new Agent({ ...config, identity: identityHooks }, hooks, net, parts.clock ?? systemClock, parts.runIdentity ?? runIdentityStep)
  try {
    return await agent.run(planned)
  } finally {
    await net.stop().catch(() => {})
  }
}

class Agent {
  private readonly plans: PlanFollower
  private params?: SessionParams
  private journalWarned = false

  constructor (private readonly config: AgentConfig, private readonly hooks: AgentHooks, private readonly net: Network, private readonly clock: Clock, private readonly runIdentity: (step: IdentityStep) => Promise<string[]>) {
    this.plans = new PlanFollower(clock, hooks.log)
  }

  async run (planned: PlannedTarget[]): Promise<AgentResult> {
    const { hooks, clock } = this
    // Block streams: on the data plane (a direct connection that proves the
    // hop key the plan names), or over libp2p if the session says so.
    let dataPlane: DataPlaneKind | undefined
    const data = await this.net.listenData({
      host: listenHost(this.config.listen),
      port: this.config.dataPort ?? 0,
      keyFor: id => this.plans.hopKeyFor(id),
      onChannel: channel => { void this.plans.admitBlockStream(channel, this.params) },
      log: hooks.log
    })
    await this.net.handle(BLOCKS_PROTOCOL, channel => {
      if (dataPlane === 'libp2p') void this.plans.admitBlockStream(channel, this.params)
      else {
        hooks.log(`refused a libp2p block stream from ${short(channel.remotePeer)} (${channel.remoteAddr}): this session's blocks travel on the data plane`)
        void BlockReceiver.refuse(channel, 'this session\'s blocks travel on the data plane, not on libp2p streams')
      }
    })
    hooks.log(`listening on ${this.net.addrs.join(' ')}; block streams on tcp port ${data.port}`)
    const link = await ControlLink.connect(this.net, this.config.coordinator, this.config.connectTimeoutMs, clock, hooks.log)
    link.onPlan = plan => this.plans.onPlan(plan)
    link.onOver = why => this.plans.end(why)
    link.reconnectTimeoutMs = this.config.coordinatorTimeoutMs ?? 0
    link.wantsIdentity = (this.config.identity ?? []).length > 0
    // The interface towards the coordinator: its prefix groups us with our real subnet, its speed informs `auto`.
    const out = await outboundInterface(this.config.coordinator)
    // What the source signs is checked with the key behind the coordinator's
    // peer id, which noise proved it holds: no relay can change it.
    const sourceKey = link.channel.remotePublicKey
    if (sourceKey === undefined) throw new RingcastError('PROTOCOL', `the coordinator's identity ${short(link.channel.remotePeer)} carries no Ed25519 key to check the source's signatures with`)
    const { welcome, params } = await link.join({
      protocolVersion: PROTOCOL_VERSION,
      name: this.config.name,
      token: this.config.token,
      ...joinTargetFields(planned),
      listenPort: this.net.listenPort,
      listenAddrs: this.net.addrs,
      prefixLength: out?.prefixLength ?? 0,
      linkBitsPerSecond: out?.linkBitsPerSecond ?? 0,
      dataPort: data.port,
      identity: (this.config.identity ?? []).length > 0
    })
    dataPlane = dataPlaneFromWire(welcome.dataPlane)
    if (dataPlane !== 'libp2p') data.mode = dataPlane
    this.params = params
    const matched = matchParts(planned, checkParts(welcome.parts, params, 'PROTOCOL', 'the coordinator'), params.imageSize)
    hooks.log(`joined: ${matched.length > 1 ? `${matched.length} images (${matched.map(m => `${m.part.name} ${m.part.size} bytes to ${m.planned.unpackInto ?? m.planned.info.path}`).join(', ')}), ${params.imageSize} bytes in all` : `image ${welcome.imageName}, ${params.imageSize} bytes`}, blocks ${dataPlane === 'encrypted' ? 'encrypted (TLS 1.3 per hop)' : dataPlane === 'integrity-only' ? 'in the clear, signed by the source (integrity-only)' : 'over libp2p streams'}; waiting for the session to start`)

    // Heartbeats start now: re-verifying a large prefix takes a while.
    let pipeline: RelayPipeline | undefined
    let downstreams: Downstreams | undefined
    let resumedFrom = 0
    link.standing = () => ({ writtenThrough: pipeline?.writtenThrough ?? 0, bytesReceived: pipeline?.bytesReceived ?? 0, resumedFrom })
    const stopHeartbeat = clock.every(REWIRE_DEFAULTS.heartbeatIntervalMs, () => {
      const failure = downstreams?.nextFailureToReport()
      link.send({
        progress: {
          writtenThrough: pipeline?.writtenThrough ?? 0,
          bytesReceived: pipeline?.bytesReceived ?? 0,
          unwrittenBytes: pipeline?.unwrittenBytes ?? 0,
          resumedFrom,
          downstreamPeer: failure?.[0] ?? '',
          downstreamError: failure?.[1] ?? '',
          stalledDownstreams: downstreams?.stalledToReport() ?? []
        }
      }).catch(() => {})
      hooks.progress?.(pipeline?.writtenThrough ?? resumedFrom, params.imageSize)
    })
    let open: OpenTargets | undefined
    let journal: Journal | undefined
    /** IdentityDone went out: the coordinator has this node's last word, no Failed after it. */
    let identityReported = false
    try {
      const header: JournalHeader = { sessionId: params.sessionId, imageSize: params.imageSize, blockSize: params.blockSize, targetPath: describeTargets(matched) }
      const journalPath = journalPathFor(this.config.journalPath, matched[0]!.planned.info)
      const resume = await loadResumeState(journalPath, journalTargetOf(matched), header, clock, hooks.log)
      resumedFrom = endOfBlocks(resume?.blocks ?? [])
      journal = await openJournal(journalPath, header, resume, hooks.log)
      // Before any write: what the clone then writes lands on discarded blocks, what it leaves free stays discarded.
      if (this.config.discard === true) await discardTargets(matched, resumedFrom, hooks.log)
      for (const warning of oversizedFiles(matched)) hooks.log(`warning: ${warning}`)
      open = await openTargets(matched, params.imageSize)
      pipeline = this.makePipeline(open.target, params, journal, link)
      if (resume !== undefined) pipeline.resume(resume)
      const plan = await this.plans.firstPlan()
      const downs = downstreamsOf(plan).map(d => short(d.peer)).join(', ')
      hooks.log(`position ${plan.position + 1} of ${plan.chainLength}, depth ${plan.depth}; upstream ${short(plan.upstreamPeer)}, downstream ${downs === '' ? 'none (tail)' : downs}`)
      const ds = downstreams = new Downstreams(this.net, clock, params, dataPlane, pipeline, this.config.replayBytes, peer => this.plans.wanted(peer), hooks.log)
      // Later plans connect and drop downstreams as they come; the ones in
      // force now (the newest plan: another may have come meanwhile) are
      // connected before any block moves.
      this.plans.downstreams = { connect: d => { void ds.connect(d) }, drop: peer => ds.drop(peer) }
      await Promise.all(downstreamsOf(this.plans.latest!).map(async d => { await ds.connect(d) }))
      let first = true
      const verifier = new SourceVerifier(sourceKey, params)
      const hashes = pipeline.hashes
      const result = await pipeline.run(async () => {
        const channel = await this.nextUpstream(link, first ? UPSTREAM_TIMEOUT_MS : REPLACEMENT_TIMEOUT_MS)
        first = false
        return new BlockReceiver(channel, { ...params, verifier, hashes })
      })
      await journal?.checkpoint().catch(err => this.journalTrouble(err))
      const copy = open.target
      if (this.config.verifyReadback === true) {
        const started = clock.now()
        const fromDisk = await copy.dropCache()
        await verifyWholeCopy(copy, params, i => pipeline!.hashes.hashOf(i), result.end, i => pipeline!.hashes.contentOf(i) === CONTENT_FREE)
        hooks.log(`read back the whole target after the final fsync${fromDisk ? ' (device cache flushed first)' : ' (through the page cache)'}: every block matches the source (${((clock.now() - started) / 1000).toFixed(1)} s)`)
      }
      const rss = process.resourceUsage().maxRSS * 1024
      // The coordinator's read-back challenge: blocks from the target, never from memory.
      link.onChallenge = challenge => {
        answerChallenge(copy, params, { nonce: challenge.nonce, blocks: challenge.blocks })
          .then(hashes => ({ hashes, error: '' }), err => ({ hashes: [], error: errorMessage(err) }))
          .then(async proof => { await link.send({ proof }) })
          .catch(() => {})
      }
      await link.send({
        done: { sha256: result.sourceDigest, bytesWritten: params.imageSize, elapsedMs: result.elapsedMs, peakRssBytes: rss, peakInflightBytes: pipeline.peakInflightBytes, bytesReceived: pipeline.bytesReceived, resumedFrom, readBack: this.config.verifyReadback === true }
      })
      hooks.progress?.(params.imageSize, params.imageSize)
      await ds.linger(link.awaitVerdict().then(async () => { await link.ended() }, () => {}))
      const verdict = await link.awaitVerdict()
      if (!verdict.verified) throw new RingcastError('INTEGRITY', `the coordinator did not verify this copy: ${printable(verdict.reason)}`)
      // Only now, over a verified copy: GPTs moved to the end of larger disks, archives unpacked.
      await finishVerifiedCopy(open, hooks.log, async () => {
        await journal?.remove().catch(() => {})
        journal = undefined
      })
      await journal?.remove().catch(() => {})
      journal = undefined
      let identity: string[] | undefined
      if ((this.config.identity ?? []).length > 0) {
        // Nothing reads the target any more (every downstream has all, the
        // coordinator attaches none to a finished node): close it, so a
        // device is no longer ours alone, and edit it.
        await open.target.close()
        const step = await this.identityStep(open, verdict, result.sourceDigest, link)
        identityReported = true
        if (step.failure !== undefined) throw step.failure
        identity = step.done
      }
      return {
        name: this.config.name,
        bytesWritten: params.imageSize,
        resumedFrom,
        bytesReceived: pipeline.bytesReceived,
        sha256: toHex(result.sourceDigest),
        images: matched.length > 1 ? matched.map(m => ({ name: m.part.name, target: m.planned.unpackInto ?? m.planned.info.path, bytes: m.part.size })) : [],
        elapsedMs: result.elapsedMs,
        peakRssBytes: rss,
        peakInflightBytes: pipeline.peakInflightBytes,
        identity
      }
    } catch (err) {
      if (!link.sessionOver && !identityReported && !(isRingcastError(err, 'INTEGRITY') && link.verdictArrived)) {
        const code = isRingcastError(err) ? err.code : 'INTERNAL'
        await link.send({ failed: { code: toWireCode(code), reason: errorMessage(err), writtenThrough: pipeline?.writtenThrough ?? 0 } }).catch(() => {})
      }
      downstreams?.dropAll(`upstream node failed: ${errorMessage(err)}`)
      throw err
    } finally {
      stopHeartbeat()
      await journal?.close()
      await open?.target.close()
      await link.channel.closeWrite().catch(() => {})
    }
  }

  /**
   * The identity step over the verified copy, IdentityDone with its outcome,
   * and the coordinator's acknowledgement (it hangs up). Never throws for the
   * step itself: its failure is returned, to be thrown once it is reported.
   */
  private async identityStep (open: OpenTargets, verdict: Verdict, digest: Uint8Array, link: ControlLink): Promise<{ done?: string[], failure?: RingcastError }> {
    const { hooks: log, clock } = this
    const pieces = open.pieces
    const several = pieces.length > 1
    let done: string[] | undefined
    let failure: RingcastError | undefined
    try {
      done = await this.runIdentity({
        hooks: this.config.identity ?? [],
        context: {
          nodeName: this.config.name,
          identity: identityOfVerdict(verdict),
          targets: pieces.map(p => ({ name: several ? p.part.name : '', path: p.planned.unpackInto ?? p.planned.info.path })),
          imageSha256: toHex(digest)
        },
        // A file target was cut to its image's size at the end; a device is its whole size.
        fsTargets: pieces.filter(p => p.planned.unpackInto === undefined).map(p => ({ path: p.planned.info.path, size: p.planned.info.kind === 'file' ? p.part.size : p.planned.info.size })),
        log: log.log
      })
    } catch (err) {
      failure = isRingcastError(err, 'IDENTITY_FAILED') ? err : new RingcastError('IDENTITY_FAILED', `the identity step failed: ${errorMessage(err)}`, { cause: err })
      log.log(`identity step failed: ${failure.message}`)
    }
    const outcome = failure === undefined ? { done } : { failure: new RingcastError('IDENTITY_FAILED', `this copy is verified (it stays on the target), but its identity step failed: ${failure.message}`) }
    try {
      await link.send({ identityDone: { ok: failure === undefined, reason: failure?.message ?? '' } })
    } catch (err) {
      // A failed step exits as such; a step that worked but was never recorded leaves the node unflipped.
      if (failure !== undefined) return outcome
      throw new RingcastError('COORDINATOR_GONE', `this copy is verified and its identity set, but the coordinator could not be told (${errorMessage(err)}): its network boot still says clone`)
    }
    // A coordinator away when the step ended gets its redial time on top.
    const wait = sleepOrWake(clock, IDENTITY_ACK_TIMEOUT_MS + (link.connected ? 0 : link.reconnectTimeoutMs))
    const hungUp = await Promise.race([link.hungUp(), wait.slept.then(() => undefined)])
    wait.wake()
    if (hungUp === undefined) log.log(`warning: the coordinator did not acknowledge this node's IdentityDone within ${IDENTITY_ACK_TIMEOUT_MS / 1000} s; it may not have recorded the outcome`)
    else if (link.refused) log.log(`warning: after IdentityDone, ${hungUp.message}`)
    return outcome
  }

  /**
   * The next block stream from the upstream the plan names. Only the
   * coordinator can name a new upstream, so while it is away (the link
   * redials) the wait does not run out: it starts again once it is back.
   */
  private async nextUpstream (link: ControlLink, timeoutMs: number): Promise<Channel> {
    while (true) {
      try {
        return await this.plans.upstreams.next(timeoutMs)
      } catch (err) {
        if (link.sessionOver || link.connected || !isRingcastError(err, 'PEER_GONE')) throw err
        this.hooks.log(`still no upstream (${errorMessage(err)}), but the coordinator is away: waiting on`)
      }
    }
  }

  private makePipeline (target: ImageTarget, params: SessionParams, journal: Journal | undefined, link: ControlLink): RelayPipeline {
    const rate = this.config.maxWriteRateBytesPerSecond ?? 0
    const pipeline = new RelayPipeline(target, params, {
      replayBytes: this.config.replayBytes,
      writeLimiter: rate > 0 ? new RateLimiter(rate, undefined, this.clock.now, this.clock.sleep) : undefined,
      onWritten: journal === undefined ? undefined : journalRecorder(journal, err => this.journalTrouble(err)),
      clock: this.clock
    })
    pipeline.onUpstreamLost = (reason, at) => this.hooks.log(`upstream lost at ${at} bytes (${reason}); waiting for the coordinator to re-wire`)
    // Named at once, not with the next heartbeat: the sooner the liar is
    // failed, the sooner this node (and those below it) are fed again.
    pipeline.onUpstreamLied = (peer, lie) => {
      this.hooks.log(`upstream ${short(peer)} sent data that does not match the source (${lie.message}); none of it was written`)
      const lieBlockEnd = lie.block === undefined ? 0 : lie.block.offset + lie.block.length
      link.send({ progress: { writtenThrough: pipeline.writtenThrough, bytesReceived: pipeline.bytesReceived, resumedFrom: pipeline.resumedFrom, lyingUpstream: peer, lie: lie.message, lieBlockEnd } }).catch(() => {})
    }
    return pipeline
  }

  private journalTrouble (err: unknown): void {
    if (this.journalWarned) return
    this.journalWarned = true
    this.hooks.log(`warning: the resume journal failed (${errorMessage(err)}); the clone goes on, but a restart would start over`)
  }
}
