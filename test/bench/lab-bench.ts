// Lab benchmark (issue 4): ringcast beside the tools our users would pick,
// in the namespace lab (test/lab/lab.ts), one run, same image, same links.
//
//   ringcast, one subnet                    server + N nodes on one switch
//   ringcast, two subnets, mcast dropped    the chain crosses the router
//   udpcast multicast, one subnet           udp-sender / udp-receiver, multicast allowed
//   udpcast, one subnet, mcast dropped      what a multicast-blocking switch does to it
//   udpcast --broadcast, mcast dropped      its fallback on one subnet
//   udpcast across the router               receivers on the other subnet
//   naive star                              N parallel TCP copies from the server
//
//   plain TCP chain (baseline)              the same hosts relaying with node:net: the lab's floor
//
// For each: wall time (from the moment every receiver is waiting to the last
// one done), the ratio to the ideal S/B (image size over one link's rate: the
// physical limit, since the server's one link must carry the image at least
// once), and copies verified by an independent sha256.
//
//   npm run bench:lab [-- --size 128MiB --nodes 8 --rate 100 --json-out FILE]

import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { sha256File, writeRandomFile } from '../../cli/demo.js'
import { spawnRingcast, startCoordinator } from '../../cli/local-cluster.js'
import { parseCount, parseSize } from '../../cli/units.js'
import type { SessionReport } from '../../src/coordinator/report.js'
import { simulate } from '../../simulations/engine.js'
import { parseTopology, type ConcreteTopology } from '../../src/topology/plan.js'
import { labConfig, uniformNodes } from '../../simulations/scenarios.js'
import { Lab, sweepLabs, type LabHost } from '../lab/lab.js'
import { killAllChildren, track } from './child-processes.js'

interface Row {
  tool: string
  setup: string
  seconds?: number
  /** ringcast: the coordinator's own transfer time (streaming start to last verified). */
  transferSeconds?: number
  verified: number
  nodes: number
  note: string
}

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '128MiB' },
    nodes: { type: 'string', default: '8' },
    rate: { type: 'string', default: '100' },
    'udpcast-timeout': { type: 'string', default: '60' },
    'block-size': { type: 'string', default: '1MiB' },
    topology: { type: 'string', default: 'chain' },
    tools: { type: 'string', default: 'ringcast,udpcast,star' },
    'data-planes': { type: 'string', default: 'encrypted,integrity-only' },
    'json-out': { type: 'string' },
    help: { type: 'boolean' }
  }
})
if (values.help === true) {
  process.stdout.write('usage: node dist/test/bench/lab-bench.js [--size 128MiB] [--nodes 8] [--rate 100 (Mbit/s)] [--udpcast-timeout 60 (s)]\n' +
    '         [--block-size 1MiB] [--topology chain|tree:K|chains:M (ringcast)] [--tools ringcast,udpcast,star]\n' +
    '         [--data-planes encrypted,integrity-only,libp2p (ringcast: one row each)] [--json-out FILE]\n')
  process.exit(0)
}
const imageBytes = parseSize(values.size, '--size')
const nodeCount = parseCount(values.nodes, '--nodes')
const rateMbit = parseCount(values.rate, '--rate')
const udpcastTimeoutMs = parseCount(values['udpcast-timeout'], '--udpcast-timeout') * 1000
const idealSeconds = imageBytes * 8 / (rateMbit * 1e6)
const blockSize = values['block-size']
const parsedTopology = parseTopology(values.topology)
if (parsedTopology.kind === 'auto') throw new Error('--topology: give chain, tree:K or chains:M (the prediction needs the plan)')
const topology: ConcreteTopology = parsedTopology
const tools = new Set(values.tools.split(','))
const dataPlanes = values['data-planes'].split(',')
for (const d of dataPlanes) if (!['encrypted', 'integrity-only', 'libp2p'].includes(d)) throw new Error(`--data-planes: unknown data plane ${d} (encrypted, integrity-only, libp2p)`)
for (const t of tools) if (!['ringcast', 'udpcast', 'star'].includes(t)) throw new Error(`--tools: unknown tool ${t} (ringcast, udpcast, star)`)

