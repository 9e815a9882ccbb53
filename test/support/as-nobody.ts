// Run the built CLI as the real nobody user, wherever the clone sits.
//
// nobody must read dist/, node_modules/ and package.json and run node, but the
// clone, or the node that runs the tests (.ci/run installs Node 22 and 24 under
// mktemp -d), may sit under a directory only root may enter: mktemp -d makes
// 0700 ones. So the CLI runs in a mount namespace of its own, where both are
// bound into a fresh 0755 directory, and drops to nobody there:
//
//   $TMPDIR/ringcast-nobody-XXXXXX/   0755, made and removed here
//     node                            <- process.execPath
//     ringcast/                       <- the clone (dist/, node_modules/, package.json)
//
// The binds exist only in that namespace and vanish with the process: nothing
// is copied, and nothing stays mounted if the test dies. Needs root, unshare,
// mount and setpriv (requirements.ts: asNobody).

import { spawn } from 'node:child_process'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { constants, tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { CLI_PATH, NODE_FLAGS } from '../../cli/local-cluster.js'

/** Debian's nobody and nogroup. */
const NOBODY_ID = 65_534

/** The clone: CLI_PATH is its dist/cli/ringcast.js. */
const CLONE = resolve(CLI_PATH, '../../..')

// $1 node, $2 the view, $3 the clone; the rest is the command to run as nobody.
const SCRIPT = `mount --bind "$1" "$2/node" && mount --bind "$3" "$2/ringcast" && shift 3 &&
  exec setpriv --reuid=${NOBODY_ID} --regid=${NOBODY_ID} --clear-groups -- "$@"`

/** Run the CLI once as nobody and collect its outcome, as runCli does. */
export async function runCliAsNobody (args: string[], timeoutMs = 60_000): Promise<{ exit: number, stdout: string, stderr: string }> {
  const view = await mkdtemp(join(tmpdir(), 'ringcast-nobody-'))
  try {
    await chmod(view, 0o755)
    await writeFile(join(view, 'node'), '')
    await mkdir(join(view, 'ringcast'))
    const command = [join(view, 'node'), ...NODE_FLAGS, join(view, 'ringcast', relative(CLONE, CLI_PATH)), ...args]
    const child = spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', SCRIPT, 'sh', process.execPath, view, CLONE, ...command],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
    const exit = await new Promise<number>((done, fail) => {
      child.on('error', fail)
      child.on('close', (code, signal) => { done(code ?? 128 + (signal === null ? 0 : constants.signals[signal])) })
    })
    return { exit, stdout, stderr }
  } finally {
    // Only empty placeholders are left here: the binds were the namespace's.
    await rm(view, { recursive: true, force: true })
  }
}
