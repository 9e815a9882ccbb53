// What a node writes to: one target, or for a session of several images one
// per image (join --target NAME=PATH ...). Each is a file, a block device or
// an empty directory (an archive target: the image lands in a staging file
// beside it and is unpacked only once verified). This module inspects them
// before the node joins, says what the Join carries, matches them to the
// Welcome's images, opens them as one ImageTarget, and does what a verified
// copy still needs on each (a GPT moved to a larger disk's end, an archive
// unpacked).

import { realpath, rm } from 'node:fs/promises'
import { RingcastError } from '../errors.js'
import { archiveTargetDir, stagingPathFor, unpackArchive } from '../storage/archive.js'
import { fixGptOnLargerDisk } from '../storage/gpt.js'
import type { JournalTarget } from '../storage/journal.js'
import { TargetSet } from '../storage/target-set.js'
import { discardBlockDevice, identityOf, inspectTarget, Target, type ImageTarget, type TargetInfo } from '../storage/target.js'
import type { ImagePart } from '../wire/image-parts.js'
import type { Join } from '../wire/messages.js'
import { PROTOCOL_VERSION } from '../wire/protocol.js'

/** A target as the operator named it: join --target PATH (name '') or NAME=PATH. */
export interface NamedPath {
  name: string
  path: string
}

/** A target, inspected. */
export interface PlannedTarget {
  name: string
  info: TargetInfo
  /** An archive target: the directory the verified image is unpacked into (info is the staging file). */
  unpackInto?: string
}

/** Targets opened for the session: what the relay writes to, and each image's own. */
export interface OpenTargets {
  target: ImageTarget
  pieces: Array<{ part: ImagePart, planned: PlannedTarget, target: Target }>
}

/** Inspect every target before the node joins, so a bad one costs nothing; two names for one target are refused. */
export async function inspectTargets (targets: readonly NamedPath[], create: boolean): Promise<PlannedTarget[]> {
  if (targets.length === 0) throw new RingcastError('USAGE', 'join needs a --target')
  const planned: PlannedTarget[] = []
  for (const t of targets) {
    const unpackInto = await archiveTargetDir(t.path)
    const info = unpackInto === undefined
      ? await inspectTarget(t.path, { create })
      : await inspectTarget(stagingPathFor(unpackInto), { create: true })
    planned.push({ name: t.name, info, unpackInto })
  }
  // One file or device node under two names (a symlink, a hard link): by device and inode.
  const seen = new Map<string, string>()
  for (const p of planned) {
    const real = await realpath(p.info.path).catch(() => p.info.path)
    const key = identityOf(p.info) ?? real
    const other = seen.get(key)
    if (other !== undefined) throw new RingcastError('USAGE', `targets ${other} and ${p.name} are the same ${p.info.kind === 'block' ? 'device' : 'file'} (${real}): give each image its own`)
    seen.set(key, p.name)
  }
  return planned
}

/** What the Join says of the targets: one path and size, or one entry per image. */
export function joinTargetFields (planned: readonly PlannedTarget[]): Pick<Join, 'targetPath' | 'targetSize' | 'targetGrowable' | 'targets'> {
  if (planned.length === 1) {
    const { info } = planned[0]!
    return { targetPath: info.path, targetSize: info.size, targetGrowable: info.growable, targets: [] }
  }
  return {
    targetPath: '',
    targetSize: 0,
    targetGrowable: false,
    targets: planned.map(p => ({ name: p.name, path: p.info.path, size: p.info.size, growable: p.info.growable }))
  }
}

/**
 * The session's images (the Welcome's parts, checked by image-parts.ts),
 * each with this node's target for it. A coordinator that sends images the
 * node has no target for (or one image to a node with several targets) broke
 * the protocol: it admitted what it should have refused.
 */
