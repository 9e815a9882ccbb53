// serve --compress with real processes on the default (encrypted) data
// plane: two nodes receive the compressed frames, the same bytes at each
// hop, and write the image; the flags' misuse is one sentence and exit 2.

import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { makeWorkdir, runCli, sha256File, startSession, type Workdir } from '../support/session.js'

const MiB = 1_048_576

describe('serve --compress', () => {
  let w: Workdir
  let image: string
  beforeAll(async () => {
    w = await makeWorkdir()
    image = w.path('compressible.img')
    await writeFile(image, Buffer.concat([Buffer.from('a line of log text, as a disk holds many; '.repeat(400_000)), randomBytes(4 * MiB)]))
  })
  afterAll(async () => { await w?.remove() })

  it('sends each block compressed where it pays; relays forward the frames; every copy is the image', async () => {
    const session = await startSession(w, image, ['--nodes', '2', '--compress', '--compress-level', '6'])
    onTestFinished(() => session.kill())
    const targets = [w.path('c1.img'), w.path('c2.img')]
    session.startNode({ name: 'c1', target: targets[0]!, args: ['--create'] })
    session.startNode({ name: 'c2', target: targets[1]!, args: ['--create'] })
    const { exit, report } = await session.finish()
    expect(exit, session.coordinator.stderr()).toBe(0)
    expect(session.coordinator.stderr()).toMatch(/compressing blocks on the wire with zstd level 6/)
    const digest = await sha256File(image)
    for (const t of targets) expect(await sha256File(t)).toBe(digest)
    const [head, tail] = report.nodes.map(n => n.bytesReceived)
    expect(head).toBe(tail)
    // ~16.8 MB of text shrinks to next to nothing; the 4 MiB of random bytes go as they are.
    expect(head).toBeGreaterThanOrEqual(4 * MiB)
    expect(head).toBeLessThan(6 * MiB)
  })

  it('--compress-level without --compress, or out of range, is refused with one sentence', async () => {
    const common = ['serve', image, '--listen', '/ip4/127.0.0.1/tcp/0', '--key', w.path('k.key'), '--nodes', '1']
    const alone = await runCli([...common, '--compress-level', '5'])
    expect(alone.exit).toBe(2)
    expect(alone.stderr).toMatch(/--compress-level needs --compress/)
    const high = await runCli([...common, '--compress', '--compress-level', '40'])
    expect(high.exit).toBe(2)
    expect(high.stderr).toMatch(/--compress takes a zstd level from 1 to 19 \(got 40\)/)
  })
})
