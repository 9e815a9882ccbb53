// A session of several images (serve boot=IMG root=IMG ...; protocol 6):
// they travel as one stream of blocks, each image starting on a block
// boundary, so that every block belongs to exactly one image and everything
// the data plane does (signed hashes, SKIPs, resume, re-wiring, read-back
// challenges) works on the whole unchanged. The last block of every image
// but the last is padded with zeros; the source hashes and signs the padding
// with the block, and no target receives it.
//
// One validator, so the coordinator's layout and a hostile Welcome are
// judged by the same rules.

import { RingcastError, type ErrorCode } from '../errors.js'
import type { SessionParams } from './session-params.js'

/** One image of a session: the session's bytes [offset, offset + size). */
export interface ImagePart {
  name: string
  offset: number
  size: number
}

/** Most images in one session. */
export const MAX_PARTS = 64

/** What an image or target name may look like: it is typed on both command lines and printed in reports. */
export const PART_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

/** Why `name` cannot name an image, or undefined. */
export function partNameProblem (name: string): string | undefined {
  if (PART_NAME.test(name)) return undefined
  return `${JSON.stringify(name.slice(0, 80))} is not an image name (letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64)`
}

/**
 * `NAME=PATH` split into its name and path, or undefined when `spec` is a
 * plain path. Only a valid name before the first '=' makes it one, so a
 * path such as ./a=b or /srv/x=y stays a path.
 */
export function splitNamed (spec: string): { name: string, path: string } | undefined {
  const at = spec.indexOf('=')
  if (at <= 0) return undefined
  const name = spec.slice(0, at)
  return PART_NAME.test(name) ? { name, path: spec.slice(at + 1) } : undefined
}

/** Where each image starts: the first at 0, each next one on the block boundary after the one before. */
export function layParts (images: ReadonlyArray<{ name: string, size: number }>, blockSize: number): { parts: ImagePart[], imageSize: number } {
  const parts: ImagePart[] = []
  let offset = 0
  for (const image of images) {
    parts.push({ name: image.name, offset, size: image.size })
    offset += Math.ceil(image.size / blockSize) * blockSize
  }
  const last = parts[parts.length - 1]
  return { parts, imageSize: last === undefined ? 0 : last.offset + last.size }
}

/** Why `parts` cannot be the layout of a session with `params`, or undefined when it is sound. */
export function partsProblem (parts: readonly ImagePart[], params: SessionParams): string | undefined {
  if (parts.length === 0) return undefined
  if (parts.length < 2) return 'a layout of one image (a session of one image has none)'
  if (parts.length > MAX_PARTS) return `${parts.length} images (at most ${MAX_PARTS})`
  const names = new Set<string>()
  let next = 0
  for (const [i, p] of parts.entries()) {
    const nameProblem = partNameProblem(p.name)
    if (nameProblem !== undefined) return nameProblem
    if (names.has(p.name)) return `image ${p.name} twice`
    names.add(p.name)
    if (!Number.isSafeInteger(p.size) || p.size <= 0) return `image ${p.name} of ${p.size} bytes`
    if (p.offset !== next) return `image ${p.name} at ${p.offset} (expected ${next}: images follow each other from block boundaries)`
    next = p.offset + Math.ceil(p.size / params.blockSize) * params.blockSize
    if (i === parts.length - 1 && p.offset + p.size !== params.imageSize) return `images that end at ${p.offset + p.size}, not at the session's ${params.imageSize} bytes`
  }
  return undefined
}

/** `parts` if sound for `params`; else a RingcastError with `code`, as said by `who`. */
export function checkParts (parts: ReadonlyArray<{ name?: string | null, offset?: number | null, size?: number | null }>, params: SessionParams, code: ErrorCode, who: string): ImagePart[] {
  const copy = parts.map(p => ({ name: p.name ?? '', offset: Number(p.offset ?? 0), size: Number(p.size ?? 0) }))
  const problem = partsProblem(copy, params)
  if (problem !== undefined) throw new RingcastError(code, `${who} gave an impossible layout of images: ${problem}`)
  return copy
}
