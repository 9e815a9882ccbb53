// Sessions of an image with long all-zero stretches (issue 12): the zero
// blocks travel as SKIP frames, and every path that forwards blocks forwards
// the skips too: live down the chain, from a node's replay buffer or target
// to a node re-fed after its upstream died, and in the background to a
// straggler. Every copy must still be the image, byte for byte, on targets
// that held other data where the image is zeros.

import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import type { SessionReport } from '../../src/coordinator/report.js'
import { receiveBufferLimit } from '../../src/relay/block-receiver.js'
import { MEMORY_DATA_PROTOCOL } from '../support/memory-network.js'
import { sha256File, startMemorySession, type MemorySession } from '../support/memory-session.js'

const BLOCK = 65_536
const WINDOW = 4 * BLOCK
const NODES = ['node-a', 'node-b', 'node-c']

/** Runs of random and zero blocks of varying lengths, some longer than a hash batch (256 blocks of 64 KiB... capped at 32 MiB of image: here a batch is 256 blocks). */
function sparseImage (bytes: number): Buffer {
  const image = Buffer.alloc(bytes)
  let at = 0
  for (let run = 1; at < bytes; run++) {
    const data = (run % 3) * BLOCK + 1000
    randomBytes(Math.min(data, bytes - at)).copy(image, at)
    at += data + (run % 5) * BLOCK * 3
  }
  return image
}
const IMAGE = 300 * BLOCK + 777

async function session (coordinator = {}, slow?: string): Promise<MemorySession> {
  const s = await startMemorySession({
    imageBytes: IMAGE,
    blockSizeBytes: BLOCK,
    windowBytes: WINDOW,
    nodes: NODES.map(name => ({ name, maxWriteRateBytesPerSecond: name === slow ? 131_072 : undefined })),
    makeImage: sparseImage,
    coordinator
  })
  // Old data on every target where the image has zeros: the nodes must write the zeros.
  for (const a of s.agents) await writeFile(a.targetPath, randomBytes(IMAGE))
  return s
}

async function expectCopies (s: MemorySession, report: SessionReport, names: string[]): Promise<void> {
  expect(report.contentBytes.zero).toBeGreaterThan(IMAGE / 3)
  expect(report.contentBytes.data + report.contentBytes.zero).toBe(IMAGE)
  for (const name of names) {
    const r = report.nodes.find(n => n.name === name)!
    expect(r.status, `${name}: ${r.reason ?? ''}`).toBe('OK')
    expect(r.sha256).toBe(s.image.sha256)
    await s.clock.runUntil(s.agent(name).result, { what: `${name}'s result` })
    expect(await sha256File(s.agent(name).targetPath), name).toBe(s.image.sha256)
  }
  for (const c of s.network.opened.filter(c => c.protocol === MEMORY_DATA_PROTOCOL)) expect(c.peakUnreadBytes, c.label).toBeLessThanOrEqual(receiveBufferLimit(WINDOW, BLOCK))
}

describe('an image with zero stretches', () => {
  it('a clean run: zero blocks are skipped on every hop and written as zeros', async () => {
    const s = await session()
    const report = await s.clock.runUntil(s.report, { what: 'the report' })
    await expectCopies(s, report, NODES)
    for (const r of report.nodes) expect(r.bytesReceived).toBe(report.contentBytes.data)
  })

  it('the middle node killed mid-image: the tail is re-fed past skips, from where it stands', async () => {
    const s = await session({ maxRateBytesPerSecond: 1_048_576 })
    await s.clock.runUntil(() => s.agent('node-b').written >= IMAGE / 3, { what: 'node-b to write a third of the image' })
    s.network.kill('node-b')
    const report = await s.clock.runUntil(s.report, { what: 'the report' })
    expect(report.nodes.find(n => n.name === 'node-b')!.status).toBe('FAILED')
    expect(s.logged(/^re-wiring around node-b: node-a now feeds node-c$/)).toBeDefined()
    await expectCopies(s, report, ['node-a', 'node-c'])
  })

  it('a straggler is served in the background, skips included, and verifies', async () => {
    const s = await session({ maxRateBytesPerSecond: 1_048_576 }, 'node-b')
    const report = await s.clock.runUntil(s.report, { what: 'the report' })
    expect(s.logged(/^moving straggler node-b: node-c serves straggler node-b in the background$/), s.log.map(l => `${l.at} ${l.line}`).join('\n')).toBeDefined()
    await expectCopies(s, report, NODES)
  })
})
