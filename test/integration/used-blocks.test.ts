// Used blocks only (issue 12): of an ext4 image only the blocks its file
// system uses cross the wire, and of any image no all-zero block does; what
// each node writes is still checked against the source's signed hashes and
// the signed map of which blocks are sent. The clones pass e2fsck and their
// files are byte-identical to the source's (read with debugfs).

import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { makeWorkdir, sha256File, startSession, type Workdir } from '../support/session.js'
import { needs } from '../support/skip.js'
import { writeRandomFile } from '../../cli/demo.js'

const MiB = 1_048_576
const IMAGE_BYTES = 64 * MiB
const sh = (cmd: string, ...args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

/** The files of the source tree, by path in the file system. */
const FILES: Record<string, Uint8Array> = {
  '/big.bin': randomBytes(5 * MiB + 123),
  '/text.txt': Buffer.from('ringcast used blocks\n'.repeat(1000)),
  '/zeros.bin': new Uint8Array(3 * MiB),
  '/sub/one.bin': randomBytes(MiB),
  '/sub/deeper/small': Buffer.from('x')
}

describe('used blocks only', needs('extImage'), () => {
  let w: Workdir
  let fsImage: string
  beforeAll(async () => {
    w = await makeWorkdir()
    const tree = w.path('tree')
    for (const [path, bytes] of Object.entries(FILES)) {
      await mkdir(w.path(`tree${path.slice(0, path.lastIndexOf('/'))}`), { recursive: true })
      await writeFile(`${tree}${path}`, bytes)
    }
    await symlink('sub/one.bin', `${tree}/link`)
    fsImage = w.path('fs.img')
    await writeFile(fsImage, '')
    sh('truncate', '-s', String(IMAGE_BYTES), fsImage)
    sh('mkfs.ext4', '-q', '-F', '-b', '4096', '-d', tree, fsImage)
  })
  afterAll(async () => { await w?.remove() })

  it('an ext4 image: only its used blocks cross the wire; each clone passes e2fsck -fn and holds the same files', async () => {
    const session = await startSession(w, fsImage, ['--nodes', '2', '--block-size', '64KiB'])
    onTestFinished(() => session.kill())
    // One target full of old data (free blocks stay as they were), one new sparse file.
    const old = w.path('old.img')
    await writeRandomFile(old, IMAGE_BYTES)
    const fresh = w.path('fresh.img')
    session.startNode({ name: 'old', target: old, args: ['--verify-readback'] })
    session.startNode({ name: 'fresh', target: fresh, args: ['--create'] })
    const { exit, report, nodeExits } = await session.finish()
    expect(exit, session.coordinator.stderr()).toBe(0)
    expect(nodeExits).toEqual([0, 0])
    expect(session.coordinator.stderr()).toMatch(/ext file system: sending only the blocks in use/)
    expect(report.digestKind).toBe('used-blocks')
    const { data, zero, free } = report.contentBytes
    expect(data + zero + free).toBe(IMAGE_BYTES)
    // The files hold ~9 MiB; the file system's metadata (inode tables, journal) a few more.
    expect(free).toBeGreaterThan(IMAGE_BYTES / 2)
    expect(data).toBeLessThan(IMAGE_BYTES / 3)
    for (const n of report.nodes) {
      expect(n.status, n.reason).toBe('OK')
      // The payload each node received over the wire is what the source sent, not the image.
      expect(n.bytesReceived).toBe(data)
    }
    expect(report.nodes.find(n => n.name === 'old')!.readBack).toBe(true)
    for (const target of [old, fresh]) {
      // -n: read only; -f: check even though it is marked clean.
      sh('e2fsck', '-fn', target)
      for (const [path, bytes] of Object.entries(FILES)) {
        const out = w.path('dumped')
        sh('debugfs', '-R', `dump ${path} ${out}`, target)
        expect(sha(await readFile(out)), `${path} on ${target}`).toBe(sha(bytes))
      }
      expect(sh('debugfs', '-R', 'stat /link', target)).toMatch(/Fast link dest: "sub\/one.bin"/)
    }
    // The new file was only written where the clone defines it.
    expect(Number(sh('du', '-B1', fresh).split('\t')[0])).toBeLessThan(data + zero + 4 * MiB)
  })

  it('a whole disk (GPT) with an ext4 partition: only the blocks that file system uses are sent; the clone holds the same files', async () => {
    const disk = w.path('wholedisk.img')
    await writeRandomFile(disk, 2 * IMAGE_BYTES)
    sh('sgdisk', '-Z', disk)
    sh('sgdisk', '-n', `1:2048:+${IMAGE_BYTES / MiB}M`, '-t', '1:8300', disk)
    const offset = 2048 * 512
    sh('dd', `if=${fsImage}`, `of=${disk}`, 'bs=1M', `seek=${offset / MiB}`, 'conv=notrunc', 'status=none')
    const session = await startSession(w, disk, ['--nodes', '1', '--block-size', '64KiB'])
    onTestFinished(() => session.kill())
    const target = w.path('wholedisk-clone.img')
    session.startNode({ name: 'disk', target, args: ['--create'] })
    const { exit, report } = await session.finish()
    expect(exit, session.coordinator.stderr()).toBe(0)
    expect(session.coordinator.stderr()).toMatch(/ext file systems in 1 of the disk image's partitions: sending only the blocks in use/)
    // The partition's free space is skipped; the random bytes outside it are sent.
    expect(report.contentBytes.free).toBeGreaterThan(IMAGE_BYTES / 2)
    expect(report.contentBytes.data).toBeGreaterThan(IMAGE_BYTES - 2 * MiB)
    expect(report.nodes[0]!.bytesReceived).toBe(report.contentBytes.data)
    sh('e2fsck', '-fn', `${target}?offset=${offset}`)
    for (const [path, bytes] of Object.entries(FILES)) {
      const out = w.path('dumped-disk')
      sh('debugfs', '-R', `dump ${path} ${out}`, `${target}?offset=${offset}`)
      expect(sha(await readFile(out)), path).toBe(sha(bytes))
    }
  })

  it('any image: all-zero blocks are skipped and made zeros on the target; --raw sends every byte', async () => {
    // 8 MiB random, 16 MiB zeros, 8 MiB random: not a file system.
    const image = w.path('zeros.img')
    await writeFile(image, Buffer.concat([randomBytes(8 * MiB), new Uint8Array(16 * MiB), randomBytes(8 * MiB)]))
    const digest = await sha256File(image)
    for (const raw of [false, true]) {
      const session = await startSession(w, image, ['--nodes', '1', ...(raw ? ['--raw'] : [])])
      onTestFinished(() => session.kill())
      // The target held other data where the image is zeros.
      const target = w.path(`zeros-target-${String(raw)}.img`)
      await writeRandomFile(target, 32 * MiB)
      session.startNode({ name: 'n', target })
      const { exit, report } = await session.finish()
      expect(exit, session.coordinator.stderr()).toBe(0)
      expect(report.digestKind).toBe('sha256')
      expect(report.sha256).toBe(digest)
      expect(report.contentBytes).toEqual(raw ? { data: 32 * MiB, zero: 0, free: 0 } : { data: 16 * MiB, zero: 16 * MiB, free: 0 })
      expect(report.nodes[0]!.bytesReceived).toBe(raw ? 32 * MiB : 16 * MiB)
      expect(await sha256File(target)).toBe(digest)
    }
  })
})
