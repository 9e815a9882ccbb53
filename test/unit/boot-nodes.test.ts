// The boot inventory and the scripts it decides (issue 13): the nodes file
// is checked field by field, states move only as nodes.ts says, and over a
// real HTTP server a MAC's iPXE script turns from clone to local exactly
// when that node's copy is verified, never for a failed one.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BootHttp, type AdmitPolicy } from '../../src/boot/boot-http.js'
import { chainScript, cloneScript } from '../../src/boot/ipxe.js'
import { NodeTokens } from '../../src/boot/node-tokens.js'
import { interfaceIPv4 } from '../../src/boot/proxy-dhcp.js'
import { formatNodes, nextState, normalMac, parseNodes, type BootNode } from '../../src/boot/nodes.js'
import { NodesStore } from '../../src/boot/nodes-store.js'

let dir: string
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ringcast-boot-')) })
afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

const MAC1 = '52:54:00:00:00:01'
const node = (over: Partial<BootNode> = {}): BootNode => ({ name: 'n1', mac: MAC1, state: 'clone', fields: {}, ...over })

describe('the nodes file', () => {
  it('reads a node with its fields, MACs in any usual spelling, a missing state as clone', () => {
    const doc = parseNodes(JSON.stringify({ nodes: [
      { name: 'n1', mac: '52-54-00-AA-BB-01', target: '/dev/vda', image: 'debian', subnet: 'rack1', fields: { role: 'compute', slots: 4 } },
      { name: 'n2', mac: '525400aabb02', state: 'local' }
    ] }), 'nodes.json')
    expect(doc.nodes[0]).toMatchObject({ name: 'n1', mac: '52:54:00:aa:bb:01', target: '/dev/vda', image: 'debian', state: 'clone', fields: { role: 'compute', slots: '4' } })
    expect(doc.nodes[1]).toMatchObject({ mac: '52:54:00:aa:bb:02', state: 'local' })
    expect(parseNodes(formatNodes(doc), 'again')).toEqual(doc)
  })

  it.each([
    [{ nodes: [{ name: 'n1', mac: 'zz:54:00:00:00:01' }] }, /node 1: mac "zz:54:00:00:00:01" is not a MAC address/],
    [{ nodes: [{ name: 'n1', mac: MAC1 }, { name: 'n1', mac: '52:54:00:00:00:02' }] }, /two nodes are named n1/],
    [{ nodes: [{ name: 'n1', mac: MAC1 }, { name: 'n2', mac: '52-54-00-00-00-01' }] }, /two nodes have MAC 52:54:00:00:00:01/],
    [{ nodes: [{ name: 'n1', mac: MAC1, role: 'x' }] }, /unknown field "role" \(the admin's own go in "fields"\)/],
    [{ nodes: [{ name: 'n1', mac: MAC1, state: 'done' }] }, /state "done" is not one of registered, clone, cloning, verified, local/],
    [{ nodes: [{ name: 'n1', mac: MAC1, target: 'vda' }] }, /target "vda" must be an absolute path/],
    [{ nodes: [{ name: '../x', mac: MAC1 }] }, /name "..\/x" must be letters/],
    [{ hosts: [] }, /must hold \{"nodes": \[...\]\}/]
  ])('refuses a bad file in one sentence naming what is wrong (%#)', (doc, why) => {
    expect(() => parseNodes(JSON.stringify(doc), 'nodes.json')).toThrow(why)
  })

  it('normalMac takes colons, hyphens or none, and nothing else', () => {
    expect(normalMac('52:54:00:AB:cd:EF')).toBe('52:54:00:ab:cd:ef')
    for (const bad of ['52:54:00:ab:cd', '52:54:00-ab:cd:ef:01', '5254.00ab.cdef', 'g2:54:00:ab:cd:ef']) expect(normalMac(bad)).toBeUndefined()
  })

  it('states move only along the documented edges; a late failure never undoes a verified copy', () => {
    const now = new Date(0)
    const walk = (start: BootNode, ...events: Parameters<typeof nextState>[1][]): string => events.reduce((n, e) => nextState(n, e, now), start).state
    expect(walk(node({ state: 'registered' }), { kind: 'joined' })).toBe('registered')
    expect(walk(node({ state: 'registered' }), { kind: 'admit' }, { kind: 'joined' })).toBe('cloning')
    expect(walk(node(), { kind: 'joined' }, { kind: 'failed', reason: 'disk died' })).toBe('clone')
    expect(walk(node(), { kind: 'joined' }, { kind: 'verified' }, { kind: 'failed', reason: 'late' })).toBe('verified')
    expect(walk(node(), { kind: 'verified' })).toBe('clone')
    expect(walk(node(), { kind: 'booted' })).toBe('clone')
    expect(walk(node(), { kind: 'joined' }, { kind: 'booted' })).toBe('clone')
    expect(walk(node(), { kind: 'joined' }, { kind: 'verified' }, { kind: 'booted' })).toBe('local')
    expect(walk(node({ state: 'local' }), { kind: 'set', state: 'clone' })).toBe('clone')
    expect(nextState(node(), { kind: 'joined' }, now).changedAt).toBe(now.toISOString())
    expect(nextState(nextState(node({ state: 'cloning' }), { kind: 'failed', reason: 'disk died' }, now), { kind: 'joined' }, now).lastError).toBe('disk died')
  })

  it('the store serialises concurrent changes and takes over a dead writer\'s lock', async () => {
    const store = new NodesStore(join(dir, 'nodes.json'))
    await writeFile(store.path, formatNodes({ nodes: [node(), node({ name: 'n2', mac: '52:54:00:00:00:02' })] }))
    await Promise.all([store.apply('n1', { kind: 'joined' }), store.apply('n2', { kind: 'joined' })])
    expect((await store.read()).nodes.map(n => n.state)).toEqual(['cloning', 'cloning'])
    // A lock left by a process that is gone (pid 2^22 + 1 is past pid_max's default).
    await writeFile(`${store.path}.lock`, String(4_194_305))
    expect((await store.apply('n1', { kind: 'verified' }))?.state).toBe('verified')
    expect(await store.apply('nobody', { kind: 'verified' })).toBeUndefined()
  })
})

describe('the interface proxy-DHCP answers on', () => {
  it('is found by name with its IPv4 network; a missing one is one sentence listing those there are', () => {
    expect(interfaceIPv4('lo')).toEqual({ address: '127.0.0.1', netmask: '255.0.0.0', network: '127.0.0.0' })
    expect(() => interfaceIPv4('nosuch0')).toThrow(/^there is no network interface nosuch0 here \(there are: .*lo/)
  })
})

describe('per-node tokens', () => {
  it('are valid once, for their node only; a new boot voids the old one', () => {
    const tokens = new NodeTokens()
    const t1 = tokens.issue('n1')
    expect(tokens.redeem('n2', t1)).toBe(false)
    expect(tokens.redeem('n1', t1)).toBe(true)
    expect(tokens.redeem('n1', t1)).toBe(false)
    const old = tokens.issue('n1')
    const fresh = tokens.issue('n1')
    expect(tokens.redeem('n1', old)).toBe(false)
    expect(tokens.redeem('n1', fresh)).toBe(true)
  })

  it('are bound to the session they were issued for: shown to another one they are refused and not spent', () => {
    const tokens = new NodeTokens()
    const t = tokens.issue('n1', 'debian12')
    expect(tokens.valid('n1', t, 'rocky9')).toBe(false)
    expect(tokens.redeem('n1', t, 'rocky9')).toBe(false)
    expect(tokens.redeem('n1', t)).toBe(false)
    expect(tokens.pending('n1')).toBe(true)
    // Checking spends nothing (a Join refused after the check keeps its token); redeeming does.
    expect(tokens.valid('n1', t, 'debian12')).toBe(true)
    expect(tokens.valid('n1', t, 'debian12')).toBe(true)
    expect(tokens.redeem('n1', t, 'debian12')).toBe(true)
    expect(tokens.valid('n1', t, 'debian12')).toBe(false)
  })
})

describe('iPXE scripts over the boot HTTP server', () => {
  const COORDINATOR = '/ip4/198.18.0.1/tcp/7373/p2p/12D3KooWLZQ5eDmYSwpQ4rSHK9g5fTAo9mAYRjgRRL5Z4nFv3qfR'

  async function server (admit: AdmitPolicy, nodes: BootNode[]): Promise<{ boot: BootHttp, store: NodesStore, tokens: NodeTokens, get: (path: string) => Promise<{ status: number, body: string }>, logs: string[] }> {
    const store = new NodesStore(join(dir, 'nodes.json'))
    await writeFile(store.path, formatNodes({ nodes }))
    await writeFile(join(dir, 'vmlinuz'), 'kernel bytes')
    const tokens = new NodeTokens()
    const logs: string[] = []
    const boot = await BootHttp.start({ host: '127.0.0.1', port: 0, store, admit, tokens, bootenvDir: dir, coordinatorFor: n => n.image === 'nowhere' ? { none: 'no session serves image nowhere' } : { session: '', coordinator: COORDINATOR }, cmdline: ['console=ttyS0,115200'], log: l => logs.push(l) })
    const get = async (path: string): Promise<{ status: number, body: string }> => {
      const res = await fetch(`${boot.url}${path}`)
      return { status: res.status, body: await res.text() }
    }
    return { boot, store, tokens, get, logs }
  }

  it('a MAC\'s script turns from clone to local exactly when its copy is verified, never after a failed one', async () => {
    const { boot, store, tokens, get } = await server('known', [node({ target: '/dev/vda', image: 'debian' })])
    try {
      const first = await get('/node/52-54-00-00-00-01.ipxe')
      expect(first.body).toMatch(/^#!ipxe\n/)
      expect(first.body).toContain(`kernel ${boot.url}/bootenv/vmlinuz initrd=initrd.img ringcast.coordinator=${COORDINATOR} ringcast.token=`)
      expect(first.body).toMatch(/ringcast\.target=\/dev\/vda ringcast\.name=n1 ringcast\.mac=([0-9a-f]{2}:){5}[0-9a-f]{2} console=ttyS0,115200/)
      const token = /ringcast\.token=([0-9a-f]+)/.exec(first.body)![1]!
      // It joined, and its copy failed: the next boot clones again, with a new token.
      expect(tokens.redeem('n1', token)).toBe(true)
      await store.apply('n1', { kind: 'joined' })
      await store.apply('n1', { kind: 'failed', reason: 'target write failed' })
      const again = await get('/node/52:54:00:00:00:01.ipxe')
      expect(again.body).toContain('ringcast.coordinator=')
      expect(/ringcast\.token=([0-9a-f]+)/.exec(again.body)![1]).not.toBe(token)
      expect((await store.read()).nodes[0]).toMatchObject({ state: 'clone', lastError: 'target write failed' })
      // Reset while cloning: cloned afresh.
      await store.apply('n1', { kind: 'joined' })
      expect((await get('/node/525400000001.ipxe')).body).toContain('ringcast.coordinator=')
      // Verified: local from now on, and `local` once it has booted so.
      await store.apply('n1', { kind: 'joined' })
      await store.apply('n1', { kind: 'verified' })
      for (let i = 0; i < 2; i++) {
        const local = await get('/node/52-54-00-00-00-01.ipxe')
        expect(local.body).toBe('#!ipxe\necho ringcast: n1 boots from its local disk\nexit\n')
      }
      expect((await store.read()).nodes[0]!.state).toBe('local')
    } finally {
      await boot.close()
    }
  })

  it('an unknown MAC is registered: booted locally with --admit known, cloned with --admit any', async () => {
    for (const admit of ['known', 'any'] as const) {
      const { boot, store, get } = await server(admit, [])
      try {
        const script = (await get('/node/52-54-00-00-00-09.ipxe')).body
        const [registered] = (await store.read()).nodes
        expect(registered).toMatchObject({ name: 'node-525400000009', mac: '52:54:00:00:00:09', state: admit === 'any' ? 'clone' : 'registered' })
        if (admit === 'known') expect(script).toMatch(/registered but not admitted; booting from the local disk\nexit/)
        // --admit any, but no target known: it is not wiped blindly.
        else expect(script).toMatch(/is to be cloned, but it has no target device/)
      } finally {
        await boot.close()
        await rm(join(dir, 'nodes.json'))
      }
    }
  })

  it('serves the chain script and the environment\'s files, and nothing else', async () => {
    const { boot, get } = await server('known', [node({ image: 'nowhere', target: '/dev/vda' })])
    try {
      expect((await get('/boot.ipxe')).body).toBe(chainScript(boot.url))
      expect((await get('/boot.ipxe')).body).toContain('/node/${netX/mac:hexhyp}.ipxe')
      expect(await get('/bootenv/vmlinuz')).toEqual({ status: 200, body: 'kernel bytes' })
      expect((await get('/bootenv/initrd.img')).status).toBe(404)
      expect((await get('/bootenv/..%2fnodes.json')).status).toBe(404)
      expect((await get('/nodes.json')).status).toBe(404)
      expect((await get('/node/52-54-00-00-00-01.ipxe')).body).toMatch(/no session serves image nowhere/)
      expect((await fetch(`${boot.url}/boot.ipxe`, { method: 'POST' })).status).toBe(405)
    } finally {
      await boot.close()
    }
    expect(await readFile(join(dir, 'nodes.json'), 'utf8')).toContain('"state": "clone"')
  })

  it('refuses to put a word with spaces or quotes on the kernel command line', () => {
    const base = { baseUrl: 'http://x', name: 'n1', mac: MAC1, coordinator: COORDINATOR, token: 'ab', image: 'debian', cmdline: [] }
    expect(() => cloneScript({ ...base, target: '/dev/vda quiet init=/bin/sh' })).toThrow(/node n1's target .* cannot go on a kernel command line/)
    expect(() => cloneScript({ ...base, target: '/dev/vda', cmdline: ['a"b'] })).toThrow(/kernel parameter/)
  })
})