const log = (line: string): void => { process.stderr.write(`[lab-bench] ${line}\n`) }
process.on('exit', killAllChildren)

/** Run a command on a lab host; resolves with its exit code (killed after timeoutMs). */
function onHost (host: LabHost, command: string, args: string[], timeoutMs: number): { child: ChildProcess, exited: Promise<number>, output: () => string } {
  const child = spawn('ip', ['netns', 'exec', host.ns, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  track(child)
  let out = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d })
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { out += d })
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const exited = new Promise<number>(resolve => child.on('close', code => { clearTimeout(timer); resolve(code ?? 137) }))
  return { child, exited, output: () => out }
}

async function countVerified (targets: string[], sha: string): Promise<number> {
  let n = 0
  for (const t of targets) if (await sha256File(t).catch(() => '') === sha) n++
  await Promise.all(targets.map(async t => await rm(t, { force: true })))
  return n
}

async function ringcast (dir: string, image: string, sha: string, lab: Lab, setup: string, dataPlane: string): Promise<Row> {
  const [server, ...nodes] = lab.hosts as [LabHost, ...LabHost[]]
  const targets = nodes.map(h => join(dir, `ringcast-${h.name}.img`))
  const token = randomBytes(12).toString('hex')
  const coordinator = await startCoordinator([image, '--nodes', String(nodes.length), '--listen', '/ip4/0.0.0.0/tcp/7373', '--key', join(dir, 'coordinator.key'),
    '--token', token, '--block-size', blockSize, '--topology', values.topology, '--data-plane', dataPlane, '--json', '-q'], { wrapper: server.wrapper })
  track(coordinator.proc.child)
  const started = performance.now()
  const procs = nodes.map((h, i) => {
    const p = spawnRingcast(h.name, ['join', coordinator.joinAddr, '--token', token, '--target', targets[i]!, '--create', '--name', h.name, '-q',
      '--listen', '/ip4/0.0.0.0/tcp/7000'], { wrapper: h.wrapper })
    track(p.child)
    return p
  })
  const exit = await coordinator.proc.exited
  await Promise.all(procs.map(async p => await p.exited))
  const seconds = (performance.now() - started) / 1000
  let report: SessionReport | undefined
  try { report = JSON.parse(coordinator.proc.stdout()) as SessionReport } catch {}
  return {
    tool: `ringcast ${dataPlane}`,
    setup,
    seconds,
    transferSeconds: report?.seconds,
    verified: await countVerified(targets, sha),
    nodes: nodes.length,
    note: exit === 0 ? `wall time includes process start and joining (~${(seconds - (report?.seconds ?? seconds)).toFixed(1)} s)` : `serve exited ${exit}`
  }
}

/** `senderFlags`: e.g. --broadcast (a sender-only flag: the receivers follow the sender). */
async function udpcast (dir: string, image: string, sha: string, lab: Lab, receivers: LabHost[], setup: string, senderFlags: string[]): Promise<Row> {
  const [server] = lab.hosts as [LabHost]
  const targets = receivers.map(h => join(dir, `udpcast-${h.name}.img`))
  const rx = receivers.map((h, i) => onHost(h, 'udp-receiver', ['--file', targets[i]!, '--interface', 'eth0', '--nokbd'], udpcastTimeoutMs))
  await new Promise(resolve => setTimeout(resolve, 500))
  const started = performance.now()
  const tx = onHost(server, 'udp-sender', ['--file', image, '--interface', 'eth0', '--nokbd', '--min-receivers', String(receivers.length),
    '--max-wait', String(Math.round(udpcastTimeoutMs / 1000)), ...senderFlags], udpcastTimeoutMs)
  const codes = await Promise.all(rx.map(async r => await r.exited))
  const seconds = (performance.now() - started) / 1000
  tx.child.kill('SIGKILL')
  await tx.exited
  const verified = await countVerified(targets, sha)
  const timedOut = seconds * 1000 >= udpcastTimeoutMs - 1000
  const note = verified === receivers.length
    ? ''
    : timedOut
      ? `no copy within ${udpcastTimeoutMs / 1000} s: ${lastWords(tx.output()) || 'the sender saw no receiver'}`
      : `receivers exited ${codes.join(',')}: ${lastWords(rx[0]!.output())}`
  return { tool: 'udpcast', setup, seconds: verified === 0 ? undefined : seconds, verified, nodes: receivers.length, note }
}

