// Codec tests for both wire protocols: round trips, truncated input, oversized
// lengths, unknown fields and a small deterministic fuzz loop (CONVENTIONS.md, "Wire").

import { describe as suite, expect, it, vi } from 'vitest'
import { ProtocolError, RingcastError } from '../../src/errors.js'
import { ByteReader, encodeVarint, frame } from '../../src/wire/framing.js'
import {
  decodeAck,
  decodeBlockHeader,
  decodeControl,
  describe,
  encodeAck,
  encodeBlockHeader,
  encodeControl,
  type Ack,
  type BlockHeader,
  type Control,
  type ControlInput
} from '../../src/wire/messages.js'
import { HASH_BATCH_BLOCKS, MAX_ACK_FRAME_BYTES, MAX_BLOCK_HEADER_BYTES, MAX_CONTROL_FRAME_BYTES, MAX_HASHES_FRAME_BYTES } from '../../src/wire/protocol.js'
import { ringcast } from '../../src/wire/gen/ringcast.js'

// ------------------------------------------------------------------ helpers

const GIB5 = 5_368_709_120
const MAX_SAFE = 2 ** 53 - 1

const bytesOf = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill)
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** Read one frame from complete bytes, as a peer would receive them. */
async function readOneFrame (framed: Uint8Array, maxBytes = MAX_CONTROL_FRAME_BYTES): Promise<Uint8Array> {
  const reader = new ByteReader()
  reader.push(framed)
  reader.end()
  const body = await reader.readFrame(maxBytes)
  expect(body).not.toBeNull()
  // Exactly one frame: nothing left over.
  expect(await reader.readFrame(maxBytes)).toBeNull()
  return body!
}

/** The body of a frame produced by encode*(), without its length prefix. */
async function unframe (framed: Uint8Array): Promise<Uint8Array> {
  return await readOneFrame(framed, 1_048_576)
}

/** Run fn, which must throw a ProtocolError; returns it. */
function protocolErrorFrom (fn: () => unknown): ProtocolError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError)
    expect((err as ProtocolError).code).toBe('PROTOCOL')
    return err as ProtocolError
  }
  throw new Error('expected a ProtocolError, but nothing was thrown')
}

async function protocolErrorFromAsync (p: Promise<unknown>): Promise<ProtocolError> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError)
    expect((err as ProtocolError).code).toBe('PROTOCOL')
    return err as ProtocolError
  }
  throw new Error('expected a ProtocolError, but the promise resolved')
}

// Hand-encoded protobuf, for inputs our encoders refuse to produce.
function varintBig (value: bigint): number[] {
  const out: number[] = []
  let v = value
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
  return out
}
const pbVarint = (field: number, value: number | bigint): number[] => [...varintBig(BigInt(field << 3)), ...varintBig(BigInt(value))]
const pbBytes = (field: number, bytes: Uint8Array | number[]): number[] => [...varintBig(BigInt((field << 3) | 2)), ...varintBig(BigInt(bytes.length)), ...bytes]
const pb = (...fields: number[][]): Uint8Array => Uint8Array.from(fields.flat())

/** Every field of a decoded body (own or prototype default), bytes as hex. */
function fieldsOf (body: object, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of keys) {
    const v = (body as Record<string, unknown>)[k]
    out[k] = v instanceof Uint8Array ? hex(v) : Array.isArray(v) ? v.map(x => x instanceof Uint8Array ? hex(x) : x) : v
  }
  return out
}

const SESSION = Uint8Array.from({ length: 16 }, (_, i) => i + 1)
const HASH = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i)
const SIGNATURE = Uint8Array.from({ length: 64 }, (_, i) => 0x40 + i)
/** A full batch of block hashes (256 x 32 bytes), as a HASHES frame carries it. */
const BATCH = Uint8Array.from({ length: HASH_BATCH_BLOCKS * 32 }, (_, i) => i % 251)
const NONE = new Uint8Array()
const TOKEN = 'tok-SECRET-do-not-log-7f3a'

