// The identity step between the Verdict and the flip (issue 13, item 4), as
// the coordinator and the agents play it in one process (memory network,
// fake clock; the hooks themselves are stand-ins here, real ones are in
// test/integration/identity.test.ts):
//
//   verified copy -> Verdict{hostname, fields} -> step -> IdentityDone{ok}  -> nodes.verified
//                                                      -> IdentityDone{!ok} -> nodes.failed, never verified
//                                                      -> nothing in time   -> nodes.failed

import { describe, expect, it } from 'vitest'
import type { NodeOutcomes } from '../../src/coordinator/coordinator.js'
import { IDENTITY_DONE_TIMEOUT_MS, IdentitySteps } from '../../src/coordinator/identity-steps.js'
import type { Member } from '../../src/coordinator/member.js'
import { formatReport, type NodeReport, type SessionReport } from '../../src/coordinator/report.js'
import { Session } from '../../src/coordinator/session.js'
import { snapshotOf } from '../../src/coordinator/snapshot.js'
import { RingcastError } from '../../src/errors.js'
import { hookEnv } from '../../src/identity/hook-env.js'
import { runIdentityStep, type IdentityStep } from '../../src/identity/identity-step.js'
import { FakeClock } from '../support/fake-clock.js'
import { sha256File, startMemorySession } from '../support/memory-session.js'

const BLOCK = 65_536
const IMAGE = 16 * BLOCK + 777

/** What the boot service would have been told, in order. */
function recordingOutcomes (fields: Record<string, Record<string, string>>): NodeOutcomes & { events: string[] } {
  const events: string[] = []
  return {
    events,
    validToken: () => false,
    redeem: () => {},
    joined: name => events.push(`joined ${name}`),
    verified: name => events.push(`verified ${name}`),
    failed: (name, reason) => events.push(`failed ${name}: ${reason}`),
    identityOf: async name => fields[name]
  }
}

function row (report: SessionReport, name: string): NodeReport {
  const r = report.nodes.find(n => n.name === name)
  if (r === undefined) throw new Error(`no report row for ${name}`)
  return r
}

