// serve --topology: trees, parallel chains and auto, with real processes on
// 127.0.0.1; and a tree that loses an inner node mid-image.

import { writeFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { makeImage, makeWorkdir, sha256File, startSession, whenWritten, type Workdir } from '../support/session.js'

const MiB = 1_048_576
const IMAGE_BYTES = 96 * MiB

let w: Workdir
let image: { path: string, sha256: string }
beforeAll(async () => {
  w = await makeWorkdir()
  image = await makeImage(w, IMAGE_BYTES)
})
afterAll(async () => { await w.remove() })

interface Placed {
  name: string
  target: string
  position: number
  depth: number
  downstreams: number
  proc: ReturnType<Awaited<ReturnType<typeof startSession>>['startNode']>
}

/** Start `count` nodes and read where the plan put each (its first log line about it). */
async function startNodes (session: Awaited<ReturnType<typeof startSession>>, tag: string, count: number): Promise<Placed[]> {
  const nodes = Array.from({ length: count }, (_, i) => {
    const target = w.path(`${tag}-n${i}.img`)
    return { name: `n${i}`, target, proc: session.startNode({ name: `n${i}`, target, args: ['--create'] }) }
  })
  return await Promise.all(nodes.map(async n => {
    const m = await n.proc.waitForLine(/position (\d+) of \d+, depth (\d+); upstream \S+, downstream (.*)$/)
    const downstreams = m[3] === 'none (tail)' ? 0 : m[3]!.split(', ').length
    return { ...n, position: Number(m[1]), depth: Number(m[2]), downstreams }
  }))
}

describe('serve --topology', () => {
  it('tree:2 over 6 nodes: the source feeds two, inner nodes feed two, every copy verifies', async () => {
    const session = await startSession(w, image.path, ['--nodes', '6', '--topology', 'tree:2', '--block-size', '256KiB'])
    onTestFinished(() => session.kill())
    const nodes = await startNodes(session, 'tree', 6)
    const { exit, report, nodeExits } = await session.finish()
    expect(session.coordinator.stderr()).toMatch(/6 node\(s\), tree:2 \(as asked; depth 2, 2 fed by the source\)/)
    expect(nodes.filter(n => n.depth === 1)).toHaveLength(2)
    expect(nodes.filter(n => n.depth === 2)).toHaveLength(4)
    expect(nodes.filter(n => n.downstreams === 2)).toHaveLength(2)
    expect(exit).toBe(0)
    expect(report.verified).toBe(6)
    expect(nodeExits).toEqual([0, 0, 0, 0, 0, 0])
    for (const n of nodes) expect(await sha256File(n.target)).toBe(image.sha256)
  })

  it('chains:2 over 4 nodes: two chains of two, both fed by the source', async () => {
    const session = await startSession(w, image.path, ['--nodes', '4', '--topology', 'chains:2', '--block-size', '256KiB'])
    onTestFinished(() => session.kill())
    const nodes = await startNodes(session, 'chains', 4)
    const { exit, report } = await session.finish()
    expect(session.coordinator.stderr()).toMatch(/chains:2 \(as asked; depth 2, 2 fed by the source\)/)
    expect(nodes.map(n => n.depth).sort()).toEqual([1, 1, 2, 2])
    expect(exit).toBe(0)
    expect(report.verified).toBe(4)
    for (const n of nodes) expect(await sha256File(n.target)).toBe(image.sha256)
  })

  it('auto with a source four times a node\'s link picks parallel chains', async () => {
    const session = await startSession(w, image.path, ['--nodes', '4', '--topology', 'auto', '--link-rate', '1Gbit', '--source-rate', '4Gbit'])
    onTestFinished(() => session.kill())
    const nodes = await startNodes(session, 'auto', 4)
    const { exit, report } = await session.finish()
    expect(session.coordinator.stderr()).toMatch(/chains:4 \(auto: estimated [\d.]+ s, limited by/)
    expect(nodes.every(n => n.depth === 1)).toBe(true)
    expect(exit).toBe(0)
    expect(report.verified).toBe(4)
  })

  it('serve --inventory: the nodes of one subnet stay together in the chain', async () => {
    const inventory = w.path('inventory.txt')
    await writeFile(inventory, '# name address\nn0 198.18.10.11\nn1 198.18.11.11\nn2 198.18.10.12\nn3 198.18.11.12\n')
    const session = await startSession(w, image.path, ['--nodes', '4', '--inventory', inventory, '--block-size', '256KiB'])
    onTestFinished(() => session.kill())
    const nodes = await startNodes(session, 'inventory', 4)
    const { exit, report } = await session.finish()
    expect(session.coordinator.stderr()).toMatch(/inventory: 4 of 4 node\(s\) listed/)
    const at = (name: string): number => nodes.find(n => n.name === name)!.position
    // Whatever the join order, each subnet's two nodes are neighbours: the chain crosses the router once.
    expect(Math.abs(at('n0') - at('n2'))).toBe(1)
    expect(Math.abs(at('n1') - at('n3'))).toBe(1)
    expect(exit).toBe(0)
    expect(report.verified).toBe(4)
  })

  it('a bad --topology or --inventory is one sentence and exit 2', async () => {
    const missing = await startSession(w, image.path, ['--inventory', w.path('no-such-inventory')]).catch(err => err as Error)
    expect(String(missing)).toMatch(/exited \(2\)/)
    expect(String(missing)).toMatch(/ringcast: cannot read inventory/)
    const session = await startSession(w, image.path, ['--topology', 'tree:0']).catch(err => err as Error)
    expect(String(session)).toMatch(/exited \(2\)/)
    expect(String(session)).toMatch(/ringcast: --topology: tree fan-out must be 1 to 64 \(got 0\)/)
  })

  it('a straggler (its disk capped at 8 MB/s) is moved out of the way: the others finish long before it, and all verify', async () => {
    const session = await startSession(w, image.path, ['--nodes', '4', '--block-size', '256KiB', '--straggler-after', '2s'])
    onTestFinished(() => session.kill())
    // The straggler joins first, so it is the head: fed by the source, whose stream must end on purpose.
    const nodes = [{ name: 'n1', target: w.path('straggle-n1.img'), proc: session.startNode({ name: 'n1', target: w.path('straggle-n1.img'), args: ['--create', '--max-write-rate', '8MB/s'] }) }]
    await nodes[0]!.proc.waitForLine(/joined: image/)
    for (const i of [0, 2, 3]) nodes.push({ name: `n${i}`, target: w.path(`straggle-n${i}.img`), proc: session.startNode({ name: `n${i}`, target: w.path(`straggle-n${i}.img`), args: ['--create'] }) })
    const { exit, report } = await session.finish()
    const log = session.coordinator.stderr()
    expect(log).toMatch(/n1 is a straggler: its disk kept \d+ of the \d+-byte window waiting for 2 s; moving it out of the way/)
    expect(log).toMatch(/position 1 of 4|starting: 4 node/)
    expect(nodes[0]!.proc.stderr()).toMatch(/position 1 of 4/)
    expect(log).toMatch(/serves straggler n1 in the background/)
    expect(exit).toBe(0)
    expect(report.verified).toBe(4)
    for (const n of nodes) expect(await sha256File(n.target)).toBe(image.sha256)
    // At 8 MB/s the straggler needs ~12.6 s for 96 MiB; paced by it, every node would.
    const seconds = (name: string): number => report.nodes.find(n => n.name === name)!.seconds
    expect(seconds('n1')).toBeGreaterThan(IMAGE_BYTES / 8e6 * 0.9)
    for (const other of ['n0', 'n2', 'n3']) expect(seconds(other)).toBeLessThan(seconds('n1') * 0.75)
  })

  it('tree:2: an inner node killed at ~30 %: one orphan takes its place, the other goes under a leaf; the rest verify', async () => {
    const session = await startSession(w, image.path, ['--nodes', '6', '--topology', 'tree:2', '--block-size', '256KiB', '--max-rate', '40MB/s',
      '--stall-timeout', '2s', '--allow-failures', '1'])
    onTestFinished(() => session.kill())
    const nodes = await startNodes(session, 'tree-kill', 6)
    const victim = nodes.find(n => n.depth === 1 && n.downstreams === 2)!
    await whenWritten(victim.target, 0.3 * IMAGE_BYTES)
    victim.proc.child.kill('SIGKILL')
    const { exit, report } = await session.finish()
    const log = session.coordinator.stderr()
    expect(exit).toBe(0)
    expect(report.nodes.find(n => n.name === victim.name)!.status).toBe('FAILED')
    expect(report.verified).toBe(5)
    for (const n of nodes.filter(x => x !== victim)) expect(await sha256File(n.target)).toBe(image.sha256)
    // Both orphans were re-parented: one to the source (the victim was fed by it), one under a leaf.
    const rewires = log.match(new RegExp(`re-wiring around ${victim.name}: .*`, 'g')) ?? []
    expect(rewires).toHaveLength(2)
    expect(rewires.some(l => /feeding \S+ from the source/.test(l))).toBe(true)
    expect(rewires.some(l => /: \S+ now feeds \S+/.test(l))).toBe(true)
  })
})
