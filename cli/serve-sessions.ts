// serve, once its flags are read: one session, or (serve --boot-nodes with
// several NAME=IMAGE) one session per image, side by side in one process, so
// two groups of a lab are installed with different systems at once.
//
// How this works
//   sessionsOf()     without --boot-nodes, or with one image: one session of
//                    every image given (several travel one after another over
//                    one chain, as always). With --boot-nodes and several
//                    NAME=IMAGE: one session per image; its group is the
//                    nodes whose "image" is NAME (sessionFor, boot-mode.ts).
//   serveSessions()  one Coordinator per session, session i (in argument
//                    order, from 0) listening on each --listen port + i (a
//                    port 0 stays 0: any free one); each waits for its own
//                    group's nodes in clone. Then one BootService for all
//                    (one proxy-DHCP, one HTTP server, one nodes file): a
//                    node's script names its session's coordinator and a
//                    token only that session accepts (node-tokens.ts). Every
//                    session runs at once; the reports are printed when all
//                    are over, in argument order; the linger covers every
//                    verified node; a signal stops every session.
//
//   nodes.json --> BootService --(node of a)--> coordinator a :7373 --> group a's chain
//                              --(node of b)--> coordinator b :7374 --> group b's chain

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join as joinPath } from 'node:path'
import type { BootService } from '../src/boot/boot-service.js'
import { DEFAULTS, type CoordinatorConfig } from '../src/coordinator/config.js'
import { Coordinator } from '../src/coordinator/coordinator.js'
import { formatReport, type SessionReport } from '../src/coordinator/report.js'
import { errorMessage, isRingcastError, RingcastError } from '../src/errors.js'
import type { NamedImage } from '../src/image/image-set.js'
import { lateOutcomes, lingerUntilBooted, nodesToClone, startBoot, type BootOptions, type BootSession } from './boot-mode.js'
import { EXIT, exitCodeForSignal } from './exit-codes.js'
import type { ProgressView } from './progress.js'
import type { WebMode } from './web-mode.js'

export interface ServeInput {
  sessions: BootSession[]
  /** The coordinators' configuration, but for what each session has of its own. */
  config: Omit<CoordinatorConfig, 'images' | 'nodes'>
  /** --nodes, when given (one session only). */
  nodes?: number
  boot?: BootOptions
  web?: WebMode
  view: ProgressView
  json: boolean
  /** The token came from --token-file or RINGCAST_TOKEN: the join line names the file, never the secret. */
  tokenHidden?: boolean
  onSignal: (stop: (signal: 'SIGINT' | 'SIGTERM') => void) => void
}

/** One session per image with --boot-nodes and several images; else one of them all. Flags that cannot apply to several are usage errors. */
export function sessionsOf (images: NamedImage[], boot: BootOptions | undefined, flags: { nodes: boolean, web: boolean }): BootSession[] {
  if (boot === undefined || images.length === 1) return [{ name: '', images }]
  if (flags.nodes) throw new RingcastError('USAGE', '--nodes cannot be given with several sessions (--boot-nodes and several NAME=IMAGE): each waits for the nodes of its own image in clone in the nodes file')
  if (flags.web) throw new RingcastError('USAGE', '--web shows one session; with several (--boot-nodes and several NAME=IMAGE) leave it out and follow the log, or ringcast nodes')
  // One standard input cannot feed two sessions (the first would read it all).
  if (images.filter(i => i.path === '-').length > 1) throw new RingcastError('USAGE', 'only one image can come from standard input (-)')
  return images.map(i => ({ name: i.name, images: [{ name: '', path: i.path }] }))
}

/** `listen` for session `index`: every TCP port + index, so each session's port is known in advance (firewalls); port 0 stays 0. */
export function listenFor (listen: readonly string[], index: number): string[] {
  return listen.map(addr => addr.replace(/\/tcp\/(\d+)/, (whole, port: string) => {
    if (Number(port) === 0 || index === 0) return whole
    const shifted = Number(port) + index
    if (shifted > 65_535) throw new RingcastError('USAGE', `session ${index + 1} would listen on TCP port ${shifted} (--listen port + ${index}): give a lower --listen port`)
    return `/tcp/${shifted}`
  }))
}

interface Running extends BootSession {
  coordinator: Coordinator
}

type Outcome = { report: SessionReport } | { error: unknown }

