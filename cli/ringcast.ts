#!/usr/bin/env -S node --max-semi-space-size=4
// ringcast command line: parse -> call src -> map error codes to exit codes.
//
// The shebang caps V8's young generation at 4 MB per semi-space. Node 22+
// sizes it from physical memory: on Node 24 a node agent (and even a bare
// libp2p receiver) peaked at ~200 MB RSS without the cap and ~166 MB with it,
// at the same speed; on Node 20 the cap costs ~3 % and saves ~5 MB. The flag
// must be there at start-up (v8.setFlagsFromString later has no effect), so
// it lives here and in NODE_FLAGS (cli/local-cluster.ts), which a test keeps equal
// (docs/runtime-facts.md, "V8's young generation on Node 22 and 24").
import '../src/net/shim.js'
import { Command, CommanderError } from 'commander'
import { existsSync } from 'node:fs'
import { hostname, homedir } from 'node:os'
import { join as joinPath } from 'node:path'
import { runAgent } from '../src/agent/agent.js'
import { DEFAULTS, type NodeFacts } from '../src/coordinator/config.js'
import { errorMessage, isRingcastError, RingcastError } from '../src/errors.js'
import { addBootenvCommand } from './bootenv.js'
import { runDemo } from './demo.js'
import { tokenFrom } from './token.js'
import { listNodes, setNode } from './nodes.js'
import { bootOptionsOf, DEFAULT_BOOTENV_DIR } from './boot-mode.js'
import { serveSessions, sessionsOf } from './serve-sessions.js'
import { DEFAULT_COMPRESSION_LEVEL, MAX_COMPRESSION_LEVEL } from '../src/relay/compression.js'
import { DATA_PLANE_KINDS, type DataPlaneKind } from '../src/wire/session-params.js'
import { splitNamed } from '../src/wire/image-parts.js'
import { linkGoodput, readInventory } from './inventory.js'
import { formatPlanJson, formatPlanText, planFromOptions } from './plan.js'
import { parseTopology, type Topology } from '../src/topology/plan.js'
import { EXIT, exitCodeFor, exitCodeForSignal } from './exit-codes.js'
import { createProgressView } from './progress.js'
import { webModeOf } from './web-mode.js'
import { parseCount, parseDuration, parseNonNegative, parseRate, parseSize } from './units.js'

let debug = process.argv.includes('--debug')

const defaultKeyPath = (): string =>
  joinPath(process.env.XDG_CONFIG_HOME ?? joinPath(homedir(), '.config'), 'ringcast', 'coordinator.key')

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value]

