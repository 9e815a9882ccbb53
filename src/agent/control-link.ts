// The node's control stream to the coordinator: dial (with backoff), Join,
// Welcome or Refuse, then Plans and the Verdict until the coordinator hangs
// up. What arrives is handed on; nothing here decides the topology.
//
// The coordinator may vanish mid-session (killed, its host rebooted) and come
// back (serve --state DIR re-adopts its session, docs/restart.md). The data
// plane needs nothing from it while the topology holds, so a hang-up without
// a Refuse before this node is finished is not the end: the link redials for
// `reconnectTimeoutMs`, says where the node stands (Join.rejoin), and goes on
// on the new stream. Meanwhile heartbeats are dropped, and Done and
// IdentityDone are kept and delivered once it is back.
//
//   joined ──hang-up, no Refuse──> redialling ──Welcome, same session──> joined (Done re-sent)
//     │                               │ Refuse, another session, or the timeout
//     └──Refuse──> over <─────────────┘           (COORDINATOR_GONE; the journal stays)

import { sleepOrWake, type Clock } from '../clock.js'
import { RingcastError, errorMessage, isRingcastError, type ErrorCode } from '../errors.js'
import type { Channel } from '../net/channel.js'
import { readControl, sendControl } from '../net/control-stream.js'
import type { Network } from '../net/network.js'
import { MAX_FANOUT } from '../topology/plan.js'
import { printable, type Challenge, type Control, type ControlInput, type Join, type Plan, type Verdict, type Welcome } from '../wire/messages.js'
import { fromWireCode } from '../wire/error-codes.js'
import { CONTROL_PROTOCOL } from '../wire/protocol.js'
import { checkSessionParams, type SessionParams } from '../wire/session-params.js'

/** How long the Welcome may take once connected. */
const WELCOME_TIMEOUT_MS = 30_000
const BACKOFF_FIRST_MS = 250
const BACKOFF_MAX_MS = 5_000
/**
 * A write to the control stream fails when the coordinator has hung up; its
 * Refuse (why it ended this node's part) is then already on the way in, and
 * the reader is given this long to deliver it.
 */
export const SEND_FAILURE_GRACE_MS = 2_000

/** Where the node stands, for its Rejoin (the counters of its Progress). */
export interface LinkStanding {
  writtenThrough: number
  bytesReceived: number
  resumedFrom: number
}

export class ControlLink {
  /** The Verdict on this node's copy; rejects if the session ends first. */
  private readonly verdict = Promise.withResolvers<Verdict>()
  /** Why the session is over for this node, once follow() has ended. */
  private readonly over = Promise.withResolvers<RingcastError>()
  /** The coordinator hung up for good (or refused us mid-session): nothing it asked for stands. */
  sessionOver = false
  verdictArrived = false
  private verified = false
  /** The coordinator ended our part with a Refuse (not a plain hang-up). */
  refused = false
  /** The stream in force; a new one after each rejoin. */
  channel: Channel
  /** False while redialling a coordinator that vanished. */
  connected = true
  /** How long to redial a coordinator that vanished before this node is finished; 0: the session ends at once (as before protocol 8). */
  reconnectTimeoutMs = 0
  /** The node runs the identity step: after its Verdict, only its IdentityDone ends its part. */
  wantsIdentity = false
  /** Where the node stands, for a Rejoin. */
  standing: () => LinkStanding = () => ({ writtenThrough: 0, bytesReceived: 0, resumedFrom: 0 })
  /** Told of every Plan, in order. */
  onPlan?: (plan: Plan) => void
  /** Told once, when the session is over for this node, with why. */
  onOver?: (why: RingcastError) => void
  /** Told of the coordinator's read-back challenge (after Done). */
  onChallenge?: (challenge: Challenge) => void
  private joinSent?: Join
  private params?: SessionParams
  /** Done, once sent: sent again after a rejoin until the Verdict comes. */
  private done?: ControlInput
  /** IdentityDone, until it went out on a live stream. */
  private identityDone?: { message: ControlInput, sent: PromiseWithResolvers<void> }
  private identityDoneSent = false

