// Real block devices (loop devices, root only — CI runs as root): a mounted
// device is refused (invariant 5), and so is the file behind it, while an
// unmounted one receives the image.

import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeImage, makeTarget, makeWorkdir, runCli, sha256Range, startSession, type Workdir } from '../support/session.js'
import { writeRandomFile } from '../../cli/demo.js'
import { needs } from '../support/skip.js'

const MiB = 1_048_576
const sh = (cmd: string, ...args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' }).trim()

describe('block device targets', needs('blockDevice'), () => {
  let w: Workdir
  const loops: string[] = []
  let mountpoint: string | undefined
  beforeAll(async () => {
    w = await makeWorkdir()
  })
  afterAll(async () => {
    if (mountpoint !== undefined) try { sh('umount', mountpoint) } catch {}
    for (const dev of loops) try { sh('losetup', '-d', dev) } catch {}
    await w?.remove()
  })

  it('refuses a mounted device and clones onto an unmounted one', async () => {
    const image = await makeImage(w, 8 * MiB)
    const free = sh('losetup', '-f', '--show', await makeTarget(w, 'free.backing', 16 * MiB))
    loops.push(free)
    const busyBacking = await makeTarget(w, 'busy.backing', 16 * MiB)
    const busy = sh('losetup', '-f', '--show', busyBacking)
    loops.push(busy)
    sh('mkfs.ext4', '-q', busy)
    mountpoint = w.path('mnt')
    sh('mkdir', mountpoint)
    sh('mount', busy, mountpoint)

    const session = await startSession(w, image.path, ['--nodes', '1'])
    try {
      const refused = session.startNode({ name: 'mounted', target: busy })
      expect(await refused.exited).toBe(3)
      expect(refused.stderr()).toMatch(new RegExp(`refusing to write ${busy}: .* is mounted at ${mountpoint}`))
      // The file behind the mounted loop device, by its own name and by a hard link.
      const link = w.path('busy.link')
      sh('ln', busyBacking, link)
      for (const [name, target] of [['backing', busyBacking], ['link', link]] as const) {
        const behind = session.startNode({ name, target })
        expect(await behind.exited).toBe(3)
        expect(behind.stderr()).toMatch(new RegExp(`refusing to write ${target}: it backs ${busy}, and ${busy} \\(or a partition of it\\) is mounted at ${mountpoint}`))
      }
      session.startNode({ name: 'disk', target: free })
      const { exit, report } = await session.finish()
      expect(exit).toBe(0)
      expect(report.nodes.map(n => n.status)).toEqual(['OK'])
      expect(await sha256Range(free, 0, 8 * MiB)).toBe(image.sha256)
      // The mounted file system is intact.
      sh('umount', mountpoint)
      mountpoint = undefined
      expect(() => sh('fsck.ext4', '-n', busy)).not.toThrow()
    } finally {
      session.kill()
    }
  })

  it('--discard trims what a used-blocks clone leaves free (the loop device punches holes in its backing file); without it the old data stays', async () => {
    // An ext4 image with 2 MiB of files in 64 MiB, onto devices full of old data.
    const tree = w.path('discard-tree')
    sh('mkdir', '-p', tree)
    await writeRandomFile(`${tree}/data.bin`, 2 * MiB)
    const fsImage = w.path('discard-fs.img')
    await writeRandomFile(fsImage, 0)
    sh('truncate', '-s', String(64 * MiB), fsImage)
    sh('mkfs.ext4', '-q', '-F', '-d', tree, fsImage)
    const devices: Record<string, { dev: string, backing: string }> = {}
    for (const name of ['trimmed', 'kept']) {
      const backing = w.path(`${name}.backing`)
      await writeRandomFile(backing, 64 * MiB)
      devices[name] = { dev: sh('losetup', '-f', '--show', backing), backing }
      loops.push(devices[name].dev)
    }
    const session = await startSession(w, fsImage, ['--nodes', '2', '--block-size', '64KiB'])
    try {
      const trimmed = session.startNode({ name: 'trimmed', target: devices.trimmed!.dev, args: ['--discard'] })
      session.startNode({ name: 'kept', target: devices.kept!.dev })
      const { exit, report } = await session.finish()
      expect(exit, session.coordinator.stderr()).toBe(0)
      expect(report.nodes.map(n => n.status)).toEqual(['OK', 'OK'])
      expect(trimmed.stderr()).toMatch(/discarded \d+ bytes of \S+ from 0 \(--discard\)/)
      const allocated = (path: string): number => Number(sh('du', '-B1', path).split('\t')[0])
      for (const { dev } of Object.values(devices)) sh('fsck.ext4', '-fn', dev)
      // Trimmed: about what the clone wrote (used blocks; zero blocks are written as zeros). Kept: all of it.
      expect(allocated(devices.trimmed!.backing)).toBeLessThan(report.contentBytes.data + report.contentBytes.zero + 2 * MiB)
      expect(allocated(devices.kept!.backing)).toBe(64 * MiB)
    } finally {
      session.kill()
    }
    // A file target: --discard is refused with one sentence.
    const file = await runCli(['join', '/ip4/127.0.0.1/tcp/9/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA', '--token', 'x'.repeat(16), '--target', await makeTarget(w, 'plain.img', MiB), '--discard'])
    expect(file.exit).toBe(2)
    expect(file.stderr).toMatch(/--discard is for block devices; .*plain\.img is a file/)
  })

  it('several images in one session, each onto its own device (a partition each, as after sgdisk): --discard trims each, every device holds its image', async () => {
    const boot = w.path('multi-boot.img')
    await writeRandomFile(boot, 3 * MiB + 12_345)
    const root = w.path('multi-root.img')
    await writeRandomFile(root, 6 * MiB)
    const devices: string[] = []
    for (const name of ['boot', 'root']) {
      const backing = w.path(`multi-${name}.backing`)
      await writeRandomFile(backing, 8 * MiB)
      devices.push(sh('losetup', '-f', '--show', backing))
      loops.push(devices[devices.length - 1]!)
    }
    // Inside the zero padding of boot's last 256 KiB block, past its image: old data that must stay.
    const pastBoot = 3 * MiB + 16_384
    const oldPastBoot = await sha256Range(devices[0]!, pastBoot, 4096)
    const session = await startSession(w, [`boot=${boot}`, `root=${root}`], ['--nodes', '1', '--block-size', '256KiB'])
    try {
      const node = session.startNode({ name: 'disk', target: [`boot=${devices[0]!}`, `root=${devices[1]!}`], args: ['--discard'] })
      const { exit, report } = await session.finish()
      expect(exit, session.coordinator.stderr()).toBe(0)
      expect(report.nodes.map(n => n.status)).toEqual(['OK'])
      expect(await node.exited).toBe(0)
      expect(node.stderr().match(/discarded \d+ bytes of \S+ from 0 \(--discard\)/g)).toHaveLength(2)
      expect(await sha256Range(devices[0]!, 0, 3 * MiB + 12_345)).toBe(await sha256Range(boot, 0, 3 * MiB + 12_345))
      expect(await sha256Range(devices[1]!, 0, 6 * MiB)).toBe(await sha256Range(root, 0, 6 * MiB))
      // The padding of boot's last block went nowhere: past its image the device is as it was (--discard trims the image's range only).
      expect(await sha256Range(devices[0]!, pastBoot, 4096)).toBe(oldPastBoot)
    } finally {
      session.kill()
    }
  })
})
