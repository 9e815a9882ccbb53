// `ringcast demo`: a whole session on this machine. It generates an image,
// starts a coordinator and N node agents as separate processes on loopback,
// lets them clone, checks every target with sha256 itself, and cleans up.

import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EXIT, exitCodeForSignal } from './exit-codes.js'
import { startCoordinator, spawnRingcast } from './local-cluster.js'
import { formatBytes } from './units.js'

export interface DemoOptions {
  nodes: number
  imageBytes: number
  blockSize: string
  dir?: string
  keep: boolean
}

export async function runDemo (o: DemoOptions): Promise<number> {
  const dir = o.dir ?? await mkdtemp(join(tmpdir(), 'ringcast-demo-'))
  await mkdir(dir, { recursive: true })
  const say = (line: string): void => { process.stderr.write(`demo: ${line}\n`) }
  try {
    const image = join(dir, 'image.img')
    say(`generating a ${formatBytes(o.imageBytes)} image in ${dir}`)
    await writeRandomFile(image, o.imageBytes)
    const token = randomBytes(16).toString('hex')
    const coordinator = await startCoordinator([image, '--nodes', String(o.nodes), '--listen', '/ip4/127.0.0.1/tcp/0',
      '--key', join(dir, 'coordinator.key'), '--token', token, '--block-size', o.blockSize, '--wait-timeout', '60s'],
    { onLine: line => process.stderr.write(`${line}\n`) })
    const targets = Array.from({ length: o.nodes }, (_, i) => join(dir, `node-${i + 1}.img`))
    say(`starting ${o.nodes} node processes`)
    const nodes = targets.map((target, i) => spawnRingcast(`node-${i + 1}`, ['join', coordinator.joinAddr, '--token', token,
      '--target', target, '--create', '--name', `node-${i + 1}`, '--listen', '/ip4/127.0.0.1/tcp/0', '--quiet']))
    // Ctrl-C stops every process the demo started, then removes the work directory.
    const children = [coordinator.proc, ...nodes]
    let interrupted: 'SIGINT' | 'SIGTERM' | undefined
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        if (interrupted !== undefined) return
        interrupted = signal
        for (const p of children) p.child.kill('SIGTERM')
        say(`stopped by ${signal}; stopping the coordinator and nodes`)
      })
    }
    const serveExit = await coordinator.proc.exited
    const nodeExits = await Promise.all(nodes.map(async n => await n.exited))
    if (interrupted !== undefined) return exitCodeForSignal(interrupted)
    process.stdout.write(coordinator.proc.stdout())
    for (const [i, n] of nodes.entries()) {
      if (nodeExits[i] !== 0) say(`${n.name} exited ${nodeExits[i]}: ${n.stderr().trim().split('\n').pop() ?? ''}`)
    }
    say('checking every target with sha256, independently of ringcast')
    const want = await sha256File(image)
    let good = 0
    for (const t of targets) {
      const got = await sha256File(t).catch(() => 'missing')
      if (got === want) good++
      say(`${t}: ${got === want ? 'identical to the image' : `DIFFERENT (${got})`}`)
    }
    const ok = serveExit === 0 && nodeExits.every(c => c === 0) && good === targets.length
    say(ok ? `all ${targets.length} copies identical (sha256 ${want})` : `FAILED: ${good} of ${targets.length} copies identical`)
    return ok ? EXIT.OK : EXIT.CLONE_FAILED
  } finally {
    if (!o.keep) await rm(dir, { recursive: true, force: true })
    else say(`kept ${dir}`)
  }
}

/** Random bytes, 4 MiB at a time (a fast stand-in for a disk image). */
export async function writeRandomFile (path: string, bytes: number): Promise<void> {
  const handle = await open(path, 'w')
  try {
    const chunk = 4 * 1_048_576
    for (let offset = 0; offset < bytes; offset += chunk) {
      await handle.write(randomBytes(Math.min(chunk, bytes - offset)))
    }
  } finally {
    await handle.close()
  }
}

export async function sha256File (path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1_048_576 })) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
