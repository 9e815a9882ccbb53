// Failover benchmark (issue 3's bars), real processes on loopback:
//
//   clean     N nodes, no failure: the baseline, measured in the same run
//   kill -9   one middle node killed when its target holds ~30 %
//   SIGSTOP   one middle node frozen at ~30 % (caught by --stall-timeout)
//   restart   one middle node killed at ~30 %, restarted with the same
//             identity and target: it resumes from its journal
//
// Bars: a run with one failure takes at most clean + stall-timeout + 25 % of
// clean; a resumed node receives again < 10 % of what it had when it died.
// Every target is checked with an independent sha256 after each run.
//
//   npm run bench:failover [-- --size 512MiB --nodes 8 --stall-timeout 5s --json-out FILE]

import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { sha256File, writeRandomFile } from '../../cli/demo.js'
import { spawnRingcast, type RingcastProcess } from '../../cli/local-cluster.js'
import { parseCount, parseDuration, parseSize } from '../../cli/units.js'
import type { SessionReport } from '../../src/coordinator/report.js'
import { whenWritten } from '../support/session.js'
import { killAllChildren, track } from './child-processes.js'

type Scenario = 'clean' | 'kill -9' | 'SIGSTOP' | 'restart'

interface Result {
  scenario: Scenario
  seconds: number
  verified: number
  sha256Matches: number
  nodes: number
  victim?: string
  /** restart: bytes on the victim's target when it died, where it resumed, what it received after. */
  had?: number
  resumedFrom?: number
  receivedAfter?: number
  error?: string
}

const LISTEN = '/ip4/127.0.0.1/tcp/0'
const JOIN_LINE = /join with: ringcast join (\S+) --token (\S+)/
const VICTIM_POSITION = 3
const FRACTION = 0.3

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '512MiB' },
    nodes: { type: 'string', default: '8' },
    'stall-timeout': { type: 'string', default: '5s' },
    'json-out': { type: 'string' },
    help: { type: 'boolean' }
  }
})
if (values.help === true) {
  process.stdout.write('usage: node dist/test/bench/failover-bench.js [--size 512MiB] [--nodes 8] [--stall-timeout 5s] [--json-out FILE]\n')
  process.exit(0)
}
const imageBytes = parseSize(values.size, '--size')
const nodeCount = parseCount(values.nodes, '--nodes')
const stallMs = parseDuration(values['stall-timeout'], '--stall-timeout')
if (nodeCount < VICTIM_POSITION + 2) throw new Error(`--nodes must be at least ${VICTIM_POSITION + 2}, so the victim has a node on each side`)

const log = (line: string): void => { process.stderr.write(`[failover-bench] ${line}\n`) }
process.on('exit', killAllChildren)
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { killAllChildren(); process.exit(130) })

async function runScenario (dir: string, image: string, imageSha: string, scenario: Scenario): Promise<Result> {
  const result: Result = { scenario, seconds: Number.NaN, verified: 0, sha256Matches: 0, nodes: nodeCount }
  const procs: RingcastProcess[] = []
  const start = (p: RingcastProcess): RingcastProcess => { track(p.child); procs.push(p); return p }
  const targets = Array.from({ length: nodeCount }, (_, i) => join(dir, `node-${i}.img`))
  const joinArgs = (i: number, addr: string, token: string): string[] => ['join', addr, '--token', token, '--target', targets[i]!, '--create',
    '--name', `node-${i}`, '--listen', LISTEN, '--key', join(dir, `node-${i}.key`), '--journal', join(dir, `node-${i}.journal`)]
  try {
    const token = randomBytes(16).toString('hex')
    const coordinator = start(spawnRingcast('coordinator', ['serve', image, '--nodes', String(nodeCount), '--listen', LISTEN,
      '--key', join(dir, 'coordinator.key'), '--token', token, '--stall-timeout', `${stallMs}ms`, '--json', '-q']))
    const addr = (await coordinator.waitForLine(JOIN_LINE))[1]!
    const nodes = targets.map((_, i) => start(spawnRingcast(`node-${i}`, joinArgs(i, addr, token))))
    if (scenario !== 'clean') {
      const positions = await Promise.all(nodes.map(async n => Number((await n.waitForLine(/position (\d+) of/, 60_000))[1]) - 1))
      const i = positions.indexOf(VICTIM_POSITION)
      const victim = nodes[i]!
      result.victim = victim.name
      await whenWritten(targets[i]!, FRACTION * imageBytes, 600_000)
      if (scenario === 'SIGSTOP') {
        victim.child.kill('SIGSTOP')
      } else {
        victim.child.kill('SIGKILL')
        await victim.exited
        result.had = (await stat(targets[i]!)).size
      }
      if (scenario === 'restart') {
        // Back a second later (a real reboot takes longer; the session is paced by the chain, not by us).
        await new Promise(resolve => setTimeout(resolve, 1_000))
        if (coordinator.child.exitCode !== null) throw new Error('the session ended before the node came back')
        start(spawnRingcast(`${victim.name}-again`, joinArgs(i, addr, token)))
      }
      await coordinator.exited
      // A frozen node never exits by itself.
      if (scenario === 'SIGSTOP') { victim.child.kill('SIGCONT'); victim.child.kill('SIGKILL') }
    }
    await coordinator.exited
    const report = JSON.parse(coordinator.stdout()) as SessionReport
    result.seconds = report.seconds
    result.verified = report.verified
    if (scenario === 'restart') {
      const row = report.nodes.find(n => n.name === result.victim)!
      result.resumedFrom = row.resumedFrom
      result.receivedAfter = row.bytesReceived
      if (row.status !== 'OK') result.error = `the restarted node did not verify: ${row.reason ?? ''}`
    }
  } catch (err) {
    result.error = (err as Error).message
  } finally {
    await Promise.race([Promise.all(procs.map(async p => await p.exited)), new Promise(resolve => setTimeout(resolve, 30_000))])
    for (const p of procs) p.child.kill('SIGKILL')
  }
  for (const t of targets) if (await sha256File(t).catch(() => '') === imageSha) result.sha256Matches++
  await Promise.all(targets.map(async t => await rm(t, { force: true })))
  return result
}

