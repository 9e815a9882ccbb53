// Test harness: run a real session (coordinator + node processes on
// 127.0.0.1) and collect what a user would see: exit codes, the JSON report,
// stderr, and the sha256 of every target.

import { createHash, randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { mkdtemp, open, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sha256File, writeRandomFile } from '../../cli/demo.js'
import { spawnRingcast, startCoordinator, type RingcastProcess } from '../../cli/local-cluster.js'
import type { SessionReport } from '../../src/coordinator/report.js'

export interface Workdir {
  dir: string
  path: (name: string) => string
  remove: () => Promise<void>
}

export async function makeWorkdir (): Promise<Workdir> {
  const dir = await mkdtemp(join(tmpdir(), 'ringcast-test-'))
  return { dir, path: name => join(dir, name), remove: async () => { await rm(dir, { recursive: true, force: true }) } }
}

export async function makeImage (w: Workdir, bytes: number): Promise<{ path: string, sha256: string }> {
  const path = w.path('image.img')
  await writeRandomFile(path, bytes)
  return { path, sha256: await sha256File(path) }
}

/** A pre-sized target file (what a user would get from truncate -s). */
export async function makeTarget (w: Workdir, name: string, bytes: number): Promise<string> {
  const path = w.path(name)
  await writeFile(path, '')
  await truncate(path, bytes)
  return path
}

export interface NodeSpec {
  name: string
  /** One --target, or several (NAME=PATH each, for a session of several images). */
  target: string | string[]
  /** Extra join flags, e.g. ['--create']. */
  args?: string[]
  token?: string
  /** How the node is given its token: --token (default), --token-file, or RINGCAST_TOKEN in its environment. */
  tokenVia?: 'flag' | 'file' | 'env'
  /** Prefix the command, e.g. ['env', 'NODE_OPTIONS=...'] (see spawnRingcast). */
  wrapper?: string[]
}

export interface Session {
  coordinator: RingcastProcess
  joinAddr: string
  token: string
  nodes: RingcastProcess[]
  startNode: (spec: NodeSpec) => RingcastProcess
  /** Wait for the coordinator's exit and parse its JSON report. */
  finish: () => Promise<{ exit: number, report: SessionReport, nodeExits: number[] }>
  kill: () => void
}

/** `image`: one image, or several (NAME=IMAGE each); `wrapper` prefixes the coordinator's command (e.g. a shell that pipes its standard input). */
export async function startSession (w: Workdir, image: string | string[], serveArgs: string[], wrapper?: string[]): Promise<Session> {
  const token = randomBytes(12).toString('hex')
  const coordinator = await startCoordinator([...[image].flat(), '--listen', '/ip4/127.0.0.1/tcp/0', '--key', w.path('coordinator.key'),
    '--token', token, '--json', ...serveArgs], { wrapper })
  const nodes: RingcastProcess[] = []
  const session: Session = {
    coordinator: coordinator.proc,
    joinAddr: coordinator.joinAddr,
    token,
    nodes,
    startNode (spec) {
      const secret = spec.token ?? token
      const tokenFile = w.path(`${spec.name}.token`)
      if (spec.tokenVia === 'file') writeFileSync(tokenFile, `${secret}\n`, { mode: 0o600 })
      const tokenArgs = spec.tokenVia === 'file' ? ['--token-file', tokenFile] : spec.tokenVia === 'env' ? [] : ['--token', secret]
      const wrapper = spec.tokenVia === 'env' ? ['env', `RINGCAST_TOKEN=${secret}`, ...(spec.wrapper ?? [])] : spec.wrapper
      const proc = spawnRingcast(spec.name, ['join', coordinator.joinAddr, ...tokenArgs, ...[spec.target].flat().flatMap(t => ['--target', t]),
        '--name', spec.name, '--listen', '/ip4/127.0.0.1/tcp/0', ...(spec.args ?? [])], { wrapper })
      nodes.push(proc)
      return proc
    },
    async finish () {
      const exit = await coordinator.proc.exited
      const nodeExits = await Promise.all(nodes.map(async n => await n.exited))
      let report: SessionReport
      try {
        report = JSON.parse(coordinator.proc.stdout()) as SessionReport
      } catch {
        throw new Error(`coordinator printed no JSON report (exit ${exit})\nstdout:\n${coordinator.proc.stdout()}\nstderr:\n${coordinator.proc.stderr()}`)
      }
      return { exit, report, nodeExits }
    },
    kill () {
      for (const p of [coordinator.proc, ...nodes]) if (p.child.exitCode === null) p.child.kill('SIGKILL')
    }
  }
  return session
}

/** Run the CLI once and collect its outcome. */
export async function runCli (args: string[], timeoutMs = 60_000, wrapper?: string[]): Promise<{ exit: number, stdout: string, stderr: string }> {
  const proc = spawnRingcast('cli', args, { wrapper })
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs)
  const exit = await proc.exited
  clearTimeout(timer)
  return { exit, stdout: proc.stdout(), stderr: proc.stderr() }
}

export { sha256File }

/** SHA-256 (hex) of `length` bytes of `path` from `offset` (a device's prefix, a partition of a disk image). */
export async function sha256Range (path: string, offset: number, length: number): Promise<string> {
  const handle = await open(path, 'r')
  try {
    const buf = Buffer.alloc(length)
    await handle.read(buf, 0, length, offset)
    return createHash('sha256').update(buf).digest('hex')
  } finally {
    await handle.close()
  }
}

/** Resolves once `path` holds at least `bytes` (the node writes as it goes). */
export async function whenWritten (path: string, bytes: number, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const size = (await stat(path).catch(() => undefined))?.size ?? 0
    if (size >= bytes) return size
    await new Promise(resolve => setTimeout(resolve, 10))
  }
  throw new Error(`${path} did not reach ${bytes} bytes within ${timeoutMs} ms`)
}
