// One coordinator, several boot sessions (issue 13, item 1): serve
// --boot-nodes with a=IMAGE_A b=IMAGE_B runs one session per image, and each
// node of the nodes file is sent to its own group's. The nodes are emulated
// on loopback, as iPXE and the cloning environment would act: fetch
// /boot.ipxe, then the script its chain line names for the node's MAC, read
// the kernel line's ringcast.* parameters, and run `ringcast join` with them
// (onto a file of ours instead of the device). No VM, no root: no
// proxy-DHCP, the boot interface is lo.

import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest'
import { spawnRingcast, type RingcastProcess } from '../../cli/local-cluster.js'
import type { SessionReport } from '../../src/coordinator/report.js'
import { makeWorkdir, runCli, sha256File, type Workdir } from '../support/session.js'

const MiB = 1_048_576
const GROUPS = [
  { name: 'a1', mac: '52:54:00:00:0a:01', image: 'a' },
  { name: 'a2', mac: '52:54:00:00:0a:02', image: 'a' },
  { name: 'b1', mac: '52:54:00:00:0b:01', image: 'b' }
]

interface Boot { coordinator: string, token: string, target: string, name: string }

let w: Workdir
let imageA: string
let imageB: string
beforeEach(async () => {
  w = await makeWorkdir()
  imageA = w.path('a.img')
  imageB = w.path('b.img')
  await writeFile(imageA, randomBytes(6 * MiB))
  await writeFile(imageB, randomBytes(3 * MiB + 4321))
})
afterEach(async () => { await w.remove() })

async function writeNodes (nodes: typeof GROUPS): Promise<string> {
  const file = w.path('nodes.json')
  await writeFile(file, JSON.stringify({ nodes: nodes.map(n => ({ ...n, target: '/dev/vda' })) }))
  return file
}

/** serve --boot-nodes with one session per image; resolves once the boot HTTP server is up, with its URL. */
async function serve (nodesFile: string, extra: string[] = [], images = [`a=${imageA}`, `b=${imageB}`]): Promise<{ proc: RingcastProcess, url: string }> {
  const proc = spawnRingcast('serve', ['serve', '--boot-nodes', nodesFile, '--boot-interface', 'lo', '--no-proxy-dhcp', '--boot-port', '0',
    '--bootenv', w.dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--key', w.path('coordinator.key'), '--wait-timeout', '60s', '--json',
    ...extra, ...images])
  onTestFinished(() => { if (proc.child.exitCode === null) proc.child.kill('SIGKILL') })
  const [, url] = await proc.waitForLine(/boot: serving iPXE scripts and the cloning environment on (http:\/\/[0-9.:]+)/)
  return { proc, url: url! }
}

/** What iPXE does: the chain script, then the script it names for this MAC. */
async function pxeBoot (url: string, mac: string): Promise<string> {
  const chain = await (await fetch(`${url}/boot.ipxe`)).text()
  const next = /^chain (\S+) /m.exec(chain)![1]!.replace('${netX/mac:hexhyp}', mac.replace(/:/g, '-'))
  return await (await fetch(next)).text()
}

