import { describe, expect, it } from 'vitest'
import { DEFAULTS, validateConfig, type CoordinatorConfig } from '../../src/coordinator/config.js'
import type { Member } from '../../src/coordinator/member.js'
import { buildReport, formatReport } from '../../src/coordinator/report.js'
import { expectUsage } from '../support/expect-usage.js'

const config = (over: Partial<CoordinatorConfig> = {}): CoordinatorConfig => ({
  ...DEFAULTS,
  images: [{ name: '', path: '/srv/images/disk.img' }],
  keyPath: '/tmp/ringcast.key',
  token: '',
  ...over
})

describe('validateConfig', () => {
  it('accepts the defaults and returns the config', () => {
    const c = config()
    expect(validateConfig(c)).toBe(c)
  })

  it('accepts limits at their edges', () => {
    expect(() => validateConfig(config({ nodes: 1, blockSizeBytes: 4096, windowBytes: 4096, token: 'abcdefgh', stallTimeoutMs: 100, waitTimeoutMs: 0 }))).not.toThrow()
    expect(() => validateConfig(config({ blockSizeBytes: 64 * 1_048_576, windowBytes: 64 * 1_048_576 }))).not.toThrow()
  })

  it.each([
    ['block size below 4096', { blockSizeBytes: 4095, windowBytes: 16_777_216 }, '--block-size'],
    ['block size above 64 MiB', { blockSizeBytes: 64 * 1_048_576 + 1, windowBytes: 2 ** 30 }, '--block-size'],
    ['fractional block size', { blockSizeBytes: 65_536.5 }, '--block-size'],
    ['window smaller than the block size', { blockSizeBytes: 1_048_576, windowBytes: 1_048_575 }, '--window'],
    ['window above 2 GiB', { windowBytes: 2 ** 31 + 1 }, '--window'],
    ['nodes 0', { nodes: 0 }, '--nodes'],
    ['nodes NaN', { nodes: Number.NaN }, '--nodes'],
    ['token shorter than 8 characters', { token: 'abc1234' }, '--token'],
    ['empty listen', { listen: [] }, '--listen'],
    ['negative wait timeout', { waitTimeoutMs: -1 }, '--wait-timeout'],
    ['tiny stall timeout', { stallTimeoutMs: 99 }, '--stall-timeout'],
    ['a max rate too small to be meant', { maxRateBytesPerSecond: 1000 }, '--max-rate']
  ] as Array<[string, Partial<CoordinatorConfig>, string]>)('rejects %s', (_name, over, flag) => {
    expectUsage(() => validateConfig(config(over)), flag)
  })
})

// ------------------------------------------------------------------ report

const SHA = Uint8Array.from({ length: 32 }, (_, i) => i)
const NODE_DIGEST = Uint8Array.from({ length: 32 }, (_, i) => 255 - i)

function member (over: Partial<Member>): Member {
  return {
    peerId: '12D3KooWExamplePeer',
    name: 'node',
    address: '/ip4/10.0.0.1/tcp/7373',
    dialAddrs: [],
    targetPath: '/dev/sdb',
    // The report never touches the channel.
    channel: {} as never,
    state: 'done',
    position: 0,
    writtenThrough: 10_000_000,
    bytesReceived: 10_000_000,
    resumedFrom: 0,
    lastHeardAt: 0,
    upstreamPeer: '',
    downstreamPeers: [], depth: 1,
    joinedLate: false,
    restarts: 0,
    firstJoinedAt: 0,
    ...over
  }
}

const report = (members: Member[]): ReturnType<typeof buildReport> =>
  buildReport({ image: 'disk.img', imageBytes: 10_000_000, sha256: SHA, blockBytes: 1_048_576, startedAt: 1000, endedAt: 3000, members })