  private constructor (channel: Channel, private readonly net: Network, private readonly coordinator: string, private readonly clock: Clock, private readonly log: (line: string) => void) {
    this.channel = channel
    this.verdict.promise.catch(() => {})
  }

  /** Dial the coordinator, retrying with exponential backoff for `connectTimeoutMs`. */
  static async connect (net: Network, coordinator: string, connectTimeoutMs: number, clock: Clock, log: (line: string) => void): Promise<ControlLink> {
    const deadline = clock.now() + connectTimeoutMs
    let delay = BACKOFF_FIRST_MS
    let attempts = 0
    while (true) {
      attempts++
      try {
        return new ControlLink(await net.dial(undefined, [coordinator], CONTROL_PROTOCOL), net, coordinator, clock, log)
      } catch (err) {
        if (clock.now() + delay > deadline) {
          throw new RingcastError('UNREACHABLE', `cannot reach the coordinator at ${coordinator} (${attempts} attempt(s) over ${Math.round(connectTimeoutMs / 1000)} s): ${errorMessage(err)}`, { cause: err })
        }
        log(`coordinator not reachable yet (${errorMessage(err)}); retrying in ${delay} ms`)
        await clock.sleep(delay)
        delay = Math.min(delay * 2, BACKOFF_MAX_MS)
      }
    }
  }

  /** Send Join and await the Welcome; a Refuse becomes an error with its code. */
  async join (join: Join): Promise<{ welcome: Welcome, params: SessionParams }> {
    await sendControl(this.channel, { join })
    const reply = await readControl(this.channel, WELCOME_TIMEOUT_MS, this.clock)
    if (reply === null) throw new RingcastError('REFUSED', 'the coordinator closed the connection without answering the Join')
    if (reply.kind === 'refuse') {
      const sent = fromWireCode(reply.body.code, 'REFUSED')
      // Only a refusal's own codes: a coordinator cannot make a node exit as if it had a usage error.
      const code: ErrorCode = sent === 'BAD_TOKEN' || sent === 'VERSION' || sent === 'TARGET_TOO_SMALL' ? sent : 'REFUSED'
      throw new RingcastError(code, `the coordinator refused this node: ${printable(reply.body.reason)}`)
    }
    if (reply.kind !== 'welcome') throw new RingcastError('PROTOCOL', `expected Welcome, got ${reply.kind}`)
    const params = checkSessionParams(reply.body, 'PROTOCOL', 'the coordinator')
    this.joinSent = join
    this.params = params
    void this.follow()
    return { welcome: reply.body, params }
  }

  /**
   * Send one message. If the write fails because the coordinator ended this
   * node's part (it closed the stream after its Refuse), the error says why
   * it did, not that a stream was closed: the node's exit code and sentence
   * are the coordinator's reason (e.g. RESTARTED), whichever of the write or
   * the read noticed first.
   *
   * While the link redials (reconnectTimeoutMs > 0) nothing fails here: a
   * heartbeat, a Proof or a Failed is dropped (the Rejoin says where the
   * node stands; a new coordinator asks its own challenge), Done is sent
   * again once the link is back, and IdentityDone waits for it.
   */
  async send (message: ControlInput): Promise<void> {
    if ('done' in message && message.done !== undefined) this.done = message
    if ('identityDone' in message && message.identityDone !== undefined) { await this.deliverIdentityDone(message); return }
    if (!this.connected) return
    try {
      await sendControl(this.channel, message)
    } catch (err) {
      const grace = sleepOrWake(this.clock, SEND_FAILURE_GRACE_MS)
      const why = await Promise.race([this.over.promise, grace.slept.then(() => undefined)])
      grace.wake()
      if (why === undefined && this.reconnectTimeoutMs > 0 && !this.sessionOver) return
      throw why ?? new RingcastError('COORDINATOR_GONE', `cannot send to the coordinator: ${errorMessage(err)}`, { cause: err })
    }
  }

  /** The coordinator's Verdict on our Done. */
  async awaitVerdict (): Promise<Verdict> {
    return await this.verdict.promise
  }

  /** Resolves when the coordinator closes the control stream in force (for good, or to be redialled). */
  async ended (): Promise<void> {
    await this.channel.closed
  }