/** N parallel TCP copies of the whole image from the server (what a shell loop of scp/nc does). */
async function star (dir: string, image: string, sha: string, lab: Lab): Promise<Row> {
  const [server, ...nodes] = lab.hosts as [LabHost, ...LabHost[]]
  const targets = nodes.map(h => join(dir, `star-${h.name}.img`))
  const tx = onHost(server, process.execPath, ['-e', `
    const fs = require('node:fs'); let served = 0
    const srv = require('node:net').createServer(s => { fs.createReadStream(${JSON.stringify(image)}).pipe(s); s.on('close', () => { if (++served === ${nodes.length}) srv.close() }) })
    srv.listen(7100, () => process.stdout.write('ready\\n'))
  `], 600_000)
  while (!tx.output().includes('ready')) await new Promise(resolve => setTimeout(resolve, 20))
  const started = performance.now()
  const rx = nodes.map((h, i) => onHost(h, process.execPath, ['-e', `
    const out = require('node:fs').createWriteStream(${JSON.stringify(targets[i])})
    require('node:net').connect(7100, ${JSON.stringify(server.ip)}).pipe(out)
    out.on('close', () => { const fs = require('node:fs'); const fd = fs.openSync(${JSON.stringify(targets[i])}, 'r+'); fs.fsyncSync(fd); process.exit(0) })
  `], 600_000))
  await Promise.all(rx.map(async r => await r.exited))
  const seconds = (performance.now() - started) / 1000
  await tx.exited
  return { tool: 'naive star', setup: `${nodes.length} parallel TCP copies`, seconds, verified: await countVerified(targets, sha), nodes: nodes.length, note: '' }
}

/** Baseline: one bare TCP stream of the image between two hosts (no hashing, no disk): what one link gives TCP. */
async function bareTcp (lab: Lab): Promise<Row> {
  const [a, b] = lab.hosts as [LabHost, LabHost]
  const tx = onHost(a, process.execPath, ['-e', `
    const srv = require('node:net').createServer(c => {
      let n = 0; const buf = Buffer.alloc(65536)
      const w = () => { while (n < ${imageBytes}) { n += buf.length; if (!c.write(n > ${imageBytes} ? buf.subarray(0, buf.length - (n - ${imageBytes})) : buf)) return c.once('drain', w) } c.end(); srv.close() }
      w()
    })
    srv.listen(7200, () => process.stdout.write('ready\\n'))
  `], 600_000)
  while (!tx.output().includes('ready')) await new Promise(resolve => setTimeout(resolve, 20))
  const started = performance.now()
  const rx = onHost(b, process.execPath, ['-e', `let n = 0; const c = require('node:net').connect(7200, ${JSON.stringify(a.ip)}); c.on('data', d => { n += d.length }); c.on('end', () => process.stdout.write(String(n)))`], 600_000)
  await rx.exited
  const seconds = (performance.now() - started) / 1000
  await tx.exited
  const ok = Number(rx.output().trim()) === imageBytes
  return { tool: 'bare TCP', setup: 'one stream, one hop (baseline)', seconds, verified: ok ? 1 : 0, nodes: 1, note: 'no hashing, no disk: what one link gives TCP' }
}

