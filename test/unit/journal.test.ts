import { createHash, randomBytes } from 'node:crypto'
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile, type FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isRingcastError, type ErrorCode } from '../../src/errors.js'
import {
  defaultJournalPath, Journal, journalMismatch, loadJournal, MAX_JOURNAL_BYTES, verifyAgainstJournal,
  type JournalBlock, type JournalHeader
} from '../../src/storage/journal.js'

const BLOCK = 4096
/** A record line is fixed width: 16 + 1 + 16 + 1 + 64 + 1. */
const RECORD_BYTES = 99

let dir: string
let journalPath: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ringcast-journal-'))
  journalPath = join(dir, 'target.img.ringcast-journal')
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function header (overrides: Partial<JournalHeader> = {}): JournalHeader {
  return { sessionId: new Uint8Array(16).fill(7), imageSize: 10 * BLOCK - 100, blockSize: BLOCK, targetPath: join(dir, 'target.img'), ...overrides }
}

/** Deterministic bytes for block `i` of an image, and its journal record. */
function imageBlocks (h: JournalHeader): Array<{ bytes: Buffer, block: JournalBlock }> {
  const out = []
  for (let offset = 0, i = 0; offset < h.imageSize; offset += h.blockSize, i++) {
    const length = Math.min(h.blockSize, h.imageSize - offset)
    const bytes = Buffer.alloc(length)
    for (let at = 0; at < length; at += 32) createHash('sha256').update(`block ${i} at ${at}`).digest().copy(bytes, at)
    out.push({ bytes, block: { offset, length, hash: new Uint8Array(createHash('sha256').update(bytes).digest()) } })
  }
  return out
}

async function expectCode (promise: Promise<unknown>, code: ErrorCode, message: RegExp): Promise<void> {
  const err = await promise.then(() => undefined, (e: unknown) => e)
  expect(isRingcastError(err, code), `expected a ${code} error, got ${String(err)}`).toBe(true)
  expect((err as Error).message).toMatch(message)
}

function expectThrowsCode (fn: () => unknown, code: ErrorCode, message: RegExp): void {
  let err: unknown
  try { fn() } catch (e) { err = e }
  expect(isRingcastError(err, code), `expected a ${code} error, got ${String(err)}`).toBe(true)
  expect((err as Error).message).toMatch(message)
}

/** A record as the format describes it, written here independently of the module. */
function recordLine (b: JournalBlock): string {
  return `${String(b.offset).padStart(16, '0')} ${String(b.length).padStart(16, '0')} ${Buffer.from(b.hash).toString('hex')}\n`
}

async function writtenJournal (h = header(), count = Infinity): Promise<JournalBlock[]> {
  const blocks = imageBlocks(h).slice(0, count).map(b => b.block)
  const journal = await Journal.create(journalPath, h)
  for (const b of blocks) journal.record(b)
  await journal.close()
  return blocks
}

