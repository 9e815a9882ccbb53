// A node's targets in a session of several images (join --target NAME=PATH
// for each): one Target per image, written as one, at the session's offsets
// (src/wire/image-parts.ts). Each target receives only its image's bytes;
// the zero padding after an image's last block is verified with that block
// (it is in its signed hash) and written nowhere, and reads back as zeros.

import type { ImagePart } from '../wire/image-parts.js'
import { Target, type ImageTarget, type TargetInfo } from './target.js'

export interface PartTarget {
  part: ImagePart
  target: Target
}

export class TargetSet implements ImageTarget {
  private constructor (readonly parts: readonly PartTarget[]) {}

  /** Open every target for its image (Target.open's refusals, one by one); none stays open if one fails. */
  static async open (entries: ReadonlyArray<{ part: ImagePart, info: TargetInfo }>): Promise<TargetSet> {
    const opened: PartTarget[] = []
    try {
      for (const { part, info } of entries) opened.push({ part, target: await Target.open(info, part.size) })
    } catch (err) {
      await Promise.all(opened.map(async p => { await p.target.close() }))
      throw err
    }
    return new TargetSet(opened)
  }

  async write (offset: number, chunks: readonly Uint8Array[]): Promise<void> {
    const length = chunks.reduce((n, c) => n + c.byteLength, 0)
    for (const { part, target, from, to } of this.overlapping(offset, length)) {
      await target.write(from - part.offset, sliceChunks(chunks, from - offset, to - from))
    }
  }

  async zero (offset: number, length: number): Promise<number> {
    let written = 0
    for (const { part, target, from, to } of this.overlapping(offset, length)) {
      written += await target.zero(from - part.offset, to - from)
      // The next write goes to another target, and would not extend this one past its zero tail (review of cde7b7d).
      if (to === part.offset + part.size) await target.extendTo(part.size)
    }
    return written
  }

  async read (offset: number, length: number): Promise<Buffer> {
    const buffer = Buffer.alloc(length)
    for (const { part, target, from, to } of this.overlapping(offset, length)) {
      (await target.read(from - part.offset, to - from)).copy(buffer, from - offset)
    }
    return buffer
  }

  /** Every file target exactly its image's size, then every target fsynced. */
  async finish (): Promise<void> {
    for (const { part, target } of this.parts) await target.finish(part.size)
  }

  async dropCache (): Promise<boolean> {
    let all = true
    for (const { target } of this.parts) all = (await target.dropCache()) && all
    return all
  }

  async close (): Promise<void> {
    await Promise.all(this.parts.map(async p => { await p.target.close() }))
  }

  /** The parts of [offset, offset + length) that belong to an image (never its padding), in order. */
  private overlapping (offset: number, length: number): Array<PartTarget & { from: number, to: number }> {
    const out: Array<PartTarget & { from: number, to: number }> = []
    for (const p of this.parts) {
      const from = Math.max(offset, p.part.offset)
      const to = Math.min(offset + length, p.part.offset + p.part.size)
      if (from < to) out.push({ ...p, from, to })
    }
    return out
  }
}

/** The bytes [skip, skip + length) of `chunks` laid end to end, as views (no copy). */
export function sliceChunks (chunks: readonly Uint8Array[], skip: number, length: number): Uint8Array[] {
  const out: Uint8Array[] = []
  let at = 0
  for (const c of chunks) {
    const start = Math.max(skip, at)
    const end = Math.min(skip + length, at + c.byteLength)
    if (start < end) out.push(c.subarray(start - at, end - at))
    at += c.byteLength
    if (at >= skip + length) break
  }
  return out
}