/** One example of every control message kind, with large uint64 values. */
const CONTROL_EXAMPLES: Array<{ input: ControlInput, uint64: string[] }> = [
  {
    input: {
      join: {
        protocolVersion: 1,
        name: 'rack3-node17',
        token: TOKEN,
        targetPath: '/dev/nvme0n1',
        targetSize: GIB5,
        targetGrowable: true,
        listenPort: 7373,
        listenAddrs: ['/ip4/10.0.3.17/tcp/7373', '/ip6/fe80::1/tcp/7373']
      }
    },
    uint64: ['targetSize']
  },
  {
    input: { welcome: { sessionId: SESSION, imageName: 'ubuntu-24.04.img', imageSize: MAX_SAFE, blockSize: 1_048_576, windowBytes: 16_777_216 } },
    uint64: ['imageSize']
  },
  { input: { refuse: { code: ringcast.ErrorCode.BAD_TOKEN, reason: 'the session token does not match' } }, uint64: [] },
  {
    input: {
      plan: {
        upstreamPeer: '12D3KooWUpstreamPeerIdxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        upstreamHopId: '0b034d53df806868b01485a7',
        upstreamHopKey: new Uint8Array(32).fill(7),
        downstreams: [
          { peer: '12D3KooWDownstreamPeerIdyyyyyyyyyyyyyyyyyyyyyyyyy', addrs: ['/ip4/10.0.3.18/tcp/7373'], hopId: 'a1', hopKey: new Uint8Array(32).fill(1), dataHosts: ['10.0.3.18'], dataPort: 40_123 },
          { peer: '12D3KooWDownstreamPeerIdzzzzzzzzzzzzzzzzzzzzzzzzz', addrs: ['/ip4/10.0.3.19/tcp/7373', '/ip6/::1/tcp/7373'], background: true, hopId: 'b2', hopKey: new Uint8Array(32).fill(2), dataHosts: ['10.0.3.19', '::1'], dataPort: 65_535 }
        ],
        depth: 2,
        position: 3,
        chainLength: 1000
      }
    },
    uint64: []
  },
  {
    input: {
      progress: {
        writtenThrough: GIB5,
        bytesReceived: MAX_SAFE,
        resumedFrom: GIB5 - 1_048_576,
        lyingUpstream: '12D3KooWUpstreamPeerIdxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        lie: 'block at 5242880 does not match the source'
      }
    },
    uint64: ['writtenThrough', 'bytesReceived', 'resumedFrom']
  },
  {
    input: { done: { sha256: HASH, bytesWritten: GIB5, elapsedMs: 123_456, peakRssBytes: 2 ** 40, peakInflightBytes: MAX_SAFE, readBack: true } },
    uint64: ['bytesWritten', 'elapsedMs', 'peakRssBytes', 'peakInflightBytes']
  },
  { input: { failed: { code: ringcast.ErrorCode.TARGET_WRITE_FAILED, reason: 'no space left on the device', writtenThrough: GIB5 } }, uint64: ['writtenThrough'] },
  { input: { verdict: { verified: true, sourceSha256: HASH, reason: '' } }, uint64: [] },
  { input: { verdict: { verified: true, sourceSha256: HASH, reason: '', hostname: 'node-a', fields: [{ name: 'role', value: 'compute' }, { name: 'rack', value: '7' }] } }, uint64: [] },
  { input: { identityDone: { ok: false, reason: 'identity hook /etc/ringcast/hook exited with status 3' } }, uint64: [] },
  { input: { challenge: { nonce: SESSION, blocks: [0, 7, GIB5 / 4096] } }, uint64: [] },
  { input: { proof: { hashes: [HASH, SIGNATURE.subarray(0, 32)], error: '' } }, uint64: [] }
]

const kindOf = (input: ControlInput): string => Object.keys(input)[0]!

async function roundTripControl (input: ControlInput): Promise<Control> {
  return decodeControl(await readOneFrame(encodeControl(input)))
}

// ------------------------------------------------------------------ control messages

