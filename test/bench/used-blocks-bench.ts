// Used-blocks benchmark (issue 12): an ext4 image holding far less than its
// size, cloned in the namespace lab, beside partclone (Clonezilla's
// used-blocks imager, Debian `partclone`) on the same file system.
//
//   partclone.ext4 -c          the size of its image of the file system: what
//                              a partclone-based deployer would move per node
//   ringcast, used blocks      serve IMAGE (the default): only used, non-zero blocks
//   ringcast, raw (baseline)   serve --raw of a random image as large as what the
//                              used-blocks run sent: the lab's rate for that many bytes
//
// Bars: bytes on the wire <= 1.05x partclone's image; clone time proportional
// to what is sent (the used-blocks run's payload rate ~ the raw run's rate).
//
//   npm run build && node dist/test/bench/used-blocks-bench.js [--fs-size 4GiB] [--files 1GiB] [--nodes 2] [--rate 100] [--block-size 1MiB]

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { writeRandomFile } from '../../cli/demo.js'
import { spawnRingcast, startCoordinator } from '../../cli/local-cluster.js'
import { parseCount, parseSize } from '../../cli/units.js'
import type { SessionReport } from '../../src/coordinator/report.js'
import { Lab, sweepLabs, type LabHost } from '../lab/lab.js'
import { killAllChildren, track } from './child-processes.js'
import { mb, num, table } from './markdown-table.js'

const { values } = parseArgs({
  options: {
    'fs-size': { type: 'string', default: '4GiB' },
    files: { type: 'string', default: '1GiB' },
    nodes: { type: 'string', default: '2' },
    rate: { type: 'string', default: '100' },
    'block-size': { type: 'string', default: '1MiB' },
    help: { type: 'boolean' }
  }
})
if (values.help === true) {
  process.stdout.write('usage: node dist/test/bench/used-blocks-bench.js [--fs-size 4GiB] [--files 1GiB] [--nodes 2] [--rate 100 (Mbit/s)] [--block-size 1MiB]\n')
  process.exit(0)
}
const fsBytes = parseSize(values['fs-size'], '--fs-size')
const fileBytes = parseSize(values.files, '--files')
const nodeCount = parseCount(values.nodes, '--nodes')
const rateMbit = parseCount(values.rate, '--rate')
const log = (line: string): void => { process.stderr.write(`[used-blocks-bench] ${line}\n`) }
process.on('exit', killAllChildren)

const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1_048_576 })

function ensureTools (): void {
  const has = (cmd: string): boolean => { try { sh('sh', ['-c', `command -v ${cmd}`]); return true } catch { return false } }
  const need = [['partclone.ext4', 'partclone'], ['mkfs.ext4', 'e2fsprogs'], ['nft', 'nftables'], ['tc', 'iproute2']].filter(([cmd]) => !has(cmd!)).map(([, pkg]) => pkg!)
  if (need.length === 0) return
  log(`installing ${need.join(', ')}`)
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
  execFileSync('apt-get', ['install', '-y', '-qq', ...need], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
}

const WORDS = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon'.split(' ')
function text (bytes: number): Buffer {
  const parts: string[] = []
  let n = 0
  while (n < bytes) { const w = WORDS[n % 7 === 0 ? (n * 31) % WORDS.length : (n * 17) % WORDS.length]! + ((n % 13) === 0 ? '\n' : ' '); parts.push(w); n += w.length }
  return Buffer.from(parts.join('').slice(0, bytes))
}

/** A tree of ~`total` bytes: 55 % random (incompressible) 10 MiB files, 30 % text files, 15 % small files of 1-64 KiB. */
async function makeTree (dir: string, total: number): Promise<number> {
  let written = 0
  for (let d = 0; d < 20; d++) await mkdir(join(dir, `d${d}`), { recursive: true })
  const big = 10 * 1_048_576
  for (let i = 0; written < 0.55 * total; i++) { await writeFile(join(dir, `d${i % 20}`, `rand${i}.bin`), randomBytes(big)); written += big }
  for (let i = 0; written < 0.85 * total; i++) { await writeFile(join(dir, `d${i % 20}`, `text${i}.txt`), text(big)); written += big }
  for (let i = 0; written < total; i++) {
    const size = 1024 + (i * 7919) % (63 * 1024)
    await writeFile(join(dir, `d${i % 20}`, `small${i}`), i % 2 === 0 ? randomBytes(size) : text(size))
    written += size
  }
  return written
}

const txBytes = (host: LabHost): number => Number(sh('ip', ['netns', 'exec', host.ns, 'cat', '/sys/class/net/eth0/statistics/tx_bytes']).trim())

interface Run { setup: string, sentBytes: number, linkBytes: number, seconds: number, verified: number, nodes: number, checked: string }

async function clone (dir: string, lab: Lab, image: string, setup: string, serveArgs: string[], check: (target: string) => boolean): Promise<Run> {
  const [server, ...nodes] = lab.hosts as [LabHost, ...LabHost[]]
  const targets = nodes.map(h => join(dir, `target-${h.name}.img`))
  const token = randomBytes(12).toString('hex')
  const before = txBytes(server)
  const coordinator = await startCoordinator([image, '--nodes', String(nodes.length), '--listen', '/ip4/0.0.0.0/tcp/7373', '--key', join(dir, 'coordinator.key'),
    '--token', token, '--block-size', values['block-size'], '--json', '-q', ...serveArgs], { wrapper: server.wrapper })
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
    sentBytes: report.nodes[0]!.bytesReceived,
    linkBytes,
    seconds: report.seconds,
    verified: report.nodes.filter(n => n.status === 'OK').length,
    nodes: nodes.length,
    checked: checks.every(c => c) ? 'yes' : 'NO'
  }
}

