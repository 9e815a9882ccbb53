// A real session: coordinator and 4 node agents as separate OS processes on
// 127.0.0.1. What the user cares about: every target is byte-identical to
// the image, every process exits 0, the report says so, memory stayed bounded.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeImage, makeTarget, makeWorkdir, sha256File, startSession, type Workdir } from '../support/session.js'

const MiB = 1_048_576
const WINDOW = 8 * MiB

describe('clone 64 MiB to 4 nodes through a chain', () => {
  let w: Workdir
  beforeAll(async () => { w = await makeWorkdir() })
  afterAll(async () => { await w.remove() })

  it('writes byte-identical copies, reports every node verified and stays within its memory bounds', async () => {
    const image = await makeImage(w, 64 * MiB)
    const session = await startSession(w, image.path, ['--nodes', '4', '--window', '8MiB', '--block-size', '512KiB'])
    try {
      // Two pre-sized targets (like real disks, larger than the image) and two created on demand.
      const targets = [
        await makeTarget(w, 'disk-a.img', 80 * MiB),
        await makeTarget(w, 'disk-b.img', 64 * MiB),
        w.path('created-c.img'),
        w.path('created-d.img')
      ]
      targets.forEach((target, i) => session.startNode({ name: `n${i}`, target, args: i >= 2 ? ['--create'] : [] }))
      const { exit, report, nodeExits } = await session.finish()

      expect(exit).toBe(0)
      expect(nodeExits).toEqual([0, 0, 0, 0])
      expect(report.ok).toBe(true)
      expect(report.sha256).toBe(image.sha256)
      expect(report.nodes.map(n => n.status)).toEqual(['OK', 'OK', 'OK', 'OK'])
      expect(report.nodes.map(n => n.position).sort()).toEqual([0, 1, 2, 3])
      for (const target of targets) expect(await sha256File(target)).toBe(image.sha256)
      for (const node of report.nodes) {
        expect(node.sha256).toBe(image.sha256)
        expect(node.bytes).toBe(64 * MiB)
        // Invariant 3: memory bounded by configuration, not image size.
        expect(node.peakInflightBytes).toBeGreaterThan(0)
        expect(node.peakInflightBytes).toBeLessThanOrEqual(WINDOW)
        // 200 MB held on Node 20 and 22; Node 24 peaked at 207 MB in one CI
        // run of 18776e8 (its young generation grows with the machine's
        // memory: docs/runtime-facts.md), so the bound has that margin.
        // Issue 11 brings a node under 128 MB; this is only a ceiling.
        expect(node.peakRssBytes).toBeLessThan(224 * 1_000_000)
      }
      // Each node's stdout states its own verified copy.
      for (const n of session.nodes) expect(n.stdout()).toContain(`verified ${64 * MiB} bytes, sha256 ${image.sha256}`)
    } finally {
      session.kill()
    }
  })
})
