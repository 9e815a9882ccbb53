// Invariant 1: every byte a node writes was verified against what the
// source signed, so a relay that lies is caught at its first bad block and
// named, and no node below it writes a byte of the lie. The liar is a real
// `ringcast join` with a test-only module preloaded (test/support/lying-node.ts).

import { open, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { makeImage, makeTarget, makeWorkdir, sha256File, startSession, whenWritten, type Workdir } from '../support/session.js'

const MiB = 1_048_576
/** 64 KiB blocks: a hash batch covers 256 of them (16 MiB), so the lie below falls on a batch boundary. */
const BLOCK = 65_536
const LIE_AT = 16 * MiB
const LYING_NODE = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../support/lying-node.js' : '../../dist/test/support/lying-node.js', import.meta.url))

describe('a lying relay', () => {
  let w: Workdir
  const liarWrapper = (lie: string): string[] => ['env', `NODE_OPTIONS=--import=${LYING_NODE}`, `RINGCAST_TEST_LIE=${lie}`, `RINGCAST_TEST_LIE_AT=${LIE_AT}`]
  beforeAll(async () => { w = await makeWorkdir() })
  afterAll(async () => { await w.remove() })

  for (const [lie, what, caught] of [
    ['flip', 'flips a bit in a block it forwards', /block at 16777216 does not match the source/],
    ['rehash', 'flips a bit and puts the forged block\'s hash in the batch it forwards', /hash batch 1 is not signed by the source/],
    ['end', 'forges END (another image digest)', /END \(the image digest\) is not signed by the source/]
  ] as const) {
    it(`that ${what} is named and failed; the nodes below it write none of it and finish verified`, async () => {
      const image = await makeImage(w, 24 * MiB)
      // Paced, so the lie is caught mid-image with blocks still to come.
      const session = await startSession(w, image.path, ['--nodes', '4', '--block-size', '64KiB', '--max-rate', '12MB/s'])
      onTestFinished(() => session.kill())
      const names = ['a', 'liar', 'c', 'd']
      const targets = await Promise.all(names.map(async n => await makeTarget(w, `${lie}-${n}.img`, 24 * MiB)))
      // Join one after another, so the chain is a -> liar -> c -> d: c catches
      // the lie while it is already forwarding that block on to d (cut-through).
      for (const [i, name] of names.entries()) {
        session.startNode({
          name,
          target: targets[i]!,
          wrapper: name === 'liar' ? liarWrapper(lie) : undefined
        })
        await session.coordinator.waitForLine(new RegExp(`admitted ${name} `))
      }
      const { report, nodeExits } = await session.finish()
      const byName = new Map(report.nodes.map(n => [n.name, n]))
      const liar = byName.get('liar')!
      expect(liar.status, JSON.stringify(liar)).toBe('FAILED')
      expect(liar.code).toBe('INTEGRITY')
      expect(liar.reason).toMatch(/sent data that does not match the source.*caught by c/)
      expect(liar.reason).toMatch(caught)
      expect(session.nodes[1]!.stderr()).toMatch(/lying-node: forwarding a forged/)
      for (const name of ['a', 'c', 'd']) {
        expect(byName.get(name)!.status, JSON.stringify(byName.get(name))).toBe('OK')
      }
      // Every honest copy is the image, byte for byte: nothing forged reached a disk.
      for (const i of [0, 2, 3]) expect(await sha256File(targets[i]!)).toBe(image.sha256)
      for (const i of [0, 2, 3]) expect(nodeExits[i]).toBe(0)
      expect(session.nodes[2]!.stderr()).toMatch(/does not match the source.*none of it was written/)
      // d got part of the forged block from c, never all of it, and blamed no one.
      expect(session.nodes[3]!.stderr()).not.toMatch(/does not match the source/)
      // A forged block reaches c piece by piece, and c forwards all but its
      // last piece before it can tell: it cuts d's stream mid-block and opens a new one.
      if (lie === 'flip') expect(session.nodes[2]!.stderr()).toMatch(/did not arrive here whole and verified; opening a new stream to it/)
    })
  }

  it('a node that claims Done without having written its copy cannot prove it: the coordinator fails it', async () => {
    const image = await makeImage(w, 8 * MiB)
    const session = await startSession(w, image.path, ['--nodes', '2'])
    onTestFinished(() => session.kill())
    const honest = await makeTarget(w, 'proof-honest.img', 8 * MiB)
    const empty = await makeTarget(w, 'proof-empty.img', 8 * MiB)
    session.startNode({ name: 'honest', target: honest })
    await session.coordinator.waitForLine(/admitted honest /)
    session.startNode({ name: 'claims', target: empty, wrapper: liarWrapper('no-disk') })
    const { exit, report, nodeExits } = await session.finish()
    const claims = report.nodes.find(n => n.name === 'claims')!
    expect(claims.status, JSON.stringify(claims)).toBe('FAILED')
    expect(claims.code).toBe('INTEGRITY')
    expect(claims.reason).toMatch(/could not prove its copy: the block at \d+ read back from its target differs from the image/)
    expect(report.nodes.find(n => n.name === 'honest')!.status).toBe('OK')
    expect(exit).not.toBe(0)
    expect(nodeExits[0]).toBe(0)
    expect(nodeExits[1]).not.toBe(0)
  })

  it('join --verify-readback re-reads the whole target and refuses a copy that is not on it', async () => {
    const image = await makeImage(w, 8 * MiB)
    const session = await startSession(w, image.path, ['--nodes', '2'])
    onTestFinished(() => session.kill())
    const honest = await makeTarget(w, 'readback-honest.img', 8 * MiB)
    const empty = await makeTarget(w, 'readback-empty.img', 8 * MiB)
    session.startNode({ name: 'honest', target: honest, args: ['--verify-readback'] })
    await session.coordinator.waitForLine(/admitted honest /)
    session.startNode({ name: 'claims', target: empty, args: ['--verify-readback'], wrapper: liarWrapper('no-disk') })
    const { report, nodeExits } = await session.finish()
    const byName = new Map(report.nodes.map(n => [n.name, n]))
    expect(byName.get('honest')).toMatchObject({ status: 'OK', readBack: true })
    expect(session.nodes[0]!.stderr()).toMatch(/read back the whole target after the final fsync \(through the page cache\): every block matches the source/)
    expect(byName.get('claims')).toMatchObject({ status: 'FAILED', code: 'INTEGRITY' })
    expect(byName.get('claims')!.reason).toMatch(/read back after the final fsync, the block at 0 differs from what the source signed/)
    expect(nodeExits[1]).not.toBe(0)
    expect(session.nodes[1]!.stderr()).toMatch(/the block at 0 differs/)
  })

  it('an image that changes while it is served stops the session with IMAGE_UNREADABLE; no node writes the changed block', async () => {
    const image = await makeImage(w, 16 * MiB)
    const session = await startSession(w, image.path, ['--nodes', '1', '--block-size', '64KiB', '--max-rate', '4MB/s'])
    onTestFinished(() => session.kill())
    await session.coordinator.waitForLine(/image sha256 /)
    const target = await makeTarget(w, 'changed.img', 16 * MiB)
    session.startNode({ name: 'n1', target })
    await whenWritten(target, 1)
    // Someone writes to the image mid-session: the block at 12 MiB is no longer what was signed.
    const handle = await open(image.path, 'r+')
    await handle.write(Buffer.alloc(4096, 0xee), 0, 4096, 12 * MiB)
    await handle.close()
    const { exit, report, nodeExits } = await session.finish()
    expect(exit).not.toBe(0)
    expect(report.nodes[0]).toMatchObject({ status: 'FAILED', code: 'IMAGE_UNREADABLE' })
    expect(report.nodes[0]!.reason).toMatch(/the image changed while it was being served \(the block at 12582912/)
    expect(nodeExits[0]).not.toBe(0)
    // Nothing of the changed block reached the target.
    const written = await readFile(target)
    expect(written.subarray(12 * MiB, 12 * MiB + 4096).every(b => b === 0)).toBe(true)
  })
})