describe('Journal and loadJournal', () => {
  it('round trips the header and every recorded block', async () => {
    const h = header()
    const blocks = imageBlocks(h).map(b => b.block)
    await writeFile(`${journalPath}.tmp`, 'left over by a crash', { mode: 0o644 })
    const journal = await Journal.create(journalPath, h)
    for (const b of blocks) journal.record(b)
    expect(journal.recordedThrough).toBe(h.imageSize)
    await journal.checkpoint()
    const loaded = await loadJournal(journalPath)
    expect(loaded?.header).toEqual(h)
    expect(loaded?.blocks).toEqual(blocks)
    expect(loaded?.blocks.at(-1)?.length).toBe(BLOCK - 100)
    expect((await stat(journalPath)).mode & 0o777).toBe(0o600)
    expect(await readdir(dir)).toEqual(['target.img.ringcast-journal'])
    await journal.close()
  })

  it('writes every record out without a checkpoint (a kill -9 loses none the page cache got)', async () => {
    const h = header({ imageSize: 100 * BLOCK })
    const blocks = imageBlocks(h).map(b => b.block)
    const journal = await Journal.create(journalPath, h)
    journal.record(blocks[0]!)
    await vi.waitFor(async () => { expect((await loadJournal(journalPath))?.blocks).toHaveLength(1) })
    // Recorded while a write is in flight: batched behind it, still written out.
    for (const b of blocks.slice(1, 63)) journal.record(b)
    await vi.waitFor(async () => { expect((await loadJournal(journalPath))?.blocks).toEqual(blocks.slice(0, 63)) })
    await journal.close()
  })

  it('keeps records in order across many background writes and concurrent checkpoints', async () => {
    const h = header({ imageSize: 1000 * BLOCK })
    const blocks = imageBlocks(h).map(b => b.block)
    const journal = await Journal.create(journalPath, h)
    const checkpoints: Array<Promise<void>> = []
    blocks.forEach((b, i) => {
      journal.record(b)
      if (i % 97 === 0) checkpoints.push(journal.checkpoint())
    })
    checkpoints.push(journal.checkpoint(), journal.checkpoint())
    await Promise.all(checkpoints)
    expect((await loadJournal(journalPath))?.blocks).toEqual(blocks)
    await journal.close()
  })

  it('create replaces an existing journal', async () => {
    await writtenJournal()
    const h = header({ sessionId: new Uint8Array(16).fill(9) })
    const journal = await Journal.create(journalPath, h)
    await journal.close()
    expect(await loadJournal(journalPath)).toEqual({ header: h, blocks: [] })
  })

  it('create names the path when it cannot write the journal', async () => {
    await writeFile(join(dir, 'file'), 'x')
    const path = join(dir, 'file', 'sub', 'journal')
    await expectCode(Journal.create(path, header()), 'JOURNAL', new RegExp(`cannot write resume journal ${path}: .*ENOTDIR`))
  })

  it('ignores a torn tail at every possible cut', async () => {
    const blocks = await writtenJournal()
    const full = await readFile(journalPath)
    const headerBytes = full.byteLength - blocks.length * RECORD_BYTES
    for (let cut = headerBytes; cut <= full.byteLength; cut++) {
      await writeFile(journalPath, full.subarray(0, cut))
      const loaded = await loadJournal(journalPath)
      expect(loaded?.blocks, `cut at ${cut}`).toEqual(blocks.slice(0, Math.floor((cut - headerBytes) / RECORD_BYTES)))
    }
  })

  it.each([
    ['half of the next record', (next: string) => next.slice(0, 50)],
    ['the next record without its newline', (next: string) => next.slice(0, -1)],
    ['the next record with an upper-case hash', (next: string) => next.slice(0, 34) + next.slice(34).toUpperCase()],
    ['a run of NULs (power loss)', () => Buffer.alloc(500)],
    ['random bytes', () => randomBytes(300)]
  ])('keeps the good prefix when %s follows it', async (_, tail) => {
    const h = header()
    const blocks = await writtenJournal(h, 4)
    const next = recordLine(imageBlocks(h)[4]!.block)
    await appendFile(journalPath, next)
    expect((await loadJournal(journalPath))?.blocks).toHaveLength(5) // the untorn record is accepted
    await writtenJournal(h, 4)
    await appendFile(journalPath, tail(next))
    expect((await loadJournal(journalPath))?.blocks).toEqual(blocks)
  })

  it('stops at a garbled record in the middle', async () => {
    const blocks = await writtenJournal()
    const bytes = await readFile(journalPath)
    const third = bytes.byteLength - (blocks.length - 3) * RECORD_BYTES
    bytes[third + 40] = 'g'.charCodeAt(0)
    await writeFile(journalPath, bytes)
    expect((await loadJournal(journalPath))?.blocks).toEqual(blocks.slice(0, 3))
  })

  it('ignores a well-formed record that is not contiguous, and everything after it', async () => {
    const h = header()
    const all = imageBlocks(h).map(b => b.block)
    const blocks = await writtenJournal(h, 3)
    await appendFile(journalPath, recordLine(all[4]!) + recordLine(all[3]!))
    expect((await loadJournal(journalPath))?.blocks).toEqual(blocks)
  })

  it('record() refuses a block that does not extend the journal, and stays usable', async () => {
    const h = header()
    const all = imageBlocks(h).map(b => b.block)
    const journal = await Journal.create(journalPath, h)
    journal.record(all[0]!)
    expectThrowsCode(() => journal.record(all[2]!), 'INTERNAL', /does not follow the journal's end at 4096/)
    expectThrowsCode(() => journal.record(all[0]!), 'INTERNAL', /does not follow/)
    expectThrowsCode(() => journal.record({ offset: BLOCK, length: BLOCK + 1, hash: all[1]!.hash }), 'INTERNAL', /length 4097/)
    expectThrowsCode(() => journal.record({ offset: BLOCK, length: BLOCK, hash: new Uint8Array(20) }), 'INTERNAL', /20-byte hash/)
    expectThrowsCode(() => journal.record({ offset: BLOCK, length: 0, hash: all[1]!.hash }), 'INTERNAL', /length 0/)
    journal.record(all[1]!)
    expect(journal.recordedThrough).toBe(2 * BLOCK)
    await journal.checkpoint()
    expect((await loadJournal(journalPath))?.blocks).toEqual(all.slice(0, 2))
    await journal.close()
  })

  it('record() refuses a block past the image end', async () => {
    const h = header({ imageSize: BLOCK + 10 })
    const journal = await Journal.create(journalPath, h)
    journal.record({ offset: 0, length: BLOCK, hash: new Uint8Array(32) })
    expectThrowsCode(() => journal.record({ offset: BLOCK, length: 11, hash: new Uint8Array(32) }), 'INTERNAL', /runs past the image end/)
    await journal.close()
  })

  it('returns undefined for a missing journal', async () => {
    expect(await loadJournal(join(dir, 'nope'))).toBeUndefined()
  })

  it('refuses a file that is not a journal with a JOURNAL error naming it', async () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from('hello\n'), Buffer.alloc(MAX_JOURNAL_BYTES, 'a'), Buffer.from('ringcast-journal 2 {"sessionId":"07"'), Buffer.from('ringcast-journal 2 {}\n')]) {
      await writeFile(journalPath, bytes)
      await expectCode(loadJournal(journalPath), 'JOURNAL', new RegExp(`${journalPath} is not a ringcast resume journal`))
    }
    for (let i = 0; i < 200; i++) {
      await writeFile(journalPath, randomBytes(1 + (i * 37) % 500))
      await expectCode(loadJournal(journalPath), 'JOURNAL', /is not a ringcast resume journal/)
    }
  })

  it('refuses a header with a wrong field type or size', async () => {
    const good = { sessionId: '07'.repeat(16), imageSize: 100, blockSize: BLOCK, targetPath: '/x' }
    for (const bad of [{ sessionId: '07'.repeat(15) }, { sessionId: 'zz'.repeat(16) }, { imageSize: -1 }, { imageSize: 1.5 }, { blockSize: 0 }, { blockSize: '4096' }, { targetPath: '' }]) {
      await writeFile(journalPath, `ringcast-journal 2 ${JSON.stringify({ ...good, ...bad })}\n`)
      await expectCode(loadJournal(journalPath), 'JOURNAL', /not a ringcast resume journal/)
    }
    await writeFile(journalPath, `ringcast-journal 2 ${JSON.stringify(good)}\n`)
    expect((await loadJournal(journalPath))?.header.imageSize).toBe(100)
  })

  it('says so when the journal comes from another format version', async () => {
    for (const other of ['ringcast-journal 1 {}\n', 'ringcast-journal 3 {}\n']) {
      await writeFile(journalPath, other)
      await expectCode(loadJournal(journalPath), 'JOURNAL', /was written by another ringcast version/)
    }
  })

  it('refuses a journal larger than the limit instead of reading it', async () => {
    await writtenJournal()
    await truncate(journalPath, MAX_JOURNAL_BYTES + 1)
    await expectCode(loadJournal(journalPath), 'JOURNAL', /is 67108865 bytes, more than the 67108864-byte limit/)
  })
})

