// One ringcast clone in the namespace lab, as the lab benchmarks run it:
// the lab's first host serves, the others join; the source's link bytes
// come from its veth's counters.

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { spawnRingcast, startCoordinator } from '../../cli/local-cluster.js'
import type { SessionReport } from '../../src/coordinator/report.js'
import type { Lab, LabHost } from '../lab/lab.js'
import { track } from './child-processes.js'

const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

/** Bytes the host's link has sent. */
export const txBytes = (host: LabHost): number => Number(sh('ip', ['netns', 'exec', host.ns, 'cat', '/sys/class/net/eth0/statistics/tx_bytes']).trim())

export interface LabRun {
  setup: string
  /** The image's size, and the payload the head received over the wire. */
  imageBytes: number
  sentBytes: number
  /** What the source's link sent (payload, framing, TLS, TCP/IP). */
  linkBytes: number
  /** The coordinator's transfer time (its report). */
  seconds: number
  verified: number
  nodes: number
  /** Every target passed `check`. */
  checked: string
}

export async function labClone (dir: string, lab: Lab, image: string, setup: string, serveArgs: string[], check: (target: string) => boolean): Promise<LabRun> {
  const [server, ...nodes] = lab.hosts as [LabHost, ...LabHost[]]
  const targets = nodes.map(h => join(dir, `target-${h.name}.img`))
  const token = randomBytes(12).toString('hex')
  const before = txBytes(server)
  const coordinator = await startCoordinator([image, '--nodes', String(nodes.length), '--listen', '/ip4/0.0.0.0/tcp/7373', '--key', join(dir, 'coordinator.key'),
    '--token', token, '--json', '-q', ...serveArgs], { wrapper: server.wrapper })
  track(coordinator.proc.child)
  const procs = nodes.map((h, i) => {
    const p = spawnRingcast(h.name, ['join', coordinator.joinAddr, '--token', token, '--target', targets[i]!, '--create', '--name', h.name, '-q', '--listen', '/ip4/0.0.0.0/tcp/7000'], { wrapper: h.wrapper })
    track(p.child)
    return p
  })
  const exit = await coordinator.proc.exited
  await Promise.all(procs.map(async p => await p.exited))
  const linkBytes = txBytes(server) - before
  const report = JSON.parse(coordinator.proc.stdout()) as SessionReport
  if (exit !== 0) throw new Error(`serve exited ${exit}: ${coordinator.proc.stderr().slice(-500)}`)
  const checks = targets.map(check)
  for (const t of targets) await rm(t, { force: true })
  return {
    setup,
    imageBytes: report.imageBytes,
    sentBytes: report.nodes[0]!.bytesReceived,
    linkBytes,
    seconds: report.seconds,
    verified: report.nodes.filter(n => n.status === 'OK').length,
    nodes: nodes.length,
    checked: checks.every(c => c) ? 'yes' : 'NO'
  }
}