const program = new Command()
  .name('ringcast')
  .description('Clone one image onto many machines at once through a pipelined libp2p chain.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()

/**
 * serve's images or join's targets: one plain PATH, or NAME=PATH for each
 * of several (image-parts.ts: only a valid name before the first '=' makes
 * one, so ./a=b stays a path). Mixing the two, or two of one name, is a
 * usage error here, before anything starts.
 */
function namedArgs (args: string[], literalAlone: boolean): Array<{ name: string, path: string }> {
  const named = args.map(a => ({ arg: a, split: splitNamed(a) }))
  // Alone, a name is never used: the argument is a path as it stands (serve disk=2024.img), unless only NAME=PATH names a file.
  if (named.length === 1) {
    const { arg, split } = named[0]!
    return [split !== undefined && !literalAlone && !existsSync(arg) && existsSync(split.path) ? split : { name: '', path: arg }]
  }
  const plain = named.find(n => n.split === undefined)
  if (plain !== undefined) throw new RingcastError('USAGE', `${plain.arg} has no name: with several images or targets, write NAME=PATH for each`)
  const seen = new Set<string>()
  for (const { split } of named) {
    if (seen.has(split!.name)) throw new RingcastError('USAGE', `${split!.name} is named twice`)
    seen.add(split!.name)
  }
  return named.map(n => n.split!)
}

/** serve's zstd level: 0 without --compress; --compress-level alone is a usage error, not ignored. */
function compressionLevelOf (o: Record<string, unknown>, command: Command): number {
  const level = parseCount(o.compressLevel as string, '--compress-level')
  if (o.compress === true) return level
  if (command.getOptionValueSource('compressLevel') === 'cli') throw new RingcastError('USAGE', '--compress-level needs --compress')
  return 0
}

program.command('serve')
  .description('coordinate a session: admit nodes, plan the chain (or tree), stream IMAGE (or several, NAME=IMAGE each, one after another), report')
  .argument('<image...>', 'image file or block device to clone; a .gz, .zst or .xz file is decompressed, and - reads the image from standard input. Several images in one session: NAME=IMAGE for each (e.g. boot=boot.img root=root.img.zst), and every node names a target for each (join --target NAME=PATH). With --boot-nodes, several NAME=IMAGE are one session each instead, run side by side: a boot node whose "image" is NAME joins that one')
  .option('-n, --nodes <count>', 'start as soon as this many nodes have joined')
  .option('--wait-timeout <duration>', 'start with the nodes present after this long', '300s')
  .option('--min-nodes <count>', 'when the wait times out, start only if at least this many joined', '1')
  .option('--allow-failures <count>', 'exit 0 even if up to this many nodes fail', '0')
  .option('--listen <multiaddr>', 'listen address (repeatable); with several sessions (--boot-nodes, NAME=IMAGE each), the Nth (from 0, in argument order) listens on each port + N', collect)
  .option('--block-size <size>', 'block size', '1MiB')
  .option('--window <size>', 'unacknowledged bytes in flight per hop', '8MiB')
  .option('--stall-timeout <duration>', 'fail a running node whose heartbeats have been missing this long (hung, frozen or unplugged)', '30s')
  .option('--max-rate <rate>', 'cap what the source sends, over all its feeds (e.g. 100MB/s; 0: no cap)', '0')
  .option('-t, --topology <spec>', 'chain, tree:K, chains:M or auto (see ringcast plan)', 'chain')
  .option('--link-rate <rate>', "for auto: a node's link rate where neither the inventory nor the node itself (/sys/class/net) says, e.g. 1Gbit or 10Gbit", '1Gbit')
  .option('--source-rate <rate>', "for auto: this host's uplink (default: --link-rate)")
  .option('--inventory <file>', 'nodes by name, with subnet and link/disk rates (as for ringcast plan); others are planned by their address')
  .option('--straggler-after <duration>', 'move a node whose disk holds the others back for this long out of the way (0: never)', '5s')
  .option('--data-plane <mode>', 'how blocks travel between hops: encrypted (TLS 1.3 per hop, keyed over the control plane), integrity-only (plain TCP, for trusted fabrics: blocks are still signed by this source and verified by every node, but anyone on the wire can read them) or libp2p (noise streams, the slower pre-protocol-4 path)', 'encrypted')
  .option('--raw', 'send every byte of the image; by default all-zero blocks are skipped (nodes make them read zeros) and of an ext2/3/4 file system only its used blocks are sent (the rest of the target is left as it is)')
  .option('--compress', 'compress blocks on the wire with zstd, each only where that saves at least 1/32 of it; relays forward them as they are, and every node checks each block\'s content against the source\'s signed hash')
  .option('--compress-level <level>', `zstd level for --compress, 1-${MAX_COMPRESSION_LEVEL}`, String(DEFAULT_COMPRESSION_LEVEL))
  .option('--spool-dir <dir>', 'where an image from standard input (-) or a compressed one (.gz, .zst, .xz) is decompressed and kept, sparse, while it is served (default: the temporary directory)')
  .option('--key <path>', 'identity key file, created 0600 if missing', defaultKeyPath())
  .option('--token <token>', 'session token nodes must present (generated if omitted; --token-file or RINGCAST_TOKEN keep it out of ps)')
  .option('--token-file <file>', 'read the session token from the first line of FILE')
  .option('--state <dir>', 'keep the session in DIR as it runs; a serve started again with the same DIR, --key and image (after a crash or kill -9) re-adopts it: the nodes go on meanwhile and dial back (docs/restart.md)')
  .option('--boot-nodes <file>', 'boot the nodes in FILE from the network (PXE): proxy-DHCP, TFTP and per-node iPXE scripts; each node in state clone gets the cloning environment, each verified one then boots its disk (see ringcast nodes)')
  .option('--boot-interface <name>', 'with --boot-nodes: the interface the nodes PXE-boot on (proxy-DHCP answers there only; the boot files are served on its address)')
  .option('--boot-port <port>', 'with --boot-nodes: the boot HTTP server\'s port (0: any free one)', '8080')
  .option('--bootenv <dir>', 'with --boot-nodes: the cloning environment, vmlinuz and initrd.img (ringcast bootenv build)', DEFAULT_BOOTENV_DIR)
  .option('--admit <policy>', 'with --boot-nodes: a MAC that PXE-boots and is not in the nodes file is registered, and cloned only with any', 'known')
  .option('--boot-target <device>', 'with --boot-nodes: the device a node without a target of its own gets')
  .option('--boot-cmdline <param>', 'with --boot-nodes: one more kernel parameter for the cloning environment, e.g. console=ttyS0,115200 (repeatable)', collect)
  .option('--boot-linger <duration>', 'with --boot-nodes: after the session, keep serving until every verified node has booted its clone, at most this long', '10m')
  .option('--no-proxy-dhcp', 'with --boot-nodes: no proxy-DHCP (the site\'s DHCP server already sends PXE clients to this host\'s TFTP and boot.ipxe)')
  .option('--web <address>', 'serve a live view of the session at ADDRESS:PORT (or PORT, on 127.0.0.1): the topology, each node\'s state, progress and rate, failures as they happen, the report (one session only: refused with several, --boot-nodes and NAME=IMAGE each)')
  .option('--json', 'print the final report as JSON on stdout')
  .option('-q, --quiet', 'no progress or log lines on stderr')
  .option('--debug', 'print stack traces')
  .action(async (imageArgs: string[], o: Record<string, string | string[] | boolean | undefined>, command: Command) => {
    const view = createProgressView('serve', { quiet: o.quiet === true })
    const images = namedArgs(imageArgs, false)
    const topology = parseTopologyFlag(o.topology as string)
    for (const flag of ['linkRate', 'sourceRate'] as const) {
      if (command.getOptionValueSource(flag) === 'cli' && topology.kind !== 'auto') {
        view.log(`warning: --${flag === 'linkRate' ? 'link' : 'source'}-rate only informs --topology auto; this session plans ${o.topology as string} and ignores it`)
      }
    }
    const bootOptions = bootOptionsOf(o, command)
    // With --boot-nodes, several NAME=IMAGE are one session each (serve-sessions.ts).
    const sessions = sessionsOf(images, bootOptions, { nodes: o.nodes !== undefined, web: o.web !== undefined })
    const web = webModeOf(o.web as string | undefined, view.log)
    process.exitCode = await serveSessions({
      sessions,
      tokenHidden: o.token === undefined && (o.tokenFile !== undefined || (process.env.RINGCAST_TOKEN ?? '') !== ''),
      nodes: o.nodes !== undefined ? parseCount(o.nodes as string, '--nodes') : undefined,
      config: {
        waitTimeoutMs: parseDuration(o.waitTimeout as string, '--wait-timeout'),
        minNodes: parseCount(o.minNodes as string, '--min-nodes'),
        allowFailures: parseNonNegative(o.allowFailures as string, '--allow-failures'),
        listen: (o.listen as string[] | undefined) ?? DEFAULTS.listen,
        blockSizeBytes: parseSize(o.blockSize as string, '--block-size'),
        windowBytes: parseSize(o.window as string, '--window'),
        stallTimeoutMs: parseDuration(o.stallTimeout as string, '--stall-timeout'),
        maxRateBytesPerSecond: parseRate(o.maxRate as string, '--max-rate'),
        topology,
        linkRateBytesPerSecond: linkGoodput(o.linkRate as string, '--link-rate'),
        sourceRateBytesPerSecond: linkGoodput((o.sourceRate ?? o.linkRate) as string, o.sourceRate === undefined ? '--link-rate' : '--source-rate'),
        stragglerAfterMs: parseDuration(o.stragglerAfter as string, '--straggler-after'),
        inventory: o.inventory === undefined ? undefined : await loadInventory(o.inventory as string),
        dataPlane: parseDataPlane(o.dataPlane as string),
        raw: o.raw === true,
        compressionLevel: compressionLevelOf(o, command),
        spoolDir: o.spoolDir as string | undefined,
        keyPath: o.key as string,
        token: await tokenFrom(o) ?? '',
        stateDir: o.state as string | undefined
      },
      boot: bootOptions,
      web,
      view,
      json: o.json === true,
      onSignal
    })
  })

program.command('join')
  .description('join a session as a node and write the image to TARGET (or each of the session\'s images to its own, --target NAME=PATH)')
  .argument('<coordinator>', 'coordinator multiaddr, as printed by serve (ends in /p2p/<id>)')
  .option('--token <token>', 'session token printed by serve (visible in ps: --token-file or RINGCAST_TOKEN keep it out)')
  .option('--token-file <file>', 'read the session token from the first line of FILE')
  .requiredOption('--target <path>', 'block device, file, or empty directory (an archive image is unpacked there once verified) to write the image to; for a session of several images, NAME=PATH once for each (repeatable)', collect)
  .option('--create', 'create the target file if it does not exist')
  .option('--name <name>', 'node name in the report', hostname())
  .option('--listen <multiaddr>', 'listen address for the upstream (repeatable)', collect)
  .option('--key <path>', 'identity key file (ephemeral identity if omitted)')
  .option('--connect-timeout <duration>', 'give up reaching the coordinator after this long', '60s')
  .option('--coordinator-timeout <duration>', 'a coordinator that vanishes mid-session is redialled this long while the clone goes on (serve --state re-adopts the session); then the node exits 6, keeping its journal (0: at once)', '2m')
  .option('--max-write-rate <rate>', 'cap how fast this node writes its target, e.g. 50MB/s, to spare a busy disk (0: no cap); a node much slower than the rest is served in the background', '0')
  .option('--replay-buffer <size>', 'newest bytes kept in memory to catch up a downstream that falls behind (older ones are read back from the target)', '4MiB')
  .option('--journal <path>', 'resume journal: lets a restarted node (same --key and --target) resume (default: <target>.ringcast-journal for a file, /var/lib/ringcast/ for a device)')
  .option('--no-journal', 'keep no resume journal (a restarted node starts over)')
  .option('--data-port <port>', 'TCP port for the block streams from the upstream (the data plane; default: any free port, on the --listen address)', '0')
  .option('--discard', "block devices: discard (TRIM) the target's blocks before writing, so the blocks a used-blocks clone leaves free hold nothing rather than old data")
  .option('--verify-readback', "after the final fsync, re-read the whole target and check every block against the source's signed hashes and the image's sha256 (a device's buffer cache is flushed first)")
  .option('--identity <hook>', 'once the copy is verified, give the clone its own identity before it counts as done: builtin (host name, a fresh /etc/machine-id and new SSH host keys, in its ext2/3/4 root, with debugfs) or the path of an executable run with the node\'s name, host name, target(s) and inventory fields in its environment (repeatable, run in order; see docs/identity.md)', collect)
  .option('--json', 'print the result as JSON on stdout')
  .option('-q, --quiet', 'no progress or log lines on stderr')
  .option('--debug', 'print stack traces')
  .action(async (coordinatorAddr: string, o: Record<string, string | string[] | boolean | undefined>) => {
    const view = createProgressView(`join ${o.name as string}`, { quiet: o.quiet === true })
    onSignal(signal => {
      view.stop()
      process.stderr.write(`ringcast: stopped by ${signal}; this copy is not verified (a restart with the same --key and --target resumes from its journal)\n`)
      process.exit(exitCodeForSignal(signal))
    })
    try {
      const result = await runAgent({
        coordinator: coordinatorAddr,
        token: await joinToken(o),
        targets: namedArgs(o.target as string[], true),
        create: o.create === true,
        name: o.name as string,
        listen: (o.listen as string[] | undefined) ?? ['/ip4/0.0.0.0/tcp/0'],
        keyPath: o.key as string | undefined,
        connectTimeoutMs: parseDuration(o.connectTimeout as string, '--connect-timeout'),
        coordinatorTimeoutMs: parseDuration(o.coordinatorTimeout as string, '--coordinator-timeout'),
        replayBytes: parseSize(o.replayBuffer as string, '--replay-buffer'),
        maxWriteRateBytesPerSecond: parseWriteRate(o.maxWriteRate as string),
        journalPath: o.journal === false ? null : o.journal as string | undefined,
        verifyReadback: o.verifyReadback === true,
        discard: o.discard === true,
        dataPort: parsePort(o.dataPort as string),
        identity: o.identity as string[] | undefined
      }, { log: view.log, progress: view.update })
      view.stop()
      process.stdout.write(o.json === true
        ? `${JSON.stringify({ verified: true, ...result }, null, 2)}\n`
        : `${result.name}: verified ${result.images.length > 0 ? `${result.images.length} images (${result.images.map(i => `${i.name}: ${i.bytes} bytes to ${i.target}`).join(', ')}), ` : ''}${result.bytesWritten} bytes${result.resumedFrom > 0 ? ` (resumed at ${result.resumedFrom}, received ${result.bytesReceived} after the restart)` : ''}, ${result.images.length > 0 ? 'session digest' : 'sha256'} ${result.sha256}${result.identity !== undefined ? '; identity set' : ''}\n`)
    } finally {
      view.stop()
    }
  })

program.command('demo')
  .description('clone a generated image to local nodes, each a separate process, and report')
  .option('-n, --nodes <count>', 'node processes to start', '4')
  .option('--size <size>', 'size of the generated image', '256MiB')
  .option('--block-size <size>', 'block size', '1MiB')
  .option('--dir <path>', 'work directory (a temporary one is made and removed if omitted)')
  .option('--keep', 'keep the work directory')
  .option('--debug', 'print stack traces')
  .action(async (o: Record<string, string | boolean | undefined>) => {
    process.exitCode = await runDemo({
      nodes: parseCount(o.nodes as string, '--nodes'),
      imageBytes: parseSize(o.size as string, '--size'),
      blockSize: o.blockSize as string,
      dir: o.dir as string | undefined,
      keep: o.keep === true
    })
  })

program.command('plan')
  .description('print the topology the coordinator would build for an inventory, with its estimated time; runs nothing')
  .option('--inventory <file>', 'nodes, one per line: NAME ADDRESS[/PREFIX] [subnet=KEY] [link=RATE] [disk=RATE] (or a JSON array)')
  .option('-n, --nodes <count>', 'plan for COUNT made-up nodes instead of an inventory')
  .option('--subnets <count>', 'with --nodes: spread them over COUNT subnets, in contiguous blocks', '1')
  .option('-t, --topology <spec>', 'chain, tree:K, chains:M or auto', 'chain')
  .option('--source <address>', "the coordinator's address (its subnet goes first)")
  .option('--prefix <bits>', 'subnet prefix length for addresses without one (default 24 for IPv4, 64 for IPv6)')
  .option('--image-size <size>', 'image size, for the estimate', '20GB')
  .option('--block-size <size>', 'block size', '1MiB')
  .option('--link-rate <rate>', "a node's link rate each way, e.g. 1Gbit, 10Gbit (as TCP goodput, 94 %) or 117MB/s", '1Gbit')
  .option('--source-rate <rate>', "the source's uplink (default: --link-rate)")
  .option('--disk-rate <rate>', "a node's disk write rate (0: never the limit)", '0')
  .option('--router-rate <rate>', "each subnet's uplink to the router, each way (0: never the limit)", '0')
  .option('--hop-latency <duration>', 'latency per hop, e.g. 1ms', '1ms')
  .option('--json', 'print JSON instead of a text tree')
  .option('--debug', 'print stack traces')
  .action(async (o: Record<string, string | boolean | undefined>) => {
    const unlimited = (rate: number): number => rate === 0 ? Infinity : rate
    const linkRate = linkGoodput(o.linkRate as string, '--link-rate')
    if (!(linkRate > 0)) throw new RingcastError('USAGE', '--link-rate must be above 0')
    const out = await planFromOptions({
      inventory: o.inventory as string | undefined,
      nodes: o.nodes === undefined ? undefined : parseCount(o.nodes as string, '--nodes'),
      subnets: parseCount(o.subnets as string, '--subnets'),
      topology: o.topology as string,
      source: o.source as string | undefined,
      prefix: o.prefix === undefined ? undefined : parseNonNegative(o.prefix as string, '--prefix'),
      imageBytes: parseSize(o.imageSize as string, '--image-size'),
      blockBytes: parseSize(o.blockSize as string, '--block-size'),
      linkRate,
      sourceRate: o.sourceRate === undefined ? linkRate : unlimited(linkGoodput(o.sourceRate as string, '--source-rate')),
      diskRate: unlimited(parseRate(o.diskRate as string, '--disk-rate')),
      routerRate: unlimited(linkGoodput(o.routerRate as string, '--router-rate')),
      hopLatencySeconds: parseDuration(o.hopLatency as string, '--hop-latency') / 1000,
      json: o.json === true
    })
    process.stdout.write(`${o.json === true ? formatPlanJson(out) : formatPlanText(out)}\n`)
  })

const nodesCommand = program.command('nodes')
  .description('list the boot inventory: each node\'s MAC, image, target and state (registered, clone, cloning, verified, local)')
  .option('-f, --file <path>', 'the nodes file (as given to serve --boot-nodes)', 'nodes.json')
  .option('--json', 'print JSON')
  .option('--debug', 'print stack traces')
  .action(async (o: Record<string, string | boolean | undefined>) => {
    process.stdout.write(`${await listNodes(o.file as string, o.json === true)}\n`)
  })
nodesCommand.command('set')
  .description('set a node to clone (install it at its next network boot) or local (boot its own disk)')
  .argument('<name>', 'the node, by name')
  .argument('<state>', 'clone or local')
  .option('--debug', 'print stack traces')
  .action(async (name: string, state: string) => {
    const node = await setNode(nodesCommand.opts().file as string, name, state)
    process.stdout.write(`${node.name}: ${node.state}\n`)
  })

addBootenvCommand(program)

/** join's token: it must come from somewhere. */
async function joinToken (o: Record<string, unknown>): Promise<string> {
  const token = await tokenFrom(o)
  if (token === undefined) throw new RingcastError('USAGE', 'join needs the session token: --token-file FILE, RINGCAST_TOKEN, or --token')
  return token
}

/** join --data-port: 0 to 65535. */
function parsePort (value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65_535) throw new RingcastError('USAGE', `--data-port must be a TCP port, 0 to 65535 (got ${value})`)
  return port
}