  /**
   * Resolves once the coordinator has hung up for good (closed its end,
   * refused us, or the stream failed and it did not come back), with what
   * that would mean before a verdict. After IdentityDone a plain hang-up is
   * the coordinator's acknowledgement.
   */
  async hungUp (): Promise<RingcastError> {
    return await this.over.promise
  }

  /** IdentityDone: sent now, or (while redialling) once the coordinator is back; rejects if the session ends first. */
  private async deliverIdentityDone (message: ControlInput): Promise<void> {
    const sent = Promise.withResolvers<void>()
    this.identityDone = { message, sent }
    if (this.connected) {
      try {
        await sendControl(this.channel, message)
        this.identityDoneSent = true
        this.identityDone = undefined
        return
      } catch (err) {
        if (this.reconnectTimeoutMs <= 0 || this.sessionOver) throw new RingcastError('COORDINATOR_GONE', `cannot send to the coordinator: ${errorMessage(err)}`, { cause: err })
      }
    }
    const over = this.over.promise.then(why => { throw why })
    await Promise.race([sent.promise, over])
  }

  /**
   * Whether a hang-up now ends this node's part: after its Verdict (and its
   * IdentityDone, when it runs the identity step) it needs nothing more.
   */
  private get finished (): boolean {
    return this.verdictArrived && (!this.wantsIdentity || !this.verified || this.identityDoneSent)
  }

  /** Plan, Verdict, Refuse from the coordinator, until it hangs up for good. */
  private async follow (): Promise<void> {
    // The coordinator hung up or vanished: this copy is not verified, but it
    // is not known to be bad either (exit status COORDINATOR_GONE, not INTEGRITY).
    let code: ErrorCode = 'COORDINATOR_GONE'
    let reason = 'the coordinator closed the session before this node\'s copy was verified'
    while (true) {
      let lost: string | undefined
      try {
        while (true) {
          const msg = await readControl(this.channel)
          if (msg === null) { lost = 'it closed the control stream'; break }
          if (msg.kind === 'refuse') {
            this.refused = true
            code = midSessionCode(fromWireCode(msg.body.code, 'REFUSED'))
            reason = `the coordinator ended this node's part: ${printable(msg.body.reason)}`
            break
          }
          this.dispatch(msg)
        }
      } catch (err) {
        reason = `the control stream to the coordinator failed before this node's copy was verified: ${errorMessage(err)}`
        // A broken stream may be redialled; a coordinator that broke the protocol is not.
        if (!isRingcastError(err, 'PROTOCOL')) lost = errorMessage(err)
      }
      if (lost === undefined || this.finished || this.reconnectTimeoutMs <= 0) break
      const gone = await this.redial(lost)
      if (gone === undefined) continue
      code = gone.code
      reason = gone.message
      break
    }
    this.sessionOver = true
    this.connected = false
    const gone = new RingcastError(code, reason)
    this.over.resolve(gone)
    this.verdict.reject(gone)
    this.onOver?.(gone)
  }

  private dispatch (msg: Control): void {
    if (msg.kind === 'plan') {
      if (msg.body.downstreams.length > MAX_FANOUT) throw new RingcastError('PROTOCOL', `the coordinator named ${msg.body.downstreams.length} downstreams (at most ${MAX_FANOUT})`)
      this.onPlan?.(msg.body)
    } else if (msg.kind === 'challenge') {
      if (this.onChallenge === undefined) throw new RingcastError('PROTOCOL', 'a read-back challenge before this node sent Done')
      this.onChallenge(msg.body)
    } else if (msg.kind === 'verdict') {
      this.verdictArrived = true
      this.verified = msg.body.verified
      this.verdict.resolve(msg.body)
    } else {
      throw new RingcastError('PROTOCOL', `unexpected ${msg.kind} from the coordinator`)
    }
  }

