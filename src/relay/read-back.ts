// Done is proven, not claimed (issue 11). Two checks read a node's copy back
// from its target, never from memory:
//
//   challenge   after Done the coordinator names a few random blocks and a
//               fresh nonce; the node answers SHA-256(nonce || block) for
//               each, as read from its target. The coordinator computes the
//               same from the image. The nonce makes an answer impossible to
//               prepare without the bytes, and a node's memory holds at most
//               its replay buffer, so the bytes must come off the target.
//   --verify-readback   the node itself re-reads its whole target after the
//               final fsync and checks every block against the source's
//               signed hash, and the whole against the signed digest.

import { createHash, randomBytes, randomInt } from 'node:crypto'
import { RingcastError } from '../errors.js'
import type { SessionParams } from '../wire/session-params.js'
import { sameBytes, toHex } from './hash.js'
import { blockCount, type SignedEnd } from './source-signature.js'
import { DIGEST_IMAGE_SHA256 } from '../wire/protocol.js'

/** Blocks a challenge names: four random blocks find a copy that is missing a twentieth of the image 19 times in 100. */
export const CHALLENGE_BLOCKS = 4
export const CHALLENGE_NONCE_BYTES = 16

export interface ReadBackChallenge { nonce: Uint8Array, blocks: number[] }

/** What can read a block of a copy (a node's target, the source image). */
export interface BlockReadable {
  read: (offset: number, length: number) => Promise<Uint8Array>
}

/**
 * A challenge over blocks `eligible` admits (FREE blocks have no content to
 * prove), or undefined when it admits none.
 */
export function newChallenge (params: Pick<SessionParams, 'imageSize' | 'blockSize'>, count = CHALLENGE_BLOCKS, eligible: (index: number) => boolean = () => true): ReadBackChallenge | undefined {
  const total = blockCount(params)
  const blocks = new Set<number>()
  // The last block is always asked: a copy cut short is the commonest fault.
  let last = total - 1
  while (last >= 0 && !eligible(last)) last--
  if (last < 0) return undefined
  blocks.add(last)
  // Random blocks; an image mostly FREE may leave fewer than `count` found.
  for (let tries = 0; blocks.size < count && tries < 64 * count; tries++) {
    const i = randomInt(last + 1)
    if (eligible(i)) blocks.add(i)
  }
  return { nonce: randomBytes(CHALLENGE_NONCE_BYTES), blocks: [...blocks].sort((a, b) => a - b) }
}

/** SHA-256(nonce || block) for each block the challenge names, read from `copy`. */
export async function answerChallenge (copy: BlockReadable, params: Pick<SessionParams, 'imageSize' | 'blockSize'>, challenge: ReadBackChallenge): Promise<Uint8Array[]> {
  const total = blockCount(params)
  if (challenge.nonce.byteLength !== CHALLENGE_NONCE_BYTES) throw new RingcastError('PROTOCOL', `a challenge nonce is ${CHALLENGE_NONCE_BYTES} bytes, not ${challenge.nonce.byteLength}`)
  if (challenge.blocks.length === 0 || challenge.blocks.length > CHALLENGE_BLOCKS * 4) throw new RingcastError('PROTOCOL', `a challenge names 1 to ${CHALLENGE_BLOCKS * 4} blocks, not ${challenge.blocks.length}`)
  const answers: Uint8Array[] = []
  for (const index of challenge.blocks) {
    if (!Number.isSafeInteger(index) || index < 0 || index >= total) throw new RingcastError('PROTOCOL', `a challenge names block ${index} of a ${total}-block image`)
    const offset = index * params.blockSize
    const bytes = await copy.read(offset, Math.min(params.blockSize, params.imageSize - offset))
    answers.push(new Uint8Array(createHash('sha256').update(challenge.nonce).update(bytes).digest()))
  }
  return answers
}

/** Why `answers` do not prove the copy, or undefined when they do. */
export function proofProblem (challenge: ReadBackChallenge, expected: Uint8Array[], answers: Uint8Array[], params: Pick<SessionParams, 'blockSize'>): string | undefined {
  if (answers.length !== expected.length) return `it answered ${answers.length} of the ${expected.length} blocks asked`
  for (const [i, want] of expected.entries()) {
    if (!sameBytes(want, answers[i]!)) return `the block at ${challenge.blocks[i]! * params.blockSize} read back from its target differs from the image (answer ${toHex(answers[i]!).slice(0, 16)}…)`
  }
  return undefined
}

/** Read this much of the target at a time when re-reading it whole. */
const READ_BACK_BYTES = 4 * 1_048_576

/**
 * join --verify-readback: re-read the whole copy and check every block
 * against the source's signed hash, and the whole against the signed image
 * digest. Throws INTEGRITY naming the first block that differs.
 */
export async function verifyWholeCopy (copy: BlockReadable, params: Pick<SessionParams, 'imageSize' | 'blockSize'>, signedHash: (blockIndex: number) => Uint8Array | undefined, end: Pick<SignedEnd, 'imageSha256' | 'digestKind'>,
  isFree: (blockIndex: number) => boolean = () => false): Promise<void> {
  const { imageSize, blockSize } = params
  const step = Math.max(blockSize, Math.floor(READ_BACK_BYTES / blockSize) * blockSize)
  // With FREE blocks the digest is over the signed batches, which every block read here is checked against.
  const whole = end.digestKind === DIGEST_IMAGE_SHA256 ? createHash('sha256') : undefined
  for (let offset = 0; offset < imageSize; offset += step) {
    const length = Math.min(step, imageSize - offset)
    const first = offset / blockSize
    if (whole === undefined && Array.from({ length: Math.ceil(length / blockSize) }, (_, i) => first + i).every(isFree)) continue
    const bytes = await copy.read(offset, length)
    whole?.update(bytes)
    for (let at = 0; at < bytes.byteLength; at += blockSize) {
      const index = (offset + at) / blockSize
      if (isFree(index)) continue
      const want = signedHash(index)
      const got = createHash('sha256').update(bytes.subarray(at, Math.min(at + blockSize, bytes.byteLength))).digest()
      if (want === undefined || !sameBytes(got, want)) {
        throw new RingcastError('INTEGRITY', `read back after the final fsync, the block at ${offset + at} differs from what the source signed`)
      }
    }
  }
  if (whole === undefined) return
  const digest = new Uint8Array(whole.digest())
  if (!sameBytes(digest, end.imageSha256)) throw new RingcastError('INTEGRITY', `read back after the final fsync, the copy's sha256 ${toHex(digest)} differs from the source's ${toHex(end.imageSha256)}`)
}
