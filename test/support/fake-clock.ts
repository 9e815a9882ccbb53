// A Clock whose time moves only when the test says so, so whole sessions run
// through hangs, stalls and stragglers without real sleeps.
//
//   advance(ms)      fire every timer due within `ms`, earliest first (ties:
//                    in the order they were set), letting promise chains and
//                    real file I/O settle after each; then now += ms.
//   runUntil(p)      advance in steps until `p` settles (or a condition
//                    holds); fails, saying so, when fake time runs out.
//   view()           a Clock on the same time for one node, which can be
//                    paused: a SIGSTOPped process fires no timers; when it is
//                    resumed its overdue timers fire once, late, in order.
//
// "Settle" means macrotask turns (setImmediate) until no file-system request
// is in flight: agents write real files, and a write completes on libuv's
// thread pool, not in a microtask. Time stands still meanwhile, as if the
// disk were infinitely fast next to fake time. What settle cannot see is a
// worker thread's work (the image digest): wait for such things in real
// time before relying on fake-time measurements.

import type { Cancel, Clock } from '../../src/clock.js'

interface Timer {
  due: number
  /** Order of setting: timers due at the same time fire in this order. */
  seq: number
  fn: () => void
  /** Only fires while its owner is not paused (undefined: the base clock). */
  owner: ClockView | undefined
  /** Set for every(): fires again this long after it ran. */
  periodMs?: number
}

/** At least this many macrotask turns per settle. */
const MIN_SETTLE_TURNS = 2
/**
 * Give up waiting for file I/O after this many turns (about 0.1-0.3 s):
 * time then moves on with the I/O still in flight, which is what a slow
 * disk would look like anyway.
 */
const MAX_SETTLE_TURNS = 30_000

export interface RunUntilOptions {
  /** Largest single jump of fake time between checks (timers in between still fire in order). */
  stepMs?: number
  /** Fail once this much fake time has passed. */
  maxMs?: number
  /** What is awaited, for the failure message. */
  what?: string
}

export class FakeClock implements Clock {
  private time: number
  private seq = 0
  private timers: Timer[] = []
  private advancing = false
  /** Settles that gave up waiting for file I/O (see MAX_SETTLE_TURNS). */
  settleGiveUps = 0
  /** Timers fired so far. */
  fired = 0

  constructor (startMs = 0) {
    this.time = startMs
  }

  // Arrow properties, not methods: callers pass `clock.now` and
  // `clock.sleep` around unbound (new RateLimiter(rate, burst, clock.now, clock.sleep)).
  now = (): number => this.time
  sleep = async (ms: number): Promise<void> => { await new Promise<void>(resolve => { this.schedule(ms, resolve, undefined) }) }
  after = (ms: number, fn: () => void): Cancel => this.schedule(ms, fn, undefined)
  every = (ms: number, fn: () => void): Cancel => this.schedule(ms, fn, undefined, ms)

  /** A Clock on this time that can be paused (one node's process). */
  view (): ClockView {
    return new ClockView(this)
  }

  /** Timers set and not yet fired or cancelled (paused ones included). */
  get pendingTimers (): number {
    return this.timers.length
  }

  /** @internal used by ClockView */
  schedule (ms: number, fn: () => void, owner: ClockView | undefined, periodMs?: number): Cancel {
    if (periodMs !== undefined && !(periodMs > 0)) throw new RangeError(`FakeClock: an interval of ${periodMs} ms would never let time move`)
    const timer: Timer = { due: this.time + Math.max(0, ms), seq: this.seq++, fn, owner, periodMs }
    this.timers.push(timer)
    return () => { this.remove(timer) }
  }

  /** Let promise chains run and in-flight file I/O complete; time does not move. */
  async settle (): Promise<void> {
    for (let turn = 1; turn <= MAX_SETTLE_TURNS; turn++) {
      await new Promise<void>(resolve => setImmediate(resolve))
      if (turn >= MIN_SETTLE_TURNS && !fileIoInFlight()) return
    }
    this.settleGiveUps++
  }