describe('buildReport', () => {
  it('reports a done and verified node as OK', () => {
    const r = report([member({ name: 'alpha', verified: true, digest: SHA, finishedAt: 3000, peakRssBytes: 80_000_000, peakInflightBytes: 4_194_304 })])
    expect(r.ok).toBe(true)
    expect(r.verified).toBe(1)
    expect(r.failed).toBe(0)
    expect(r.sha256).toBe(Buffer.from(SHA).toString('hex'))
    expect(r.seconds).toBe(2)
    expect(r.nodes[0]).toMatchObject({
      name: 'alpha',
      status: 'OK',
      bytes: 10_000_000,
      seconds: 2,
      mbPerSecond: 5,
      target: '/dev/sdb',
      sha256: Buffer.from(SHA).toString('hex'),
      peakRssBytes: 80_000_000,
      peakInflightBytes: 4_194_304
    })
  })

  it('reports a done node whose digest did not verify as MISMATCH', () => {
    const r = report([member({ name: 'beta', verified: false, digest: NODE_DIGEST, reason: 'digest differs from the source' })])
    expect(r.nodes[0]!.code).toBe('INTEGRITY')
    expect(r.ok).toBe(false)
    expect(r.verified).toBe(0)
    expect(r.failed).toBe(1)
    expect(r.nodes[0]).toMatchObject({ name: 'beta', status: 'MISMATCH', sha256: Buffer.from(NODE_DIGEST).toString('hex') })
  })

  it('reports a failed node as FAILED with its reason', () => {
    const r = report([member({ name: 'gamma', state: 'failed', writtenThrough: 4096, reason: 'no space left on the device', finishedAt: 2000 })])
    expect(r.ok).toBe(false)
    expect(r.nodes[0]).toMatchObject({ name: 'gamma', status: 'FAILED', reason: 'no space left on the device', bytes: 4096, seconds: 1 })
    expect(r.nodes[0]!.sha256).toBeUndefined()
  })

  it('reports a node that never finished as FAILED', () => {
    expect(report([member({ state: 'running' })]).nodes[0]!.status).toBe('FAILED')
  })

  it('names how each verified copy came about: plain, after a resume, late', () => {
    const r = report([
      member({ name: 'plain', verified: true }),
      member({ name: 'resumed', verified: true, restarts: 1, resumedFrom: 3_000_000, hadBeforeRestart: 3_100_000, bytesReceived: 7_000_000 }),
      member({ name: 'late', verified: true, joinedLate: true, firstJoinedAt: 2000, finishedAt: 3000 }),
      member({ name: 'late-failed', state: 'failed', joinedLate: true, reason: 'gone' })
    ])
    expect(r.nodes.map(n => n.outcome)).toEqual(['verified', 'verified after resume', 'verified late', 'failed'])
    expect(r.nodes[1]).toMatchObject({ resumedFrom: 3_000_000, hadBeforeRestart: 3_100_000, bytesReceived: 7_000_000, restarts: 1 })
    // A late node's time counts from when it joined, not from the session start.
    expect(r.nodes[2]!.seconds).toBe(1)
    const text = formatReport(r)
    expect(text).toContain('OK verified after resume (restarted 1x; resumed at 3000000 of the 3100000 bytes it had, received 7000000 after)')
    expect(text).toContain('OK verified late (joined after the start)')
  })

  it('is not ok with no nodes at all', () => {
    const r = report([])
    expect(r.ok).toBe(false)
    expect(r.verified).toBe(0)
  })

  it('counts a mixed session', () => {
    const r = report([
      member({ name: 'a', position: 0, verified: true }),
      member({ name: 'b', position: 1, verified: false }),
      member({ name: 'c', position: 2, state: 'failed', reason: 'upstream gone' })
    ])
    expect(r.nodes.map(n => n.status)).toEqual(['OK', 'MISMATCH', 'FAILED'])
    expect(r.verified).toBe(1)
    expect(r.failed).toBe(2)
    expect(r.ok).toBe(false)
  })
})

