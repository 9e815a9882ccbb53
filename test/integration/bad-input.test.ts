// Every error a user can cause gets one clear sentence on stderr, a distinct
// non-zero exit status, and costs the other nodes nothing.

import { execFileSync } from 'node:child_process'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCliAsNobody } from '../support/as-nobody.js'
import { makeImage, makeTarget, makeWorkdir, runCli, sha256File, startSession, type Workdir } from '../support/session.js'
import { needs } from '../support/skip.js'

const MiB = 1_048_576
const FAKE_PEER = '12D3KooWNfakbbqLDYrwowad7vy11kQpmmVqxFc8ut5gmMnayJNJ'

/** One line, prefixed, no stack trace. */
function expectOneSentence (stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n').filter(l => l.startsWith('ringcast:'))
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(pattern)
  expect(stderr).not.toMatch(/^\s+at /m)
}

describe('bad input', () => {
  let w: Workdir
  let image: { path: string, sha256: string }
  beforeAll(async () => {
    w = await makeWorkdir()
    image = await makeImage(w, 8 * MiB)
  })
  afterAll(async () => { await w.remove() })

  it('plan: a bad topology, a missing inventory and a malformed one are one sentence and exit 2', async () => {
    const ring = await runCli(['plan', '--nodes', '3', '--topology', 'ring'])
    expect(ring.exit).toBe(2)
    expectOneSentence(ring.stderr, /unknown topology "ring"/)
    const missing = await runCli(['plan', '--inventory', w.path('no-such-inventory')])
    expect(missing.exit).toBe(2)
    expectOneSentence(missing.stderr, /cannot read inventory/)
    const bad = await writeFile(w.path('inventory'), 'a 198.18.10.10\nb 198.18.10.300\n').then(() => runCli(['plan', '--inventory', w.path('inventory')]))
    expect(bad.exit).toBe(2)
    expectOneSentence(bad.stderr, /line 2: .*"198.18.10.300" is not an IPv4 address/)
    const ok = await runCli(['plan', '--nodes', '3', '--json'])
    expect(ok.exit).toBe(0)
    expect((JSON.parse(ok.stdout) as { topology: string }).topology).toBe('chain')
  })

  it('serve: a missing image is one sentence and exit 3', async () => {
    const r = await runCli(['serve', w.path('nope.img'), '--key', w.path('k1'), '--listen', '/ip4/127.0.0.1/tcp/0'])
    expect(r.exit).toBe(3)
    expectOneSentence(r.stderr, /image .*nope\.img does not exist/)
  })

  it('serve: an empty image and a directory as image are refused (exit 3)', async () => {
    const empty = await makeTarget(w, 'empty.img', 0)
    const r1 = await runCli(['serve', empty, '--key', w.path('k1'), '--listen', '/ip4/127.0.0.1/tcp/0'])
    expect(r1.exit).toBe(3)
    expectOneSentence(r1.stderr, /is empty/)
    const r2 = await runCli(['serve', w.dir, '--key', w.path('k1'), '--listen', '/ip4/127.0.0.1/tcp/0'])
    expect(r2.exit).toBe(3)
    expectOneSentence(r2.stderr, /not a regular file or block device|cannot be read/)
  })

  it('unknown flags, missing required flags and bad values are usage errors (exit 2)', async () => {
    expect((await runCli(['serve', image.path, '--nodez', '3'])).exit).toBe(2)
    expect((await runCli(['join', `/ip4/127.0.0.1/tcp/1/p2p/${FAKE_PEER}`, '--target', 'x'])).exit).toBe(2)
    expect((await runCli(['frobnicate'])).exit).toBe(2)
    const bad = await runCli(['serve', image.path, '--block-size', '12 parsecs', '--key', w.path('k1')])
    expect(bad.exit).toBe(2)
    expectOneSentence(bad.stderr, /--block-size expects a size/)
    const tiny = await runCli(['serve', image.path, '--block-size', '100', '--key', w.path('k1')])
    expect(tiny.exit).toBe(2)
    expectOneSentence(tiny.stderr, /--block-size must be between/)
    const slowDisk = await runCli(['join', `/ip4/127.0.0.1/tcp/1/p2p/${FAKE_PEER}`, '--token', 'abcdefgh', '--target', image.path, '--max-write-rate', '100'])
    expect(slowDisk.exit).toBe(2)
    expectOneSentence(slowDisk.stderr, /--max-write-rate must be at least 64KiB per second/)
    const straggler = await runCli(['serve', image.path, '--straggler-after', 'soon', '--key', w.path('k1')])
    expect(straggler.exit).toBe(2)
    expectOneSentence(straggler.stderr, /--straggler-after expects a duration/)
    const noPeer = await runCli(['join', '/ip4/127.0.0.1/tcp/1', '--token', 'abcdefgh', '--target', image.path])
    expect(noPeer.exit).toBe(2)
    expectOneSentence(noPeer.stderr, /must end in \/p2p\/<peer id>/)
  })

  it('join: a missing target, or a directory that is not empty, is refused before connecting (exit 3)', async () => {
    const addr = `/ip4/127.0.0.1/tcp/1/p2p/${FAKE_PEER}`
    const missing = await runCli(['join', addr, '--token', 'abcdefgh', '--target', w.path('missing.img')])
    expect(missing.exit).toBe(3)
    expectOneSentence(missing.stderr, /target .*missing\.img does not exist \(pass --create/)
    const dir = await runCli(['join', addr, '--token', 'abcdefgh', '--target', w.dir])
    expect(dir.exit).toBe(3)
    // A directory is an archive target (archive.test.ts), and only an empty one.
    expectOneSentence(dir.stderr, /target directory .* is not empty \(\d+ entries\): an archive is unpacked only into an empty directory/)
    const noParent = await runCli(['join', addr, '--token', 'abcdefgh', '--target', w.path('no/such/dir/t.img'), '--create'])
    expect(noParent.exit).toBe(3)
    expectOneSentence(noParent.stderr, /cannot create target/)
  })

  it('join: a target the user may not write is refused before connecting (exit 3)', needs('asNobody'), async () => {
    // Root may write anything, so the node runs as nobody against a root-owned 0644 file.
    // Regression: it exited 1 (nobody could not read dist/) when the clone sat in a 0700 directory.
    await chmod(w.dir, 0o755)
    const target = await makeTarget(w, 'root-owned.img', 8 * MiB)
    const r = await runCliAsNobody(['join', `/ip4/127.0.0.1/tcp/1/p2p/${FAKE_PEER}`, '--token', 'abcdefgh', '--target', target])
    expect(r.exit).toBe(3)
    expectOneSentence(r.stderr, /target .*root-owned\.img is not writable/)
  })

  it('join: an unreachable coordinator fails after its retries (exit 5)', async () => {
    const target = await makeTarget(w, 'unreach.img', 8 * MiB)
    const r = await runCli(['join', `/ip4/127.0.0.1/tcp/1/p2p/${FAKE_PEER}`, '--token', 'abcdefgh', '--target', target, '--connect-timeout', '2s'])
    expect(r.exit).toBe(5)
    expectOneSentence(r.stderr, /cannot reach the coordinator at .* attempt\(s\)/)
    // Nothing was written.
    expect((await readFile(target)).every(b => b === 0)).toBe(true)
  })

  it('a wrong token and a too-small target are refused, logged on both sides, and the others still verify', async () => {
    const session = await startSession(w, image.path, ['--nodes', '2', '--wait-timeout', '60s'])
    try {
      const small = await makeTarget(w, 'small.img', 1 * MiB)
      const tooSmall = session.startNode({ name: 'tiny', target: small })
      const intruder = session.startNode({ name: 'intruder', target: await makeTarget(w, 'intruder.img', 8 * MiB), token: 'not-the-token' })
      expect(await tooSmall.exited).toBe(4)
      expect(await intruder.exited).toBe(4)
      expectOneSentence(tooSmall.stderr(), /refused this node: target .*small\.img holds 1048576 bytes but the image is 8388608/)
      expectOneSentence(intruder.stderr(), /refused this node: wrong session token/)
      const good = [await makeTarget(w, 'good1.img', 8 * MiB), w.path('good2.img')]
      // The token kept out of argv: from a file, and from the environment.
      session.startNode({ name: 'good1', target: good[0]!, tokenVia: 'file' })
      session.startNode({ name: 'good2', target: good[1]!, args: ['--create'], tokenVia: 'env' })
      const { exit, report } = await session.finish()
      expect(exit).toBe(0)
      expect(report.nodes.map(n => n.name).sort()).toEqual(['good1', 'good2'])
      expect(report.nodes.every(n => n.status === 'OK')).toBe(true)
      for (const t of good) expect(await sha256File(t)).toBe(image.sha256)
      expect((await readFile(small)).every(b => b === 0)).toBe(true)
      const log = session.coordinator.stderr()
      expect(log).toMatch(/refused tiny from .*holds 1048576 bytes/)
      expect(log).toMatch(/refused intruder from .*wrong session token/)
    } finally {
      session.kill()
    }
  })

  it('serve: a token from --token-file or RINGCAST_TOKEN is never printed; the join line names the file instead', async () => {
    const secret = 'kept-out-of-sight-0123'
    await writeFile(w.path('serve.token'), `${secret}\n`)
    const viaFile = await runCli(['serve', image.path, '--key', w.path('k3'), '--listen', '/ip4/127.0.0.1/tcp/0', '--nodes', '1', '--wait-timeout', '1s', '--token-file', w.path('serve.token')])
    const viaEnv = await runCli(['serve', image.path, '--key', w.path('k3'), '--listen', '/ip4/127.0.0.1/tcp/0', '--nodes', '1', '--wait-timeout', '1s'], 60_000, ['env', `RINGCAST_TOKEN=${secret}`])
    for (const r of [viaFile, viaEnv]) {
      expect(r.stderr).toMatch(/join with: ringcast join \S+ --token-file <the token file> --target/)
      expect(`${r.stdout}${r.stderr}`).not.toContain(secret)
    }
  })

  it('serve: no node joining within the wait timeout is a clear failure', async () => {
    const r = await runCli(['serve', image.path, '--key', w.path('k2'), '--listen', '/ip4/127.0.0.1/tcp/0', '--nodes', '3', '--wait-timeout', '1s'])
    expect(r.exit).toBe(1)
    expectOneSentence(r.stderr, /no node joined within 1 s/)
  })

  it('serve: does not start with fewer than --min-nodes when the wait times out, and says so to the nodes', async () => {
    // Long enough for a node process to start and join on a loaded machine.
    const session = await startSession(w, image.path, ['--nodes', '3', '--min-nodes', '2', '--wait-timeout', '6s'])
    try {
      const lonely = session.startNode({ name: 'early', target: w.path('early.img'), args: ['--create'] })
      expect(await session.coordinator.exited).toBe(1)
      expectOneSentence(session.coordinator.stderr(), /only 1 of the required 2 node\(s\) joined within 6 s/)
      expect(await lonely.exited).not.toBe(0)
      expect(lonely.stderr()).toMatch(/the session did not start: only 1 of the required 2/)
    } finally {
      session.kill()
    }
  })

  it('serve: starts with the nodes present when the wait timeout passes', async () => {
    const session = await startSession(w, image.path, ['--nodes', '3', '--wait-timeout', '6s'])
    try {
      const t = w.path('lonely.img')
      session.startNode({ name: 'lonely', target: t, args: ['--create'] })
      const { exit, report } = await session.finish()
      expect(exit).toBe(0)
      expect(report.nodes).toHaveLength(1)
      expect(session.coordinator.stderr()).toMatch(/starting with 1 of 3 node\(s\)/)
      expect(await sha256File(t)).toBe(image.sha256)
    } finally {
      session.kill()
    }
  })

  it('serve: an identity key is created 0600 and reused; a corrupt key is refused', async () => {
    const keyPath = w.path('keys/coordinator.key')
    await mkdir(w.path('keys'))
    const first = await runCli(['serve', image.path, '--key', keyPath, '--listen', '/ip4/127.0.0.1/tcp/0', '--wait-timeout', '0s'])
    const second = await runCli(['serve', image.path, '--key', keyPath, '--listen', '/ip4/127.0.0.1/tcp/0', '--wait-timeout', '0s'])
    const peerOf = (s: string): string | undefined => /\/p2p\/(\w+)/.exec(s)?.[1]
    expect(peerOf(first.stderr)).toBeDefined()
    expect(peerOf(first.stderr)).toBe(peerOf(second.stderr))
    expect(execFileSync('stat', ['-c', '%a', keyPath]).toString().trim()).toBe('600')
    const bogus = await makeTarget(w, 'bogus.key', 100)
    const r = await runCli(['serve', image.path, '--key', bogus, '--listen', '/ip4/127.0.0.1/tcp/0'])
    expect(r.exit).toBe(3)
    expectOneSentence(r.stderr, /is not a libp2p private key/)
  })
})
