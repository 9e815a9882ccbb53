// ringcast in a multi-host lab (test/lab/lab.ts): hosts are network
// namespaces on switches that drop multicast, two subnets joined by a router,
// every link shaped to 100 Mbit/s. Needs root and ip, tc, nft, ping and sysctl
// (test/support/requirements.ts; `npm test` installs what is missing).

import { spawn } from 'node:child_process'
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest'
import { spawnRingcast, startCoordinator, type RingcastProcess } from '../../cli/local-cluster.js'
import type { SessionReport } from '../../src/coordinator/report.js'
import { Lab, labNamespaces, type LabHost } from '../lab/lab.js'
import { makeImage, makeWorkdir, sha256File, whenWritten, type Workdir } from '../support/session.js'
import { describeNeeding } from '../support/skip.js'

// Every suite here builds a lab: where it cannot be built (not root, a tool
// missing) each is skipped, hooks and all, and the summary says why.
const describe = describeNeeding('lab')

const MiB = 1_048_576

/** Datagrams sent to a multicast group from `from` and received on `to` (0 when the switch drops them). */
async function multicastReceived (from: LabHost, to: LabHost): Promise<number> {
  const group = '239.77.0.1'
  const receiver = spawn('ip', [...to.wrapper.slice(1), process.execPath, '-e', `
    const s = require('node:dgram').createSocket({ type: 'udp4', reuseAddr: true })
    let n = 0
    s.on('message', () => { n++ })
    s.bind(5000, () => { s.addMembership('${group}', '${to.ip}'); process.stdout.write('ready\\n') })
    setTimeout(() => { process.stdout.write(n + '\\n'); process.exit(0) }, 1500)
  `], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  receiver.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
  while (!out.includes('ready')) await new Promise(resolve => setTimeout(resolve, 20))
  const sender = spawn('ip', [...from.wrapper.slice(1), process.execPath, '-e', `
    const s = require('node:dgram').createSocket('udp4')
    s.bind(0, () => {
      s.setMulticastInterface('${from.ip}')
      let i = 0
      const t = setInterval(() => { s.send('x', 5000, '${group}'); if (++i === 10) { clearInterval(t); setTimeout(() => process.exit(0), 50) } }, 20)
    })
  `], { stdio: 'inherit' })
  await new Promise(resolve => sender.on('close', resolve))
  await new Promise(resolve => receiver.on('close', resolve))
  return Number(out.trim().split('\n').pop())
}

describe('the lab itself', () => {
  it('routes between subnets, shapes links, and its switches drop multicast only when told to', async () => {
    const open = Lab.create({ subnets: [2], rateMbit: 100 })
    onTestFinished(() => open.destroy())
    const [a, b] = open.hosts as [LabHost, LabHost]
    expect(await multicastReceived(a, b)).toBeGreaterThan(0)
    expect(open.run(a, 'tc', ['qdisc', 'show', 'dev', 'eth0'])).toMatch(/tbf .*rate 100Mbit/)

    const blocked = Lab.create({ subnets: [2, 2], rateMbit: 100, dropMulticast: true })
    onTestFinished(() => blocked.destroy())
    const [c, d] = blocked.subnet(0) as [LabHost, LabHost]
    expect(await multicastReceived(c, d)).toBe(0)
    // Unicast still crosses the router to the other subnet.
    const far = blocked.subnet(1)[1]!
    expect(blocked.run(c, 'ping', ['-c', '1', '-W', '2', far.ip])).toMatch(/1 received/)
    // No way out: the hosts know no route but 198.18.0.0/15.
    expect(blocked.run(c, 'ip', ['route'])).not.toMatch(/default/)

    const names = [...open.namespaces, ...blocked.namespaces]
    open.destroy()
    blocked.destroy()
    expect(labNamespaces().filter(ns => names.includes(ns))).toEqual([])
  })
})

describe('8 nodes across two subnets, multicast dropped, 100 Mbit/s links', () => {
  const IMAGE_BYTES = 128 * MiB
  let w: Workdir
  let image: { path: string, sha256: string }
  let lab: Lab
  beforeAll(async () => {
    w = await makeWorkdir()
    image = await makeImage(w, IMAGE_BYTES)
    // h0 is the coordinator, h1-h4 share its subnet, h5-h8 are behind the router.
    lab = Lab.create({ subnets: [5, 4], rateMbit: 100, dropMulticast: true })
  })
  afterAll(async () => {
    lab.destroy()
    await w.remove()
  })

  async function session (name: string, onRunning?: (nodes: Array<{ host: LabHost, proc: RingcastProcess, target: string }>) => Promise<void>): Promise<{ exit: number, report: SessionReport, nodes: Array<{ host: LabHost, proc: RingcastProcess, target: string }> }> {
    const [server, ...others] = lab.hosts as [LabHost, ...LabHost[]]
    const coordinator = await startCoordinator([image.path, '--nodes', '8', '--listen', '/ip4/0.0.0.0/tcp/7373', '--key', w.path(`${name}-coordinator.key`),
      '--token', 'lab-token-1234', '--stall-timeout', '3s', '--json'], { wrapper: server.wrapper })
    const nodes = others.map(host => {
      const target = w.path(`${name}-${host.name}.img`)
      const proc = spawnRingcast(host.name, ['join', coordinator.joinAddr, '--token', 'lab-token-1234', '--target', target, '--create', '--name', host.name,
        '--listen', '/ip4/0.0.0.0/tcp/7000'], { wrapper: host.wrapper })
      return { host, proc, target }
    })
    onTestFinished(() => { for (const p of [coordinator.proc, ...nodes.map(n => n.proc)]) p.child.kill('SIGKILL') })
    expect(coordinator.joinAddr).toMatch(new RegExp(`^/ip4/${server.ip.replaceAll('.', '\\.')}/tcp/7373/p2p/`))
    await onRunning?.(nodes)
    const exit = await coordinator.proc.exited
    await Promise.all(nodes.map(async n => await n.proc.exited))
    return { exit, report: JSON.parse(coordinator.proc.stdout()) as SessionReport, nodes }
  }

  it('every node verifies; the chain spans both subnets, fed from a coordinator on one', async () => {
    const { exit, report, nodes } = await session('clean')
    expect(exit).toBe(0)
    expect(report.verified).toBe(8)
    for (const n of nodes) expect(await sha256File(n.target), n.host.name).toBe(image.sha256)
    // Nodes on the far subnet were reached across the router.
    const subnets = new Set(report.nodes.map(n => /\/ip4\/198\.18\.(\d+)\./.exec(n.address)?.[1]))
    expect([...subnets].sort()).toEqual(['10', '11'])
  })

  it('one node killed mid-run: the other seven verify', async () => {
    let victim = ''
    const { exit, report, nodes } = await session('kill', async running => {
      const positions = await Promise.all(running.map(async n => Number((await n.proc.waitForLine(/position (\d+) of/))[1])))
      const v = running[positions.indexOf(4)]!
      victim = v.host.name
      await whenWritten(v.target, 0.3 * IMAGE_BYTES)
      v.proc.child.kill('SIGKILL')
    })
    expect(exit).toBe(1)
    expect(report.nodes.find(n => n.name === victim)!.status).toBe('FAILED')
    expect(report.verified).toBe(7)
    for (const n of nodes.filter(n => n.host.name !== victim)) expect(await sha256File(n.target), n.host.name).toBe(image.sha256)
  })
})