suite('control messages', () => {
  it.each(CONTROL_EXAMPLES.map(e => [kindOf(e.input), e] as const))('%s survives encodeControl -> readFrame -> decodeControl', async (kind, example) => {
    const decoded = await roundTripControl(example.input)
    expect(decoded.kind).toBe(kind)
    const sent = (example.input as unknown as Record<string, Record<string, unknown>>)[kind]!
    const keys = Object.keys(sent)
    expect(fieldsOf(decoded.body, keys)).toEqual(fieldsOf(sent, keys))
    for (const field of example.uint64) {
      const value = (decoded.body as unknown as Record<string, unknown>)[field]
      // A Long object here would compare unequal to numbers everywhere downstream.
      expect(typeof value, `${kind}.${field}`).toBe('number')
      expect(value).toBe(sent[field])
    }
  })

  it('covers every control message kind', () => {
    expect(CONTROL_EXAMPLES.map(e => kindOf(e.input)).sort())
      .toEqual(['challenge', 'done', 'failed', 'identityDone', 'join', 'plan', 'progress', 'proof', 'refuse', 'verdict', 'verdict', 'welcome'])
  })

  it('decodes unset uint64 fields as the number 0', async () => {
    const decoded = await roundTripControl({ progress: {} })
    expect(decoded.kind).toBe('progress')
    const body = decoded.body as unknown as Record<string, unknown>
    for (const field of ['writtenThrough', 'bytesReceived', 'resumedFrom']) {
      expect(body[field]).toBe(0)
    }
  })

  it('keeps a negative verdict and its reason', async () => {
    const decoded = await roundTripControl({ verdict: { verified: false, sourceSha256: HASH, reason: 'digest differs' } })
    expect(decoded).toMatchObject({ kind: 'verdict', body: { verified: false, reason: 'digest differs' } })
  })

  it('rejects every truncation of a control message with a ProtocolError', async () => {
    for (const example of CONTROL_EXAMPLES) {
      const body = await unframe(encodeControl(example.input))
      for (let cut = 0; cut < body.byteLength; cut++) {
        protocolErrorFrom(() => decodeControl(body.subarray(0, cut)))
      }
    }
  })

  it('rejects a control message with no body', () => {
    const err = protocolErrorFrom(() => decodeControl(new Uint8Array(0)))
    expect(err.message).toMatch(/no known body/)
  })

  it('rejects a control message whose only field is unknown (no body)', () => {
    protocolErrorFrom(() => decodeControl(pb(pbVarint(42, 7))))
  })

  it('rejects a uint64 above 2^53 inside a control body', () => {
    const progress = pb(pbVarint(1, 2n ** 60n))
    const err = protocolErrorFrom(() => decodeControl(pb(pbBytes(5, progress))))
    expect(err.message).toMatch(/not a safe integer/)
  })

  // Regression: checkNumbers skipped the elements of repeated fields, so
  // Challenge.blocks = [2^60 + 1] decoded as 1152921504606847000, rounded.
  it('rejects a uint64 above 2^53 inside a repeated field (Challenge.blocks)', () => {
    const challenge = pb(pbBytes(1, SESSION), pbVarint(2, 2n ** 60n + 1n))
    protocolErrorFrom(() => decodeControl(pb(pbBytes(9, challenge))))
  })

  it('tolerates unknown fields at the top level and inside a body', async () => {
    const body = await unframe(encodeControl({ progress: { writtenThrough: GIB5 } }))
    // Unknown field inside the Progress body: rebuild it with an extra field 99.
    const progress = pb(pbVarint(1, GIB5), pbVarint(99, 12345), pbBytes(100, [1, 2, 3]))
    const withInner = pb(pbBytes(5, progress))
    const withOuter = Uint8Array.from([...body, ...pbVarint(1000, 1), ...pbBytes(2047, [9, 9])])
    for (const bytes of [withInner, withOuter]) {
      const decoded = decodeControl(bytes)
      expect(decoded.kind).toBe('progress')
      expect((decoded.body as unknown as { writtenThrough: number }).writtenThrough).toBe(GIB5)
    }
  })
})

// ------------------------------------------------------------------ block headers and acks