const MB = 1e6
const fmt = (n: number | undefined, digits = 1): string => n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits)

async function main (): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ringcast-failover-bench-'))
  try {
    const image = join(dir, 'image.img')
    log(`writing a ${imageBytes}-byte random image`)
    await writeRandomFile(image, imageBytes)
    const sha = await sha256File(image)
    const results: Result[] = []
    for (const scenario of ['clean', 'kill -9', 'SIGSTOP', 'restart'] as Scenario[]) {
      log(`${scenario}: ${nodeCount} nodes, ${imageBytes / 1_048_576} MiB`)
      const r = await runScenario(dir, image, sha, scenario)
      log(`${scenario}: ${fmt(r.seconds)} s, ${r.verified} verified, ${r.sha256Matches} sha256 matches${r.error !== undefined ? `, error: ${r.error}` : ''}`)
      results.push(r)
    }
    const clean = results[0]!.seconds
    const bar = clean + stallMs / 1000 + 0.25 * clean
    const expectedOk = (r: Result): number => r.scenario === 'clean' || r.scenario === 'restart' ? nodeCount : nodeCount - 1
    const rows = results.map(r => {
      const pass = r.error === undefined && r.verified === expectedOk(r) && r.sha256Matches === expectedOk(r) && (r.scenario === 'clean' || r.seconds <= bar)
      return [r.scenario, fmt(r.seconds), fmt(imageBytes / MB / r.seconds), r.scenario === 'clean' ? '(baseline)' : `${fmt(r.seconds - clean)} s`,
        `${r.verified}/${r.nodes}`, `${r.sha256Matches}/${r.nodes}`, r.scenario === 'clean' ? '' : `<= ${fmt(bar)} s`, pass ? 'PASS' : 'FAIL']
    })
    const head = ['scenario', 'seconds', 'MB/s', 'vs clean', 'verified', 'sha256 ok', 'bar', '']
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map(row => row[i]!.length)))
    const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
    const out = [
      `failover benchmark: ${nodeCount} nodes, ${imageBytes / 1_048_576} MiB image, --stall-timeout ${stallMs / 1000} s, victim at chain position ${VICTIM_POSITION} at ~${FRACTION * 100} %`,
      line(head), line(widths.map(w => '-'.repeat(w))), ...rows.map(line)
    ]
    const restart = results.find(r => r.scenario === 'restart')!
    if (restart.had !== undefined && restart.resumedFrom !== undefined) {
      const again = Math.max(0, restart.had - restart.resumedFrom)
      const share = restart.had > 0 ? again / restart.had : 0
      out.push('', `restart: had ${restart.had} bytes when killed, resumed at ${restart.resumedFrom}, received ${restart.receivedAfter ?? '-'} after the restart ` +
        `(image ${imageBytes}); received again ${again} bytes = ${(share * 100).toFixed(2)} % of what it had (bar < 10 %): ${share < 0.1 ? 'PASS' : 'FAIL'}`)
    }
    process.stdout.write(`${out.join('\n')}\n`)
    if (values['json-out'] !== undefined) await writeFile(values['json-out'], JSON.stringify({ nodeCount, imageBytes, stallMs, results }, null, 2))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
process.exit()
