// Opening a block stream (src/net/dial-blocks.ts): a dial refused at once
// (the Plan naming the hop has not reached the node yet) is tried again for
// about 2 s; a host that does not answer at all is given up on after one
// dial timeout, so the coordinator feeds that node another way in seconds.

import { describe, expect, it } from 'vitest'
import { RingcastError } from '../../src/errors.js'
import type { Channel } from '../../src/net/channel.js'
import { dialBlocks } from '../../src/net/dial-blocks.js'
import type { Network } from '../../src/net/network.js'
import { FakeClock } from '../support/fake-clock.js'

const target = { peerId: '12D3KooWDownstream', dialAddrs: [], dataHosts: ['198.18.0.9'], dataPort: 7000 }
const hop = { id: 'hop-1', key: new Uint8Array(32) }

/** A network whose dialData answers each attempt with `attempt(n)` after `delayMs(n)` of fake time. */
function network (clock: FakeClock, attempt: (n: number) => 'refuse' | 'ok', delayMs: (n: number) => number): { net: Network, attempts: () => number } {
  let n = 0
  const net = {
    dialData: async () => {
      const mine = n++
      await clock.sleep(delayMs(mine))
      if (attempt(mine) === 'ok') return {} as unknown as Channel
      throw new RingcastError('UNREACHABLE', `attempt ${mine} failed`)
    }
  } as unknown as Network
  return { net, attempts: () => n }
}

describe('dialBlocks', () => {
  it('tries a quick refusal again until the Plan has arrived', async () => {
    const clock = new FakeClock()
    const { net, attempts } = network(clock, n => n < 3 ? 'refuse' : 'ok', () => 1)
    await clock.runUntil(dialBlocks(net, 'integrity-only', target, hop, clock))
    expect(attempts()).toBe(4)
  })

  /** Every attempt refused after `delayMs` of fake time: the error dialBlocks ends with, after how many attempts, at what time. */
  async function refusedEveryTime (delayMs: number): Promise<{ error: unknown, attempts: number, at: number }> {
    const clock = new FakeClock()
    const { net, attempts } = network(clock, () => 'refuse', () => delayMs)
    const dial = dialBlocks(net, 'encrypted', target, hop, clock)
    const error = await clock.runUntil(dial.then(() => undefined, (err: unknown) => err))
    return { error, attempts: attempts(), at: clock.now() }
  }

  it('gives up after the retries when every quick attempt is refused', async () => {
    const r = await refusedEveryTime(1)
    expect(String(r.error)).toMatch(/attempt 4 failed/)
    expect(r.attempts).toBe(5)
  })

  it('does not try a host that timed out again: one dial timeout, then the error', async () => {
    const r = await refusedEveryTime(10_000)
    expect(String(r.error)).toMatch(/attempt 0 failed/)
    expect(r.attempts).toBe(1)
    expect(r.at).toBe(10_000)
  })
})