suite('block headers', () => {
  const examples: BlockHeader[] = [
    { kind: 'hello', sessionId: SESSION, offset: 0, length: 0, hash: NONE },
    { kind: 'hello', sessionId: SESSION, offset: GIB5, length: 0, hash: NONE },
    // Since protocol 4 a BLOCK carries no hash: the source's HASHES frame does.
    { kind: 'block', sessionId: SESSION, offset: GIB5, length: 1_048_576, hash: NONE },
    { kind: 'block', sessionId: SESSION, offset: 0, length: 4096, hash: NONE },
    { kind: 'end', sessionId: SESSION, offset: MAX_SAFE, length: 0, hash: HASH, signature: SIGNATURE },
    { kind: 'hashes', sessionId: SESSION, offset: 0, length: 0, hash: NONE, firstBlock: MAX_SAFE - 255, hashes: BATCH, signature: SIGNATURE },
    { kind: 'hashes', sessionId: SESSION, offset: 0, length: 0, hash: NONE, firstBlock: 0, hashes: HASH, signature: SIGNATURE }
  ]
  const [, , block, , end, hashes] = examples as [BlockHeader, BlockHeader, BlockHeader, BlockHeader, BlockHeader, BlockHeader, BlockHeader]

  it.each(examples.map(h => [`${h.kind} @${h.kind === 'hashes' ? h.firstBlock! : h.offset}`, h] as const))('%s round-trips', async (_name, header) => {
    const framed = encodeBlockHeader(header)
    const decoded = decodeBlockHeader(await readOneFrame(framed, MAX_HASHES_FRAME_BYTES))
    expect(decoded.kind).toBe(header.kind)
    expect(hex(decoded.sessionId)).toBe(hex(header.sessionId))
    expect(decoded.offset).toBe(header.offset)
    expect(typeof decoded.offset).toBe('number')
    expect(decoded.length).toBe(header.length)
    expect(hex(decoded.hash)).toBe(hex(header.hash))
    expect(decoded.firstBlock ?? 0).toBe(header.firstBlock ?? 0)
    expect(typeof (decoded.firstBlock ?? 0)).toBe('number')
    expect(hex(decoded.hashes ?? NONE)).toBe(hex(header.hashes ?? NONE))
    expect(hex(decoded.signature ?? NONE)).toBe(hex(header.signature ?? NONE))
  })

  it('fits its limits: BLOCK and END well inside MAX_BLOCK_HEADER_BYTES, a full batch inside MAX_HASHES_FRAME_BYTES', () => {
    expect(encodeBlockHeader(block).byteLength).toBeLessThan(40)
    expect(encodeBlockHeader(end).byteLength).toBeLessThan(160)
    expect(encodeBlockHeader(end).byteLength).toBeLessThan(MAX_BLOCK_HEADER_BYTES)
    // The receiver reads every block-stream frame with this limit: a full batch must fit, with its header.
    expect(encodeBlockHeader(hashes).byteLength).toBeLessThanOrEqual(MAX_HASHES_FRAME_BYTES)
  })

  // field 5 = hash, 6 = first_block, 7 = hashes, 8 = signature
  const header = (kind: number, hash: Uint8Array, offset: number | bigint = 0, signature: Uint8Array = NONE): Uint8Array =>
    pb(kind === 0 ? [] : pbVarint(1, kind), pbBytes(2, SESSION), offset === 0 ? [] : pbVarint(3, offset), pbVarint(4, 4096), hash.length === 0 ? [] : pbBytes(5, hash), signature.length === 0 ? [] : pbBytes(8, signature))
  const batchFrame = (batch: Uint8Array, signature: Uint8Array = SIGNATURE, firstBlock: number | bigint = 256): Uint8Array =>
    pb(pbVarint(1, 4), pbBytes(2, SESSION), pbVarint(6, firstBlock), batch.length === 0 ? [] : pbBytes(7, batch), signature.length === 0 ? [] : pbBytes(8, signature))

  it('rejects an unknown kind', () => {
    expect(protocolErrorFrom(() => decodeBlockHeader(header(7, HASH))).message).toMatch(/unknown kind 7/)
  })

  it('rejects KIND_UNSPECIFIED (0), whether absent or sent explicitly', () => {
    protocolErrorFrom(() => decodeBlockHeader(header(0, HASH)))
    protocolErrorFrom(() => decodeBlockHeader(pb(pbVarint(1, 0), pbBytes(2, SESSION), pbBytes(5, HASH))))
  })

  it('rejects END with a digest or a signature of the wrong length', () => {
    for (const hash of [NONE, bytesOf(31, 1), bytesOf(33, 1), bytesOf(20, 1)]) {
      expect(protocolErrorFrom(() => decodeBlockHeader(header(3, hash, 0, SIGNATURE))).message).toMatch(/END carries a \d+-byte digest/)
    }
    for (const signature of [NONE, bytesOf(63, 1), bytesOf(65, 1)]) {
      expect(protocolErrorFrom(() => decodeBlockHeader(header(3, HASH, 0, signature))).message).toMatch(new RegExp(`and a ${signature.length}-byte signature, expected 32 and 64`))
    }
    expect(decodeBlockHeader(header(3, HASH, 0, SIGNATURE)).kind).toBe('end')
  })

  it('rejects HASHES with no hashes, a partial hash, or a signature of the wrong length', () => {
    for (const batch of [NONE, bytesOf(31, 1), bytesOf(33, 1), bytesOf(32 * 3 + 1, 1)]) {
      expect(protocolErrorFrom(() => decodeBlockHeader(batchFrame(batch))).message).toMatch(new RegExp(`hash batch of ${batch.length} bytes with a 64-byte signature is malformed`))
    }
    for (const signature of [NONE, bytesOf(63, 1), bytesOf(65, 1)]) {
      protocolErrorFrom(() => decodeBlockHeader(batchFrame(BATCH, signature)))
    }
    expect(decodeBlockHeader(batchFrame(bytesOf(64, 1)))).toMatchObject({ kind: 'hashes', firstBlock: 256 })
  })

  it('accepts HELLO and BLOCK with no hash', () => {
    expect(decodeBlockHeader(header(1, NONE)).kind).toBe('hello')
    expect(decodeBlockHeader(header(2, NONE))).toMatchObject({ kind: 'block', length: 4096 })
  })

  it('rejects a uint64 offset or first block above 2^53 instead of rounding it', () => {
    const err = protocolErrorFrom(() => decodeBlockHeader(header(2, NONE, 2n ** 60n)))
    expect(err.message).toMatch(/offset/)
    protocolErrorFrom(() => decodeBlockHeader(header(2, NONE, 2n ** 53n)))
    // 2^53 - 1 is still exact.
    expect(decodeBlockHeader(header(2, NONE, BigInt(MAX_SAFE))).offset).toBe(MAX_SAFE)
    expect(protocolErrorFrom(() => decodeBlockHeader(batchFrame(BATCH, SIGNATURE, 2n ** 60n))).message).toMatch(/firstBlock/)
  })

  // END and HASHES end with their signature, which every proper prefix
  // lacks or cuts short; cuts inside a field fail in protobuf itself.
  it.each([['END', end], ['HASHES', hashes]])('rejects every truncation of %s', async (_kind, example) => {
    const body = await unframe(encodeBlockHeader(example))
    for (let cut = 0; cut < body.byteLength; cut++) {
      let value: BlockHeader | undefined
      try {
        value = decodeBlockHeader(body.subarray(0, cut))
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError)
        continue
      }
      throw new Error(`truncation to ${cut} bytes decoded as ${describe(value)}`)
    }
  })

  it('tolerates unknown fields', async () => {
    for (const example of [block, end, hashes]) {
      const body = await unframe(encodeBlockHeader(example))
      const extended = Uint8Array.from([...body, ...pbVarint(99, 1), ...pbBytes(1234, [7, 7, 7]), ...pbVarint(15, 2n ** 62n)])
      const decoded = decodeBlockHeader(extended)
      expect(decoded).toMatchObject({ kind: example.kind, offset: example.offset, length: example.length })
      expect(hex(decoded.hash)).toBe(hex(example.hash))
      expect(hex(decoded.signature ?? NONE)).toBe(hex(example.signature ?? NONE))
    }
  })
})