/** serve --data-plane: one of DATA_PLANE_KINDS, else a usage error naming them. */
function parseDataPlane (value: string): DataPlaneKind {
  const kind = DATA_PLANE_KINDS.find(k => k === value)
  if (kind === undefined) throw new RingcastError('USAGE', `--data-plane must be one of ${DATA_PLANE_KINDS.join(', ')} (got ${value})`)
  return kind
}

/** serve --inventory: node facts by name (the same file ringcast plan reads). */
async function loadInventory (path: string): Promise<Map<string, NodeFacts>> {
  return new Map((await readInventory(path)).map(n => [n.name, { subnet: n.subnet, link: n.link, disk: n.disk }]))
}

/** Call `stop` once on the first SIGINT or SIGTERM. */
function onSignal (stop: (signal: 'SIGINT' | 'SIGTERM') => void): void {
  let stopped = false
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopped) return
      stopped = true
      stop(signal)
    })
  }
}

function parseWriteRate (text: string): number {
  const rate = parseRate(text, '--max-write-rate')
  if (rate > 0 && rate < 65_536) throw new RingcastError('USAGE', `--max-write-rate must be at least 64KiB per second, or 0 for no cap (got ${rate})`)
  return rate
}

function parseTopologyFlag (text: string): Topology {
  try {
    return parseTopology(text)
  } catch (err) {
    throw new RingcastError('USAGE', `--topology: ${(err as Error).message}`)
  }
}

async function main (): Promise<void> {
  try {
    await program.parseAsync(process.argv)
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version exit 0; every parsing error is a usage error.
      process.exitCode = err.exitCode === 0 ? EXIT.OK : EXIT.USAGE
      return
    }
    debug ||= program.commands.some(c => c.opts().debug === true)
    process.stderr.write(`ringcast: ${errorMessage(err)}\n`)
    if (debug && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`)
    process.exitCode = isRingcastError(err) ? exitCodeFor(err.code) : EXIT.INTERNAL
  }
}

await main()
// Exit now rather than wait for stray handles, but only once what was
// printed is out: writes to a pipe are asynchronous (docs/runtime-facts.md),
// and exiting at once cut a large --json report short after 64 KiB.
await Promise.all([process.stdout, process.stderr].map(async stream => { await new Promise<void>(resolve => stream.write('', () => resolve())) }))
process.exit()
