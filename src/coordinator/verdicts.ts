// Judging each node's copy: a node's Done is a claim, not a verdict.
//
//   Done (digest, bytes) ──> wrong digest or size? ──yes──> NOT verified
//                                  │ no
//                                  v
//   Challenge (nonce, last block + 3 random) ──> Proof: SHA-256(nonce ‖ block)
//   read back from the node's target           within PROOF_TIMEOUT_MS
//                                  │
//              right ──> verified       wrong, missing, late ──> failed (INTEGRITY)
//
// The challenge's expected answers are read from the source's image while
// the node reads its target (read-back.ts). Every verdict is sent to the
// node, and never over a node that failed meanwhile. A verified node that
// asked for the identity step gets its host name and inventory fields in
// its Verdict (identity-steps.ts says what, and follows the step).

import type { Clock } from '../clock.js'
import { RingcastError, errorMessage, type ErrorCode } from '../errors.js'
import type { ImageSource } from '../image/image-file.js'
import { sendControl } from '../net/control-stream.js'
import { sameBytes, toHex } from '../relay/hash.js'
import { answerChallenge, CHALLENGE_BLOCKS, newChallenge, proofProblem } from '../relay/read-back.js'
import { CONTENT_FREE } from '../wire/protocol.js'
import { printable, type Done, type Proof } from '../wire/messages.js'
import { isFinished, type Member } from './member.js'
import type { Session } from './session.js'
import type { SourceHashes } from './source-hashes.js'

/** How long a node has to read its challenged blocks back and answer. */
export const PROOF_TIMEOUT_MS = 60_000

export interface VerdictActions {
  log: (line: string) => void
  fail: (m: Member, code: ErrorCode, reason: string) => void
  /** A node was judged: the coordinator may be waiting for the last one. */
  judged: (m: Member) => void
  /** A verified node that asked for the identity step: what its Verdict carries for it (identity-steps.ts). */
  identityFor?: (m: Member) => Promise<{ hostname: string, fields: Array<{ name: string, value: string }> }>
}

export class Verdicts {
  constructor (
    private readonly session: Session,
    private readonly image: ImageSource,
    private readonly hashes: SourceHashes,
    private readonly clock: Clock,
    private readonly actions: VerdictActions
  ) {}

  /**
   * A node says its copy is complete. Its word is not taken: unless its
   * claim is already wrong, it is asked to read a few random blocks back
   * from its target (read-back.ts), and only a right answer verifies it.
   */
  async onDone (m: Member, done: Done): Promise<void> {
    if (!this.session.started || isFinished(m) || m.proving !== undefined) throw new RingcastError('PROTOCOL', 'Done before the session could be complete')
    const source = await this.hashes.imageSha256().catch(() => undefined)
    m.digest = done.sha256
    m.writtenThrough = Math.min(done.bytesWritten, this.image.size)
    m.elapsedMs = done.elapsedMs
    m.peakRssBytes = done.peakRssBytes
    m.peakInflightBytes = done.peakInflightBytes
    m.bytesReceived = done.bytesReceived
    m.resumedFrom = Math.min(done.resumedFrom, this.image.size)
    m.readBack = done.readBack
    if (source === undefined || !sameBytes(source, done.sha256) || done.bytesWritten !== this.image.size) {
      const reason = source === undefined ? 'the source failed before the image was complete' : `digest ${toHex(done.sha256).slice(0, 16)}… differs from the source's ${toHex(source).slice(0, 16)}…`
      await this.judge(m, false, reason, source)
      return
    }
    // Failed while we waited for the image's digest: nothing to prove.
    if (isFinished(m)) return
    // FREE blocks hold nothing the clone defines: they are never asked.
    const challenge = newChallenge(this.session.params, CHALLENGE_BLOCKS, i => this.hashes.contentOf(i) !== CONTENT_FREE)
    if (challenge === undefined) { await this.judge(m, true, undefined, source); return }
    m.proving = { challenge, expected: answerChallenge(this.image, this.session.params, challenge), deadline: this.clock.now() + PROOF_TIMEOUT_MS }
    m.proving.expected.catch(() => {})
    await sendControl(m.channel, { challenge: { nonce: challenge.nonce, blocks: challenge.blocks } }).catch(() => {})
  }

  /** The node's answer to its read-back challenge. */
  async onProof (m: Member, proof: Proof): Promise<void> {
    const proving = m.proving
    if (proving === undefined || isFinished(m)) throw new RingcastError('PROTOCOL', 'a Proof nobody asked for')
    m.proving = undefined
    if (proof.error !== '') { this.actions.fail(m, 'INTEGRITY', `it could not read its copy back: ${printable(proof.error)}`); return }
    let expected: Uint8Array[]
    try {
      expected = await proving.expected
    } catch (err) {
      this.actions.fail(m, 'IMAGE_UNREADABLE', `the source could not read the image to check this node's copy: ${errorMessage(err)}`)
      return
    }
    const problem = proofProblem(proving.challenge, expected, proof.hashes, this.session.params)
    if (problem !== undefined) { this.actions.fail(m, 'INTEGRITY', `it could not prove its copy: ${problem}`); return }
    await this.judge(m, true, undefined, await this.hashes.imageSha256().catch(() => undefined))
  }

  /** On every tick: a node that has not answered its challenge in time is failed. */
  checkDeadline (m: Member, now: number): boolean {
    if (m.proving === undefined || now <= m.proving.deadline) return false
    this.actions.fail(m, 'INTEGRITY', `it did not answer the read-back challenge within ${PROOF_TIMEOUT_MS / 1000} s`)
    return true
  }

  /** Record the verdict on a node's copy and tell the node; never over a node failed meanwhile (while we read the image, say). */
  private async judge (m: Member, verified: boolean, reason: string | undefined, source: Uint8Array | undefined): Promise<void> {
    if (isFinished(m)) return
    m.state = 'done'
    m.finishedAt = this.clock.now()
    m.verified = verified
    m.reason = reason
    this.actions.log(`${m.name}: ${verified ? `verified${m.readBack === true ? ' (and read back whole by the node)' : ''}` : `NOT verified: ${reason ?? ''}`}`)
    await this.sendVerdict(m, source)
    this.actions.judged(m)
  }

  /** A judged node dialled back without its Verdict (the coordinator was restarted before it went out): send it again. */
  async resend (m: Member): Promise<void> {
    if (m.state !== 'done') return
    await this.sendVerdict(m, await this.hashes.imageSha256().catch(() => undefined))
  }

  private async sendVerdict (m: Member, source: Uint8Array | undefined): Promise<void> {
    const verified = m.verified === true
    const identity = verified && m.wantsIdentity === true ? await this.actions.identityFor?.(m) : undefined
    await sendControl(m.channel, { verdict: { verified, sourceSha256: source ?? new Uint8Array(), reason: m.reason ?? '', hostname: identity?.hostname ?? '', fields: identity?.fields ?? [] } }).catch(() => {})
  }
}