suite('acks', () => {
  it.each([
    [{ writtenThrough: GIB5, hashesFrom: 0, error: '' }],
    // The answer to HELLO of a node resumed deep into a long image.
    [{ writtenThrough: GIB5, hashesFrom: 160, error: '' }],
    [{ writtenThrough: MAX_SAFE, hashesFrom: MAX_SAFE, error: '' }],
    [{ writtenThrough: 0, error: 'closing this hop: block at 0 does not match the source', code: 'INTEGRITY' as const }]
  ])('%o round-trips', async ack => {
    const decoded = decodeAck(await readOneFrame(encodeAck(ack), MAX_ACK_FRAME_BYTES))
    expect(decoded).toEqual(ack)
    expect(typeof decoded.writtenThrough).toBe('number')
  })

  it('fills in defaults for an empty ack', async () => {
    expect(decodeAck(await readOneFrame(encodeAck({}), MAX_ACK_FRAME_BYTES))).toEqual({ writtenThrough: 0, hashesFrom: 0, error: '' })
  })

  it('rejects a writtenThrough or hashesFrom above 2^53', () => {
    protocolErrorFrom(() => decodeAck(pb(pbVarint(1, 2n ** 60n))))
    expect(protocolErrorFrom(() => decodeAck(pb(pbVarint(1, 4096), pbVarint(4, 2n ** 60n)))).message).toMatch(/hashesFrom/)
  })

  it('a refusing ack carries no hashesFrom (it is the answer to HELLO only)', () => {
    expect(decodeAck(pb(pbVarint(1, 4096), pbBytes(2, [...Buffer.from('gone')]), pbVarint(4, 3)))).toEqual({ writtenThrough: 4096, error: 'gone', code: 'REFUSED' })
  })

  it('rejects truncated input', async () => {
    const body = await unframe(encodeAck({ writtenThrough: GIB5, error: 'gone' }))
    // Cutting between the two fields is a valid shorter ack; every other cut is not.
    const fieldBoundary = pbVarint(1, GIB5).length
    for (let cut = 1; cut < body.byteLength; cut++) {
      if (cut === fieldBoundary) continue
      protocolErrorFrom(() => decodeAck(body.subarray(0, cut)))
    }
  })

  it('tolerates unknown fields', () => {
    expect(decodeAck(pb(pbVarint(1, 4096), pbBytes(77, [1]), pbVarint(78, 5)))).toEqual({ writtenThrough: 4096, hashesFrom: 0, error: '' })
  })
})

// ------------------------------------------------------------------ framing

