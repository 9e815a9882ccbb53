// Time, injected. The coordinator, the agent, the relay pipeline, the
// forwarder and the control-stream timeouts take a Clock instead of calling
// Date.now()/setTimeout, so tests (test/support/fake-clock.ts) and the
// simulator can drive the real logic through hangs and stalls without real
// sleeps (CONVENTIONS.md: time is injected).

import { RingcastError } from './errors.js'

export interface Clock {
  /** Milliseconds; only differences are meaningful. */
  now: () => number
  /** Resolves after `ms`. */
  sleep: (ms: number) => Promise<void>
  /** Calls `fn` once after `ms`; the returned function cancels it. */
  after: (ms: number, fn: () => void) => Cancel
  /** Calls `fn` every `ms` until the returned function is called. */
  every: (ms: number, fn: () => void) => Cancel
}

export type Cancel = () => void

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async ms => { await new Promise(resolve => setTimeout(resolve, ms)) },
  after: (ms, fn) => {
    const timer = setTimeout(fn, ms)
    return () => clearTimeout(timer)
  },
  every: (ms, fn) => {
    const timer = setInterval(fn, ms)
    return () => clearInterval(timer)
  }
}

/**
 * `promise`, or a PEER_GONE error saying `message` if it has not settled
 * within `ms`. The timer is cleared either way.
 */
export async function timeout<T> (clock: Clock, promise: Promise<T>, ms: number, message: string): Promise<T> {
  let cancel: Cancel | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => {
      cancel = clock.after(ms, () => reject(new RingcastError('PEER_GONE', message)))
    })])
  } finally {
    cancel?.()
  }
}

/** Resolves after `ms`, or when `wake` is called, whichever comes first. */
export function sleepOrWake (clock: Clock, ms: number): { slept: Promise<void>, wake: () => void } {
  let wake!: () => void
  const slept = new Promise<void>(resolve => {
    const cancel = clock.after(ms, resolve)
    wake = () => { cancel(); resolve() }
  })
  return { slept, wake }
}
