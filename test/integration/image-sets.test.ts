// Several sources in one session (issue 12, item 1): serve NAME=IMAGE ...
// sends them one after another over one chain, and every node writes each
// to the target it named for it (join --target NAME=PATH ...). Each image is
// what it would be alone: a plain file of an odd size, an ext4 file system
// (used blocks only), a compressed tar unpacked into a directory. A node
// whose targets do not match the session's images is refused in one
// sentence before anything is written, and a node killed in the middle of
// the second image resumes there, checking what it had in both.

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { c as createTar } from 'tar'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { makeWorkdir, runCli, sha256File, startSession, whenWritten, type Workdir } from '../support/session.js'
import { needs } from '../support/skip.js'

const MiB = 1_048_576
const sh = (cmd: string, ...args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

describe('several images in one session', needs('extImage'), () => {
  let w: Workdir
  let boot: string
  let root: string
  let data: string
  const tool = randomBytes(2 * MiB + 3)
  beforeAll(async () => {
    w = await makeWorkdir()
    // boot: a plain file whose size is no multiple of any block size.
    boot = w.path('boot.img')
    await writeFile(boot, randomBytes(3 * MiB + 12_345))
    // root: an ext4 file system of 32 MiB holding ~6 MiB of files.
    const tree = w.path('root-tree')
    await mkdir(join(tree, 'etc'), { recursive: true })
    await writeFile(join(tree, 'etc/hostname'), 'golden\n')
    await writeFile(join(tree, 'big.bin'), randomBytes(6 * MiB))
    root = w.path('root.img')
    sh('truncate', '-s', String(32 * MiB), root)
    sh('mkfs.ext4', '-q', '-F', '-b', '4096', '-d', tree, root)
    // data: a tar, gzip-compressed (serve decompresses it), for a directory target.
    const dataTree = w.path('data-tree')
    await mkdir(join(dataTree, 'bin'), { recursive: true })
    await writeFile(join(dataTree, 'bin/tool'), tool)
    const tar = w.path('data.tar')
    await createTar({ file: tar, cwd: dataTree, portable: true }, ['.'])
    data = w.path('data.tar.gz')
    await writeFile(data, gzipSync(await readFile(tar)))
  })
  afterAll(async () => { await w?.remove() })

  const images = (): string[] => [`boot=${boot}`, `root=${root}`, `data=${data}`]

  it('three sources to three destinations in one session: every node verifies all three, each target holding only its image', async () => {
    const session = await startSession(w, images(), ['--nodes', '2', '--block-size', '256KiB'])
    onTestFinished(() => session.kill())
    const nodes = ['n1', 'n2'].map(name => {
      const t = { boot: w.path(`${name}-boot.img`), root: w.path(`${name}-root.img`), data: w.path(`${name}-data`) }
      return { name, t }
    })
    for (const n of nodes) {
      await mkdir(n.t.data)
      session.startNode({ name: n.name, target: [`boot=${n.t.boot}`, `root=${n.t.root}`, `data=${n.t.data}`], args: ['--create'] })
    }
    const { exit, report, nodeExits } = await session.finish()
    const stderr = session.coordinator.stderr()
    expect(exit, stderr).toBe(0)
    expect(nodeExits).toEqual([0, 0])
    // The report names the three, in the order they travel, each from a block boundary.
    expect(report.parts.map(p => [p.name, p.source])).toEqual([['boot', boot], ['root', root], ['data', data]])
    const bootBytes = (await stat(boot)).size
    expect(report.parts[0]).toMatchObject({ offset: 0, bytes: bootBytes })
    expect(report.parts[1]!.offset).toBe(Math.ceil(bootBytes / (256 * 1024)) * 256 * 1024)
    expect(report.parts[2]!.offset).toBe(report.parts[1]!.offset + 32 * MiB)
    expect(report.imageBytes).toBe(report.parts[2]!.offset + report.parts[2]!.bytes)
    // Each image's own SHA-256, as sha256sum prints it, where every block of it was read (root's free ones are not).
    expect(report.parts[0]!.sha256).toBe(await sha256File(boot))
    expect(report.parts[1]!.sha256).toBeUndefined()
    expect(report.parts[2]!.sha256).toBe(await sha256File(w.path('data.tar')))
    expect(report.parts[1]!.contentBytes.free).toBeGreaterThan(16 * MiB)
    // Used blocks per image: root's free space is skipped, found by dumpe2fs on that image alone.
    expect(stderr).toMatch(/image root: ext file system: sending only the blocks in use/)
    expect(stderr).toMatch(/image boot: sending every block that is not all zeros/)
    expect(report.contentBytes.free).toBeGreaterThan(16 * MiB)
    expect(report.digestKind).toBe('images')
    for (const n of nodes) {
      const row = report.nodes.find(r => r.name === n.name)!
      expect(row.status).toBe('OK')
      expect(row.target).toBe(`boot=${n.t.boot} root=${n.t.root} data=${n.t.data}.ringcast-archive`)
      // Each target holds its own image, no byte of padding: boot is exactly boot's size.
      expect((await stat(n.t.boot)).size).toBe(bootBytes)
      expect(await sha256File(n.t.boot)).toBe(await sha256File(boot))
      expect((await stat(n.t.root)).size).toBe(32 * MiB)
      sh('e2fsck', '-fn', n.t.root)
      expect(sh('debugfs', '-R', 'cat /etc/hostname', n.t.root)).toBe('golden\n')
      expect(await sha256File(n.t.root)).toBe(await sha256File(root))
      expect((await readFile(join(n.t.data, 'bin/tool'))).equals(tool)).toBe(true)
      expect(await readdir(w.path('.'))).not.toContain(`${n.name}-data.ringcast-archive`)
    }
  })

  it('a node whose targets do not match the images is refused in one sentence, with nothing written; the others go on', async () => {
    const session = await startSession(w, images(), ['--nodes', '1', '--wait-timeout', '20s'])
    onTestFinished(() => session.kill())
    const good = { boot: w.path('g-boot.img'), root: w.path('g-root.img'), data: w.path('g-data') }
    await mkdir(good.data)
    const cases = [
      { name: 'missing', target: [`boot=${w.path('m-boot.img')}`, `root=${w.path('m-root.img')}`], why: /no target for image data \(this session sends boot, root, data\)/ },
      { name: 'unknown', target: [`boot=${w.path('u-boot.img')}`, `root=${w.path('u-root.img')}`, `home=${w.path('u-home.img')}`], why: /this session sends no image named home/ },
      { name: 'plain', target: [w.path('p.img')], why: /this session sends 3 images \(boot, root, data\); name a target for each: --target NAME=PATH/ }
    ]
    const refused = cases.map(c => ({ ...c, proc: session.startNode({ name: c.name, target: c.target, args: ['--create'] }) }))
    for (const r of refused) {
      expect(await r.proc.exited, r.proc.stderr()).not.toBe(0)
      expect(r.proc.stderr()).toMatch(r.why)
    }
    session.startNode({ name: 'good', target: [`boot=${good.boot}`, `root=${good.root}`, `data=${good.data}`], args: ['--create'] })
    const { exit, report } = await session.finish()
    expect(exit, session.coordinator.stderr()).toBe(0)
    expect(report.nodes.map(n => [n.name, n.status])).toEqual([['good', 'OK']])
    // Refused before the session opened a target: the files --create made are still empty.
    for (const c of cases) for (const t of c.target) expect((await stat(t.replace(/^\w+=/, ''))).size).toBe(0)
  })

  it('bad image and target lists are usage errors (exit 2) before anything starts', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['serve', boot, `root=${root}`], /has no name: with several images or targets, write NAME=PATH for each/],
      [['serve', `boot=${boot}`, `boot=${root}`], /boot is named twice/],
      [['join', '/ip4/127.0.0.1/tcp/9/p2p/12D3KooWLZQ5eDmYSwpQ4rSHK9g5fTAo9mAYRjgRRL5Z4nFv3qfR', '--token', 'x'.repeat(8),
        '--target', `boot=${w.path('same.img')}`, '--target', `root=${w.path('same.img')}`, '--create'], /targets boot and root are the same file/]
    ]
    for (const [args, why] of cases) {
      const run = await runCli([...args, '--key', w.path('usage.key')])
      expect(run.exit, run.stderr).toBe(2)
      expect(run.stderr).toMatch(why)
    }
  })

  it('a node killed in the middle of the second image resumes there: what it had of both is re-verified, not sent again', async () => {
    const session = await startSession(w, [`boot=${boot}`, `root=${root}`], ['--nodes', '2', '--max-rate', '6MB/s', '--stall-timeout', '2s', '--block-size', '256KiB', '--raw'])
    onTestFinished(() => session.kill())
    const nodes = ['r1', 'r2'].map(name => {
      const targets = [`boot=${w.path(`${name}-boot.img`)}`, `root=${w.path(`${name}-root.img`)}`]
      const args = ['--create', '--key', w.path(`${name}.key`)]
      return { name, targets, args, proc: session.startNode({ name, target: targets, args }) }
    })
    const positions = await Promise.all(nodes.map(async n => Number((await n.proc.waitForLine(/position (\d+) of/))[1]) - 1))
    const victim = nodes[positions.indexOf(0)]!
    // --raw: every block is written, so the root target's size tells how far into the second image it is.
    await whenWritten(w.path(`${victim.name}-root.img`), 8 * MiB)
    victim.proc.child.kill('SIGKILL')
    await victim.proc.exited
    await session.coordinator.waitForLine(new RegExp(`${victim.name} failed`))
    const again = session.startNode({ name: victim.name, target: victim.targets, args: victim.args })
    const resumed = await again.waitForLine(/resuming at (\d+)/)
    const bootBytes = (await stat(boot)).size
    expect(Number(resumed[1])).toBeGreaterThan(bootBytes + 4 * MiB)

    const { exit, report } = await session.finish()
    expect(exit, session.coordinator.stderr()).toBe(0)
    const row = report.nodes.find(n => n.name === victim.name)!
    expect(row.outcome).toBe('verified after resume')
    expect(row.bytesReceived).toBeLessThanOrEqual(report.imageBytes - row.resumedFrom + 2 * MiB)
    for (const n of nodes) {
      expect(await sha256File(w.path(`${n.name}-boot.img`)), n.name).toBe(await sha256File(boot))
      expect(await sha256File(w.path(`${n.name}-root.img`)), n.name).toBe(await sha256File(root))
    }
    expect(await again.exited).toBe(0)
    // The journal (next to the first target) is gone with a verified copy.
    await expect(stat(`${w.path(`${victim.name}-boot.img`)}.ringcast-journal`)).rejects.toThrow()
  })
})