suite('ByteReader framing', () => {
  const frames = [frame(Uint8Array.from([1, 2, 3])), frame(new Uint8Array(0)), frame(bytesOf(300, 0x5a))]

  it('reassembles a frame split into 1-byte chunks', async () => {
    const reader = new ByteReader()
    const body = bytesOf(300, 0x42)
    const framed = frame(body)
    const read = reader.readFrame(1024)
    for (const byte of framed) {
      reader.push(Uint8Array.of(byte))
      await Promise.resolve()
    }
    expect(hex((await read)!)).toBe(hex(body))
    expect(reader.consumed).toBe(framed.byteLength)
  })

  it('joins chunks that lie back to back in one buffer into one view, and only those', async () => {
    const reader = new ByteReader()
    // Buffer.alloc never takes from the shared pool, so nothing else is adjacent by chance.
    const memory = Buffer.alloc(300)
    memory.forEach((_, i) => { memory[i] = i % 256 })
    reader.push(memory.subarray(0, 100))
    reader.push(memory.subarray(100, 250))
    reader.push(memory.subarray(260, 300))
    const copy = Buffer.alloc(10)
    memory.copy(copy, 0, 250, 260)
    reader.push(copy)
    const chunks = await reader.readChunks(200)
    expect(chunks.map(c => c.byteLength)).toEqual([200])
    expect(chunks[0]!.buffer).toBe(memory.buffer)
    const rest = await reader.readChunks(100)
    expect(rest.map(c => c.byteLength)).toEqual([50, 40, 10])
    expect([...Buffer.concat([...chunks, ...rest])]).toEqual([...Buffer.concat([memory.subarray(0, 250), memory.subarray(260, 300), memory.subarray(250, 260)])])
  })

  it('reads several frames from one chunk', async () => {
    const reader = new ByteReader()
    reader.push(Uint8Array.from(frames.flatMap(f => [...f])))
    reader.end()
    expect([...(await reader.readFrame(1024))!]).toEqual([1, 2, 3])
    expect((await reader.readFrame(1024))!.byteLength).toBe(0)
    expect(hex((await reader.readFrame(1024))!)).toBe(hex(bytesOf(300, 0x5a)))
    expect(await reader.readFrame(1024)).toBeNull()
  })

  it('reads from an async iterable, including Uint8ArrayList-like chunks', async () => {
    const all = Uint8Array.from(frames.flatMap(f => [...f]))
    async function * source (): AsyncGenerator<Uint8Array | { subarray: () => Uint8Array }> {
      for (let i = 0; i < all.byteLength; i += 7) {
        const piece = all.subarray(i, i + 7)
        yield i % 14 === 0 ? piece : { subarray: () => piece }
        await new Promise(resolve => setImmediate(resolve))
      }
    }
    const reader = ByteReader.fromIterable(source())
    const got: number[] = []
    for (let f = await reader.readFrame(1024); f !== null; f = await reader.readFrame(1024)) got.push(f.byteLength)
    expect(got).toEqual([3, 0, 300])
  })

  it('passes an iterable failure on to the reader', async () => {
    const boom = new Error('socket reset')
    async function * source (): AsyncGenerator<Uint8Array> {
      yield Uint8Array.of(5, 1, 2)
      throw boom
    }
    await expect(ByteReader.fromIterable(source()).readFrame(1024)).rejects.toBe(boom)
  })

  it('rejects a length prefix above the limit before buffering the body', async () => {
    const reader = new ByteReader()
    reader.push(encodeVarint(1_000_000))
    // The stream stays open: a reader that waited for the body would hang here.
    const err = await protocolErrorFromAsync(reader.readFrame(65_536))
    expect(err.message).toMatch(/exceeds the limit/)
    expect(reader.bufferedBytes).toBe(0)
  })

  it('accepts a frame of exactly the limit', async () => {
    const reader = new ByteReader()
    reader.push(frame(bytesOf(100, 1)))
    expect((await reader.readFrame(100))!.byteLength).toBe(100)
  })

  it('rejects a length prefix longer than 5 bytes', async () => {
    const reader = new ByteReader()
    reader.push(bytesOf(6, 0xff))
    expect((await protocolErrorFromAsync(reader.readFrame(Number.MAX_SAFE_INTEGER))).message).toMatch(/longer than 5 bytes/)
  })

  it('rejects a stream that ends inside the length prefix', async () => {
    const reader = new ByteReader()
    reader.push(Uint8Array.of(0x80, 0x80))
    reader.end()
    expect((await protocolErrorFromAsync(reader.readFrame(1024))).message).toMatch(/inside a length prefix/)
  })

  it('rejects a stream that ends inside the body', async () => {
    const reader = new ByteReader()
    const read = reader.readFrame(1024)
    reader.push(Uint8Array.of(10, 1, 2, 3))
    await Promise.resolve()
    reader.end()
    expect((await protocolErrorFromAsync(read)).message).toMatch(/short/)
  })

  it('returns null on a clean end between frames', async () => {
    const reader = new ByteReader()
    const first = reader.readFrame(1024)
    reader.push(frames[0]!)
    expect([...(await first)!]).toEqual([1, 2, 3])
    const second = reader.readFrame(1024)
    reader.end()
    expect(await second).toBeNull()
    expect(await reader.readFrame(1024)).toBeNull()
  })

  it('readExact returns the right bytes across chunk boundaries', async () => {
    const reader = new ByteReader()
    const pending = reader.readExact(5)
    reader.push(Uint8Array.of(1, 2))
    await new Promise(resolve => setImmediate(resolve))
    reader.push(Uint8Array.of(3))
    reader.push(Uint8Array.of(4, 5, 6, 7))
    expect([...await pending]).toEqual([1, 2, 3, 4, 5])
    reader.push(Uint8Array.of(8, 9))
    expect([...await reader.readExact(3)]).toEqual([6, 7, 8])
    expect([...await reader.readExact(1)]).toEqual([9])
    expect([...await reader.readExact(0)]).toEqual([])
    expect(reader.consumed).toBe(9)
    expect(reader.bufferedBytes).toBe(0)
  })

  it('readExact copies out so later chunks cannot alias earlier results', async () => {
    const reader = new ByteReader()
    reader.push(Uint8Array.of(1, 2, 3))
    const a = await reader.readExact(2)
    reader.push(Uint8Array.of(4))
    const b = await reader.readExact(2)
    expect([...a, ...b]).toEqual([1, 2, 3, 4])
  })

  suite('unread buffer cap', () => {
    it('calls onOverflow with a ProtocolError and rejects reads pending at the time', async () => {
      const reader = new ByteReader()
      reader.maxBufferedBytes = 16
      const onOverflow = vi.fn()
      reader.onOverflow = onOverflow
      reader.push(bytesOf(10, 1))
      expect(onOverflow).not.toHaveBeenCalled()
      const pending = reader.readExact(100)
      reader.push(bytesOf(10, 2))
      expect(onOverflow).toHaveBeenCalledTimes(1)
      const err = onOverflow.mock.calls[0]![0] as ProtocolError
      expect(err).toBeInstanceOf(ProtocolError)
      expect(err.code).toBe('PROTOCOL')
      await expect(pending).rejects.toBe(err)
      await expect(reader.readExact(50)).rejects.toBe(err)
    })

    it('does not overflow at exactly maxBufferedBytes', () => {
      const reader = new ByteReader()
      reader.maxBufferedBytes = 16
      const onOverflow = vi.fn()
      reader.onOverflow = onOverflow
      reader.push(bytesOf(16, 1))
      expect(onOverflow).not.toHaveBeenCalled()
    })

    // Regression: a peer cut off for overflowing was still read from. ByteReader.end()
    // documents "pending and later reads reject", but fill() only checks the failure
    // when fewer than n bytes are buffered, so reads of already-buffered bytes succeed.
    it('rejects later reads even when the overflowing bytes are still buffered', async () => {
      const reader = new ByteReader()
      reader.maxBufferedBytes = 16
      let overflow: ProtocolError | undefined
      reader.onOverflow = err => { overflow = err }
      reader.push(bytesOf(17, 1))
      expect(overflow).toBeInstanceOf(ProtocolError)
      await expect(reader.readExact(1)).rejects.toBe(overflow)
      await expect(reader.readFrame(1024)).rejects.toBe(overflow)
    })

    it('ignores pushes after the reader ended', async () => {
      const reader = new ByteReader()
      reader.end()
      reader.push(frames[0]!)
      expect(reader.bufferedBytes).toBe(0)
      expect(await reader.readFrame(1024)).toBeNull()
    })
  })

  it('end(err) makes pending reads reject with err', async () => {
    const reader = new ByteReader()
    const err = new Error('stream reset by peer')
    const pendingFrame = reader.readFrame(1024)
    reader.end(err)
    await expect(pendingFrame).rejects.toBe(err)

    const reader2 = new ByteReader()
    reader2.push(Uint8Array.of(9, 1, 2))
    const pendingBody = reader2.readFrame(1024)
    await Promise.resolve()
    reader2.end(err)
    await expect(pendingBody).rejects.toBe(err)
    await expect(reader2.readExact(100)).rejects.toBe(err)
  })
})