describe('journalMismatch', () => {
  it('accepts the same header', () => {
    expect(journalMismatch(header(), header())).toBeUndefined()
  })

  it.each([
    [{ sessionId: new Uint8Array(16).fill(8) }, 'it was written for another session'],
    [{ imageSize: 5 }, 'it was written for a 40860-byte image, not 5 bytes'],
    [{ blockSize: 8192 }, 'it was written for 4096-byte blocks, not 8192'],
    [{ targetPath: '/dev/sdz' }, /^it was written for target \/.*target\.img$/]
  ])('names the field that differs: %o', (wanted, reason) => {
    expect(journalMismatch(header(), header(wanted))).toMatch(reason)
  })
})

describe('verifyAgainstJournal', () => {
  async function targetWith (h: JournalHeader, edit?: (image: Buffer) => Buffer): Promise<{ path: string, blocks: Array<{ bytes: Buffer, block: JournalBlock }> }> {
    const blocks = imageBlocks(h)
    const image = Buffer.concat(blocks.map(b => b.bytes))
    await writeFile(h.targetPath, edit === undefined ? image : edit(image))
    return { path: h.targetPath, blocks }
  }

  async function verify (path: string, blocks: JournalBlock[]): Promise<{ verified: JournalBlock[], seen: string[] }> {
    const seen: string[] = []
    const verified = await verifyAgainstJournal(path, blocks, bytes => { seen.push(Buffer.from(bytes).toString('hex')) })
    return { verified, seen }
  }

  it('verifies every block of an intact target, passing each block\'s bytes in order', async () => {
    const { path, blocks } = await targetWith(header())
    const { verified, seen } = await verify(path, blocks.map(b => b.block))
    expect(verified).toEqual(blocks.map(b => b.block))
    expect(seen).toEqual(blocks.map(b => b.bytes.toString('hex')))
  })

  it('stops before the first block with a corrupted byte', async () => {
    const k = 6
    const { path, blocks } = await targetWith(header(), image => { image[k * BLOCK + 1234]! ^= 1; return image })
    const { verified, seen } = await verify(path, blocks.map(b => b.block))
    expect(verified).toEqual(blocks.slice(0, k).map(b => b.block))
    expect(seen).toEqual(blocks.slice(0, k).map(b => b.bytes.toString('hex')))
  })

  it('stops at the block a truncated target cuts short', async () => {
    const { path, blocks } = await targetWith(header(), image => image.subarray(0, 4 * BLOCK + 10))
    const { verified, seen } = await verify(path, blocks.map(b => b.block))
    expect(verified).toEqual(blocks.slice(0, 4).map(b => b.block))
    expect(seen).toHaveLength(4)
  })

  it('stops at a short last read even when stale buffer bytes would hash right (all-zero image)', async () => {
    const h = header()
    const zeros = new Uint8Array(createHash('sha256').update(Buffer.alloc(BLOCK)).digest())
    const blocks = [0, 1, 2].map(i => ({ offset: i * BLOCK, length: BLOCK, hash: zeros }))
    await writeFile(h.targetPath, Buffer.alloc(2 * BLOCK + 100))
    const { verified } = await verify(h.targetPath, blocks)
    expect(verified).toEqual(blocks.slice(0, 2))
  })

  it('stops at a gap in the blocks it is given', async () => {
    const { path, blocks } = await targetWith(header())
    const { verified } = await verify(path, [blocks[0]!.block, blocks[1]!.block, blocks[3]!.block])
    expect(verified).toEqual([blocks[0]!.block, blocks[1]!.block])
  })

  it('returns nothing for a missing target', async () => {
    const h = header()
    const { verified, seen } = await verify(join(dir, 'missing.img'), imageBlocks(h).map(b => b.block))
    expect(verified).toEqual([])
    expect(seen).toEqual([])
  })

  it('reports an unreadable target as a JOURNAL error naming it', async () => {
    const path = join(dir, 'a-directory')
    await mkdir(path)
    await expectCode(verifyAgainstJournal(path, imageBlocks(header()).map(b => b.block), () => {}), 'JOURNAL', new RegExp(`reading target ${path} at 0 .*EISDIR`))
  })

  it('lets an error thrown by onVerified through unchanged', async () => {
    const { path, blocks } = await targetWith(header())
    const boom = new Error('boom')
    await expect(verifyAgainstJournal(path, blocks.map(b => b.block), () => { throw boom })).rejects.toBe(boom)
  })
})