/** The cloning environment's parameters off a node script's kernel line, as its init reads /proc/cmdline. */
function bootParams (script: string): Boot {
  const kernel = /^kernel (.*)$/m.exec(script)
  if (kernel === null) throw new Error(`not a cloning script:\n${script}`)
  const params = new Map(kernel[1]!.split(' ').filter(p => p.startsWith('ringcast.')).map(p => [p.slice(9, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]))
  return { coordinator: params.get('coordinator')!, token: params.get('token')!, target: params.get('target')!, name: params.get('name')! }
}

/** ringcast join as the cloning environment runs it, onto our own file. */
function join (boot: Boot, target: string, coordinator = boot.coordinator, create = true): RingcastProcess {
  const proc = spawnRingcast(boot.name, ['join', coordinator, '--token', boot.token, '--target', target, ...(create ? ['--create'] : []), '--name', boot.name,
    '--no-journal', '--listen', '/ip4/127.0.0.1/tcp/0', '--connect-timeout', '20s'])
  onTestFinished(() => { if (proc.child.exitCode === null) proc.child.kill('SIGKILL') })
  return proc
}

async function states (nodesFile: string): Promise<Record<string, string>> {
  const { nodes } = JSON.parse((await runCli(['nodes', '-f', nodesFile, '--json'])).stdout) as { nodes: Array<{ name: string, state: string }> }
  return Object.fromEntries(nodes.map(n => [n.name, n.state]))
}

describe('serve --boot-nodes with one session per image', () => {
  it('clones each group with its own image side by side; a token works only once, only in its own session; every node ends local', async () => {
    const nodesFile = await writeNodes(GROUPS)
    const { proc, url } = await serve(nodesFile)
    const boots = new Map<string, Boot>()
    for (const n of GROUPS) boots.set(n.name, bootParams(await pxeBoot(url, n.mac)))
    const [a1, a2, b1] = ['a1', 'a2', 'b1'].map(name => boots.get(name)!)
    expect([a1!.name, a1!.target]).toEqual(['a1', '/dev/vda'])
    // Two sessions, two coordinators: a's nodes share one, b's is another.
    expect(a2!.coordinator).toBe(a1!.coordinator)
    expect(b1!.coordinator).not.toBe(a1!.coordinator)

    // a1's token shown to b's coordinator: refused, and not spent.
    const wrong = join(a1!, w.path('a1-at-b.img'), b1!.coordinator)
    expect(await wrong.exited, wrong.stderr()).toBe(4)
    expect(wrong.stderr()).toMatch(/wrong session token/)
    // Regression: a node's token was spent at the token check even when its Join was then refused (here: a target too small).
    await writeFile(w.path('a1-small.img'), Buffer.alloc(MiB))
    const small = join(a1!, w.path('a1-small.img'), a1!.coordinator, false)
    expect(await small.exited, small.stderr()).toBe(4)
    expect(small.stderr()).toMatch(/holds 1048576 bytes but the image is 6291456/)

    const nodes = GROUPS.map(n => ({ ...n, target: w.path(`${n.name}.img`), proc: join(boots.get(n.name)!, w.path(`${n.name}.img`)) }))
    // A replay of a1's token, once a1 is in: refused.
    await proc.waitForLine(/\[a\] admitted a1 from/)
    const replay = join(a1!, w.path('a1-replay.img'))
    expect(await replay.exited, replay.stderr()).toBe(4)
    expect(replay.stderr()).toMatch(/wrong session token/)

    for (const n of nodes) expect(await n.proc.exited, n.proc.stderr()).toBe(0)
    const want = { a: await sha256File(imageA), b: await sha256File(imageB) }
    for (const n of nodes) expect(await sha256File(n.target), n.name).toBe(want[n.image as 'a' | 'b'])

    // The reports are out; serve waits for the verified nodes to boot their clones: each PXE-boots again and is told to boot its disk.
    await proc.waitForLine(/boot: waiting up to \d+ s for a1, a2, b1 to boot their clones/)
    for (const n of GROUPS) expect(await pxeBoot(url, n.mac)).toBe(`#!ipxe\necho ringcast: ${n.name} boots from its local disk\nexit\n`)
    expect(await proc.exited, proc.stderr()).toBe(0)
    const doc = JSON.parse(proc.stdout()) as { sessions: Array<{ name: string, report: SessionReport }> }
    expect(doc.sessions.map(s => [s.name, s.report.ok, s.report.nodes.map(r => `${r.name} ${r.status}`).sort()])).toEqual([
      ['a', true, ['a1 OK', 'a2 OK']],
      ['b', true, ['b1 OK']]
    ])
    expect(await states(nodesFile)).toEqual({ a1: 'local', a2: 'local', b1: 'local' })
  })

  it('with one plain image, is one session as before: a node naming no image is served, the JSON report is the session\'s own', async () => {
    const nodesFile = w.path('nodes.json')
    await writeFile(nodesFile, JSON.stringify({ nodes: [{ name: 'n1', mac: '52:54:00:00:0c:01', target: '/dev/vda' }] }))
    const { proc, url } = await serve(nodesFile, ['--boot-linger', '1s'], [imageB])
    await proc.waitForLine(/^join with: ringcast join \S+ --token \S+ --target <device-or-file>$/)
    const node = join(bootParams(await pxeBoot(url, '52:54:00:00:0c:01')), w.path('n1.img'))
    expect(await node.exited, node.stderr()).toBe(0)
    expect(await proc.exited, proc.stderr()).toBe(0)
    expect(await sha256File(w.path('n1.img'))).toBe(await sha256File(imageB))
    const report = JSON.parse(proc.stdout()) as SessionReport
    expect([report.ok, report.nodes.map(r => `${r.name} ${r.status}`)]).toEqual([true, ['n1 OK']])
    expect(proc.stderr()).not.toMatch(/\[\w+\] /)
    expect(await states(nodesFile)).toEqual({ n1: 'verified' })
  })

  it('keeps a node killed in the middle of its copy in clone; its next boot gets the cloning environment again with a fresh token', async () => {
    const nodesFile = await writeNodes(GROUPS.filter(n => n.name !== 'a2'))
    // 6 MiB at 1 MB/s: the copy lasts about six seconds.
    const { proc, url } = await serve(nodesFile, ['--max-rate', '1MB/s'])
    const first = bootParams(await pxeBoot(url, GROUPS[0]!.mac))
    const a1 = join(first, w.path('a1.img'))
    await proc.waitForLine(/\[a\] admitted a1 from/)
    await new Promise(resolve => setTimeout(resolve, 2_500))
    expect((await states(nodesFile)).a1).toBe('cloning')
    a1.child.kill('SIGKILL')
    await a1.exited
    await proc.waitForLine(/\[a\] a1 failed/, 20_000)
    const deadline = Date.now() + 10_000
    while ((await states(nodesFile)).a1 !== 'clone' && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 200))
    expect(await states(nodesFile)).toEqual({ a1: 'clone', b1: 'clone' })
    const again = bootParams(await pxeBoot(url, GROUPS[0]!.mac))
    expect(again.coordinator).toBe(first.coordinator)
    expect(again.token).not.toBe(first.token)
    // b's session still waits for b1; a signal stops every session.
    proc.child.kill('SIGTERM')
    expect(await proc.exited).toBe(143)
    expect(proc.stderr()).toMatch(/stopped by SIGTERM; every session is over/)
  })
})