suite('encodeVarint', () => {
  it.each([
    [0, [0x00]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [300, [0xac, 0x02]],
    [2 ** 32, [0x80, 0x80, 0x80, 0x80, 0x10]],
    [2 ** 35, [0x80, 0x80, 0x80, 0x80, 0x80, 0x01]]
  ])('%d encodes as LEB128', (value, expected) => {
    expect([...encodeVarint(value)]).toEqual(expected)
    expect(encodeVarint(value)).toEqual(Uint8Array.from(varintBig(BigInt(value))))
  })

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('rejects %d', value => {
    expect(() => encodeVarint(value)).toThrow(RangeError)
  })

  it('round-trips through ByteReader up to the 5-byte prefix limit', async () => {
    for (const value of [0, 1, 127, 128, 16_383, 16_384, 2 ** 28, 2 ** 32, 2 ** 35 - 1]) {
      const reader = new ByteReader()
      reader.push(encodeVarint(value))
      reader.push(Uint8Array.of(0xee))
      // readFrame with a limit of 0 reads the prefix and reports it in the error.
      if (value === 0) {
        expect((await reader.readFrame(0))!.byteLength).toBe(0)
      } else {
        const err = await protocolErrorFromAsync(reader.readFrame(0))
        expect(err.message).toContain(`frame of ${value} bytes`)
      }
    }
  })
})

// ------------------------------------------------------------------ fuzz

/** xorshift32: small, deterministic, good enough to shake a decoder. */
function xorshift32 (seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13; s >>>= 0
    s ^= s >>> 17
    s ^= s << 5; s >>>= 0
    return s
  }
}