async function main (): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the lab builds network namespaces: run the benchmark as root')
  ensureTools()
  sweepLabs()
  const dir = await mkdtemp(join(tmpdir(), 'ringcast-used-blocks-'))
  try {
    log(`writing ~${fileBytes} bytes of files`)
    const tree = join(dir, 'tree')
    const filesWritten = await makeTree(tree, fileBytes)
    const fsImage = join(dir, 'fs.img')
    await writeFile(fsImage, '')
    await truncate(fsImage, fsBytes)
    sh('mkfs.ext4', ['-q', '-F', '-b', '4096', '-d', tree, fsImage])
    await rm(tree, { recursive: true, force: true })
    log('partclone.ext4 -c')
    const pcImage = join(dir, 'fs.partclone')
    sh('partclone.ext4', ['-c', '-q', '-s', fsImage, '-o', pcImage])
    const partcloneBytes = (await stat(pcImage)).size
    await rm(pcImage, { force: true })

    const lab = Lab.create({ subnets: [nodeCount + 1], rateMbit })
    const runs: Run[] = []
    try {
      log('ringcast, used blocks')
      const fsck = (t: string): boolean => { try { sh('e2fsck', ['-fn', t]); return true } catch { return false } }
      runs.push(await clone(dir, lab, fsImage, 'ringcast, used blocks (default)', [], fsck))
      const raw = join(dir, 'raw.img')
      await writeRandomFile(raw, runs[0]!.sentBytes)
      const want = sh('sha256sum', [raw]).split(' ')[0]
      log('ringcast --raw, a random image of as many bytes (baseline)')
      runs.push(await clone(dir, lab, raw, 'ringcast --raw, random image of the same size (baseline)', ['--raw'], t => sh('sha256sum', [t]).split(' ')[0] === want))
    } finally { lab.destroy() }

    const [used, base] = runs as [Run, Run]
    process.stdout.write(`\nUsed blocks only: ${values['fs-size']} ext4 holding ${filesWritten} bytes of files, ${nodeCount} node(s), ${rateMbit} Mbit/s links, ${values['block-size']} blocks\n\n`)
    process.stdout.write(table(['what', 'payload MB', 'source link MB (tx)', 'vs partclone image', 's', 'payload MB/s', 'verified', 'checked'], ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'], [
      ['partclone.ext4 -c image', mb(partcloneBytes), '', '1.000', '', '', '', ''],
      ...runs.map(r => [r.setup, mb(r.sentBytes), mb(r.linkBytes), num(r.linkBytes / partcloneBytes, 3), num(r.seconds, 1), num(r.sentBytes / 1e6 / r.seconds, 1), `${r.verified}/${r.nodes}`, r.checked])
    ]) + '\n\n')
    // The source's link carries one copy, whatever the chain's length: each hop carries the same.
    const wire = used.linkBytes / partcloneBytes
    const rateRatio = (used.sentBytes / used.seconds) / (base.sentBytes / base.seconds)
    process.stdout.write(`bar 1: bytes on the source's link (one hop) / partclone image = ${num(wire, 3)} (bar <= 1.05): ${wire <= 1.05 ? 'met' : 'NOT met'}\n`)
    process.stdout.write(`bar 2: payload rate used-blocks / raw baseline = ${num(rateRatio, 3)} (time proportional to what is sent: ~1)\n`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch(err => { process.stderr.write(`${(err as Error).stack ?? String(err)}\n`); process.exit(1) })