describe('the identity step in a session', () => {
  it('flips a node only after its IdentityDone says ok; a failed step is recorded failed, its copy kept; a node that did not ask flips at its Verdict', async () => {
    const outcomes = recordingOutcomes({ 'node-a': { role: 'compute', rack: '7' }, 'node-b': {} })
    const steps: Record<string, IdentityStep> = {}
    const s = await startMemorySession({
      imageBytes: IMAGE,
      blockSizeBytes: BLOCK,
      nodeOutcomes: outcomes,
      nodes: [
        { name: 'node-a', identity: ['builtin'], runIdentity: async step => { steps['node-a'] = step; outcomes.events.push('node-a ran its step'); return ['built-in: done'] } },
        { name: 'node-b', identity: ['builtin', '/bin/true'], runIdentity: async step => { steps['node-b'] = step; throw new RingcastError('IDENTITY_FAILED', 'identity hook /etc/ringcast/hook exited with status 3; its last output: "no key for this rack"') } },
        { name: 'node-c' }
      ]
    })
    const report = await s.clock.runUntil(s.report, { what: 'the report' })

    // Every copy verified: the report says so, and which identities were set.
    for (const name of ['node-a', 'node-b', 'node-c']) expect(row(report, name).status).toBe('OK')
    expect(row(report, 'node-a').identity).toEqual({ set: true })
    expect(row(report, 'node-b').identity).toEqual({ set: false, reason: expect.stringContaining('exited with status 3; its last output: "no key for this rack"') })
    expect(row(report, 'node-c').identity).toBeUndefined()
    expect(report.identityFailed).toBe(1)
    expect(report.ok).toBe(false)
    const text = formatReport(report)
    expect(text).toMatch(/node-a .*OK verified and proven; identity set\n/)
    expect(text).toMatch(/node-b .*OK verified and proven; identity NOT set: identity hook \/etc\/ringcast\/hook exited with status 3/)
    expect(text).toMatch(/node-c .*OK verified and proven\n/)
    expect(text).toMatch(/3 of 3 node\(s\) verified in [\d.]+ s; identity not set on 1 of them$/)

    // The boot service: a flips after its step ran, b never flips, c flips at its verdict.
    const { events } = outcomes
    expect(events.indexOf('verified node-a')).toBeGreaterThan(events.indexOf('node-a ran its step'))
    expect(events).toContain('verified node-c')
    expect(events.some(e => e === 'verified node-b')).toBe(false)
    expect(events.find(e => e.startsWith('failed node-b'))).toMatch(/its identity step failed: .*status 3/)

    // What a's step was given: its host name, its inventory fields, its target, the digest.
    const a = steps['node-a']!
    expect(a.hooks).toEqual(['builtin'])
    expect(a.context.identity).toEqual({ hostname: 'node-a', fields: [{ name: 'rack', value: '7' }, { name: 'role', value: 'compute' }] })
    expect(a.context.targets).toEqual([{ name: '', path: s.agent('node-a').targetPath }])
    expect(a.context.imageSha256).toBe(s.image.sha256)
    expect(a.fsTargets).toEqual([{ path: s.agent('node-a').targetPath, size: IMAGE }])
    expect(hookEnv(a.context, {})).toMatchObject({ RINGCAST_HOSTNAME: 'node-a', RINGCAST_FIELD_ROLE: 'compute', RINGCAST_FIELD_RACK: '7', RINGCAST_TARGET: s.agent('node-a').targetPath })
    expect(steps['node-b']!.context.identity).toEqual({ hostname: 'node-b', fields: [] })

    // The agents: a returns its step's lines, b exits IDENTITY_FAILED with its copy in place.
    expect((await s.clock.runUntil(s.agent('node-a').result)).identity).toEqual(['built-in: done'])
    await expect(s.clock.runUntil(s.agent('node-b').result)).rejects.toMatchObject({ code: 'IDENTITY_FAILED', message: expect.stringMatching(/^this copy is verified \(it stays on the target\), but its identity step failed: /) })
    expect(await sha256File(s.agent('node-b').targetPath)).toBe(s.image.sha256)
    expect((await s.clock.runUntil(s.agent('node-c').result)).identity).toBeUndefined()
  })

  it('fails the step of a node whose IdentityDone never comes, once the deadline has passed, and the session still ends', async () => {
    const outcomes = recordingOutcomes({})
    const s = await startMemorySession({
      imageBytes: IMAGE,
      blockSizeBytes: BLOCK,
      nodeOutcomes: outcomes,
      nodes: [{ name: 'node-a', identity: ['builtin'], runIdentity: async () => await new Promise<string[]>(() => {}) }]
    })
    const report = await s.clock.runUntil(s.report, { what: 'the report', maxMs: IDENTITY_DONE_TIMEOUT_MS + 120_000 })
    expect(row(report, 'node-a').identity).toEqual({ set: false, reason: `it sent no IdentityDone within ${IDENTITY_DONE_TIMEOUT_MS / 1000} s` })
    const verifiedAt = s.logged(/^node-a: verified$/)!.at
    const failedAt = s.logged(/^node-a: identity step failed/)!.at
    expect(failedAt - verifiedAt).toBeGreaterThanOrEqual(IDENTITY_DONE_TIMEOUT_MS)
    expect(outcomes.events).not.toContain('verified node-a')
    expect(outcomes.events.at(-1)).toMatch(/^failed node-a: its copy is verified, but its identity step failed: it sent no IdentityDone/)
  })

  it('gives a node whose inventory fields break the rules no identity: its step fails and the coordinator\'s reason is recorded', async () => {
    const outcomes = recordingOutcomes({ 'node-a': { 'bad-name': 'x' } })
    let given: IdentityStep | undefined
    const s = await startMemorySession({
      imageBytes: IMAGE,
      blockSizeBytes: BLOCK,
      nodeOutcomes: outcomes,
      // The real step's checks, with no hook to run.
      nodes: [{ name: 'node-a', identity: ['builtin'], runIdentity: async step => { given = step; return await runIdentityStep({ ...step, hooks: [] }) } }]
    })
    const report = await s.clock.runUntil(s.report, { what: 'the report' })
    expect(given!.context.identity).toEqual({ hostname: '', fields: [] })
    expect(row(report, 'node-a').identity).toEqual({ set: false, reason: expect.stringMatching(/^field name "bad-name" is not a letter/) })
    await expect(s.clock.runUntil(s.agent('node-a').result)).rejects.toMatchObject({ code: 'IDENTITY_FAILED' })
    expect(outcomes.events).not.toContain('verified node-a')
  })
})

