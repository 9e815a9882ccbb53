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

  it('gives up after the retries when every quick attempt is refused', async () => {
    const clock = new FakeClock()
    const { net, attempts } = network(clock, () => 'refuse', () => 1)
    const dial = dialBlocks(net, 'integrity-only', target, hop, clock)
    dial.catch(() => {})
    await expect(clock.runUntil(dial)).rejects.toThrow(/attempt 4 failed/)
    expect(attempts()).toBe(5)
  })

  it('does not try a host that timed out again: one dial timeout, then the error', async () => {
    const clock = new FakeClock()
    const { net, attempts } = network(clock, () => 'refuse', () => 10_000)
    const dial = dialBlocks(net, 'encrypted', target, hop, clock)
    dial.catch(() => {})
    await expect(clock.runUntil(dial)).rejects.toThrow(/attempt 0 failed/)
    expect(attempts()).toBe(1)
    expect(clock.now()).toBe(10_000)
  })
})
