// A session of several images: the layout both sides agree on (and what a
// hostile Welcome may not say), the node's targets written as one with the
// padding written nowhere, the resume check across several targets, and
// the coordinator's admission of a node's named targets.

import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { matchParts, type PlannedTarget } from '../../src/agent/targets.js'
import { checkJoin } from '../../src/coordinator/admission.js'
import type { Member } from '../../src/coordinator/member.js'
import { Session } from '../../src/coordinator/session.js'
import { isRingcastError } from '../../src/errors.js'
import { imagesProblem, openSessionSource } from '../../src/image/image-set.js'
import { verifyAgainstJournal, type JournalBlock } from '../../src/storage/journal.js'
import { TargetSet, sliceChunks } from '../../src/storage/target-set.js'
import { checkParts, layParts, partsProblem, splitNamed, type ImagePart } from '../../src/wire/image-parts.js'
import type { Join } from '../../src/wire/messages.js'
import { PROTOCOL_VERSION } from '../../src/wire/protocol.js'

const B = 4096
const params = (imageSize: number): { sessionId: Uint8Array, imageSize: number, blockSize: number, windowBytes: number } =>
  ({ sessionId: new Uint8Array(16), imageSize, blockSize: B, windowBytes: 8 * B })

let dir: string
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ringcast-parts-')) })
afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

