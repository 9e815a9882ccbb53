// Subnets from the node, not /24 (issue 10, item 5), in the namespace lab:
// two /25 subnets, the two halves of 198.18.10.0/24, joined by a router.
//
//   subnet 0: 198.18.10.0/25                         subnet 1: 198.18.10.128/25
//   h0 coordinator, h1 h2 h3  -- .1 [router] .129 --  h4 h5 h6
//
// Nodes join alternating between the subnets, the far one first (h4, h1, h5,
// h2, h6, h3), so neither join order nor a /24 guess gives a good chain: only
// keying every node, and the coordinator itself, by its real /25 does. Needs
// root and iproute2.

import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest'
import { spawnRingcast, startCoordinator, type RingcastProcess } from '../../cli/local-cluster.js'
import type { SessionReport } from '../../src/coordinator/report.js'
import { Lab, type LabHost } from '../lab/lab.js'
import { makeImage, makeWorkdir, sha256File, type Workdir } from '../support/session.js'
import { describeNeeding } from '../support/skip.js'

const describe = describeNeeding('lab')

const MiB = 1_048_576
const TOKEN = 'lab-subnets-token-1234'
const MODULE = new URL('../../dist/src/net/outbound-interface.js', import.meta.url).pathname

describe('two /25 subnets behind a router, nodes joining interleaved', () => {
  let w: Workdir
  let image: { path: string, sha256: string }
  let lab: Lab
  beforeAll(async () => {
    w = await makeWorkdir()
    image = await makeImage(w, 8 * MiB)
    lab = Lab.create({ subnets: [4, 3], prefixLength: 25, rateMbit: 100 })
  })
  afterAll(async () => {
    lab?.destroy()
    await w?.remove()
  })

  /** outboundInterface(remote), run by node inside a lab host. */
  function outboundFrom (host: LabHost, remote: string): unknown {
    const script = `import(${JSON.stringify(MODULE)}).then(m => m.outboundInterface(${JSON.stringify(remote)})).then(r => process.stdout.write(JSON.stringify(r ?? null)))`
    return JSON.parse(lab.run(host, process.execPath, ['-e', script]))
  }

  it('outboundInterface in a lab host: its /25, its veth\'s speed; nothing without a route', () => {
    const [server] = lab.subnet(0) as [LabHost]
    const far = lab.subnet(1)[0]!
    expect(far.network).toBe('198.18.10.128/25')
    // veth reports a nominal 10000 Mbit/s; the lab's tbf shaping (100 Mbit/s) is invisible in /sys.
    const speedMbit = Number(lab.run(far, 'cat', ['/sys/class/net/eth0/speed']).trim())
    expect(speedMbit).toBeGreaterThan(0)
    const expected = { address: far.ip, interface: 'eth0', prefixLength: 25, subnet: '198.18.10.128/25', internal: false, linkBitsPerSecond: speedMbit * 1_000_000 }
    // Across the router and inside the subnet: the same interface either way.
    expect(outboundFrom(far, server.ip)).toEqual(expected)
    expect(outboundFrom(far, `/ip4/${lab.subnet(1)[1]!.ip}/tcp/7000`)).toEqual(expected)
    expect(outboundFrom(server, far.ip)).toMatchObject({ address: server.ip, prefixLength: 25, subnet: '198.18.10.0/25' })
    // Lab hosts have no route out: connect() fails, so nothing is known (and nothing was sent).
    expect(outboundFrom(far, '192.0.2.1')).toBeNull()
    expect(outboundFrom(far, '127.0.0.1')).toEqual({ address: '127.0.0.1', interface: 'lo', prefixLength: 8, subnet: '127.0.0.0/8', internal: true })
  })

  it('the chain crosses the router once, and every node verifies', async () => {
    const [server, ...near] = lab.subnet(0) as [LabHost, ...LabHost[]]
    const far = lab.subnet(1)
    const coordinator = await startCoordinator([image.path, '--nodes', String(near.length + far.length), '--topology', 'chain',
      '--listen', '/ip4/0.0.0.0/tcp/7373', '--key', w.path('coordinator.key'), '--token', TOKEN, '--stall-timeout', '3s', '--json'],
    { wrapper: server.wrapper })
    const nodes: Array<{ host: LabHost, proc: RingcastProcess, target: string }> = []
    onTestFinished(() => { for (const p of [coordinator.proc, ...nodes.map(n => n.proc)]) p.child.kill('SIGKILL') })
    // far, near, far, near, ...: each join starts once the one before it is admitted.
    const joinOrder = far.flatMap((f, i) => [f, near[i]]).filter((h): h is LabHost => h !== undefined)
    for (const host of joinOrder) {
      const target = w.path(`${host.name}.img`)
      const proc = spawnRingcast(host.name, ['join', coordinator.joinAddr, '--token', TOKEN, '--target', target, '--create',
        '--name', host.name, '--listen', '/ip4/0.0.0.0/tcp/7000'], { wrapper: host.wrapper })
      nodes.push({ host, proc, target })
      await coordinator.proc.waitForLine(new RegExp(`admitted ${host.name} from`))
    }
    const exit = await coordinator.proc.exited
    await Promise.all(nodes.map(async n => await n.proc.exited))
    const report = JSON.parse(coordinator.proc.stdout()) as SessionReport

    expect(exit, coordinator.proc.stderr()).toBe(0)
    expect(report.verified).toBe(nodes.length)
    for (const n of nodes) expect(await sha256File(n.target), n.host.name).toBe(image.sha256)

    // The chain in position order, each node on the subnet of the address it connected from.
    const byIp = new Map(lab.hosts.map(h => [h.ip, h]))
    const chain = [...report.nodes].sort((a, b) => a.position - b.position).map(n => {
      const ip = /^\/ip4\/([\d.]+)\//.exec(n.address)?.[1]
      const host = ip === undefined ? undefined : byIp.get(ip)
      expect(host?.name, `${n.name} connected from ${n.address}`).toBe(n.name)
      return { name: n.name, subnet: host!.subnet }
    })
    const hops = [{ name: `coordinator ${server.name}`, subnet: server.subnet }, ...chain]
    const crossings = hops.slice(1).filter((h, i) => h.subnet !== hops[i]!.subnet)
    const picture = hops.map(h => `${h.name} (subnet ${h.subnet})`).join(' -> ')
    process.stderr.write(`join order: ${joinOrder.map(h => h.name).join(', ')}\nchain: ${picture}\nrouter crossings: ${crossings.length} (into ${crossings.map(h => h.name).join(', ')})\n`)
    expect(crossings.length, `the chain crosses the router ${crossings.length} times: ${picture}`).toBe(1)
  })
})
