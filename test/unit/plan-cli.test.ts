// The inventory parser and `ringcast plan`'s output (in-process; the CLI's
// exit codes for bad input are checked in test/integration/bad-input.test.ts).

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseInventory, parseLinkRate, subnetOf } from '../../cli/inventory.js'
import { formatPlanJson, formatPlanText, planFromOptions, type PlanOptions } from '../../cli/plan.js'
import { RingcastError } from '../../src/errors.js'

const base: PlanOptions = {
  topology: 'chain',
  imageBytes: 20e9,
  blockBytes: 1_048_576,
  sourceRate: 125e6,
  linkRate: 125e6,
  diskRate: Infinity,
  routerRate: Infinity,
  hopLatencySeconds: 0.001,
  json: false
}

describe('inventory', () => {
  it('reads lines: names, addresses, subnets from the address or given, rates', () => {
    const nodes = parseInventory(`
      # rack 1
      a  198.18.10.11            disk=200MB/s
      b  198.18.10.12/16         link=10Gbit
      c  -                       subnet=rack3   # no address
      d  2001:db8:0:1::5
    `)
    expect(nodes).toEqual([
      { name: 'a', address: '198.18.10.11', subnet: '198.18.10.0/24', disk: 200e6 },
      { name: 'b', address: '198.18.10.12/16', subnet: '198.18.0.0/16', link: 1.25e9 * 0.94 },
      { name: 'c', subnet: 'rack3' },
      { name: 'd', address: '2001:db8:0:1::5', subnet: '2001:db8:0:1:0:0:0:0/64' }
    ])
  })

  it('reads a JSON array, with --prefix applied to bare addresses', () => {
    const nodes = parseInventory('[{"name":"x","address":"198.18.33.200","disk":5e7},{"name":"y","link":"1Gbit"}]', 20)
    expect(nodes).toEqual([{ name: 'x', address: '198.18.33.200', subnet: '198.18.32.0/20', disk: 5e7 }, { name: 'y', link: 125e6 * 0.94 }])
  })

  it.each([
    ['a 1.2.3.4\na 1.2.3.5', /node a is listed twice/],
    ['a 1.2.3.4 speed=3', /line 1: unknown field "speed"/],
    ['a 1.2.3.4 disk=fast', /disk expects a rate/],
    ['a 1.2.3.4 link=0', /link must be a rate above 0/],
    ['a 300.1.1.1', /"300.1.1.1" is not an IPv4 address/],
    ['a 1.2.3.4/33', /prefix \/33 is not 0-32/],
    ['a nonsense', /"nonsense" is not an IP address/],
    ['a disk=5', /expected an address \(or -\) after the name/],
    ['source 1.2.3.4', /"source" is reserved/],
    ['bad/name 1.2.3.4', /a node name is/],
    ['# only a comment', /lists no nodes/],
    ['{"name":"a"}', /line 1: a node name is/],
    ['[{"address":"1.2.3.4"}]', /entry 1: a node name is/],
    ['[1, 2]', /entry 1: must be an object/],
    ['[{"name":"a",', /is not valid JSON/]
  ])('refuses %j with one clear sentence', (text, message) => {
    expect(() => parseInventory(text)).toThrow(RingcastError)
    expect(() => parseInventory(text)).toThrow(message)
  })

  it('understands link rates in bits and in bytes', () => {
    expect(parseLinkRate('1Gbit', 'x')).toBe(125e6)
    expect(parseLinkRate('100Mbit/s', 'x')).toBe(12.5e6)
    expect(parseLinkRate('10gbps', 'x')).toBe(1.25e9)
    expect(parseLinkRate('125MB/s', 'x')).toBe(125e6)
    expect(() => parseLinkRate('fast', '--link-rate')).toThrow(/--link-rate expects a rate/)
  })

  it('computes networks', () => {
    expect(subnetOf('10.1.2.3', undefined, 'x')).toBe('10.1.2.0/24')
    expect(subnetOf('10.1.2.3/8', undefined, 'x')).toBe('10.0.0.0/8')
    expect(subnetOf('10.1.2.3/32', undefined, 'x')).toBe('10.1.2.3/32')
    expect(subnetOf('fe80::1/10', undefined, 'x')).toBe('fe80:0:0:0:0:0:0:0/10')
  })
})

describe('ringcast plan output', () => {
  it('draws a chain on one wrapped line, subnet by subnet, the source subnet first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ringcast-plan-'))
    try {
      const inv = join(dir, 'inventory')
      await writeFile(inv, 'far1 198.18.11.10\nnear1 198.18.10.11\nfar2 198.18.11.11\nnear2 198.18.10.12\n')
      const out = await planFromOptions({ ...base, inventory: inv, source: '198.18.10.10' })
      const text = formatPlanText(out)
      expect(text).toContain('topology chain (as asked): 4 nodes, depth 4, 1 fed by the source')
      expect(text).toContain('2 subnet(s); 1 hop(s) cross from one subnet to another')
      expect(text).toContain('source [198.18.10.0/24]\n└─ near1 [198.18.10.0/24] → near2 [198.18.10.0/24] → far1 [198.18.11.0/24] → far2 [198.18.11.0/24]')
      const json = JSON.parse(formatPlanJson(out)) as { nodes: Array<{ name: string, upstream: string }>, subnetCrossings: number }
      expect(json.nodes.map(n => `${n.upstream}>${n.name}`)).toEqual(['source>near1', 'near1>near2', 'near2>far1', 'far1>far2'])
      expect(json.subnetCrossings).toBe(1)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('draws a tree with branches', async () => {
    const text = formatPlanText(await planFromOptions({ ...base, nodes: 6, topology: 'tree:2' }))
    expect(text.split('\n').slice(-6)).toEqual([
      '├─ node1',
      '│  ├─ node2',
      '│  └─ node3',
      '└─ node4',
      '   ├─ node5',
      '   └─ node6'
    ])
  })

  it('auto lists every candidate with its estimate and picks the fastest', async () => {
    const out = await planFromOptions({ ...base, nodes: 4000, topology: 'auto', sourceRate: 375e6 })
    expect(out.chosen.topology).toEqual({ kind: 'chains', count: 3 })
    const text = formatPlanText(out)
    expect(text).toMatch(/chosen by auto from \d+ candidates/)
    expect(text).toMatch(/^ {2}chains:3 +\d+\.\d s/m)
  })

  it('refuses a bad topology or no node list with one sentence', async () => {
    await expect(planFromOptions({ ...base, nodes: 3, topology: 'ring' })).rejects.toThrow(/unknown topology "ring"/)
    await expect(planFromOptions({ ...base })).rejects.toThrow(/give either --inventory FILE or --nodes N/)
    await expect(planFromOptions({ ...base, inventory: '/nonexistent/inv' })).rejects.toThrow(/cannot read inventory \/nonexistent\/inv/)
  })
})
