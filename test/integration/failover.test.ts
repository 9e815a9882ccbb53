// Invariant 4: one dead or hung node never stops the others; the report
// names it, with how far it got. Real processes, killed (SIGKILL) or frozen
// (SIGSTOP) when their own target file shows ~30 % written; then restarted
// (resume from the journal) or joined late.

import { execFileSync } from 'node:child_process'
import { stat } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import type { RingcastProcess } from '../../cli/local-cluster.js'
import { makeImage, makeWorkdir, sha256File, startSession, whenWritten, type Workdir } from '../support/session.js'
import { needs } from '../support/skip.js'

const MiB = 1_048_576
const IMAGE_BYTES = 128 * MiB
const NODES = 4

interface Scenario {
  name: string
  /** Chain positions (0 = head) of the nodes to stop. */
  victims: number[]
  signal: 'SIGKILL' | 'SIGSTOP'
  /** --allow-failures for this session (default 0: any failure fails it). */
  allowFailures?: number
  /** A live node upstream of the victims takes over their downstream (the splice, not a source feed). */
  splice?: boolean
}

// One image for every session in this file.
let w: Workdir
let image: { path: string, sha256: string }
beforeAll(async () => {
  w = await makeWorkdir()
  image = await makeImage(w, IMAGE_BYTES)
})
afterAll(async () => { await w.remove() })

