// Compression benchmark (issue 12, item 4): the same compressible image
// cloned in the namespace lab over 100 Mbit/s links with and without
// serve --compress, one run each.
//
// Bar: effective throughput (image bytes per second) with compression >=
// 0.8 x the compression ratio (image bytes / wire payload) x the
// uncompressed run's.
//
//   npm run build && node dist/test/bench/compression-bench.js [--size 512MiB] [--nodes 2] [--rate 100] [--level 3]

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parseCount, parseSize } from '../../cli/units.js'
import { Lab, sweepLabs } from '../lab/lab.js'
import { killAllChildren } from './child-processes.js'
import { labClone, type LabRun } from './lab-clone.js'
import { mb, num, table } from './markdown-table.js'

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '512MiB' },
    nodes: { type: 'string', default: '2' },
    rate: { type: 'string', default: '100' },
    level: { type: 'string', default: '3' },
    help: { type: 'boolean' }
  }
})
if (values.help === true) {
  process.stdout.write('usage: node dist/test/bench/compression-bench.js [--size 512MiB] [--nodes 2] [--rate 100 (Mbit/s)] [--level 3]\n')
  process.exit(0)
}
const imageBytes = parseSize(values.size, '--size')
const nodeCount = parseCount(values.nodes, '--nodes')
const rateMbit = parseCount(values.rate, '--rate')
const log = (line: string): void => { process.stderr.write(`[compression-bench] ${line}\n`) }
process.on('exit', killAllChildren)

/**
 * What a system disk holds, roughly: executables (this Node binary, ~3x
 * with zstd), logs (text with numbers and times), and some incompressible
 * data (already-compressed files): one third each.
 */
async function writeCompressible (path: string, bytes: number): Promise<void> {
  const binary = await readFile(process.execPath)
  const handle = await open(path, 'w')
  try {
    const chunk = 1_048_576
    for (let at = 0, i = 0; at < bytes; at += chunk, i++) {
      const n = Math.min(chunk, bytes - at)
      let buf: Buffer
      if (i % 3 === 0) buf = binary.subarray((i * chunk) % (binary.byteLength - chunk), (i * chunk) % (binary.byteLength - chunk) + n)
      else if (i % 3 === 1) {
        const lines: string[] = []
        for (let len = 0; len < n; ) { const l = `2026-12-02T07:${String(i % 60).padStart(2, '0')}:${String(len % 60).padStart(2, '0')}.${len % 1000} node-${len % 64} wrote block ${i * 1000 + len} of image ${i % 7} in ${(len % 997) / 10} ms\n`; lines.push(l); len += l.length }
        buf = Buffer.from(lines.join('')).subarray(0, n)
      } else buf = randomBytes(n)
      await handle.write(buf, 0, n, at)
    }
  } finally {
    await handle.close()
  }
}

async function main (): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the lab builds network namespaces: run the benchmark as root')
  sweepLabs()
  const dir = await mkdtemp(join(tmpdir(), 'ringcast-compression-'))
  try {
    const image = join(dir, 'image.img')
    log(`writing a ${imageBytes}-byte compressible image`)
    await writeCompressible(image, imageBytes)
    const want = execFileSync('sha256sum', [image], { encoding: 'utf8' }).split(' ')[0]
    const same = (t: string): boolean => execFileSync('sha256sum', [t], { encoding: 'utf8' }).split(' ')[0] === want
    const lab = Lab.create({ subnets: [nodeCount + 1], rateMbit })
    const runs: LabRun[] = []
    try {
      log('uncompressed')
      runs.push(await labClone(dir, lab, image, 'ringcast (uncompressed)', ['--raw'], same))
      log(`--compress --compress-level ${values.level}`)
      runs.push(await labClone(dir, lab, image, `ringcast --compress (zstd ${values.level})`, ['--raw', '--compress', '--compress-level', values.level], same))
    } finally { lab.destroy() }
    const [plain, packed] = runs as [LabRun, LabRun]
    const effective = (r: LabRun): number => r.imageBytes / 1e6 / r.seconds
    const ratio = packed.imageBytes / packed.sentBytes
    process.stdout.write(`\nCompression on the wire: a ${imageBytes}-byte image (a third each executables, logs, random), ${nodeCount} node(s), ${rateMbit} Mbit/s links\n\n`)
    process.stdout.write(table(['run', 'payload MB', 'source link MB', 's', 'effective MB/s', 'verified', 'checked'], ['l', 'r', 'r', 'r', 'r', 'r', 'l'],
      runs.map(r => [r.setup, mb(r.sentBytes), mb(r.linkBytes), num(r.seconds, 1), num(effective(r), 1), `${r.verified}/${r.nodes}`, r.checked])) + '\n\n')
    const bar = 0.8 * ratio * effective(plain)
    process.stdout.write(`compression ratio (image / wire payload): ${num(ratio, 2)}\n`)
    process.stdout.write(`bar: effective ${num(effective(packed), 1)} MB/s >= 0.8 x ${num(ratio, 2)} x ${num(effective(plain), 1)} = ${num(bar, 1)} MB/s: ${effective(packed) >= bar ? 'met' : 'NOT met'} (${num(effective(packed) / (ratio * effective(plain)), 3)} of ratio x uncompressed)\n`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch(err => { process.stderr.write(`${(err as Error).stack ?? String(err)}\n`); process.exit(1) })