suite('fuzz', () => {
  const SEED = 0x5eed_c0de
  const ITERATIONS = 2000

  it(`random and mutated bytes either decode or throw a RingcastError (seed ${SEED}, ${ITERATIONS} iterations)`, async () => {
    const next = xorshift32(SEED)
    const below = (n: number): number => next() % n
    const corpus: Uint8Array[] = []
    for (const e of CONTROL_EXAMPLES) corpus.push((await unframe(encodeControl(e.input))))
    corpus.push(await unframe(encodeBlockHeader({ kind: 'block', sessionId: SESSION, offset: GIB5, length: 65_536, hash: NONE })))
    corpus.push(await unframe(encodeBlockHeader({ kind: 'end', sessionId: SESSION, offset: GIB5, length: 0, hash: HASH, signature: SIGNATURE })))
    corpus.push(await unframe(encodeBlockHeader({ kind: 'hashes', sessionId: SESSION, offset: 0, length: 0, hash: NONE, firstBlock: 512, hashes: BATCH.subarray(0, 96), signature: SIGNATURE })))
    corpus.push(await unframe(encodeAck({ writtenThrough: GIB5, error: 'x' })))
    corpus.push(await unframe(encodeAck({ writtenThrough: GIB5, hashesFrom: 7 })))

    const input = (): Uint8Array => {
      if (below(3) === 0) return Uint8Array.from({ length: below(64) }, () => below(256))
      const base = Uint8Array.from(corpus[below(corpus.length)]!)
      const mutated = [...base]
      const edits = 1 + below(4)
      for (let e = 0; e < edits; e++) {
        const op = below(4)
        if (op === 0 && mutated.length > 0) mutated[below(mutated.length)] = below(256)
        else if (op === 1) mutated.length = below(mutated.length + 1)
        else if (op === 2) mutated.splice(below(mutated.length + 1), 0, below(256))
        else if (mutated.length > 0) mutated[below(mutated.length)]! ^= 1 << below(8)
      }
      return Uint8Array.from(mutated)
    }

    const failures: string[] = []
    const decoders: Array<[string, (b: Uint8Array) => Control | BlockHeader | Ack]> = [
      ['decodeControl', decodeControl],
      ['decodeBlockHeader', decodeBlockHeader],
      ['decodeAck', decodeAck]
    ]

    for (let i = 0; i < ITERATIONS; i++) {
      const bytes = input()
      for (const [name, decode] of decoders) {
        try {
          const value = decode(bytes)
          const line = describe(value)
          if (typeof line !== 'string') failures.push(`#${i} ${name}(${hex(bytes)}): describe returned ${typeof line}`)
        } catch (err) {
          if (!(err instanceof RingcastError)) failures.push(`#${i} ${name}(${hex(bytes)}) threw ${String(err)}`)
        }
      }

      // The same bytes as a stream, in random chunks, read as frames.
      const reader = new ByteReader()
      for (let at = 0; at < bytes.byteLength;) {
        const size = 1 + below(8)
        reader.push(bytes.subarray(at, at + size))
        at += size
      }
      reader.end()
      const maxBytes = 1 + below(80)
      let timer: NodeJS.Timeout | undefined
      const readAll = (async () => {
        // Every frame consumes at least one byte, so this loop is bounded.
        for (let reads = 0; reads <= bytes.byteLength + 1; reads++) {
          if (await reader.readFrame(maxBytes) === null) return
        }
        throw new Error('more frames than bytes')
      })()
      const hang = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error('hung')), 2000) })
      try {
        await Promise.race([readAll, hang])
      } catch (err) {
        if (!(err instanceof RingcastError)) failures.push(`#${i} readFrame(${maxBytes}) on ${hex(bytes)} threw ${String(err)}`)
      } finally {
        clearTimeout(timer)
      }
    }
    expect(failures).toEqual([])
  })
})

// ------------------------------------------------------------------ describe()

suite('describe()', () => {
  it.each(CONTROL_EXAMPLES.map(e => [kindOf(e.input), e.input] as const))('gives one line for %s', async (kind, input) => {
    const line = describe(await roundTripControl(input))
    expect(line).toMatch(new RegExp(`^${kind}\\b`))
    expect(line).not.toMatch(/[\r\n]/)
    expect(line.length).toBeGreaterThan(kind.length)
  })

  it('never prints the token of a Join', async () => {
    const join = CONTROL_EXAMPLES[0]!.input
    const line = describe(await roundTripControl(join))
    expect(line).toContain('rack3-node17')
    expect(line).not.toContain(TOKEN)
    expect(line).not.toContain('SECRET')
  })

  it('gives one line for block headers and acks', () => {
    const lines = [
      describe({ kind: 'hello', sessionId: SESSION, offset: 0, length: 0, hash: NONE }),
      describe({ kind: 'block', sessionId: SESSION, offset: 4096, length: 4096, hash: NONE }),
      describe({ kind: 'end', sessionId: SESSION, offset: GIB5, length: 0, hash: HASH, signature: SIGNATURE }),
      describe({ kind: 'hashes', sessionId: SESSION, offset: 0, length: 0, hash: NONE, firstBlock: 512, hashes: BATCH, signature: SIGNATURE }),
      describe({ writtenThrough: 8192, error: '' }),
      describe({ writtenThrough: 8192, error: 'disk full' })
    ]
    expect(lines[0]).toMatch(/^hello session=0102/)
    // A BLOCK has no hash of its own since protocol 4.
    expect(lines[1]).toBe('block @4096+4096 hash=-')
    expect(lines[2]).toMatch(new RegExp(`^end size=${GIB5} sha256=a0a1`))
    expect(lines[3]).toBe(`hashes from block 512 (${HASH_BATCH_BLOCKS})`)
    expect(lines[4]).toBe('ack through 8192')
    expect(lines[5]).toBe('ack through 8192 error="disk full"')
    for (const line of lines) expect(line).not.toMatch(/[\r\n]/)
  })
})