describe('failover: the others finish when nodes die or hang mid-image', () => {
  const scenarios: Scenario[] = [
    { name: 'a middle node killed (kill -9)', victims: [1], signal: 'SIGKILL', splice: true },
    { name: 'the head killed', victims: [0], signal: 'SIGKILL' },
    { name: 'the tail killed', victims: [3], signal: 'SIGKILL' },
    { name: 'two adjacent nodes killed at once', victims: [1, 2], signal: 'SIGKILL', splice: true },
    { name: 'a middle node hung (SIGSTOP)', victims: [2], signal: 'SIGSTOP', splice: true },
    { name: 'a middle node killed, with --allow-failures 1', victims: [1], signal: 'SIGKILL', allowFailures: 1 },
    { name: 'every node but one killed (head and both middles)', victims: [0, 1, 2], signal: 'SIGKILL' }
  ]

  for (const s of scenarios) {
    it(`${s.name}: every other node verifies; the report names the victim and its offset`, async () => {
      const session = await startSession(w, image.path, ['--nodes', String(NODES), '--stall-timeout', '2s', '--block-size', '256KiB',
        '--allow-failures', String(s.allowFailures ?? 0)])
      // Runs even when vitest times the test out (a finally block does not:
      // docs/runtime-facts.md, "vitest: a timed-out test skips its finally").
      onTestFinished(() => session.kill())
      const frozen: RingcastProcess[] = []
      try {
        const nodes = Array.from({ length: NODES }, (_, i) => {
          const target = w.path(`${s.signal}-${s.victims.join('')}-n${i}.img`)
          return { name: `n${i}`, target, proc: session.startNode({ name: `n${i}`, target, args: ['--create'] }) }
        })
        // Chain positions follow join order, which the processes race for: ask each.
        const positions = await Promise.all(nodes.map(async n => Number((await n.proc.waitForLine(/position (\d+) of/))[1]) - 1))
        const byPosition = (p: number): typeof nodes[number] => nodes[positions.indexOf(p)]!
        const victims = s.victims.map(byPosition)

        const stoppedAt = await whenWritten(victims[0]!.target, 0.3 * IMAGE_BYTES)
        for (const v of victims) v.proc.child.kill(s.signal)
        if (s.signal === 'SIGSTOP') frozen.push(...victims.map(v => v.proc))

        // A frozen process never exits by itself: once the coordinator is done, end it.
        await session.coordinator.exited
        for (const p of frozen) { p.child.kill('SIGCONT'); p.child.kill('SIGKILL') }
        const { exit, report, nodeExits } = await session.finish()
        // A failed node fails the session, unless --allow-failures accepts it.
        expect(exit).toBe(victims.length <= (s.allowFailures ?? 0) ? 0 : 1)
        for (const v of victims) {
          const row = report.nodes.find(n => n.name === v.name)!
          expect(row.status).toBe('FAILED')
          expect(row.reason).toMatch(s.signal === 'SIGSTOP' ? /no heartbeat/ : /lost contact|could not feed|failed/)
          expect(row.bytes).toBeLessThan(IMAGE_BYTES)
        }
        expect(stoppedAt).toBeGreaterThanOrEqual(0.3 * IMAGE_BYTES)
        const survivors = nodes.filter(n => !victims.includes(n))
        for (const n of survivors) {
          const row = report.nodes.find(r => r.name === n.name)!
          expect(row.status, `${n.name}: ${row.reason ?? ''}`).toBe('OK')
          expect(await sha256File(n.target)).toBe(image.sha256)
          expect(nodeExits[nodes.indexOf(n)]).toBe(0)
        }
        expect(report.verified).toBe(NODES - victims.length)
        expect(report.failed).toBe(victims.length)
        if (s.splice === true) expect(session.coordinator.stderr()).toMatch(/re-wiring around \S+: \S+ now feeds \S+/)
      } catch (err) {
        if (process.env.RINGCAST_TEST_LOGS !== undefined) {
          process.stderr.write(`--- coordinator\n${session.coordinator.stderr()}\n`)
          for (const n of session.nodes) process.stderr.write(`--- ${n.name}\n${n.stderr()}\n`)
        }
        throw err
      } finally {
        for (const p of frozen) { p.child.kill('SIGCONT'); p.child.kill('SIGKILL') }
        session.kill()
      }
    })
  }

  it('a hung middle node is failed in seconds, not after the 30 s stall timeout: its upstream got no credit and it went silent', async () => {
    // Default --stall-timeout (30 s); the source paced so the hang lands mid-image.
    const session = await startSession(w, image.path, ['--nodes', '3', '--block-size', '256KiB', '--max-rate', '24MB/s', '--allow-failures', '1'])
    onTestFinished(() => session.kill())
    let victim: { name: string, target: string, proc: RingcastProcess } | undefined
    try {
      const nodes = [0, 1, 2].map(i => {
        const target = w.path(`hung-n${i}.img`)
        return { name: `n${i}`, target, proc: session.startNode({ name: `n${i}`, target, args: ['--create'] }) }
      })
      const positions = await Promise.all(nodes.map(async n => Number((await n.proc.waitForLine(/position (\d+) of/))[1]) - 1))
      victim = nodes[positions.indexOf(1)]!
      await whenWritten(victim.target, 0.3 * IMAGE_BYTES)
      victim.proc.child.kill('SIGSTOP')
      // A frozen process never exits by itself: once the coordinator is done, end it.
      await session.coordinator.exited
      victim.proc.child.kill('SIGCONT')
      victim.proc.child.kill('SIGKILL')
      const { exit, report } = await session.finish()
      expect(exit).toBe(0)
      const row = report.nodes.find(n => n.name === victim!.name)!
      expect(row.status).toBe('FAILED')
      expect(row.reason).toMatch(/no heartbeat for [\d.]+ s and no credit to \S+ for 5 s \(hung\)/)
      for (const n of nodes.filter(x => x !== victim)) {
        expect(report.nodes.find(r => r.name === n.name)!.status).toBe('OK')
        expect(await sha256File(n.target)).toBe(image.sha256)
      }
      expect(session.coordinator.stderr()).toMatch(/re-wiring around \S+: \S+ now feeds \S+/)
      // 128 MiB at 24 MB/s is 5.6 s; the hang costs ~5-9 s more, far less than the stall timeout.
      expect(report.seconds).toBeLessThan(25)
    } finally {
      victim?.proc.child.kill('SIGCONT')
      session.kill()
    }
  })

  it('a node whose disk fills up mid-image is reported failed with the reason, and the chain goes on', needs('diskFull'), async () => {
    const small = w.path('small-disk')
    execFileSync('mkdir', ['-p', small])
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=40m', 'tmpfs', small])
    onTestFinished(() => { try { execFileSync('umount', ['-l', small]) } catch {} })
    const session = await startSession(w, image.path, ['--nodes', '3', '--stall-timeout', '5s', '--block-size', '256KiB'])
    onTestFinished(() => session.kill())
    try {
      const full = session.startNode({ name: 'full', target: `${small}/target.img`, args: ['--create'] })
      const others = [0, 1].map(i => ({ name: `ok${i}`, target: w.path(`diskfull-ok${i}.img`) }))
      for (const o of others) session.startNode({ ...o, args: ['--create'] })
      const { exit, report } = await session.finish()
      expect(exit).toBe(1)
      const row = report.nodes.find(n => n.name === 'full')!
      expect(row.status).toBe('FAILED')
      expect(row.reason).toMatch(/no space left on the device/)
      expect(row.bytes).toBeLessThanOrEqual(40 * MiB)
      expect(await full.exited).not.toBe(0)
      for (const o of others) {
        expect(report.nodes.find(n => n.name === o.name)!.status).toBe('OK')
        expect(await sha256File(o.target)).toBe(image.sha256)
      }
    } finally {
      session.kill()
    }
  })

  it('a failure during a re-wire: the node being re-fed dies too; the rest still verify', async () => {
    const session = await startSession(w, image.path, ['--nodes', String(NODES), '--stall-timeout', '2s', '--block-size', '256KiB'])
    onTestFinished(() => session.kill())
    try {
      const nodes = Array.from({ length: NODES }, (_, i) => {
        const target = w.path(`rewire-n${i}.img`)
        return { name: `n${i}`, target, proc: session.startNode({ name: `n${i}`, target, args: ['--create'] }) }
      })
      const positions = await Promise.all(nodes.map(async n => Number((await n.proc.waitForLine(/position (\d+) of/))[1]) - 1))
      const first = nodes[positions.indexOf(1)]!
      const second = nodes[positions.indexOf(2)]!
      await whenWritten(first.target, 0.3 * IMAGE_BYTES)
      first.proc.child.kill('SIGKILL')
      // The coordinator splices `second` behind the head; kill it in the middle of that.
      await session.coordinator.waitForLine(new RegExp(`re-wiring around ${first.name}: \\S+ now feeds ${second.name}`))
      second.proc.child.kill('SIGKILL')

      const { exit, report } = await session.finish()
      expect(exit).toBe(1)
      for (const v of [first, second]) expect(report.nodes.find(n => n.name === v.name)!.status).toBe('FAILED')
      for (const n of nodes.filter(n => n !== first && n !== second)) {
        const row = report.nodes.find(r => r.name === n.name)!
        expect(row.status, `${n.name}: ${row.reason ?? ''}`).toBe('OK')
        expect(await sha256File(n.target)).toBe(image.sha256)
      }
      expect(session.coordinator.stderr()).toMatch(new RegExp(`re-wiring around ${second.name}`))
    } finally {
      session.kill()
    }
  })
})

