// A whole session in one process: the real Coordinator and real agents
// (runAgent), over a MemoryNetwork, on one FakeClock, writing real target
// files in a temporary directory. Configurations are the ones the CLI
// builds: the coordinator's DEFAULTS plus what a test asks for, and the
// agent's `ringcast join` defaults.
//
// Agents are started one at a time, each once the previous one is
// admitted, so the join order (and so the chain) is the order given.
// Everything is torn down when the test finishes (onTestFinished).

import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onTestFinished } from 'vitest'
import { runAgent, type AgentConfig, type AgentResult } from '../../src/agent/agent.js'
import { DEFAULTS, type CoordinatorConfig } from '../../src/coordinator/config.js'
import { Coordinator, type NodeOutcomes } from '../../src/coordinator/coordinator.js'
import type { IdentityStep } from '../../src/identity/identity-step.js'
import type { SessionReport } from '../../src/coordinator/report.js'
import { FakeClock } from './fake-clock.js'
import { MemoryNetwork, type MemoryNode } from './memory-network.js'

/** A log line and the fake time it was written at. */
export interface TimedLine { at: number, line: string }

export interface MemoryNodeSpec {
  name: string
  /** join --max-write-rate: a slow disk. */
  maxWriteRateBytesPerSecond?: number
  /** join --identity: its hooks (with `runIdentity`, names only: nothing is run but that). */
  identity?: string[]
  /** What runs its identity step in place of real hooks. */
  runIdentity?: (step: IdentityStep) => Promise<string[]>
}

export interface MemorySessionOptions {
  imageBytes: number
  nodes: MemoryNodeSpec[]
  blockSizeBytes?: number
  windowBytes?: number
  /** Anything else the coordinator should be told (serve's flags). */
  coordinator?: Partial<CoordinatorConfig>
  /** The image's bytes (default: random). */
  makeImage?: (bytes: number) => Buffer
  /** serve --boot-nodes: what the boot service is told of each node (and gives for its identity). */
  nodeOutcomes?: NodeOutcomes
}

export interface MemoryAgent {
  name: string
  net: MemoryNode
  targetPath: string
  /** Bytes written as of its last heartbeat. */
  written: number
  log: TimedLine[]
  /** What runAgent returned or threw. */
  result: Promise<AgentResult>
  settled: boolean
}

export interface MemorySession {
  clock: FakeClock
  network: MemoryNetwork
  coordinator: Coordinator
  image: { path: string, bytes: Buffer, sha256: string }
  /** In join order, which is the chain's order. */
  agents: MemoryAgent[]
  agent: (name: string) => MemoryAgent
  /** The coordinator's log. */
  log: TimedLine[]
  /** The first coordinator log line matching `pattern`. */
  logged: (pattern: RegExp) => TimedLine | undefined
  /** The coordinator's run(): the report (the coordinator is stopped once it is out). */
  report: Promise<SessionReport>
  /** Fake time at which the session was started. */
  startedAt: number
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

export async function sha256File (path: string): Promise<string> {
  return sha256(await readFile(path))
}

export async function startMemorySession (options: MemorySessionOptions): Promise<MemorySession> {
  const dir = await mkdtemp(join(tmpdir(), 'ringcast-memory-'))
  const clock = new FakeClock()
  const network = new MemoryNetwork(clock)
  const agents: MemoryAgent[] = []
  let coordinator: Coordinator | undefined
  let stopping: Promise<void> | undefined
  const stopCoordinator = async (): Promise<void> => { await (stopping ??= coordinator?.stop()) }
  onTestFinished(async () => {
    // Let every agent's code unwind (a frozen one included), then close the rest.
    for (const a of agents) if (!a.settled) network.kill(a.net.peerId)
    await clock.runUntil(() => agents.every(a => a.settled), { maxMs: 600_000, what: 'the agents to unwind' }).catch(() => {})
    await stopCoordinator()
    await rm(dir, { recursive: true, force: true })
  })

  const image = options.makeImage?.(options.imageBytes) ?? randomBytes(options.imageBytes)
  const imagePath = join(dir, 'image.img')
  await writeFile(imagePath, image)
  const log: TimedLine[] = []
  const hashed = Promise.withResolvers<void>()
  const coordinatorNode = network.node('coordinator')
  const token = randomBytes(12).toString('hex')
  coordinator = await Coordinator.start({
    ...DEFAULTS,
    images: [{ name: '', path: imagePath }],
    keyPath: join(dir, 'coordinator.key'),
    token,
    nodes: options.nodes.length,
    blockSizeBytes: options.blockSizeBytes ?? 65_536,
    windowBytes: options.windowBytes ?? 262_144,
    ...options.coordinator
  }, {
    log: line => {
      log.push({ at: clock.now(), line })
      if (line.startsWith('image sha256') || line.startsWith('clone digest')) hashed.resolve()
      if (line.startsWith('hashing the image failed')) hashed.reject(new Error(line))
    },
    nodes: options.nodeOutcomes
  }, { net: coordinatorNode, signingSeed: coordinatorNode.seed, clock: coordinatorNode.clock })
  // The image digest comes from a worker thread, outside fake time: wait for
  // it in real time (tens of ms), so fake time does not run on meanwhile.
  await hashed.promise
  // As `ringcast serve` does: stop once the report is out. A node still
  // lingering for a downstream (a hung one it was never told to drop,
  // having finished first) hangs up only then.
  const running = coordinator
  const report = (async () => {
    try {
      return await running.run()
    } finally {
      await stopCoordinator()
    }
  })()
  report.catch(() => {})
  const joinAddr = coordinator.joinAddrs[0]!
  const logged = (pattern: RegExp): TimedLine | undefined => log.find(l => pattern.test(l.line))

  for (const spec of options.nodes) {
    const targetPath = join(dir, `${spec.name}.img`)
    // Pre-sized, as a user would make it with truncate -s.
    await writeFile(targetPath, '')
    await truncate(targetPath, options.imageBytes)
    const net = network.node(spec.name)
    const agentLog: TimedLine[] = []
    // What `ringcast join` builds from its defaults.
    const config: AgentConfig = {
      coordinator: joinAddr,
      token,
      targets: [{ name: '', path: targetPath }],
      create: false,
      name: spec.name,
      listen: ['/ip4/0.0.0.0/tcp/0'],
      keyPath: undefined,
      connectTimeoutMs: 60_000,
      replayBytes: 16 * 1_048_576,
      maxWriteRateBytesPerSecond: spec.maxWriteRateBytesPerSecond ?? 0,
      journalPath: undefined,
      identity: spec.identity
    }
    const agent: MemoryAgent = {
      name: spec.name,
      net,
      targetPath,
      written: 0,
      log: agentLog,
      settled: false,
      result: runAgent(config, {
        log: line => agentLog.push({ at: clock.now(), line }),
        progress: written => { agent.written = written }
      }, { net, clock: net.clock, runIdentity: spec.runIdentity })
    }
    agent.result.then(() => { agent.settled = true }, () => { agent.settled = true })
    agents.push(agent)
    await clock.runUntil(() => logged(new RegExp(`^admitted ${spec.name} `)) !== undefined, { what: `${spec.name} to be admitted` })
  }

  return {
    clock,
    network,
    coordinator,
    image: { path: imagePath, bytes: image, sha256: sha256(image) },
    agents,
    agent: name => {
      const a = agents.find(x => x.name === name)
      if (a === undefined) throw new Error(`no agent ${name}`)
      return a
    },
    log,
    logged,
    report,
    startedAt: logged(/^starting: /)?.at ?? clock.now()
  }
}
