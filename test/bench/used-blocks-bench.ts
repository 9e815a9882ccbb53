// Used-blocks benchmark (issue 12): an ext4 image holding far less than its
// size, cloned in the namespace lab, beside partclone (Clonezilla's
// used-blocks imager, Debian `partclone`) on the same file system.
//
//   partclone.ext4 -c          the size of its image of the file system: what
//                              a partclone-based deployer would move per node
//   ringcast, used blocks      serve IMAGE (the default): only used, non-zero blocks
//   ringcast, --compress       the same, each block zstd-compressed where that pays
//   ringcast, raw (baseline)   serve --raw of a random image as large as what the
//                              used-blocks run sent: the lab's rate for that many bytes
//
// Bars: bytes on the wire <= 1.05x partclone's image, and below it with
// --compress; clone time proportional to what is sent (the used-blocks run's
// payload rate ~ the raw run's rate).
//
//   npm run build && node dist/test/bench/used-blocks-bench.js [--fs-size 4GiB] [--files 1GiB] [--nodes 2] [--rate 100] [--block-size 1MiB]

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { writeRandomFile } from '../../cli/demo.js'
import { parseCount, parseSize } from '../../cli/units.js'
import { Lab, sweepLabs } from '../lab/lab.js'
import { killAllChildren } from './child-processes.js'
import { labClone, type LabRun } from './lab-clone.js'
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
    const runs: LabRun[] = []
    try {
      log('ringcast, used blocks')
      const fsck = (t: string): boolean => { try { sh('e2fsck', ['-fn', t]); return true } catch { return false } }
      runs.push(await labClone(dir, lab, fsImage, 'ringcast, used blocks (default)', ['--block-size', values['block-size']], fsck))
      log('ringcast, used blocks, --compress')
      runs.push(await labClone(dir, lab, fsImage, 'ringcast, used blocks, --compress (zstd 3)', ['--block-size', values['block-size'], '--compress'], fsck))
      const raw = join(dir, 'raw.img')
      await writeRandomFile(raw, runs[0]!.sentBytes)
      const want = sh('sha256sum', [raw]).split(' ')[0]
      log('ringcast --raw, a random image of as many bytes (baseline)')
      runs.push(await labClone(dir, lab, raw, 'ringcast --raw, random image of the same size (baseline)', ['--raw', '--block-size', values['block-size']], t => sh('sha256sum', [t]).split(' ')[0] === want))
    } finally { lab.destroy() }

    const [used, packed, base] = runs as [LabRun, LabRun, LabRun]
    process.stdout.write(`\nUsed blocks only: ${values['fs-size']} ext4 holding ${filesWritten} bytes of files, ${nodeCount} node(s), ${rateMbit} Mbit/s links, ${values['block-size']} blocks\n\n`)
    process.stdout.write(table(['what', 'payload MB', 'source link MB (tx)', 'vs partclone image', 's', 'payload MB/s', 'verified', 'checked'], ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'], [
      ['partclone.ext4 -c image', mb(partcloneBytes), '', '1.000', '', '', '', ''],
      ...runs.map(r => [r.setup, mb(r.sentBytes), mb(r.linkBytes), num(r.linkBytes / partcloneBytes, 3), num(r.seconds, 1), num(r.sentBytes / 1e6 / r.seconds, 1), `${r.verified}/${r.nodes}`, r.checked])
    ]) + '\n\n')
    // The source's link carries one copy, whatever the chain's length: each hop carries the same.
    const wire = used.linkBytes / partcloneBytes
    const rateRatio = (used.sentBytes / used.seconds) / (base.sentBytes / base.seconds)
    process.stdout.write(`bar 1: bytes on the source's link (one hop) / partclone image = ${num(wire, 3)} (bar <= 1.05): ${wire <= 1.05 ? 'met' : 'NOT met'}\n`)
    process.stdout.write(`bar 1b: with --compress, source link / partclone image = ${num(packed.linkBytes / partcloneBytes, 3)} (bar: below 1): ${packed.linkBytes < partcloneBytes ? 'met' : 'NOT met'}\n`)
    process.stdout.write(`bar 2: payload rate used-blocks / raw baseline = ${num(rateRatio, 3)} (time proportional to what is sent: ~1)\n`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch(err => { process.stderr.write(`${(err as Error).stack ?? String(err)}\n`); process.exit(1) })