describe('formatReport', () => {
  it('names every node and says how many verified', () => {
    const text = formatReport(report([
      member({ name: 'alpha', position: 0, verified: true }),
      member({ name: 'beta', position: 1, verified: false, reason: 'digest differs', address: '/ip4/10.0.0.2/tcp/7373' }),
      member({ name: 'gamma', position: 2, state: 'failed', reason: 'no space left on the device', address: '/ip4/10.0.0.3/tcp/7000' })
    ]))
    for (const name of ['alpha', 'beta', 'gamma']) expect(text).toContain(name)
    expect(text).toContain('1 of 3 node(s) verified')
    expect(text).toContain('2 did not')
    expect(text).toContain('OK verified and proven')
    expect(text).toContain('MISMATCH digest differs')
    expect(text).toContain('FAILED no space left on the device')
    expect(text).toContain('10.0.0.3:7000')
    expect(text).toContain(`sha256 ${Buffer.from(SHA).toString('hex')}`)
    expect(text.split('\n')).toHaveLength(1 + 1 + 3 + 1)
  })

  it('has no failure note when every node verified', () => {
    const text = formatReport(report([member({ name: 'alpha', verified: true }), member({ name: 'beta', position: 1, verified: true })]))
    expect(text).toContain('2 of 2 node(s) verified in 2.0 s')
    expect(text).not.toContain('did not')
  })
})

describe('nodeSubnet without a reported prefix (how serve groups nodes that do not say)', () => {
  it('takes the /24 of IPv4 and the /64 of IPv6, in the inventory\'s form', async () => {
    const { nodeSubnet: subnetKey } = await import('../../src/topology/node-network.js')
    const { subnetOf } = await import('../../cli/inventory.js')
    expect(subnetKey('/ip4/198.18.10.11/tcp/4001/p2p/12D3KooWx')).toBe('198.18.10.0/24')
    expect(subnetKey('/ip4/198.18.10.11/tcp/4001')).toBe(subnetOf('198.18.10.11', undefined, 'x'))
    expect(subnetKey('/ip6/2001:db8:0:1::5/tcp/4001')).toBe(subnetOf('2001:db8:0:1::5', undefined, 'x'))
    expect(subnetKey('/ip6/::1/tcp/1')).toBe('0:0:0:0:0:0:0:0/64')
    expect(subnetKey('/dns4/example.org/tcp/1')).toBeUndefined()
  })
})

describe('error codes end to end', () => {
  it('has one enum: the proto ErrorCode names are src/errors.ts\'s ERROR_CODES, one for one', async () => {
    const { ERROR_CODES } = await import('../../src/errors.js')
    const { ringcast } = await import('../../src/wire/gen/ringcast.js')
    const wire = Object.keys(ringcast.ErrorCode).filter(k => Number.isNaN(Number(k)) && k !== 'ERROR_CODE_UNSPECIFIED')
    expect(wire.sort()).toEqual([...ERROR_CODES].sort())
  })

  it('gives every code an exit status, and tells a vanished coordinator from a corrupt copy', async () => {
    const { ERROR_CODES } = await import('../../src/errors.js')
    const { EXIT, exitCodeFor } = await import('../../cli/exit-codes.js')
    for (const code of ERROR_CODES) expect(exitCodeFor(code), code).toBeTypeOf('number')
    expect(exitCodeFor('COORDINATOR_GONE')).toBe(EXIT.COORDINATOR_GONE)
    expect(exitCodeFor('INTEGRITY')).toBe(EXIT.CLONE_FAILED)
    expect(EXIT.COORDINATOR_GONE).not.toBe(EXIT.CLONE_FAILED)
    expect(exitCodeFor('INTERRUPTED')).toBe(EXIT.SIGINT)
  })

  it('reads a code it does not know as the fallback, never as something else', async () => {
    const { fromWireCode, toWireCode } = await import('../../src/wire/error-codes.js')
    expect(fromWireCode(toWireCode('STALLED'), 'INTERNAL')).toBe('STALLED')
    expect(fromWireCode(9999, 'REFUSED')).toBe('REFUSED')
    expect(fromWireCode(0, 'INTERNAL')).toBe('INTERNAL')
    expect(fromWireCode(undefined, 'INTERNAL')).toBe('INTERNAL')
  })

  it('carries a refusing Ack\'s code across the wire', async () => {
    const { decodeAck, encodeAck } = await import('../../src/wire/messages.js')
    const { ByteReader } = await import('../../src/wire/framing.js')
    const reader = new ByteReader()
    reader.push(encodeAck({ writtenThrough: 5, error: 'bad block', code: 'INTEGRITY' }))
    reader.end()
    const frame = await reader.readFrame(1024)
    expect(decodeAck(frame!)).toEqual({ writtenThrough: 5, error: 'bad block', code: 'INTEGRITY' })
  })
})
