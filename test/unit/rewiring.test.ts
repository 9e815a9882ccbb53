// The coordinator's side of the re-wire policy (src/coordinator/rewiring.ts):
// effects change the structure at once, so the next decision sees them.

import { describe, expect, it } from 'vitest'
import type { Member } from '../../src/coordinator/member.js'
import { Rewiring } from '../../src/coordinator/rewiring.js'
import { Session } from '../../src/coordinator/session.js'
import type { Channel } from '../../src/net/channel.js'
import { detach, spliceLateJoiner } from '../../src/topology/rewire.js'

const SOURCE = 'source'

function member (peerId: string, over: Partial<Member> = {}): Member {
  return {
    peerId, name: peerId, address: '/ip4/198.18.0.1/tcp/1', dialAddrs: [], targetPath: '/t', channel: {} as unknown as Channel,
    state: 'running', position: 0, writtenThrough: 0, bytesReceived: 0, resumedFrom: 0, joinedLate: false, restarts: 0,
    firstJoinedAt: 0, lastHeardAt: 0, upstreamPeer: SOURCE, downstreamPeers: [], depth: 1, background: false, ...over
  }
}

function sessionOf (members: Member[]): { session: Session, rewiring: Rewiring } {
  const session = new Session({ sessionId: new Uint8Array(16), imageSize: 1, blockSize: 4096, windowBytes: 4096 }, SOURCE)
  for (const m of members) session.members.set(m.peerId, m)
  const rewiring = new Rewiring(session, { log: () => {}, feed: async () => {}, fail: () => {} })
  return { session, rewiring }
}

describe('Rewiring.update', () => {
  // Regression (review): a late joiner's place was decided before its Welcome
  // but carried out after it, so joiners arriving together piled under one tail.
  it('puts two late joiners of the same tick one behind the other', () => {
    const { session, rewiring } = sessionOf([member('head', { position: 0, downstreamPeers: [] })])
    for (const id of ['j1', 'j2']) {
      const j = member(id, { upstreamPeer: '', position: session.chainLength++ })
      session.members.set(id, j)
      rewiring.update([spliceLateJoiner(id, rewiring.view())], undefined)
    }
    expect(session.get('head')!.downstreamPeers).toEqual(['j1'])
    expect(session.get('j1')!.downstreamPeers).toEqual(['j2'])
    expect(session.get('j2')!.upstreamPeer).toBe('j1')
  })

  // Regression (review): unlink left a detached node's finished downstreams
  // in its list, so its next plan named them as live downstreams.
  it('leaves a detached node feeding no one', () => {
    const { session, rewiring } = sessionOf([
      member('a', { position: 0, downstreamPeers: ['b'] }),
      member('b', { position: 1, upstreamPeer: 'a', depth: 2, downstreamPeers: ['c'], state: 'failed' }),
      member('c', { position: 2, upstreamPeer: 'b', depth: 3, state: 'done' })
    ])
    rewiring.update(detach('b', rewiring.view()), undefined)
    expect(session.get('b')!.downstreamPeers).toEqual([])
    expect(session.get('a')!.downstreamPeers).toEqual([])
  })

  it('never attaches under a node that is no longer running: the source feeds it', () => {
    const { session, rewiring } = sessionOf([member('gone', { state: 'failed' }), member('n', { upstreamPeer: 'x' })])
    rewiring.update([{ kind: 'attach', node: 'n', upstream: 'gone', background: false }], undefined)
    expect(session.get('n')!.upstreamPeer).toBe(SOURCE)
    expect(session.get('gone')!.downstreamPeers).toEqual([])
  })
})