describe('Journal.resume', () => {
  it('keeps the verified blocks and appends after them', async () => {
    const h = header()
    const all = imageBlocks(h).map(b => b.block)
    await writtenJournal(h)
    const journal = await Journal.resume(journalPath, h, all.slice(0, 5))
    expect(journal.recordedThrough).toBe(5 * BLOCK)
    expect((await loadJournal(journalPath))?.blocks).toEqual(all.slice(0, 5))
    expectThrowsCode(() => journal.record(all[6]!), 'INTERNAL', /does not follow/)
    for (const b of all.slice(5, 8)) journal.record(b)
    await journal.checkpoint()
    expect(await loadJournal(journalPath)).toEqual({ header: h, blocks: all.slice(0, 8) })
    expect(await readdir(dir)).toEqual(['target.img.ringcast-journal'])
    await journal.close()
  })

  it('refuses blocks to keep that are not a contiguous prefix', async () => {
    const all = imageBlocks(header()).map(b => b.block)
    await expectCode(Journal.resume(journalPath, header(), [all[0]!, all[2]!]), 'INTERNAL', /does not follow/)
    await expectCode(Journal.resume(journalPath, header(), [all[1]!]), 'INTERNAL', /does not follow the journal's end at 0/)
  })
})

describe('closing', () => {
  it('remove() deletes the journal, and does not mind if it is already gone', async () => {
    const journal = await Journal.create(journalPath, header())
    journal.record(imageBlocks(header())[0]!.block)
    await journal.remove()
    expect(await loadJournal(journalPath)).toBeUndefined()
    await journal.remove()
  })

  it('close() writes out what was recorded, can be called twice, and ends recording', async () => {
    const blocks = imageBlocks(header()).map(b => b.block)
    const journal = await Journal.create(journalPath, header())
    journal.record(blocks[0]!)
    await Promise.all([journal.close(), journal.close()])
    await journal.close()
    expect((await loadJournal(journalPath))?.blocks).toEqual(blocks.slice(0, 1))
    expectThrowsCode(() => journal.record(blocks[1]!), 'INTERNAL', /is closed/)
  })

  it('a failed background write surfaces on checkpoint, and close still resolves', async () => {
    const h = header({ imageSize: 100 * BLOCK })
    const blocks = imageBlocks(h).map(b => b.block)
    const journal = await Journal.create(journalPath, h)
    // Test-only: close the journal's FileHandle under it, so its next write fails (Node
    // rejects it with EBADF "file closed"). Tests run as root, where a read-only
    // directory or file cannot make a real write fail.
    await (journal as unknown as { handle: FileHandle }).handle.close()
    for (const b of blocks.slice(0, 64)) journal.record(b)
    await expectCode(journal.checkpoint(), 'JOURNAL', new RegExp(`writing resume journal ${journalPath} failed: file closed`))
    await expectCode(journal.checkpoint(), 'JOURNAL', /file closed/)
    await journal.close()
  })
})

describe('defaultJournalPath', () => {
  it('puts a file target\'s journal next to it', () => {
    expect(defaultJournalPath({ path: '/srv/images/node.img', kind: 'file' })).toBe('/srv/images/node.img.ringcast-journal')
    expect(defaultJournalPath({ path: 'node.img', kind: 'file' })).toBe('node.img.ringcast-journal')
  })

  it('puts a block device\'s journal under /var/lib/ringcast with a sanitized name', () => {
    expect(defaultJournalPath({ path: '/dev/sdb', kind: 'block' })).toBe('/var/lib/ringcast/_dev_sdb.journal')
    expect(defaultJournalPath({ path: '/dev/disk/by-id/nvme-Samsung SSD:1', kind: 'block' })).toBe('/var/lib/ringcast/_dev_disk_by-id_nvme-Samsung_SSD_1.journal')
    expect(defaultJournalPath({ path: '/dev/../etc/passwd', kind: 'block' })).toBe('/var/lib/ringcast/_dev_.._etc_passwd.journal')
  })
})

describe('runs of skipped blocks (protocol 5)', () => {
  // Image: block 0 data, blocks 1-3 ZERO, blocks 4-6 FREE, blocks 7-9 data (the last short).
  let h: JournalHeader
  let blocks: Array<{ bytes: Buffer, block: JournalBlock }>
  const zeroRun: JournalBlock = { offset: BLOCK, length: 3 * BLOCK, hash: new Uint8Array(), content: 1 }
  const freeRun: JournalBlock = { offset: 4 * BLOCK, length: 3 * BLOCK, hash: new Uint8Array(), content: 2 }
  let records: JournalBlock[]
  beforeEach(() => {
    h = header()
    blocks = imageBlocks(h)
    records = [blocks[0]!.block, zeroRun, freeRun, ...blocks.slice(7).map(b => b.block)]
  })

  async function target (zeroRunBytes: Buffer): Promise<string> {
    const path = join(dir, 'target.img')
    // The FREE run holds whatever was there before: random bytes.
    await writeFile(path, Buffer.concat([blocks[0]!.bytes, zeroRunBytes, randomBytes(3 * BLOCK), ...blocks.slice(7).map(b => b.bytes)]))
    return path
  }

  it('round-trips ZERO and FREE runs as fixed-width records, each one line', async () => {
    const j = await Journal.create(journalPath, h)
    for (const r of records) j.record(r)
    await j.close()
    const text = await readFile(journalPath, 'latin1')
    expect(text).toContain(`${'-'.repeat(60)}zero\n`)
    expect(text).toContain(`${'-'.repeat(60)}free\n`)
    expect(text.split('\n').filter(l => l !== '').slice(1).every(l => l.length === RECORD_BYTES - 1)).toBe(true)
    expect((await loadJournal(journalPath))!.blocks).toEqual(records)
  })

  it('on resume, a ZERO run must read back as zeros; a FREE run is not read', async () => {
    expect(await verifyAgainstJournal(await target(Buffer.alloc(3 * BLOCK)), records, () => {})).toEqual(records)
    // One non-zero byte in the ZERO run: the verified prefix ends before it.
    const spoiled = Buffer.alloc(3 * BLOCK)
    spoiled[2 * BLOCK + 17] = 1
    expect(await verifyAgainstJournal(await target(spoiled), records, () => {})).toEqual(records.slice(0, 1))
  })

  it('refuses a run that is not whole blocks', async () => {
    const j = await Journal.create(journalPath, h)
    j.record(blocks[0]!.block)
    expectThrowsCode(() => j.record({ ...zeroRun, length: BLOCK + 1 }), 'INTERNAL', /not whole blocks/)
    await j.close()
  })
})
