// The data plane outlives the coordinator (issue 14, item 1): serve killed
// with -9 mid-clone and started again with its --state re-adopts the
// session, and every node, which went on meanwhile, finishes without
// receiving the image again; a coordinator that does not come back, or
// comes back with another session, ends the nodes with COORDINATOR_GONE
// (6), journals kept; a coordinator stopped for a while judges nobody for it.

import { createServer } from 'node:net'
import { existsSync } from 'node:fs'
import { utimes } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { EXIT } from '../../cli/exit-codes.js'
import { spawnRingcast, type RingcastProcess } from '../../cli/local-cluster.js'
import type { SessionReport } from '../../src/coordinator/report.js'
import { makeImage, makeWorkdir, sha256File, whenWritten, type Workdir } from '../support/session.js'

const MiB = 1_048_576
const IMAGE_BYTES = 64 * MiB
const TOKEN = 'restart-test-token'

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

interface Lab {
  serve: (extra?: string[]) => RingcastProcess
  /** Resolves with the join address the first serve printed (a restarted one listens at the same). */
  joinAddr: () => Promise<string>
  /** A node; only after joinAddr() resolved. */
  join: (i: number, extra?: string[]) => RingcastProcess
  target: (i: number) => string
}

/** A serve on a fixed port (a restarted one is found at the same address) and nodes with keys of their own. */
async function lab (w: Workdir, name: string, image: string, serveArgs: string[]): Promise<Lab> {
  const port = await freePort()
  const procs: RingcastProcess[] = []
  onTestFinished(() => { for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL') })
  let printed: Promise<string> | undefined
  let addr: string | undefined
  const target = (i: number): string => w.path(`${name}-${i}.img`)
  return {
    serve (extra = []) {
      const p = spawnRingcast(`${name}-serve`, ['serve', image, '--listen', `/ip4/127.0.0.1/tcp/${port}`, '--key', w.path(`${name}.key`), '--token', TOKEN, '--json', ...serveArgs, ...extra])
      procs.push(p)
      printed ??= p.waitForLine(/join with: ringcast join (\S+)/).then(m => m[1]!)
      return p
    },
    async joinAddr () {
      addr = await printed!
      return addr
    },
    join (i, extra = []) {
      if (addr === undefined) throw new Error('join() before joinAddr()')
      const p = spawnRingcast(`${name}-${i}`, ['join', addr, '--token', TOKEN, '--target', target(i), '--create', '--name', `${name}-${i}`,
        '--key', w.path(`${name}-${i}.key`), '--listen', '/ip4/127.0.0.1/tcp/0', '--json', ...extra])
      procs.push(p)
      return p
    },
    target
  }
}

describe('the coordinator killed, stopped or restarted', () => {
  let w: Workdir
  let image: { path: string, sha256: string }
  beforeAll(async () => {
    w = await makeWorkdir()
    image = await makeImage(w, IMAGE_BYTES)
  })
  afterAll(async () => { await w?.remove() })

  it('kill -9 at 30 % and serve started again with --state: every node verifies, none receives the image again', async () => {
    const l = await lab(w, 'k9', image.path, ['--nodes', '3', '--block-size', '256KiB', '--max-rate', '12MB/s', '--state', w.path('k9-state')])
    const first = l.serve()
    await l.joinAddr()
    const nodes = [0, 1, 2].map(i => l.join(i))
    await whenWritten(l.target(2), 0.3 * IMAGE_BYTES)
    first.child.kill('SIGKILL')
    await first.exited
    const second = l.serve()
    const [exit, ...nodeExits] = await Promise.all([second.exited, ...nodes.map(async n => await n.exited)])
    expect(second.stderr()).toMatch(/re-adopting session [0-9a-f]{8}… from .*k9-state: started \d+ s ago; 3 node\(s\) to dial back/)
    expect(nodeExits, nodes.map(n => n.stderr()).join('\n')).toEqual([0, 0, 0])
    expect(exit, second.stderr()).toBe(EXIT.OK)
    const report = JSON.parse(second.stdout()) as SessionReport
    expect(report.verified).toBe(3)
    expect(report.nodes.map(n => n.name).sort()).toEqual(['k9-0', 'k9-1', 'k9-2'])
    for (const [i, n] of nodes.entries()) {
      expect(await sha256File(l.target(i))).toBe(image.sha256)
      expect(n.stderr()).toMatch(/lost the coordinator .*the clone goes on/)
      expect(n.stderr()).toMatch(/the coordinator is back/)
      // Its own counter: what it received in all, the image once plus what came again.
      const result = JSON.parse(n.stdout()) as { bytesReceived: number }
      expect(result.bytesReceived).toBeLessThan(1.1 * IMAGE_BYTES)
    }
  })

  it('a coordinator that does not come back: the nodes exit COORDINATOR_GONE after --coordinator-timeout, journals kept', async () => {
    const l = await lab(w, 'gone', image.path, ['--nodes', '2', '--block-size', '256KiB', '--max-rate', '8MB/s'])
    const serve = l.serve()
    await l.joinAddr()
    const nodes = [0, 1].map(i => l.join(i, ['--coordinator-timeout', '3s']))
    await whenWritten(l.target(1), 8 * MiB)
    serve.child.kill('SIGKILL')
    const exits = await Promise.all(nodes.map(async n => await n.exited))
    expect(exits).toEqual([EXIT.COORDINATOR_GONE, EXIT.COORDINATOR_GONE])
    for (const [i, n] of nodes.entries()) {
      expect(n.stderr()).toMatch(/the coordinator did not come back within 3 s.*its journal is kept/)
      expect(existsSync(`${l.target(i)}.ringcast-journal`)).toBe(true)
    }
  })

  it('serve started again without --state: the nodes are refused their old session and exit COORDINATOR_GONE', async () => {
    const l = await lab(w, 'new', image.path, ['--nodes', '2', '--block-size', '256KiB', '--max-rate', '8MB/s'])
    const first = l.serve()
    await l.joinAddr()
    const nodes = [0, 1].map(i => l.join(i))
    await whenWritten(l.target(1), 8 * MiB)
    first.child.kill('SIGKILL')
    await first.exited
    const second = l.serve(['--wait-timeout', '5s'])
    const exits = await Promise.all(nodes.map(async n => await n.exited))
    expect(exits).toEqual([EXIT.COORDINATOR_GONE, EXIT.COORDINATOR_GONE])
    for (const n of nodes) expect(n.stderr()).toMatch(/the coordinator came back but does not take this node again: this coordinator runs another session/)
    expect(second.stderr()).toMatch(/dialled back into session [0-9a-f]{8}…, but this coordinator runs another session/)
    second.child.kill('SIGKILL')
  })

  it('serve stopped (SIGSTOP) for longer than the stall timeout: nobody is failed for it, every node verifies', async () => {
    const l = await lab(w, 'stop', image.path, ['--nodes', '2', '--block-size', '256KiB', '--max-rate', '12MB/s', '--stall-timeout', '2s'])
    const serve = l.serve()
    await l.joinAddr()
    const nodes = [0, 1].map(i => l.join(i))
    await whenWritten(l.target(1), 16 * MiB)
    serve.child.kill('SIGSTOP')
    await new Promise(resolve => setTimeout(resolve, 5_000))
    serve.child.kill('SIGCONT')
    const [exit, ...nodeExits] = await Promise.all([serve.exited, ...nodes.map(async n => await n.exited)])
    expect(exit, serve.stderr()).toBe(EXIT.OK)
    expect(nodeExits).toEqual([0, 0])
    expect(serve.stderr()).toMatch(/the coordinator did not run for \d+\.\d s \(stopped or starved\); no node is judged for that pause/)
    expect(serve.stderr()).not.toMatch(/ failed: /)
    for (const i of [0, 1]) expect(await sha256File(l.target(i))).toBe(image.sha256)
  })

  it('--state refuses a directory another serve holds, and a session whose image changed, in one sentence each', async () => {
    const l = await lab(w, 'busy', image.path, ['--nodes', '1', '--state', w.path('busy-state')])
    const holder = l.serve()
    await l.joinAddr()
    const other = spawnRingcast('busy-other', ['serve', image.path, '--listen', '/ip4/127.0.0.1/tcp/0', '--key', w.path('busy.key'), '--state', w.path('busy-state')])
    expect(await other.exited).toBe(EXIT.USAGE)
    expect(other.stderr()).toMatch(/--state .*busy-state is in use by another serve \(pid \d+\); give each serve its own state directory/)
    holder.child.kill('SIGKILL')
    await holder.exited
    // The image is touched: not the file the session began with.
    const later = new Date(Date.now() + 60_000)
    await utimes(image.path, later, later)
    const again = spawnRingcast('busy-again', ['serve', image.path, '--listen', '/ip4/127.0.0.1/tcp/0', '--key', w.path('busy.key'), '--state', w.path('busy-state')])
    expect(await again.exited).toBe(EXIT.USAGE)
    expect(again.stderr()).toMatch(/cannot re-adopt the session kept in .*busy-state: image .* changed since the session began .*; serve it as it was, or remove .*session\.json to start a new session/)
  })
})