describe('IdentityDone out of turn', () => {
  const member = (over: Partial<Member>): Member => ({
    peerId: 'peer-a', name: 'node-a', address: '', dialAddrs: [], dataHosts: [], dataPort: 0, targetPath: '/dev/vda',
    channel: { closeWrite: async () => {} } as never,
    state: 'done', verified: true, position: 0, writtenThrough: 0, bytesReceived: 0, resumedFrom: 0, unwrittenBytes: 0,
    lastHeardAt: 0, upstreamPeer: '', downstreamPeers: [], depth: 1, background: false, joinedLate: false, restarts: 0, firstJoinedAt: 0,
    ...over
  })
  const steps = (members: Member[], clock = new FakeClock()): { steps: IdentitySteps, events: string[] } => {
    const session = new Session({ sessionId: new Uint8Array(16), imageSize: 1, blockSize: 4096, windowBytes: 65_536 }, 'source')
    for (const m of members) session.members.set(m.peerId, m)
    const events: string[] = []
    return { events, steps: new IdentitySteps(session, clock, { log: () => {}, set: m => events.push(`set ${m.name}`), failed: (m, why) => events.push(`failed ${m.name}: ${why}`) }) }
  }

  it('is a protocol error from a node that did not ask, before its verified Verdict, or a second time', async () => {
    const notAsked = member({})
    const t = steps([notAsked])
    expect(() => t.steps.onIdentityDone(notAsked, { ok: true, reason: '' })).toThrow(/from a node that did not ask/)
    const early = member({ wantsIdentity: true, state: 'running', verified: undefined })
    expect(() => steps([early]).steps.onIdentityDone(early, { ok: true, reason: '' })).toThrow(/before this node's copy was verified/)
    const twice = member({ wantsIdentity: true })
    const u = steps([twice])
    await u.steps.forVerdict(twice)
    u.steps.onIdentityDone(twice, { ok: true, reason: '' })
    expect(() => u.steps.onIdentityDone(twice, { ok: false, reason: 'changed my mind' })).toThrow(/a second IdentityDone/)
    expect(twice.identity?.state).toBe('set')
    expect(u.events).toEqual(['set node-a'])
  })

  it('shows in the live view\'s snapshot: setting its identity, then verified with it set, or failed with why', async () => {
    const ok = member({ wantsIdentity: true })
    const bad = member({ peerId: 'peer-b', name: 'node-b', wantsIdentity: true })
    const plain = member({ peerId: 'peer-c', name: 'node-c' })
    const t = steps([ok, bad, plain])
    await t.steps.forVerdict(ok)
    await t.steps.forVerdict(bad)
    const session = new Session({ sessionId: new Uint8Array(16), imageSize: 1, blockSize: 4096, windowBytes: 65_536 }, 'source')
    for (const m of [ok, bad, plain]) session.members.set(m.peerId, m)
    const phases = (): unknown[] => snapshotOf(session, { imageBytes: 1, expectedNodes: 3, elapsedMs: 0 }).members.map(m => [m.name, m.state, m.identity, m.code])
    expect(phases()).toEqual([['node-a', 'identity', 'waiting', undefined], ['node-b', 'identity', 'waiting', undefined], ['node-c', 'verified', undefined, undefined]])
    t.steps.onIdentityDone(ok, { ok: true, reason: '' })
    t.steps.onIdentityDone(bad, { ok: false, reason: 'no ext root' })
    expect(phases()).toEqual([['node-a', 'verified', 'set', undefined], ['node-b', 'failed', 'failed', 'IDENTITY_FAILED'], ['node-c', 'verified', undefined, undefined]])
    expect(snapshotOf(session, { imageBytes: 1, expectedNodes: 3, elapsedMs: 0 }).members[1]!.reason).toMatch(/^identity step failed: .*no ext root/)
  })

  it('waits for a node that still feeds a running one before its deadline counts', async () => {
    const clock = new FakeClock()
    const up = member({ wantsIdentity: true })
    const down = member({ peerId: 'peer-b', name: 'node-b', state: 'running', upstreamPeer: 'peer-a' })
    const t = steps([up, down], clock)
    await t.steps.forVerdict(up)
    t.steps.tick(IDENTITY_DONE_TIMEOUT_MS + 1)
    expect(up.identity?.state).toBe('waiting')
    down.state = 'done'
    t.steps.tick(2 * IDENTITY_DONE_TIMEOUT_MS + 1)
    expect(up.identity?.state).toBe('waiting')
    t.steps.tick(2 * IDENTITY_DONE_TIMEOUT_MS + 2)
    expect(up.identity).toMatchObject({ state: 'failed', reason: expect.stringMatching(/no IdentityDone within/) })
    expect(t.events).toEqual([expect.stringMatching(/^failed node-a: its copy is verified, but its identity step failed: it sent no IdentityDone/)])
  })
})
