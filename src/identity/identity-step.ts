// The identity step of join --identity (docs/identity.md): after the
// coordinator verified this node's copy and before the node may boot it,
// each hook in the order given (`builtin`, or an executable) runs against
// the target(s); the first that fails ends the step. The whole step has
// IDENTITY_STEP_TIMEOUT_MS of wall-clock time (each hook the time left).

import { errorMessage, isRingcastError, RingcastError } from '../errors.js'
import { IDENTITY_STEP_TIMEOUT_MS, identityProblem, type CloneIdentity } from '../wire/identity.js'
import { setExtIdentity } from './builtin-ext.js'
import type { IdentityTarget } from './ext-root.js'
import { hookEnv, type HookContext } from './hook-env.js'
import { runHook } from './hook-runner.js'

export interface IdentityStep {
  /** `builtin` or absolute paths of executables (checkHookPath), in order. */
  hooks: readonly string[]
  context: HookContext
  /** The targets the built-in step may look at for the root (files and devices). */
  fsTargets: readonly IdentityTarget[]
  log: (line: string) => void
  timeoutMs?: number
}

/** Runs the step; resolves with one line per hook, or throws IDENTITY_FAILED with the failing hook's sentence. */
export async function runIdentityStep (step: IdentityStep): Promise<string[]> {
  const problem = identityProblem(step.context.identity.hostname, step.context.identity.fields)
  if (problem !== undefined) throw new RingcastError('IDENTITY_FAILED', `the coordinator's identity for this node cannot be used: ${problem}`)
  const env = hookEnv(step.context, process.env)
  // Wall-clock: the step bounds real processes (hook-runner.ts).
  const deadline = Date.now() + (step.timeoutMs ?? IDENTITY_STEP_TIMEOUT_MS)
  const done: string[] = []
  for (const hook of step.hooks) {
    const left = deadline - Date.now()
    if (left <= 0) throw new RingcastError('IDENTITY_FAILED', `the identity step ran out of its ${Math.round((step.timeoutMs ?? IDENTITY_STEP_TIMEOUT_MS) / 1000)} s before hook ${hook}`)
    try {
      if (hook === 'builtin') {
        const { where, summary } = await setExtIdentity(step.fsTargets, step.context.identity, left)
        done.push(`built-in on ${where}: ${summary}`)
      } else {
        await runHook(hook, env, left, step.log)
        done.push(`${hook}: exited 0`)
      }
    } catch (err) {
      if (isRingcastError(err, 'IDENTITY_FAILED')) throw err
      throw new RingcastError('IDENTITY_FAILED', `identity hook ${hook} failed: ${errorMessage(err)}`, { cause: err })
    }
    step.log(`identity: ${done[done.length - 1]!}`)
  }
  return done
}

/** The identity as a Verdict carries it, before the checks. */
export function identityOfVerdict (verdict: { hostname?: string | null, fields?: ReadonlyArray<{ name?: string | null, value?: string | null }> | null }): CloneIdentity {
  return {
    hostname: verdict.hostname ?? '',
    fields: (verdict.fields ?? []).map(f => ({ name: f.name ?? '', value: f.value ?? '' }))
  }
}
