// What a node's and the coordinator's exit statuses say when the session
// ends badly: "the coordinator is gone" (6) is not "this copy is corrupt"
// (1), and a signal gives 128 + its number, with one sentence each.

import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { EXIT } from '../../cli/exit-codes.js'
import { makeImage, makeWorkdir, startSession, whenWritten, type Workdir } from '../support/session.js'

const MiB = 1_048_576

describe('exit statuses when a session ends badly', () => {
  let w: Workdir
  let image: { path: string, sha256: string }
  beforeAll(async () => {
    w = await makeWorkdir()
    image = await makeImage(w, 64 * MiB)
  })
  afterAll(async () => { await w?.remove() })

  it('the coordinator killed mid-image, with --coordinator-timeout 0: every node exits COORDINATOR_GONE (6) at once and says so', async () => {
    // Paced, so the kill lands mid-image.
    const session = await startSession(w, image.path, ['--nodes', '2', '--block-size', '256KiB', '--max-rate', '8MB/s'])
    onTestFinished(() => session.kill())
    const targets = [w.path('gone-0.img'), w.path('gone-1.img')]
    const nodes = targets.map((target, i) => session.startNode({ name: `gone-${i}`, target, args: ['--create', '--coordinator-timeout', '0'] }))
    await whenWritten(targets[1]!, 8 * MiB)
    session.coordinator.child.kill('SIGKILL')
    const exits = await Promise.all(nodes.map(async n => await n.exited))
    expect(exits).toEqual([EXIT.COORDINATOR_GONE, EXIT.COORDINATOR_GONE])
    for (const n of nodes) expect(n.stderr()).toMatch(/the coordinator closed the session before this node's copy was verified|the control stream to the coordinator failed before this node's copy was verified/)
  })

  it('SIGTERM stops serve (143) and join (143), each with one sentence', async () => {
    const session = await startSession(w, image.path, ['--nodes', '2', '--block-size', '256KiB', '--max-rate', '8MB/s'])
    onTestFinished(() => session.kill())
    const target = w.path('term-0.img')
    const node = session.startNode({ name: 'term-0', target, args: ['--create'] })
    const other = session.startNode({ name: 'term-1', target: w.path('term-1.img'), args: ['--create'] })
    await whenWritten(target, 4 * MiB)
    node.child.kill('SIGTERM')
    expect(await node.exited).toBe(EXIT.SIGTERM)
    expect(node.stderr()).toMatch(/stopped by SIGTERM; this copy is not verified/)
    session.coordinator.child.kill('SIGTERM')
    expect(await session.coordinator.exited).toBe(EXIT.SIGTERM)
    expect(session.coordinator.stderr()).toMatch(/stopped by SIGTERM; the session is over/)
    expect(await other.exited).toBe(EXIT.COORDINATOR_GONE)
  })
})