  /**
   * The coordinator vanished before this node was finished: redial with
   * backoff until `reconnectTimeoutMs`, Rejoin, and go on on the new stream.
   * Returns why the session is over instead (a Refuse, another session,
   * the timeout), or undefined once the link is back.
   */
  private async redial (lost: string): Promise<RingcastError | undefined> {
    this.connected = false
    const seconds = Math.round(this.reconnectTimeoutMs / 1000)
    this.log(`lost the coordinator (${lost}); the clone goes on, and the coordinator is redialled for up to ${seconds} s`)
    const deadline = this.clock.now() + this.reconnectTimeoutMs
    let delay = BACKOFF_FIRST_MS
    let lastError = lost
    while (this.clock.now() < deadline) {
      const outcome = await this.rejoin().catch((err: unknown) => { lastError = errorMessage(err); return undefined })
      if (outcome instanceof RingcastError) return outcome
      if (outcome === true) return undefined
      await this.clock.sleep(Math.max(0, Math.min(delay, deadline - this.clock.now())))
      delay = Math.min(delay * 2, BACKOFF_MAX_MS)
    }
    return new RingcastError('COORDINATOR_GONE', `the coordinator did not come back within ${seconds} s (${lastError}); this copy is not verified, and its journal is kept: start the node again to resume`)
  }

  /** One Rejoin attempt: true once back on a new stream, an error if the session is over, undefined to try again. */
  private async rejoin (): Promise<true | RingcastError | undefined> {
    const channel = await this.net.dial(undefined, [this.coordinator], CONTROL_PROTOCOL)
    const standing = this.standing()
    await sendControl(channel, {
      join: {
        ...this.joinSent!,
        rejoin: {
          sessionId: this.params!.sessionId,
          writtenThrough: standing.writtenThrough,
          bytesReceived: standing.bytesReceived,
          resumedFrom: standing.resumedFrom,
          doneSent: this.done !== undefined && !this.verdictArrived,
          verified: this.verdictArrived && this.verified
        }
      }
    })
    const reply = await readControl(channel, WELCOME_TIMEOUT_MS, this.clock).catch(err => { channel.abort(err as Error); throw err })
    if (reply === null) { channel.abort(new Error('closed before its Welcome')); return undefined }
    if (reply.kind === 'refuse') {
      channel.abort(new Error('refused'))
      return new RingcastError('COORDINATOR_GONE', `the coordinator came back but does not take this node again: ${printable(reply.body.reason)}; this copy is not verified, and its journal is kept: start the node again to resume`)
    }
    if (reply.kind !== 'welcome') { channel.abort(new Error('no Welcome')); return new RingcastError('PROTOCOL', `expected Welcome to the Rejoin, got ${reply.kind}`) }
    const params = checkSessionParams(reply.body, 'PROTOCOL', 'the coordinator')
    const same = Buffer.compare(params.sessionId, this.params!.sessionId) === 0 && params.imageSize === this.params!.imageSize && params.blockSize === this.params!.blockSize
    if (!same) {
      channel.abort(new Error('another session'))
      return new RingcastError('COORDINATOR_GONE', 'the coordinator came back with another session (it was restarted without serve --state); this copy is not verified, and its journal is kept: start the node again to resume into the new session')
    }
    this.channel = channel
    this.connected = true
    this.log('the coordinator is back; this node goes on where it stands')
    // What it may not have had before it vanished.
    if (this.done !== undefined && !this.verdictArrived) await sendControl(channel, this.done).catch(() => {})
    const pending = this.identityDone
    if (pending !== undefined) {
      await sendControl(channel, pending.message).then(() => {
        this.identityDoneSent = true
        this.identityDone = undefined
        pending.sent.resolve()
      }, () => {})
    }
    return true
  }
}

/**
 * The code this node exits with when the coordinator ends its part: one that
 * says something about this node (it was judged hung, restarted, broke the
 * protocol, sent a bad copy) passes; any other (the coordinator's own
 * trouble, e.g. an unreadable image, or a code a hostile coordinator made up
 * to pose as a usage error) reads as the coordinator ending the session.
 */
function midSessionCode (code: ErrorCode): ErrorCode {
  switch (code) {
    case 'STALLED': case 'PEER_GONE': case 'RESTARTED': case 'PROTOCOL': case 'INTEGRITY': case 'REFUSED':
      return code
    default:
      return 'COORDINATOR_GONE'
  }
}