describe('resume and late join: nodes that come back or boot late still get their copy', () => {
  // Paced (--max-rate) so the session outlasts a restart: ~5 s for 128 MiB.
  const PACED = ['--max-rate', '25MB/s', '--stall-timeout', '2s', '--block-size', '256KiB']

  it('a node killed at ~30 % and restarted with the same identity resumes: it receives only what it lacked', async () => {
    const session = await startSession(w, image.path, ['--nodes', String(NODES), ...PACED])
    onTestFinished(() => session.kill())
    const nodes = Array.from({ length: NODES }, (_, i) => {
      const target = w.path(`resume-n${i}.img`)
      const args = ['--create', '--key', w.path(`resume-n${i}.key`)]
      return { name: `n${i}`, target, args, proc: session.startNode({ name: `n${i}`, target, args }) }
    })
    const positions = await Promise.all(nodes.map(async n => Number((await n.proc.waitForLine(/position (\d+) of/))[1]) - 1))
    const victim = nodes[positions.indexOf(1)]!
    await whenWritten(victim.target, 0.3 * IMAGE_BYTES)
    victim.proc.child.kill('SIGKILL')
    await victim.proc.exited
    // What it had when it died: its target's size (it writes in order, and a
    // killed process's writes are in the page cache).
    const had = (await stat(victim.target)).size
    await session.coordinator.waitForLine(new RegExp(`${victim.name} failed`))
    const again = session.startNode({ name: victim.name, target: victim.target, args: victim.args })
    await again.waitForLine(/resuming at \d+/)

    const { exit, report } = await session.finish()
    expect(exit, session.coordinator.stderr()).toBe(0)
    for (const n of nodes) expect(await sha256File(n.target), n.name).toBe(image.sha256)
    const row = report.nodes.find(n => n.name === victim.name)!
    expect(row.status).toBe('OK')
    expect(row.outcome).toBe('verified after resume')
    expect(row.restarts).toBe(1)
    // The bar: what it receives again of what it already had is < 10 % of that.
    const receivedAgain = Math.max(0, had - row.resumedFrom)
    expect(receivedAgain).toBeLessThan(0.1 * had)
    // And from its own counters: after the restart it received what it lacked, not the image.
    expect(row.bytesReceived).toBeLessThanOrEqual(IMAGE_BYTES - row.resumedFrom + 8 * MiB)
    expect(row.bytesReceived).toBeGreaterThanOrEqual(IMAGE_BYTES - row.resumedFrom)
    expect(await again.exited).toBe(0)
    expect(again.stdout()).toMatch(/resumed at \d+, received \d+ after the restart/)
    // A verified copy leaves no journal behind.
    await expect(stat(`${victim.target}.ringcast-journal`)).rejects.toThrow()
    expect(report.nodes.filter(n => n.status === 'OK')).toHaveLength(NODES)
  })

  it('a node that joins after the start is spliced in at the tail and verifies late', async () => {
    // Long enough for three node processes to start and join on a loaded machine (CI once saw none join within 2 s).
    const session = await startSession(w, image.path, ['--nodes', String(NODES), '--wait-timeout', '8s', '--min-nodes', '3', ...PACED])
    onTestFinished(() => session.kill())
    const early = [0, 1, 2].map(i => ({ name: `e${i}`, target: w.path(`late-e${i}.img`) }))
    for (const e of early) session.startNode({ ...e, args: ['--create'] })
    await session.coordinator.waitForLine(/wait timeout: starting with 3 of 4/)
    await whenWritten(early[0]!.target, 0.3 * IMAGE_BYTES)
    const late = { name: 'late', target: w.path('late.img') }
    const proc = session.startNode({ ...late, args: ['--create'] })
    await session.coordinator.waitForLine(/late joins behind \S+/)

    const { exit, report } = await session.finish()
    expect(exit, session.coordinator.stderr()).toBe(0)
    const row = report.nodes.find(n => n.name === 'late')!
    expect(row.outcome).toBe('verified late')
    expect(await sha256File(late.target)).toBe(image.sha256)
    for (const e of early) {
      expect(report.nodes.find(n => n.name === e.name)!.outcome).toBe('verified')
      expect(await sha256File(e.target)).toBe(image.sha256)
    }
    expect(await proc.exited).toBe(0)
  })

  it('the same identity joining again mid-run replaces the old run, which is told it is gone; with --no-journal it starts over', async () => {
    // Paced, so the first run is still copying when the second starts (a
    // Node process takes a second or two to join): unpaced, it could be
    // verified and gone by then.
    const session = await startSession(w, image.path, ['--nodes', '1', ...PACED])
    onTestFinished(() => session.kill())
    const key = w.path('done.key')
    const first = session.startNode({ name: 'done', target: w.path('done.img'), args: ['--create', '--key', key, '--no-journal'] })
    await first.waitForLine(/position 1 of 1/)
    // Same identity again while the first run is still going: that run is declared gone.
    await whenWritten(w.path('done.img'), 0.1 * IMAGE_BYTES)
    // On a target of its own: the first run still holds done.img (FILE.ringcast-lock), as it would hold a device (O_EXCL).
    const second = session.startNode({ name: 'done', target: w.path('done-again.img'), args: ['--create', '--key', key, '--no-journal'] })
    const { exit, report } = await session.finish()
    expect(exit).toBe(0)
    expect(await second.exited).toBe(0)
    expect(await first.exited).not.toBe(0)
    expect(first.stderr()).toMatch(/restarted and joined again/)
    expect(report.nodes[0]!.outcome).toBe('verified after resume')
    // --no-journal: the second run started over.
    expect(report.nodes[0]!.resumedFrom).toBe(0)
    expect(await sha256File(w.path('done-again.img'))).toBe(image.sha256)
  })
})
