// The fake clock the in-memory session tests run on (test/support/fake-clock.ts).

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { sleepOrWake, timeout } from '../../src/clock.js'
import { RateLimiter } from '../../src/relay/rate-limiter.js'
import { FakeClock } from '../support/fake-clock.js'

describe('FakeClock', () => {
  it('fires timers in order of due time, ties in the order they were set, each at its own time', async () => {
    const clock = new FakeClock(1_000)
    const fired: string[] = []
    const at = (name: string) => () => fired.push(`${name}@${clock.now()}`)
    clock.after(300, at('c'))
    clock.after(100, at('a'))
    clock.after(300, at('d'))
    const cancel = clock.after(200, at('cancelled'))
    clock.after(100, at('b'))
    cancel()
    await clock.advance(99)
    expect(fired).toEqual([])
    expect(clock.now()).toBe(1_099)
    await clock.advance(1_000)
    expect(fired).toEqual(['a@1100', 'b@1100', 'c@1300', 'd@1300'])
    expect(clock.now()).toBe(2_099)
    expect(clock.pendingTimers).toBe(0)
  })

  it('repeats every(), and timers set while advancing fire in the same advance if due', async () => {
    const clock = new FakeClock()
    const ticks: number[] = []
    const stop = clock.every(500, () => {
      ticks.push(clock.now())
      if (ticks.length === 2) clock.after(10, () => ticks.push(-clock.now()))
    })
    await clock.advance(1_600)
    stop()
    await clock.advance(10_000)
    expect(ticks).toEqual([500, 1000, -1010, 1500])
  })

  it('lets promise chains and real file I/O settle between timers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ringcast-fake-clock-'))
    onTestFinished(async () => { await rm(dir, { recursive: true, force: true }) })
    const clock = new FakeClock()
    const seen: string[] = []
    // A chain that writes a real file, reads it back, then sleeps on the clock.
    const chain = (async () => {
      await clock.sleep(100)
      await writeFile(join(dir, 'f'), 'written')
      seen.push(`${await readFile(join(dir, 'f'), 'utf8')}@${clock.now()}`)
      await clock.sleep(100)
      seen.push(`slept@${clock.now()}`)
    })()
    await clock.advance(250)
    expect(seen).toEqual(['written@100', 'slept@200'])
    await chain
  })

  it('drives the clock helpers of src/clock.ts and a RateLimiter given its unbound methods', async () => {
    const clock = new FakeClock()
    const { slept, wake } = sleepOrWake(clock, 10_000)
    const late = timeout(clock, new Promise(() => {}), 3_000, 'no answer')
    late.catch(() => {})
    const limiter = new RateLimiter(65_536, 0, clock.now, clock.sleep)
    const sent = (async () => { for (let i = 0; i < 3; i++) await limiter.take(65_536); return clock.now() })()
    await expect(clock.runUntil(late)).rejects.toThrow('no answer')
    expect(clock.now()).toBe(3_000)
    expect(await clock.runUntil(sent)).toBe(3_000)
    wake()
    await clock.runUntil(slept)
    expect(clock.now()).toBe(3_000)
  })

  it('runUntil: the value, the rejection, a condition, or a clear failure when fake time runs out', async () => {
    const clock = new FakeClock()
    const value = (async () => { await clock.sleep(1_234); return 'done' })()
    expect(await clock.runUntil(value)).toBe('done')
    // It stops at the timer that settled it, not at the end of a step.
    expect(clock.now()).toBe(1_234)

    const failing = (async () => { await clock.sleep(10); throw new Error('it broke') })()
    await expect(clock.runUntil(failing)).rejects.toThrow('it broke')

    let flag = false
    clock.after(700, () => { flag = true })
    const before = clock.now()
    await clock.runUntil(() => flag)
    expect(clock.now()).toBe(before + 700)

    await expect(clock.runUntil(new Promise(() => {}), { maxMs: 5_000, what: 'the report' }))
      .rejects.toThrow(/the report still pending after 5000 ms of fake time/)
  })

  it('a paused view fires nothing; resumed, its overdue timers fire once, late, in order, and its interval goes on from then', async () => {
    const clock = new FakeClock()
    const node = clock.view()
    const fired: string[] = []
    node.every(500, () => fired.push(`beat@${clock.now()}`))
    node.after(800, () => fired.push(`timeout@${clock.now()}`))
    clock.after(1_200, () => fired.push(`other@${clock.now()}`))
    await clock.advance(600)
    node.pause()
    await clock.advance(3_000)
    expect(fired).toEqual(['beat@500', 'other@1200'])
    expect(node.now()).toBe(3_600)
    node.resume()
    await clock.advance(600)
    expect(fired).toEqual(['beat@500', 'other@1200', 'timeout@3600', 'beat@3600', 'beat@4100'])
  })
})