export function matchParts (planned: readonly PlannedTarget[], parts: readonly ImagePart[], imageSize: number): Array<{ part: ImagePart, planned: PlannedTarget }> {
  if (parts.length === 0) {
    if (planned.length > 1) throw new RingcastError('PROTOCOL', `the coordinator sends one image, but this node has targets for ${planned.map(p => p.name).join(', ')} (protocol ${PROTOCOL_VERSION} coordinators refuse such a node)`)
    return [{ part: { name: planned[0]!.name, offset: 0, size: imageSize }, planned: planned[0]! }]
  }
  return parts.map(part => {
    const mine = planned.find(p => p.name === part.name)
    if (mine === undefined || planned.length !== parts.length) {
      throw new RingcastError('PROTOCOL', `the coordinator sends images ${parts.map(p => p.name).join(', ')}, but this node has targets for ${planned.map(p => p.name).join(', ')}`)
    }
    return { part, planned: mine }
  })
}

/** How the journal header names the targets: the path, or NAME=PATH for each. */
export function describeTargets (matched: ReadonlyArray<{ part: ImagePart, planned: PlannedTarget }>): string {
  if (matched.length === 1) return matched[0]!.planned.info.path
  return matched.map(m => `${m.part.name}=${m.planned.info.path}`).join(' ')
}

/** Where the journal's offsets land (journal.ts). */
export function journalTargetOf (matched: ReadonlyArray<{ part: ImagePart, planned: PlannedTarget }>): JournalTarget {
  if (matched.length === 1) return matched[0]!.planned.info.path
  return matched.map(m => ({ path: m.planned.info.path, offset: m.part.offset, size: m.part.size }))
}

/** join --discard: every block-device target, from where this run resumes in its image. */
export async function discardTargets (matched: ReadonlyArray<{ part: ImagePart, planned: PlannedTarget }>, resumedFrom: number, log: (line: string) => void): Promise<void> {
  for (const { part, planned } of matched) {
    const from = Math.min(Math.max(resumedFrom - part.offset, 0), part.size)
    await discardBlockDevice(planned.info, from, part.size, log)
  }
}

/** File targets larger than their image: the copy cuts them to the image's size at the end, which the operator is told before a byte is written. */
export function oversizedFiles (matched: ReadonlyArray<{ part: ImagePart, planned: PlannedTarget }>): string[] {
  return matched
    .filter(m => m.planned.info.kind === 'file' && m.planned.unpackInto === undefined && m.planned.info.size > m.part.size)
    .map(m => `target ${m.planned.info.path} holds ${m.planned.info.size} bytes, more than its image's ${m.part.size}: the verified copy leaves it ${m.part.size} bytes long (the ${m.planned.info.size - m.part.size} bytes past the image are cut off)`)
}

/** Open every target for writing; with one, the relay writes to it directly. */
export async function openTargets (matched: ReadonlyArray<{ part: ImagePart, planned: PlannedTarget }>, imageSize: number): Promise<OpenTargets> {
  if (matched.length === 1) {
    const only = matched[0]!
    const target = await Target.open(only.planned.info, imageSize)
    return { target, pieces: [{ ...only, target }] }
  }
  const set = await TargetSet.open(matched.map(m => ({ part: m.part, info: m.planned.info })))
  return { target: set, pieces: set.parts.map((p, i) => ({ part: p.part, planned: matched[i]!.planned, target: p.target })) }
}

/**
 * After the verdict, over a verified copy only: a GPT's backup goes to the
 * end of a block device larger than its image; an archive is unpacked
 * (its staging copy is removed either way: unpacked or refused for good).
 * `unpacked` runs after each archive is dealt with (the journal can go).
 */
export async function finishVerifiedCopy (open: OpenTargets, log: (line: string) => void, unpacked: () => Promise<void>): Promise<void> {
  let failure: unknown
  for (const { part, planned, target } of open.pieces) {
    const { info } = planned
    const name = open.pieces.length > 1 ? `image ${part.name}: ` : ''
    if (info.kind === 'block' && info.size > part.size) await fixGptOnLargerDisk(target, part.size, info, line => log(`${name}${line}`))
    if (planned.unpackInto === undefined) continue
    try {
      await unpackArchive(info.path, planned.unpackInto, line => log(`${name}${line}`))
    } catch (err) {
      // The other images are unpacked still; the first refusal is this node's outcome.
      failure ??= err
    } finally {
      await unpacked()
      await rm(info.path, { force: true }).catch(() => {})
    }
  }
  if (failure !== undefined) throw failure
}
