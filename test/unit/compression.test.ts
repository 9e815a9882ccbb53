// Blocks compressed on the wire (issue 12, item 4): the codec's checks on
// an untrusted frame, and whole sessions in memory with serve --compress:
// relays forward the frames as they came (every node receives the same
// wire bytes, fewer than the image), and a node re-fed after its upstream
// died, or caught up from a replay buffer, still gets the image exactly.

import { randomBytes } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { compress } from '@bokuweb/zstd-wasm'
import { compressBlock, decompressBlock, frameProblem, initCompression } from '../../src/relay/compression.js'
import { sha256File, startMemorySession } from '../support/memory-session.js'

const MiB = 1_048_576
const text = (bytes: number): Buffer => Buffer.from('the quick brown fox jumps over the lazy ringcast node; '.repeat(Math.ceil(bytes / 55))).subarray(0, bytes)

beforeAll(async () => { await initCompression() })

describe('the block codec', () => {
  it('compresses where it pays, and gives back exactly the block', () => {
    const block = text(MiB)
    const frame = compressBlock(block, 3)!
    expect(frame.byteLength).toBeLessThan(block.byteLength / 10)
    expect(Buffer.from(decompressBlock([frame.subarray(0, 100), frame.subarray(100)], MiB)).equals(block)).toBe(true)
    expect(compressBlock(randomBytes(MiB), 3)).toBeUndefined()
  })

  it('refuses, before decompressing, a frame whose declared content is not the block\'s length (a 2 KiB frame can declare 64 MiB)', () => {
    const bomb = compress(new Uint8Array(64 * MiB), 3)
    expect(bomb.byteLength).toBeLessThan(4096)
    expect(frameProblem(bomb, MiB)).toBe(`a zstd frame of ${64 * MiB} bytes of content for a ${MiB}-byte block`)
    expect(() => decompressBlock([bomb], MiB)).toThrow(/64 MiB|67108864 bytes of content/)
    expect(frameProblem(randomBytes(100), MiB)).toBe('a compressed payload that is not a zstd frame')
    expect(frameProblem(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd]), MiB)).toBe('a compressed payload of 4 bytes')
    // A frame with its header intact and its body garbled.
    const frame = compressBlock(text(MiB), 3)!
    const garbled = Buffer.from(frame)
    garbled.fill(0xaa, 12)
    expect(() => decompressBlock([garbled], MiB)).toThrow(/does not decompress|bytes for a/)
  })
})

describe('sessions with serve --compress, in memory', () => {
  const BLOCK = 65_536
  const IMAGE = 200 * BLOCK + 321
  // Text, random and zero stretches.
  const image = (bytes: number): Buffer => {
    const out = Buffer.alloc(bytes)
    text(bytes).copy(out)
    randomBytes(40 * BLOCK).copy(out, 60 * BLOCK)
    out.fill(0, 120 * BLOCK, 140 * BLOCK)
    return out
  }

  it('a chain of three: each node receives the same compressed bytes, far fewer than the image, and writes the image', async () => {
    const s = await startMemorySession({ imageBytes: IMAGE, blockSizeBytes: BLOCK, windowBytes: 4 * BLOCK, nodes: ['a', 'b', 'c'].map(name => ({ name })), makeImage: image, coordinator: { compressionLevel: 3 } })
    const report = await s.clock.runUntil(s.report, { what: 'the report' })
    expect(report.ok).toBe(true)
    const wire = report.nodes.map(n => n.bytesReceived)
    // Relays forward the frames as they came: the same bytes at every hop.
    expect(new Set(wire).size).toBe(1)
    expect(wire[0]).toBeLessThan(report.contentBytes.data / 2)
    expect(wire[0]).toBeGreaterThan(40 * BLOCK)
    for (const a of s.agents) expect(await sha256File(a.targetPath), a.name).toBe(s.image.sha256)
  })

  it('the middle node killed: the tail is re-fed, from the head\'s replay buffer and target, and verifies', async () => {
    const s = await startMemorySession({ imageBytes: IMAGE, blockSizeBytes: BLOCK, windowBytes: 4 * BLOCK, nodes: ['a', 'b', 'c'].map(name => ({ name })), makeImage: image, coordinator: { compressionLevel: 3, maxRateBytesPerSecond: 262_144 } })
    await s.clock.runUntil(() => s.agent('b').written >= IMAGE / 3, { what: 'b to write a third' })
    s.network.kill('b')
    const report = await s.clock.runUntil(s.report, { what: 'the report' })
    expect(report.nodes.find(n => n.name === 'b')!.status).toBe('FAILED')
    for (const name of ['a', 'c']) {
      expect(report.nodes.find(n => n.name === name)!.status).toBe('OK')
      expect(await sha256File(s.agent(name).targetPath), name).toBe(s.image.sha256)
    }
  })
})
