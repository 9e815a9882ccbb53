// The node's one control stream to the coordinator: dial (with backoff),
// Join, Welcome or Refuse, then Plans and the Verdict until the coordinator
// hangs up. What arrives is handed on; nothing here decides the topology.

import { sleepOrWake, type Clock } from '../clock.js'
import { RingcastError, errorMessage, type ErrorCode } from '../errors.js'
import type { Channel } from '../net/channel.js'
import { readControl, sendControl } from '../net/control-stream.js'
import type { Network } from '../net/network.js'
import { MAX_FANOUT } from '../topology/plan.js'
import { printable, type Challenge, type ControlInput, type Join, type Plan, type Verdict, type Welcome } from '../wire/messages.js'
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

export class ControlLink {
  /** The Verdict on this node's copy; rejects if the coordinator hangs up first. */
  private readonly verdict = Promise.withResolvers<Verdict>()
  /** Why the session is over for this node, once follow() has ended. */
  private readonly over = Promise.withResolvers<RingcastError>()
  /** The coordinator hung up (or refused us mid-session): nothing it asked for stands. */
  sessionOver = false
  verdictArrived = false
  /** The coordinator ended our part with a Refuse (not a plain hang-up). */
  refused = false
  /** Told of every Plan, in order. */
  onPlan?: (plan: Plan) => void
  /** Told once, when the session is over for this node, with why. */
  onOver?: (why: RingcastError) => void
  /** Told of the coordinator's read-back challenge (after Done). */
  onChallenge?: (challenge: Challenge) => void

  private constructor (readonly channel: Channel, private readonly clock: Clock) {
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
        return new ControlLink(await net.dial(undefined, [coordinator], CONTROL_PROTOCOL), clock)
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
    void this.follow()
    return { welcome: reply.body, params }
  }

  /**
   * Send one message. If the write fails because the coordinator ended this
   * node's part (it closed the stream after its Refuse), the error says why
   * it did, not that a stream was closed: the node's exit code and sentence
   * are the coordinator's reason (e.g. RESTARTED), whichever of the write or
   * the read noticed first.
   */
  async send (message: ControlInput): Promise<void> {
    try {
      await sendControl(this.channel, message)
    } catch (err) {
      const grace = sleepOrWake(this.clock, SEND_FAILURE_GRACE_MS)
      const why = await Promise.race([this.over.promise, grace.slept.then(() => undefined)])
      grace.wake()
      throw why ?? new RingcastError('COORDINATOR_GONE', `cannot send to the coordinator: ${errorMessage(err)}`, { cause: err })
    }
  }

  /** The coordinator's Verdict on our Done. */
  async awaitVerdict (): Promise<Verdict> {
    return await this.verdict.promise
  }

  /** Resolves when the coordinator closes the control stream. */
  async ended (): Promise<void> {
    await this.channel.closed
  }

  /**
   * Resolves once the coordinator has hung up (closed its end, refused us,
   * or the stream failed), with what that would mean before a verdict.
   * After IdentityDone a plain hang-up is the coordinator's acknowledgement.
   */
  async hungUp (): Promise<RingcastError> {
    return await this.over.promise
  }

  /** Plan, Verdict, Refuse from the coordinator, until it hangs up. */
  private async follow (): Promise<void> {
    // The coordinator hung up or vanished: this copy is not verified, but it
    // is not known to be bad either (exit status COORDINATOR_GONE, not INTEGRITY).
    let code: ErrorCode = 'COORDINATOR_GONE'
    let reason = 'the coordinator closed the session before this node\'s copy was verified'
    try {
      while (true) {
        const msg = await readControl(this.channel)
        if (msg === null) break
        if (msg.kind === 'plan') {
          if (msg.body.downstreams.length > MAX_FANOUT) throw new RingcastError('PROTOCOL', `the coordinator named ${msg.body.downstreams.length} downstreams (at most ${MAX_FANOUT})`)
          this.onPlan?.(msg.body)
        } else if (msg.kind === 'challenge') {
          if (this.onChallenge === undefined) throw new RingcastError('PROTOCOL', 'a read-back challenge before this node sent Done')
          this.onChallenge(msg.body)
        } else if (msg.kind === 'verdict') {
          this.verdictArrived = true
          this.verdict.resolve(msg.body)
        } else if (msg.kind === 'refuse') {
          this.refused = true
          code = midSessionCode(fromWireCode(msg.body.code, 'REFUSED'))
          reason = `the coordinator ended this node's part: ${printable(msg.body.reason)}`
          break
        } else {
          throw new RingcastError('PROTOCOL', `unexpected ${msg.kind} from the coordinator`)
        }
      }
    } catch (err) {
      reason = `the control stream to the coordinator failed before this node's copy was verified: ${errorMessage(err)}`
    }
    this.sessionOver = true
    const gone = new RingcastError(code, reason)
    this.over.resolve(gone)
    this.verdict.reject(gone)
    this.onOver?.(gone)
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