  /** Move time forward by `ms`, firing every timer due meanwhile, in order. */
  async advance (ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`FakeClock: cannot advance by ${ms} ms`)
    await this.advanceTo(this.time + ms, () => false)
  }

  /**
   * Advance until `promise` settles (its value, or its rejection), or until
   * `condition()` holds, checking after every timer; fails when `maxMs` of
   * fake time pass first.
   */
  async runUntil<T> (promise: Promise<T>, options?: RunUntilOptions): Promise<T>
  async runUntil (condition: () => boolean, options?: RunUntilOptions): Promise<void>
  async runUntil<T> (what: Promise<T> | (() => boolean), options: RunUntilOptions = {}): Promise<T | undefined> {
    const { stepMs = 50, maxMs = 300_000 } = options
    let done: () => boolean
    if (typeof what === 'function') {
      done = what
    } else {
      let settled = false
      what.then(() => { settled = true }, () => { settled = true })
      done = () => settled
    }
    const started = this.time
    const deadline = started + maxMs
    await this.settle()
    while (!done()) {
      if (this.time >= deadline) {
        throw new Error(`FakeClock.runUntil: ${options.what ?? (typeof what === 'function' ? 'the condition' : 'the promise')} still pending after ${maxMs} ms of fake time ` +
          `(from ${started} to ${this.time} ms; ${this.timers.length} timer(s) pending, ${this.fired} fired)`)
      }
      await this.advanceTo(Math.min(this.time + stepMs, deadline), done)
    }
    return typeof what === 'function' ? undefined : await what
  }

  private async advanceTo (target: number, stop: () => boolean): Promise<void> {
    if (this.advancing) throw new Error('FakeClock: advance() or runUntil() is already running')
    this.advancing = true
    try {
      await this.settle()
      while (!stop()) {
        const next = this.nextDue(target)
        if (next === undefined) break
        this.fire(next)
        await this.settle()
      }
      if (!stop()) this.time = Math.max(this.time, target)
    } finally {
      this.advancing = false
    }
  }

  /** The earliest timer due by `target` whose owner runs. */
  private nextDue (target: number): Timer | undefined {
    let best: Timer | undefined
    for (const t of this.timers) {
      if (t.due > target || t.owner?.paused === true) continue
      if (best === undefined || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t
    }
    return best
  }

  private fire (timer: Timer): void {
    // Overdue timers (their node was paused) fire late; time never moves back.
    this.time = Math.max(this.time, timer.due)
    this.fired++
    if (timer.periodMs !== undefined) {
      // Like setInterval after a stall: once, then every period from now.
      timer.due = this.time + timer.periodMs
      timer.seq = this.seq++
    } else {
      this.remove(timer)
    }
    timer.fn()
  }

  private remove (timer: Timer): void {
    const i = this.timers.indexOf(timer)
    if (i >= 0) this.timers.splice(i, 1)
  }
}

/** One node's clock: the shared fake time, with its timers held while it is paused. */
export class ClockView implements Clock {
  paused = false

  constructor (private readonly base: FakeClock) {}

  now = (): number => this.base.now()
  sleep = async (ms: number): Promise<void> => { await new Promise<void>(resolve => { this.base.schedule(ms, resolve, this) }) }
  after = (ms: number, fn: () => void): Cancel => this.base.schedule(ms, fn, this)
  every = (ms: number, fn: () => void): Cancel => this.base.schedule(ms, fn, this, ms)

  pause (): void { this.paused = true }
  resume (): void { this.paused = false }
}

/** Whether a file-system request (fs.promises, a FileHandle close) is still running. */
function fileIoInFlight (): boolean {
  return process.getActiveResourcesInfo().some(r => r.startsWith('FSReq') || r === 'CloseReq' || r === 'FileHandleCloseReq')
}
