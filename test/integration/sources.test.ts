// Sources that cannot be read at offsets (issue 12, item 1): a compressed
// image (.zst, .xz, made by Debian's own tools, and .gz) is decompressed at
// the source, and standard input of unknown length (a pipe) is read whole,
// both into a sparse spool that is removed afterwards. The clones are the
// uncompressed image, byte for byte; a corrupt or empty source is one clear
// sentence and a non-zero exit.

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { makeWorkdir, runCli, sha256File, startSession, type Workdir } from '../support/session.js'
import { needs } from '../support/skip.js'

const MiB = 1_048_576

describe('compressed and streamed sources', needs('compressors'), () => {
  let w: Workdir
  let raw: string
  let digest: string
  beforeAll(async () => {
    w = await makeWorkdir()
    raw = w.path('disk.img')
    // Compressible text, random bytes and a long run of zeros (which the spool leaves a hole).
    await writeFile(raw, Buffer.concat([Buffer.from('ringcast '.repeat(400_000)), randomBytes(3 * MiB), new Uint8Array(8 * MiB), randomBytes(MiB + 17)]))
    digest = await sha256File(raw)
    execFileSync('zstd', ['-q', '-3', raw, '-o', `${raw}.zst`])
    execFileSync('xz', ['-k', '-1', raw])
    await writeFile(`${raw}.gz`, gzipSync(await readFile(raw)))
  })
  afterAll(async () => { await w?.remove() })

  async function cloneFrom (image: string, wrapper?: string[]): Promise<{ exit: number, stderr: string, sha: string, report: { image: string, imageBytes: number, sha256: string } }> {
    const spoolDir = w.path(`spool-${Math.random().toString(16).slice(2)}`)
    execFileSync('mkdir', ['-p', spoolDir])
    const session = await startSession(w, image, ['--nodes', '1', '--spool-dir', spoolDir], wrapper)
    onTestFinished(() => session.kill())
    const target = w.path(`target-${Math.random().toString(16).slice(2)}.img`)
    session.startNode({ name: 'n1', target, args: ['--create'] })
    const { exit, report } = await session.finish()
    // The spool is gone once serve is.
    expect(await readdir(spoolDir)).toEqual([])
    return { exit, stderr: session.coordinator.stderr(), sha: await sha256File(target), report }
  }

  it.each(['zst', 'xz', 'gz'])('a .%s image is decompressed at the source: every node gets the uncompressed image', async ext => {
    const { exit, stderr, sha, report } = await cloneFrom(`${raw}.${ext}`)
    expect(exit, stderr).toBe(0)
    expect(stderr).toMatch(/spooling image .* \(decompressing (zstd|xz|gzip)\)/)
    expect(report.sha256).toBe(digest)
    expect(report.image).toBe(`${raw}.${ext}`)
    expect(sha).toBe(digest)
  })

  it('standard input of unknown length (a pipe) is read whole, then served', async () => {
    const { exit, stderr, sha, report } = await cloneFrom('-', ['sh', '-c', `cat ${raw} | "$@"`, 'sh'])
    expect(exit, stderr).toBe(0)
    expect(stderr).toMatch(/spooling standard input/)
    expect(report.imageBytes).toBe((await stat(raw)).size)
    expect(sha).toBe(digest)
  })

  it('a corrupt compressed image (its own checksum fails), or empty standard input, is one sentence and a non-zero exit', async () => {
    const spoolDir = w.path('spool-bad')
    execFileSync('mkdir', ['-p', spoolDir])
    for (const [ext, compression] of [['zst', 'zstd'], ['xz', 'xz']] as const) {
      // Bytes changed inside the random part: only the format's checksum can tell. Exit 3: bad input.
      const corrupt = Buffer.from(await readFile(`${raw}.${ext}`))
      const at = corrupt.byteLength - 600_000
      corrupt.fill(0x55, at, at + 64)
      const bad = w.path(`bad.img.${ext}`)
      await writeFile(bad, corrupt)
      const run = await runCli(['serve', bad, '--spool-dir', spoolDir, '--listen', '/ip4/127.0.0.1/tcp/0', '--key', w.path(`k-${ext}`), '--nodes', '1'])
      expect(run.exit, run.stderr).toBe(3)
      expect(run.stderr).toMatch(new RegExp(`decompressing \\(${compression}\\) image .*bad\\.img\\.${ext} failed after \\d+ bytes: .+`))
      expect(run.stderr.trim().split('\n').filter(l => l.startsWith('ringcast:'))).toHaveLength(1)
      expect(await readdir(spoolDir)).toEqual([])
    }
    const empty = await runCli(['serve', '-', '--spool-dir', spoolDir, '--listen', '/ip4/127.0.0.1/tcp/0', '--key', w.path('k2'), '--nodes', '1'], 60_000, ['sh', '-c', '"$@" < /dev/null', 'sh'])
    // Exit 3: bad input (cli/exit-codes.ts).
    expect(empty.exit).toBe(3)
    expect(empty.stderr).toMatch(/standard input is empty/)
  })
})