describe('the layout of several images', () => {
  it('each image starts on the block boundary after the one before; the last is not padded', () => {
    const { parts, imageSize } = layParts([{ name: 'boot', size: B + 1 }, { name: 'root', size: 3 * B }, { name: 'home', size: 5 }], B)
    expect(parts).toEqual([{ name: 'boot', offset: 0, size: B + 1 }, { name: 'root', offset: 2 * B, size: 3 * B }, { name: 'home', offset: 5 * B, size: 5 }])
    expect(imageSize).toBe(5 * B + 5)
    expect(partsProblem(parts, params(imageSize))).toBeUndefined()
  })

  it.each<[string, ImagePart[], RegExp]>([
    ['one image', [{ name: 'a', offset: 0, size: 10 }], /a layout of one image/],
    ['a gap', [{ name: 'a', offset: 0, size: 10 }, { name: 'b', offset: 2 * B, size: 10 }], /image b at 8192 \(expected 4096/],
    ['overlap', [{ name: 'a', offset: 0, size: 2 * B }, { name: 'b', offset: B, size: 10 }], /image b at 4096 \(expected 8192/],
    ['a short end', [{ name: 'a', offset: 0, size: 10 }, { name: 'b', offset: B, size: 10 }], /end at 4106, not at the session's 9999 bytes/],
    ['a name twice', [{ name: 'a', offset: 0, size: 10 }, { name: 'a', offset: B, size: 10 }], /image a twice/],
    ['a path for a name', [{ name: '../etc', offset: 0, size: 10 }, { name: 'b', offset: B, size: 10 }], /is not an image name/],
    ['an empty image', [{ name: 'a', offset: 0, size: 0 }, { name: 'b', offset: 0, size: 10 }], /image a of 0 bytes/]
  ])('a Welcome with %s is refused', (_, parts, why) => {
    expect(partsProblem(parts, params(9999))).toMatch(why)
    try {
      checkParts(parts, params(9999), 'PROTOCOL', 'the coordinator')
      expect.unreachable()
    } catch (err) {
      expect(isRingcastError(err, 'PROTOCOL')).toBe(true)
    }
  })

  it('NAME=PATH is a name only when the name is one; any other path stays a path', () => {
    expect(splitNamed('boot=/dev/sda1')).toEqual({ name: 'boot', path: '/dev/sda1' })
    expect(splitNamed('root=a=b.img')).toEqual({ name: 'root', path: 'a=b.img' })
    for (const plain of ['/srv/x=y.img', './a=b', 'disk.img', '=x', '-x=y']) expect(splitNamed(plain)).toBeUndefined()
  })

  it('serve refuses unnamed, doubly named or doubly piped images', () => {
    expect(imagesProblem([{ name: '', path: 'a' }])).toBeUndefined()
    expect(imagesProblem([{ name: 'a', path: 'x' }, { name: '', path: 'y' }])).toMatch(/name each one/)
    expect(imagesProblem([{ name: 'a', path: 'x' }, { name: 'a', path: 'y' }])).toMatch(/two images are named a/)
    expect(imagesProblem([{ name: 'a', path: '-' }, { name: 'b', path: '-' }])).toMatch(/only one image can come from standard input/)
  })

  it('the source reads the images as one, zeros in the padding', async () => {
    const a = randomBytes(B + 7)
    const b = randomBytes(2 * B)
    await writeFile(join(dir, 'a'), a)
    await writeFile(join(dir, 'b'), b)
    const source = await openSessionSource([{ name: 'a', path: join(dir, 'a') }, { name: 'b', path: join(dir, 'b') }], B)
    try {
      expect(source.size).toBe(4 * B)
      expect(source.segments.map(s => [s.name, s.offset, s.size])).toEqual([['a', 0, B + 7], ['b', 2 * B, 2 * B]])
      const all = await source.read(0, 4 * B)
      expect(Buffer.from(all.subarray(0, B + 7)).equals(a)).toBe(true)
      expect(all.subarray(B + 7, 2 * B).every(x => x === 0)).toBe(true)
      expect(Buffer.from(all.subarray(2 * B)).equals(b)).toBe(true)
      // A read that straddles the padding, into a reused buffer full of garbage.
      const into = Buffer.alloc(2 * B, 0xff)
      const mid = await source.read(B, 2 * B, into)
      expect(Buffer.from(mid).equals(Buffer.concat([a.subarray(B), Buffer.alloc(B - 7), b.subarray(0, B)]))).toBe(true)
    } finally {
      await source.close()
    }
  })
})

describe("a node's targets for several images", () => {
  const parts = layParts([{ name: 'a', size: B + 7 }, { name: 'b', size: 2 * B + 1 }], B).parts
  const info = (name: string, size = 0): PlannedTarget => ({ name, info: { path: join(dir, name), kind: 'file', size, growable: true } })

  it('writes each image to its own target and the padding to none; reads padding back as zeros', async () => {
    // Targets as large as their images already: zero() then writes (past a file's size it leaves holes).
    for (const p of parts) await writeFile(join(dir, p.name), Buffer.alloc(p.size, 0xee))
    const set = await TargetSet.open(parts.map(part => ({ part, info: info(part.name).info })))
    const stream = randomBytes(parts[1]!.offset + parts[1]!.size)
    stream.fill(0, B + 7, 2 * B)
    try {
      // One write across the boundary, in uneven chunks.
      await set.write(0, [stream.subarray(0, 100), stream.subarray(100, B + 50)])
      await set.write(B + 50, [stream.subarray(B + 50, 3 * B), stream.subarray(3 * B)])
      await set.finish()
      expect((await readFile(join(dir, 'a'))).equals(stream.subarray(0, B + 7))).toBe(true)
      expect((await readFile(join(dir, 'b'))).equals(stream.subarray(2 * B))).toBe(true)
      expect((await set.read(B, 2 * B)).equals(stream.subarray(B, 3 * B))).toBe(true)
      expect(await set.zero(B, 2 * B)).toBe(7 + B)
    } finally {
      await set.close()
    }
    expect((await stat(join(dir, 'a'))).size).toBe(B + 7)
  })

  it('an image ending in ZERO blocks on a fresh file still resumes past it (regression: its file stayed short, and the check stopped there)', async () => {
    const ps = layParts([{ name: 'a', size: 2 * B }, { name: 'b', size: 2 * B }], B).parts
    for (const p of ps) await writeFile(join(dir, p.name), '')
    const set = await TargetSet.open(ps.map(part => ({ part, info: info(part.name).info })))
    const data = randomBytes(B)
    const tail = randomBytes(2 * B)
    await set.write(0, [data])
    await set.zero(B, B)
    await set.write(2 * B, [tail])
    await set.close()
    const hash = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest()
    const blocks: JournalBlock[] = [
      { offset: 0, length: B, hash: hash(data) },
      { offset: B, length: B, hash: new Uint8Array(32), content: 1 },
      { offset: 2 * B, length: B, hash: hash(tail.subarray(0, B)) },
      { offset: 3 * B, length: B, hash: hash(tail.subarray(B)) }
    ]
    const target = ps.map(p => ({ path: join(dir, p.name), offset: p.offset, size: p.size }))
    expect(await verifyAgainstJournal(target, blocks, () => {})).toHaveLength(4)
  })

  it('sliceChunks takes any stretch of chunks laid end to end, without copying', () => {
    const chunks = [Buffer.from('abc'), Buffer.from(''), Buffer.from('defg'), Buffer.from('h')]
    expect(Buffer.concat(sliceChunks(chunks, 2, 4)).toString()).toBe('cdef')
    expect(Buffer.concat(sliceChunks(chunks, 7, 1)).toString()).toBe('h')
    expect(sliceChunks(chunks, 2, 4)[0]!.buffer).toBe(chunks[0]!.buffer)
  })

  it('the resume check reads each target at its image\'s offsets; a missing one ends the verified prefix there', async () => {
    const stream = randomBytes(parts[1]!.offset + parts[1]!.size)
    stream.fill(0, B + 7, 2 * B)
    await writeFile(join(dir, 'a'), stream.subarray(0, B + 7))
    await writeFile(join(dir, 'b'), stream.subarray(2 * B))
    const blocks: JournalBlock[] = []
    for (let at = 0; at < stream.byteLength; at += B) {
      const bytes = stream.subarray(at, Math.min(at + B, stream.byteLength))
      blocks.push({ offset: at, length: bytes.byteLength, hash: createHash('sha256').update(bytes).digest() })
    }
    const target = parts.map(p => ({ path: join(dir, p.name), offset: p.offset, size: p.size }))
    expect(await verifyAgainstJournal(target, blocks, () => {})).toEqual(blocks)
    await rm(join(dir, 'b'))
    expect(await verifyAgainstJournal(target, blocks, () => {})).toEqual(blocks.slice(0, 2))
    // A target cut short: its last block no longer checks.
    await writeFile(join(dir, 'b'), stream.subarray(2 * B, 4 * B))
    expect(await verifyAgainstJournal(target, blocks, () => {})).toEqual(blocks.slice(0, 4))
  })

  it('matches the Welcome\'s images to its targets by name, or calls it a protocol error', () => {
    const matched = matchParts([info('b'), info('a')], parts, 3 * B + 1)
    expect(matched.map(m => [m.part.name, m.planned.name])).toEqual([['a', 'a'], ['b', 'b']])
    for (const [planned, ps] of [[[info('a'), info('c')], parts], [[info('a')], parts], [[info('a'), info('b')], []]] as const) {
      try {
        matchParts(planned, ps, 3 * B + 1)
        expect.unreachable()
      } catch (err) {
        expect(isRingcastError(err, 'PROTOCOL')).toBe(true)
      }
    }
  })
})

describe('admission of named targets', () => {
  const parts = layParts([{ name: 'boot', size: 1000 }, { name: 'root', size: 5000 }], B).parts
  const session = new Session(params(B + 5000), 'source', 'encrypted')
  const join = (targets: Array<{ name: string, size: number }>, extra: Partial<Join> = {}): Join => ({
    protocolVersion: PROTOCOL_VERSION, name: 'n', token: 'tokentoken', targetPath: '', targetSize: 0, targetGrowable: false,
    listenPort: 1, listenAddrs: [], prefixLength: 0, linkBitsPerSecond: 0, dataPort: 1,
    targets: targets.map(t => ({ name: t.name, path: `/dev/${t.name}`, size: t.size, growable: false })), ...extra
  }) as unknown as Join
  const check = (j: Join, ps = parts): string | undefined => checkJoin(j, 'peer', session, { nodes: 4, token: 'tokentoken', parts: ps })?.reason

  it('admits one large-enough target per image, and refuses any other set in one sentence', () => {
    expect(check(join([{ name: 'root', size: 5000 }, { name: 'boot', size: 1000 }]))).toBeUndefined()
    expect(check(join([{ name: 'boot', size: 1000 }, { name: 'root', size: 4999 }]))).toBe('target /dev/root for image root holds 4999 bytes but the image is 5000')
    expect(check(join([{ name: 'boot', size: 1000 }]))).toMatch(/no target for image root/)
    expect(check(join([{ name: 'boot', size: 1000 }, { name: 'root', size: 5000 }, { name: 'home', size: 1 }]))).toMatch(/no image named home/)
    expect(check(join([{ name: 'boot', size: 1000 }, { name: 'boot', size: 1000 }]))).toMatch(/two targets for image boot/)
    expect(check(join([], { targetPath: '/dev/sdb', targetSize: 1e9 }))).toMatch(/name a target for each: --target NAME=PATH/)
    // A session of one image: named targets are a mistake the node is told of.
    expect(check(join([{ name: 'boot', size: 1e9 }, { name: 'root', size: 1e9 }]), [])).toMatch(/sends one image, but the node named targets for boot, root/)
  })

  it('admits one live node per name: a second of that name is refused, and admitted once the first has failed', () => {
    const s = new Session(params(B + 5000), 'source', 'encrypted')
    const first = { peerId: 'peer-one', name: 'n', state: 'waiting' } as unknown as Member
    s.members.set(first.peerId, first)
    const ok = join([{ name: 'boot', size: 1000 }, { name: 'root', size: 5000 }])
    expect(checkJoin(ok, 'peer-two', s, { nodes: 4, token: 'tokentoken', parts })?.reason).toMatch(/^a node named n has already joined .*; give each node its own --name$/)
    expect(checkJoin({ ...ok, name: 'm' } as Join, 'peer-two', s, { nodes: 4, token: 'tokentoken', parts })).toBeUndefined()
    first.state = 'failed'
    expect(checkJoin(ok, 'peer-two', s, { nodes: 4, token: 'tokentoken', parts })).toBeUndefined()
  })
})
