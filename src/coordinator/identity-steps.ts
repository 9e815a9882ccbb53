// The identity step of nodes that asked for it (join --identity), as the
// coordinator follows it (docs/identity.md):
//
//   verified copy ──> Verdict + hostname + inventory fields ──> IdentityDone{ok}   ──> verified (boot: its disk)
//                     (the node is waiting)                  └─> IdentityDone{!ok}  ──> failed   (boot: clone again)
//                                                            └─> none by the deadline, the node gone ──> failed
//
// A node that did not ask gets none of this: it is finished at its Verdict,
// as before protocol 7. An IdentityDone from a node that did not ask, before
// its verified Verdict, or a second one, is a protocol error for that node.
// Once the outcome is recorded the coordinator closes its end of the node's
// control stream: that is the node's acknowledgement.

import type { Clock } from '../clock.js'
import { ProtocolError, errorMessage } from '../errors.js'
import { IDENTITY_STEP_TIMEOUT_MS, fieldsOf, identityProblem, type IdentityField } from '../wire/identity.js'
import { printable, type IdentityDone } from '../wire/messages.js'
import type { Member } from './member.js'
import type { Session } from './session.js'

/**
 * How long after its Verdict (or after the last node it feeds finished: it
 * edits its target only once no downstream reads it) a node has to send
 * IdentityDone: its whole step may take IDENTITY_STEP_TIMEOUT_MS, plus a
 * minute for the built-in step's reads and a slow link.
 */
export const IDENTITY_DONE_TIMEOUT_MS = IDENTITY_STEP_TIMEOUT_MS + 60_000

export interface IdentityActions {
  log: (line: string) => void
  /** The node's inventory fields (serve --boot-nodes), if it has any. */
  fieldsOf?: (name: string) => Promise<Record<string, string> | undefined>
  /** The step is recorded: the node may now boot its clone, or not. */
  set: (m: Member) => void
  failed: (m: Member, reason: string) => void
}

export class IdentitySteps {
  constructor (private readonly session: Session, private readonly clock: Clock, private readonly actions: IdentityActions) {}

  /**
   * `m`'s copy is verified and its Verdict is about to go out: the identity
   * it carries. From this call on (before any await) the session waits for
   * the node's IdentityDone.
   */
  async forVerdict (m: Member): Promise<{ hostname: string, fields: IdentityField[] }> {
    m.identity = { state: 'waiting', deadline: this.clock.now() + IDENTITY_DONE_TIMEOUT_MS }
    const step = m.identity
    let fields: IdentityField[] = []
    let problem: string | undefined
    try {
      fields = fieldsOf((await this.actions.fieldsOf?.(m.name)) ?? {})
    } catch (err) {
      problem = `its inventory fields could not be read: ${errorMessage(err)}`
    }
    problem ??= identityProblem(m.name, fields)
    if (problem === undefined) return { hostname: m.name, fields }
    // The node gets no identity (an empty host name fails its step) and the step counts as failed, whatever it says.
    step.problem = problem
    this.actions.log(`${m.name} cannot be given its identity: ${problem}`)
    return { hostname: '', fields: [] }
  }

  /** The node's IdentityDone. */
  onIdentityDone (m: Member, done: IdentityDone): void {
    if (m.wantsIdentity !== true) throw new ProtocolError('an IdentityDone from a node that did not ask for the identity step')
    if (m.identity === undefined) throw new ProtocolError('an IdentityDone before this node\'s copy was verified')
    if (m.identity.state !== 'waiting') throw new ProtocolError('a second IdentityDone')
    const problem = m.identity.problem
    if (done.ok && problem === undefined) this.settle(m, true)
    else this.settle(m, false, problem ?? (done.reason !== '' ? printable(done.reason, 2000) : 'the node gave no reason'))
    // The acknowledgement: the node waits for this before it exits.
    void m.channel.closeWrite().catch(() => {})
  }

  /** On every tick: a node that feeds no running node any more has IDENTITY_DONE_TIMEOUT_MS to answer. */
  tick (now: number): void {
    for (const m of this.session.all) {
      const step = m.identity
      if (step?.state !== 'waiting') continue
      // It lingers for its downstreams before it touches its target.
      if (this.session.all.some(d => d.state === 'running' && d.upstreamPeer === m.peerId)) {
        step.deadline = Math.max(step.deadline, now + IDENTITY_DONE_TIMEOUT_MS)
        continue
      }
      if (now > step.deadline) this.settle(m, false, `it sent no IdentityDone within ${IDENTITY_DONE_TIMEOUT_MS / 1000} s`)
    }
  }

  /** The node can no longer answer (its stream ended or broke, it gave up): a step still awaited failed. */
  abandon (m: Member, reason: string): void {
    if (m.identity?.state === 'waiting') this.settle(m, false, reason)
  }

  /** The node itself failed (a liar found out after its verdict): the step is over, and the caller records the node failed. */
  cancel (m: Member, reason: string): void {
    if (m.identity?.state === 'waiting') m.identity = { ...m.identity, state: 'failed', reason }
  }

  private settle (m: Member, ok: boolean, reason?: string): void {
    m.identity = { ...m.identity!, state: ok ? 'set' : 'failed', reason }
    if (ok) {
      this.actions.log(`${m.name}: identity set`)
      this.actions.set(m)
    } else {
      this.actions.log(`${m.name}: identity step failed: ${reason ?? ''}`)
      this.actions.failed(m, `its copy is verified, but its identity step failed: ${reason ?? ''}`)
    }
  }
}