/** Run every session; the exit status. */
export async function serveSessions (input: ServeInput): Promise<number> {
  const { sessions, boot, web, view } = input
  const several = sessions.length > 1
  const label = (s: BootSession): string => several ? `[${s.name}] ` : ''
  const toClone = input.nodes === undefined && boot !== undefined ? await nodesToClone(boot, sessions) : undefined
  for (const u of toClone?.unserved ?? []) view.log(`boot: ${u.name} is in clone, but ${u.why}; it will boot from its local disk`)
  let service: BootService | undefined
  const progress = sessions.map(() => ({ done: 0, total: 0 }))
  const running: Running[] = []
  try {
    for (const [i, s] of sessions.entries()) {
      const log = (line: string): void => { view.log(`${label(s)}${line}`); web?.log(line) }
      const count = toClone?.counts[i] ?? 0
      const coordinator = await Coordinator.start({
        ...input.config,
        images: [...s.images],
        nodes: input.nodes ?? (count > 0 ? count : DEFAULTS.nodes),
        listen: listenFor(input.config.listen, i),
        // One state directory per session: DIR itself for one, DIR/NAME for each of several.
        stateDir: input.config.stateDir === undefined ? undefined : several ? joinPath(input.config.stateDir, s.name) : input.config.stateDir
      }, {
        log,
        progress: p => {
          progress[i] = { done: p.slowestBytes, total: p.imageBytes }
          view.update(progress.reduce((n, q) => n + q.done, 0), progress.reduce((n, q) => n + q.total, 0))
        },
        nodes: boot === undefined ? undefined : lateOutcomes(() => service, s.name)
      })
      running.push({ ...s, coordinator })
    }
  } catch (err) {
    await Promise.all(running.map(async r => { await r.coordinator.stop() }))
    throw err
  }
  // Stopping fails every node, which can end run() before stop() resolves: the exit status is the signal's either way.
  let interrupted: 'SIGINT' | 'SIGTERM' | undefined
  let bootWork: string | undefined
  input.onSignal(signal => {
    interrupted = signal
    const kept = input.config.stateDir
    process.stderr.write(kept === undefined
      ? `ringcast: stopped by ${signal}; ${several ? 'every session is' : 'the session is'} over and its nodes are told so (they keep what they verified)\n`
      : `ringcast: stopped by ${signal}; ${several ? 'the sessions are' : 'the session is'} kept in ${kept}: its nodes go on and wait (join --coordinator-timeout) for serve to be started again with --state ${kept}\n`)
    // Without --state nobody can take the session back: its nodes are told to stop now.
    const farewell = kept === undefined ? `serve was stopped by ${signal}` : undefined
    // process.exit skips the finally below: dnsmasq's work directory goes here.
    void Promise.all([service?.stop(), ...running.map(async r => { await r.coordinator.stop(farewell) }), web?.close()])
      .then(async () => { if (bootWork !== undefined) await rm(bootWork, { recursive: true, force: true }) })
      .then(() => process.exit(exitCodeForSignal(signal)))
  })
  bootWork = boot === undefined ? undefined : await mkdtemp(joinPath(tmpdir(), 'ringcast-boot-'))
  try {
    if (web !== undefined) await web.listen(running[0]!.coordinator)
    if (boot !== undefined) {
      service = await startBoot(boot, running, bootWork!, view.log)
      for (const [i, r] of running.entries()) {
        const count = toClone?.counts[i] ?? 0
        if (count > 0) view.log(`${label(r)}boot: waiting for the ${count} node(s) the nodes file has in clone for this session`)
        else if (several) view.log(`${label(r)}boot: no node of image ${r.name} is in clone in the nodes file; this session waits up to --wait-timeout for one (ringcast nodes set NAME clone)`)
      }
    }
    for (const r of running) {
      const addr = r.coordinator.joinAddrs[0] ?? '<address>'
      // The one line an operator copies to every node (stderr: stdout is the report).
      const targets = r.images.length === 1 ? '--target <device-or-file>' : r.images.map(i => `--target ${i.name}=<device-or-file>`).join(' ')
      const token = input.tokenHidden === true ? '--token-file <the token file>' : `--token ${r.coordinator.token}`
      process.stderr.write(`join with${several ? ` (${r.name})` : ''}: ringcast join ${addr} ${token} ${targets}\n`)
    }
    const outcomes: Outcome[] = await Promise.all(running.map(async r => await r.coordinator.run().then(report => ({ report }), (error: unknown) => ({ error }))))
    // One session: its failure is serve's, as it always was (its own exit status and sentence).
    if (!several && 'error' in outcomes[0]!) throw outcomes[0].error
    const reports = outcomes.flatMap(o => 'report' in o ? [o.report] : [])
    if (!several) web?.report(reports[0]!)
    view.stop()
    process.stdout.write(formatOutcomes(running, outcomes, input.json))
    const ok = outcomes.every(o => 'report' in o && o.report.ok)
    const exit = interrupted !== undefined ? exitCodeForSignal(interrupted) : ok ? EXIT.OK : EXIT.CLONE_FAILED
    if (service !== undefined && interrupted === undefined) await lingerUntilBooted(service, boot!.lingerMs, view.log)
    return exit
  } finally {
    view.stop()
    await service?.stop()
    if (bootWork !== undefined) await rm(bootWork, { recursive: true, force: true })
    // A session that ended (or could not run) without --state is over for every node still connected.
    await Promise.all(running.map(async r => { await r.coordinator.stop(input.config.stateDir === undefined ? 'the session is over' : undefined) }))
    await web?.close()
  }
}

/**
 * What serve prints on stdout. One session: its report, as it always was.
 * Several: each under its name, in argument order; --json, one document:
 * {"sessions": [{"name", "report"} or {"name", "error": {"code", "message"}}]}.
 */
export function formatOutcomes (sessions: readonly BootSession[], outcomes: readonly Outcome[], json: boolean): string {
  if (sessions.length === 1 && 'report' in outcomes[0]!) {
    const report = outcomes[0].report
    return json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`
  }
  const errorOf = (err: unknown): { code: string, message: string } => ({ code: isRingcastError(err) ? err.code : 'INTERNAL', message: errorMessage(err) })
  if (json) {
    const docs = sessions.map((s, i) => {
      const o = outcomes[i]!
      return 'report' in o ? { name: s.name, report: o.report } : { name: s.name, error: errorOf(o.error) }
    })
    return `${JSON.stringify({ sessions: docs }, null, 2)}\n`
  }
  return sessions.map((s, i) => {
    const o = outcomes[i]!
    return `session ${s.name}:\n${'report' in o ? formatReport(o.report) : `failed: ${errorOf(o.error).message}`}\n`
  }).join('\n')
}