/**
 * Baseline: the lab's floor for a chain. The same N hosts relay the image in
 * a chain of plain `node:net` sockets: each writes what it receives to its
 * file (fdatasync every 16 MiB, fsync at the end, as ringcast does), hashes
 * it and passes it on as it arrives. No encryption, no blocks, no acks: what
 * a relay chain costs in this lab before anything ringcast adds.
 */
async function plainChain (dir: string, image: string, sha: string, lab: Lab): Promise<Row> {
  const [server, ...nodes] = lab.hosts as [LabHost, ...LabHost[]]
  const targets = nodes.map(h => join(dir, `plain-${h.name}.img`))
  const relay = (i: number): string => `
    const net = require('node:net'), fs = require('node:fs'), crypto = require('node:crypto')
    const fd = fs.openSync(${JSON.stringify(targets[i])}, 'w'); const hash = crypto.createHash('sha256')
    let n = 0, unsynced = 0, syncing = false
    const pass = down => {
      const up = net.connect(7300, ${JSON.stringify(i === 0 ? server.ip : nodes[i - 1]!.ip)})
      up.on('data', d => {
        fs.writeSync(fd, d, 0, d.length, n); n += d.length; hash.update(d); unsynced += d.length
        if (unsynced >= 16777216 && !syncing) { unsynced = 0; syncing = true; fs.fdatasync(fd, () => { syncing = false }) }
        if (down !== undefined && !down.write(d)) { up.pause(); down.once('drain', () => up.resume()) }
      })
      up.on('end', () => { down?.end(); fs.fsyncSync(fd); fs.closeSync(fd); process.stdout.write('done ' + n + ' ' + hash.digest('hex') + '\\n'); process.exit(0) })
    }
    ${i === nodes.length - 1 ? 'pass(undefined)' : "const srv = net.createServer(down => { srv.close(); pass(down) }); srv.listen(7300, () => process.stdout.write('ready\\n'))"}
  `
  const ready = async (p: ReturnType<typeof onHost>): Promise<void> => { while (!p.output().includes('ready')) await new Promise(resolve => setTimeout(resolve, 20)) }
  // Everyone but the tail listens for its downstream; the tail's connection starts the cascade.
  const middle = nodes.slice(0, -1).map((h, i) => onHost(h, process.execPath, ['-e', relay(i)], 600_000))
  for (const p of middle) await ready(p)
  const tx = onHost(server, process.execPath, ['-e', `
    const srv = require('node:net').createServer(s => { srv.close(); require('node:fs').createReadStream(${JSON.stringify(image)}).pipe(s) })
    srv.listen(7300, () => process.stdout.write('ready\\n'))
  `], 600_000)
  await ready(tx)
  const started = performance.now()
  const all = [...middle, onHost(nodes.at(-1)!, process.execPath, ['-e', relay(nodes.length - 1)], 600_000)]
  await Promise.all(all.map(async p => await p.exited))
  const seconds = (performance.now() - started) / 1000
  await tx.exited
  return { tool: 'plain TCP chain', setup: `${nodes.length} node:net relays (baseline)`, seconds, verified: await countVerified(targets, sha), nodes: nodes.length, note: 'no crypto, no blocks: the floor for a chain in this lab' }
}

const lastWords = (s: string): string => s.trim().split('\n').filter(l => l.trim() !== '').slice(-1)[0]?.slice(0, 120) ?? ''

/** The Debian tools the lab and the peers need, installed if missing (we run as root; the registry is reachable). */
function ensureTools (): void {
  const need: string[] = []
  const has = (cmd: string): boolean => { try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true } catch { return false } }
  if (tools.has('udpcast') && !has('udp-sender')) need.push('udpcast')
  if (!has('nft')) need.push('nftables')
  if (!has('tc')) need.push('iproute2')
  if (need.length === 0) return
  if (process.getuid?.() !== 0) throw new Error(`the lab needs root and these Debian packages: ${need.join(', ')}`)
  log(`installing ${need.join(', ')}`)
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
  execFileSync('apt-get', ['install', '-y', '-qq', ...need], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
}

