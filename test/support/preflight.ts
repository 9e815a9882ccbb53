// `npm test` runs this between the build and vitest: it makes sure the Debian
// tools the tests start for real are here (requirements.ts lists them).
// As root with apt-get it installs what is missing and says so in one line;
// otherwise it says in one sentence what to install, and the tests that need
// it skip, each with its reason (skip.ts). It never fails the run, unless
// RINGCAST_TEST_ALL=1 (.ci/run sets it): then a test that would be skipped is
// an error, so CI never goes green on fewer tests.

import { execFileSync } from 'node:child_process'
import { isRoot, missingTools, NEEDS, offPath, onPath, packagesFor, type Needs, type Tool } from './requirements.js'

const log = (line: string): void => { console.log(`preflight: ${line}`) }
/** `preflight.js vm` looks after the tools of NEEDS.vm alone (npm run demo:boot); no argument, after every test's. */
const only = process.argv.slice(2)
const unknown = only.find(n => !(n in NEEDS))
if (unknown !== undefined) throw new Error(`preflight: no tests named ${unknown} in requirements.ts`)
const all = (only.length > 0 ? only.map(n => NEEDS[n as keyof typeof NEEDS]) : Object.values(NEEDS)) as Needs[]
const tools = [...new Set(all.flatMap(n => n.tools))]
/** "a, b and c". */
const list = (items: readonly string[]): string => items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`
const needing = (missing: readonly Tool[]): Needs[] => all.filter(n => n.tools.some(t => missing.includes(t)))

/** "nft and ping (the namespace-lab tests)", for the tools in `missing`. */
function whoNeeds (missing: readonly Tool[]): string {
  return list(needing(missing).map(n => `${list(n.tools.filter(t => missing.includes(t)))} (${n.tests})`))
}

/** apt-get's output only when it fails: on success the one line above says it all. */
function aptGet (args: string[]): boolean {
  try {
    execFileSync('apt-get', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, maxBuffer: 64 * 1_048_576 })
    return true
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: Buffer, stderr?: Buffer }
    process.stderr.write(`${String(stdout ?? '')}${String(stderr ?? '')}`)
    return false
  }
}

function main (): number {
  const strict = process.env.RINGCAST_TEST_ALL === '1'
  if (!isRoot()) {
    const missing = missingTools(tools)
    const install = missing.length > 0 ? `, which also installs the missing Debian packages ${packagesFor(missing).join(' ')}` : ''
    log(`not root, so ${list(all.map(n => n.tests))} cannot run here: run npm test as root to run them too${install}.`)
    return strict ? 1 : 0
  }
  // Installed, but not where the tests look: installing again would not help.
  const misplaced = missingTools(tools).filter(t => offPath(t) !== undefined)
  if (misplaced.length > 0) {
    const dirs = [...new Set(misplaced.map(t => offPath(t)!))]
    log(`${list(misplaced)} ${misplaced.length === 1 ? 'is' : 'are'} installed in ${list(dirs)}, which PATH lacks: add ${dirs.length === 1 ? 'it' : 'them'} to PATH (su - does), or ${whoNeeds(misplaced)} cannot run.`)
  }
  let absent = missingTools(tools).filter(t => !misplaced.includes(t))
  if (absent.length > 0 && onPath('apt-get')) {
    log(`installing ${packagesFor(absent).join(' ')} with apt-get, for ${whoNeeds(absent)}.`)
    if (aptGet(['update', '-qq'])) aptGet(['install', '-y', '-qq', ...packagesFor(absent)])
    absent = missingTools(tools).filter(t => !misplaced.includes(t))
  }
  if (absent.length > 0) {
    log(`${list(absent)} not found, so ${list(needing(absent).map(n => n.tests))} cannot run here: install the Debian packages ${packagesFor(absent).join(' ')} to run them.`)
  }
  if (misplaced.length === 0 && absent.length === 0) {
    log('root, and every tool the tests start is installed.')
    return 0
  }
  return strict ? 1 : 0
}

process.exitCode = main()
