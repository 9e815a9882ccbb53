// serve --max-rate: the limiter on a fake clock, and the flag's parser.

import { describe, expect, it } from 'vitest'
import { parseRate } from '../../cli/units.js'
import { RateLimiter } from '../../src/relay/rate-limiter.js'
import { expectUsage } from '../support/expect-usage.js'

/** A limiter whose sleeps advance a fake clock instead of waiting. */
function fakeLimiter (bytesPerSecond: number, burstMs = 50): { limiter: RateLimiter, clock: { now: number }, sleeps: number[] } {
  const clock = { now: 1000 }
  const sleeps: number[] = []
  const limiter = new RateLimiter(bytesPerSecond, burstMs, () => clock.now, async ms => { sleeps.push(ms); clock.now += ms })
  return { limiter, clock, sleeps }
}

describe('RateLimiter', () => {
  it('holds a stream of blocks to the rate', async () => {
    const { limiter, clock } = fakeLimiter(10_000_000)
    const start = clock.now
    for (let i = 0; i < 100; i++) await limiter.take(1_000_000)
    // 100 MB at 10 MB/s: 10 s, less the burst allowance.
    expect(clock.now - start).toBeGreaterThanOrEqual(10_000 - 50)
    expect(clock.now - start).toBeLessThanOrEqual(10_000)
  })

  it('lets a burst through at once, then makes the next request wait', async () => {
    const { limiter, sleeps } = fakeLimiter(1_000_000, 50)
    await limiter.take(40_000) // 40 ms of budget: inside the 50 ms burst
    expect(sleeps).toEqual([])
    await limiter.take(40_000) // 80 ms ahead: waits 30 ms
    expect(sleeps).toHaveLength(1)
    expect(sleeps[0]).toBeCloseTo(30, 6)
  })

  it('does not bank idle time beyond the burst', async () => {
    const { limiter, clock, sleeps } = fakeLimiter(1_000_000, 50)
    clock.now += 60_000 // a minute idle
    await limiter.take(200_000) // 200 ms of data: must still wait 150 ms
    expect(sleeps[0]).toBeCloseTo(150, 6)
  })

  it('shares the rate between concurrent feeds', async () => {
    const { limiter, clock } = fakeLimiter(2_000_000)
    const start = clock.now
    await Promise.all([0, 1].map(async () => { for (let i = 0; i < 10; i++) await limiter.take(100_000) }))
    // 2 MB in total at 2 MB/s.
    expect(clock.now - start).toBeGreaterThanOrEqual(1000 - 50)
  })

  it('refuses a rate that is not positive', () => {
    expect(() => new RateLimiter(0)).toThrow(RangeError)
  })
})

describe('parseRate', () => {
  it.each([
    ['100MB/s', 100_000_000],
    ['1GiB/s', 1_073_741_824],
    ['50M', 52_428_800],
    ['0', 0]
  ])('%s is %d bytes per second', (text, bytes) => {
    expect(parseRate(text, '--max-rate')).toBe(bytes)
  })

  it.each(['fast', '-1MB/s', '10MB/h', ''])('%s is a usage error', text => {
    expectUsage(() => parseRate(text, '--max-rate'), '--max-rate')
  })
})