async function main (): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the lab builds network namespaces: run the benchmark as root')
  ensureTools()
  sweepLabs()
  const dir = await mkdtemp(join(tmpdir(), 'ringcast-lab-bench-'))
  const rows: Row[] = []
  try {
    const image = join(dir, 'image.img')
    log(`writing a ${imageBytes}-byte random image`)
    await writeRandomFile(image, imageBytes)
    const sha = await sha256File(image)
    const half = Math.ceil(nodeCount / 2)

    const flat = Lab.create({ subnets: [nodeCount + 1], rateMbit })
    try {
      log('bare TCP baseline'); rows.push(await bareTcp(flat))
      log('plain TCP chain baseline'); rows.push(await plainChain(dir, image, sha, flat))
      if (tools.has('ringcast')) for (const d of dataPlanes) { log(`ringcast ${d}, one subnet`); rows.push(await ringcast(dir, image, sha, flat, 'one subnet', d)) }
      if (tools.has('udpcast')) { log('udpcast multicast, one subnet'); rows.push(await udpcast(dir, image, sha, flat, flat.hosts.slice(1), 'one subnet, multicast allowed', [])) }
      if (tools.has('star')) { log('naive star'); rows.push(await star(dir, image, sha, flat)) }
    } finally { flat.destroy() }

    if (tools.has('udpcast')) {
      const blocked = Lab.create({ subnets: [nodeCount + 1], rateMbit, dropMulticast: true })
      try {
        log('udpcast, multicast dropped'); rows.push(await udpcast(dir, image, sha, blocked, blocked.hosts.slice(1), 'one subnet, multicast dropped', []))
        log('udpcast --broadcast, multicast dropped'); rows.push(await udpcast(dir, image, sha, blocked, blocked.hosts.slice(1), 'one subnet, multicast dropped, --broadcast', ['--broadcast']))
      } finally { blocked.destroy() }
    }

    const routed = Lab.create({ subnets: [nodeCount + 1 - half, half], rateMbit, dropMulticast: true })
    try {
      if (tools.has('ringcast')) for (const d of dataPlanes) { log(`ringcast ${d}, two subnets`); rows.push(await ringcast(dir, image, sha, routed, 'two subnets, multicast dropped', d)) }
      if (tools.has('udpcast')) { log('udpcast across the router'); rows.push(await udpcast(dir, image, sha, routed, routed.subnet(1), 'across the router (receivers on the far subnet)', [])) }
    } finally { routed.destroy() }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }

  const fmt = (n: number | undefined, d = 1): string => n === undefined ? '-' : n.toFixed(d)
  // The simulator's prediction for a chain of this many nodes on these links (docs/simulator.md).
  const predicted = simulate(uniformNodes(nodeCount, rateMbit * 1e6 / 8 * 0.94, Infinity), topology, { ...labConfig(imageBytes), sourceUplink: rateMbit * 1e6 / 8 * 0.94, blockBytes: parseSize(blockSize, '--block-size') }).seconds
  const isRingcast = (r: Row): boolean => r.tool.startsWith('ringcast')
  const predictionFor = (r: Row): number | undefined => isRingcast(r) ? predicted : undefined
  const floor = rows.find(r => r.tool === 'plain TCP chain')?.seconds
  const timeOf = (r: Row): number | undefined => r.transferSeconds ?? r.seconds
  const head = ['tool', 'setup', 'wall s', 'transfer s', '× ideal', '× plain TCP chain', 'predicted s', 'verified', 'note']
  const cells = rows.map(r => [r.tool, r.setup, fmt(r.seconds), fmt(r.transferSeconds), timeOf(r) === undefined ? '-' : fmt(timeOf(r)! / idealSeconds, 3),
    timeOf(r) === undefined || floor === undefined ? '-' : fmt(timeOf(r)! / floor, 3),
    fmt(predictionFor(r), 2), `${r.verified}/${r.nodes}`, r.note])
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map(c => c[i]!.length)))
  const line = (c: string[]): string => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`
  const out = [
    `lab benchmark: ${nodeCount} receivers, ${imageBytes / 1_048_576} MiB image, every link ${rateMbit} Mbit/s (tbf, both ways), ringcast --block-size ${blockSize} --topology ${values.topology}; ideal S/B = ${idealSeconds.toFixed(2)} s`,
    line(head), line(widths.map(w => '-'.repeat(w))), ...cells.map(line)
  ]
  const rc = rows.find(r => isRingcast(r) && r.setup === 'one subnet')
  const mc = rows.find(r => r.tool === 'udpcast' && r.setup === 'one subnet, multicast allowed')
  const rc2 = rows.find(r => isRingcast(r) && r.setup.startsWith('two subnets'))
  const far = rows.find(r => r.tool === 'udpcast' && r.setup.startsWith('across'))
  if (rc?.transferSeconds !== undefined) {
    const ratio = rc.transferSeconds / idealSeconds
    const floorNote = floor === undefined ? '' : ` (a plain TCP chain of ${nodeCount} here: ${(floor / idealSeconds).toFixed(3)}×)`
    out.push('', `bar: ringcast within 1.10× of ideal: ${ratio.toFixed(3)}×${floorNote} → ${ratio <= 1.10 ? 'PASS' : 'FAIL'}`)
    if (mc?.seconds !== undefined) out.push(`bar: ringcast no slower than udpcast multicast: ${fmt(rc.transferSeconds, 2)} s vs ${fmt(mc.seconds, 2)} s → ${rc.transferSeconds <= mc.seconds ? 'PASS' : 'FAIL'}`)
  }
  // Issue 11's bars, against the plain TCP chain of the same run: time (at
  // 100 Mbit/s, ≤ 1.03×) and throughput (on fast links, ≥ 70 % integrity-only, ≥ 50 % encrypted).
  for (const r of rows.filter(x => isRingcast(x) && x.transferSeconds !== undefined && floor !== undefined)) {
    const share = floor! / r.transferSeconds!
    const throughputBar = r.tool.endsWith('integrity-only') ? 0.70 : 0.50
    out.push(`vs the plain TCP chain, ${r.tool}, ${r.setup}: ${(r.transferSeconds! / floor!).toFixed(3)}× its time (bar at 100 Mbit/s: ≤ 1.03× → ${r.transferSeconds! / floor! <= 1.03 ? 'PASS' : 'FAIL'}), ${(share * 100).toFixed(1)} % of its throughput (bar on fast links: ≥ ${throughputBar * 100} % → ${share >= throughputBar ? 'PASS' : 'FAIL'})`)
  }
  for (const r of rows.filter(x => isRingcast(x) && x.transferSeconds !== undefined)) {
    const err = predicted / r.transferSeconds! - 1
    out.push(`simulator vs measured, ringcast ${r.setup}: predicted ${predicted.toFixed(2)} s, measured ${r.transferSeconds!.toFixed(2)} s, ${(err * 100).toFixed(1)} % → ${Math.abs(err) <= 0.10 ? 'within 10 %' : 'OFF by more than 10 %'}`)
  }
  if (rc2 !== undefined && far !== undefined) {
    out.push(`bar: across two subnets with multicast dropped ringcast verified ${rc2.verified}/${rc2.nodes}, udpcast ${far.verified}/${far.nodes} → ${rc2.verified === rc2.nodes && far.verified < far.nodes ? 'PASS' : 'FAIL'}`)
  }
  process.stdout.write(`${out.join('\n')}\n`)
  if (values['json-out'] !== undefined) await writeFile(values['json-out'], JSON.stringify({ nodeCount, imageBytes, rateMbit, idealSeconds, rows }, null, 2))
}

await main()
process.exit()
