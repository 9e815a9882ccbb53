// Archive targets (issue 12, item 2): `join --target DIR` unpacks a tar
// image (.tar.gz, .tar.zst) into an empty directory once the copy is
// verified, keeping modes, symlinks and hard links. Cooked archives (a `..`
// entry, an absolute path, an escaping symlink, a hard link out, a symlink
// then a file through it) are each refused with one sentence, nothing is
// written outside the directory (nor in it), and the other nodes go on.

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmod, link, lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { c as createTar } from 'tar'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { makeWorkdir, sha256File, startSession, type Workdir } from '../support/session.js'
import { needs } from '../support/skip.js'

/** A ustar header block for one entry (the fields these tests need), and its data padded to 512. */
function tarEntry (name: string, type: '0' | '1' | '2' | '5', data = Buffer.alloc(0), linkname = ''): Buffer {
  const h = Buffer.alloc(512)
  h.write(name, 0, 100, 'utf8')
  h.write('0000644\0', 100)
  h.write('0000000\0', 108)
  h.write('0000000\0', 116)
  h.write(data.byteLength.toString(8).padStart(11, '0') + '\0', 124)
  h.write('00000000000\0', 136)
  h.write('        ', 148)
  h.write(type, 156)
  h.write(linkname, 157, 100, 'utf8')
  h.write('ustar\0', 257)
  h.write('00', 263)
  let sum = 0
  for (const b of h) sum += b
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148)
  return Buffer.concat([h, data, Buffer.alloc((512 - data.byteLength % 512) % 512)])
}
const endOfArchive = Buffer.alloc(1024)

/** A newc cpio entry (what these tests need): header, name, data, each padded to 4. */
function cpioEntry (name: string, mode: number, data = Buffer.alloc(0), ino = 1, nlink = 1): Buffer {
  const hex = (n: number): string => n.toString(16).padStart(8, '0')
  const nameBytes = Buffer.from(`${name}\0`)
  const header = Buffer.from('070701' + [ino, mode, 0, 0, nlink, 0, data.byteLength, 0, 0, 0, 0, nameBytes.byteLength, 0].map(hex).join(''), 'latin1')
  const pad = (n: number): Buffer => Buffer.alloc((4 - n % 4) % 4)
  return Buffer.concat([header, nameBytes, pad(header.byteLength + nameBytes.byteLength), data, pad(data.byteLength)])
}
const cpioTrailer = cpioEntry('TRAILER!!!', 0)

describe('archive targets', needs('archives'), () => {
  let w: Workdir
  beforeAll(async () => { w = await makeWorkdir() })
  afterAll(async () => { await w?.remove() })

  /** `viaStdin`: serve - < image, so a compressed archive travels as it is and the nodes decompress it. */
  async function unpackTo (image: string, dirs: string[], extra: Array<{ name: string, target: string }> = [], viaStdin = false): Promise<{ exit: number, nodes: Array<{ exit: number, stderr: string }> }> {
    const session = viaStdin
      ? await startSession(w, '-', ['--nodes', String(dirs.length + extra.length)], ['sh', '-c', `"$@" < ${image}`, 'sh'])
      : await startSession(w, image, ['--nodes', String(dirs.length + extra.length)])
    onTestFinished(() => session.kill())
    const procs = [
      ...dirs.map((dir, i) => session.startNode({ name: `dir${i}`, target: dir })),
      ...extra.map(e => session.startNode({ name: e.name, target: e.target, args: ['--create'] }))
    ]
    const { exit } = await session.finish()
    return { exit, nodes: await Promise.all(procs.map(async p => ({ exit: await p.exited, stderr: p.stderr() }))) }
  }

  // serve decompresses a .tar.gz image at the source (a tar travels); a .tar.zst piped in travels compressed, and the nodes decompress it.
  it.each([['gz', false], ['zst', true]] as const)('a .tar.%s (piped in: %s) is unpacked into each node\'s empty directory: files, modes, symlinks and hard links as they were', async (ext, viaStdin) => {
    const tree = w.path(`tree-${ext}`)
    await mkdir(join(tree, 'bin'), { recursive: true })
    await mkdir(join(tree, 'etc/secret'), { recursive: true })
    const payload = randomBytes(3 * 1_048_576 + 5)
    await writeFile(join(tree, 'bin/tool'), payload)
    await chmod(join(tree, 'bin/tool'), 0o755)
    await writeFile(join(tree, 'etc/secret/key'), 'k')
    await chmod(join(tree, 'etc/secret/key'), 0o600)
    await symlink('../bin/tool', join(tree, 'etc/tool-link'))
    await symlink('/usr/lib/os-release', join(tree, 'etc/os-release'))
    await link(join(tree, 'bin/tool'), join(tree, 'bin/tool-hard'))
    const tar = w.path(`tree-${ext}.tar`)
    await createTar({ file: tar, cwd: tree, portable: false }, ['.'])
    let image = tar
    if (ext === 'gz') { execFileSync('gzip', ['-k', tar]); image = `${tar}.gz` } else { execFileSync('zstd', ['-q', tar, '-o', `${tar}.zst`]); image = `${tar}.zst` }
    const dirs = [w.path(`out-${ext}-1`), w.path(`out-${ext}-2`)]
    for (const d of dirs) await mkdir(d)
    const { exit, nodes } = await unpackTo(image, dirs, [], viaStdin)
    expect(exit, nodes.map(n => n.stderr).join('\n')).toBe(0)
    for (const [i, dir] of dirs.entries()) {
      expect(nodes[i]!.exit, nodes[i]!.stderr).toBe(0)
      expect(nodes[i]!.stderr).toMatch(/unpacked \d+ entries of the archive into/)
      expect((await readFile(join(dir, 'bin/tool'))).equals(payload)).toBe(true)
      expect((await stat(join(dir, 'bin/tool'))).mode & 0o777).toBe(0o755)
      expect((await stat(join(dir, 'etc/secret/key'))).mode & 0o777).toBe(0o600)
      expect(await readlink(join(dir, 'etc/tool-link'))).toBe('../bin/tool')
      expect(await readlink(join(dir, 'etc/os-release'))).toBe('/usr/lib/os-release')
      expect((await stat(join(dir, 'bin/tool-hard'))).ino).toBe((await stat(join(dir, 'bin/tool'))).ino)
      // The staging copy is gone once unpacked.
      await expect(lstat(`${dir}.ringcast-archive`)).rejects.toThrow()
    }
  })

  it.each([
    ['a ".." entry', [tarEntry('../evil', '0', Buffer.from('x'))], /entry "\.\.\/evil" climbs out of the directory with "\.\."/],
    ['an absolute path', [tarEntry('/tmp/ringcast-evil-abs', '0', Buffer.from('x'))], /entry "\/tmp\/ringcast-evil-abs" has an absolute path/],
    ['an escaping symlink', [tarEntry('sub/', '5'), tarEntry('sub/up', '2', undefined, '../../..')], /symlink "sub\/up" points outside the directory \("\.\.\/\.\.\/\.\."\)/],
    ['a hard link out', [tarEntry('hl', '1', undefined, '../outside-file')], /hard link "hl" points at "\.\.\/outside-file", which is not a file earlier in the archive/],
    ['a symlink, then a file through it', [tarEntry('d', '2', undefined, '/tmp'), tarEntry('d/ringcast-evil-through', '0', Buffer.from('x'))], /entry "d\/ringcast-evil-through" would be written through the symlink "d"/]
  ])('a cooked archive with %s is refused in one sentence; nothing is written in or outside the directory; the other node goes on', async (name, entries, sentence) => {
    const image = w.path(`cooked-${name.replace(/\W+/g, '-')}.tar`)
    await writeFile(image, Buffer.concat([...entries, endOfArchive]))
    const dir = w.path(`cooked-out-${name.replace(/\W+/g, '-')}`)
    await mkdir(dir)
    const plain = w.path(`cooked-plain-${name.replace(/\W+/g, '-')}.img`)
    const before = (await readdir(w.dir)).filter(n => n.includes('evil') || n === 'outside-file')
    const { nodes } = await unpackTo(image, [dir], [{ name: 'plain', target: plain }])
    expect(nodes[0]!.exit, nodes[0]!.stderr).toBe(3)
    expect(nodes[0]!.stderr).toMatch(sentence)
    expect(nodes[0]!.stderr).toMatch(/nothing was written there/)
    expect(nodes[0]!.stderr.split('\n').filter(l => l.startsWith('ringcast:'))).toHaveLength(1)
    expect(await readdir(dir)).toEqual([])
    await expect(lstat(`${dir}.ringcast-archive`)).rejects.toThrow()
    expect((await readdir(w.dir)).filter(n => n.includes('evil') || n === 'outside-file')).toEqual(before)
    await expect(lstat('/tmp/ringcast-evil-abs')).rejects.toThrow()
    await expect(lstat('/tmp/ringcast-evil-through')).rejects.toThrow()
    // The node with a plain target got the archive's bytes, verified.
    expect(nodes[1]!.exit).toBe(0)
    expect(await sha256File(plain)).toBe(await sha256File(image))
  })

  it('a newc cpio archive (made by cpio -H newc, gzipped, piped in) is unpacked: modes, a read-only directory, symlinks, hard links', async () => {
    const tree = w.path('cpio-tree')
    await mkdir(join(tree, 'bin'), { recursive: true })
    await mkdir(join(tree, 'ro'), { recursive: true })
    const payload = randomBytes(2 * 1_048_576 + 3)
    await writeFile(join(tree, 'bin/init'), payload)
    await chmod(join(tree, 'bin/init'), 0o750)
    await link(join(tree, 'bin/init'), join(tree, 'bin/init-again'))
    await symlink('bin/init', join(tree, 'init'))
    await writeFile(join(tree, 'ro/inside'), 'kept')
    await chmod(join(tree, 'ro'), 0o555)
    const archive = w.path('initrd.cpio')
    execFileSync('sh', ['-c', `cd ${tree} && find . | cpio -o -H newc --quiet > ${archive} && gzip -k ${archive}`])
    const dirs = [w.path('cpio-out-1'), w.path('cpio-out-2')]
    for (const d of dirs) await mkdir(d)
    const { exit, nodes } = await unpackTo(`${archive}.gz`, dirs, [], true)
    expect(exit, nodes.map(n => n.stderr).join('\n')).toBe(0)
    for (const [i, dir] of dirs.entries()) {
      expect(nodes[i]!.exit, nodes[i]!.stderr).toBe(0)
      expect(nodes[i]!.stderr).toMatch(/unpacked \d+ entries of the cpio archive into/)
      expect((await readFile(join(dir, 'bin/init'))).equals(payload)).toBe(true)
      expect((await stat(join(dir, 'bin/init'))).mode & 0o777).toBe(0o750)
      expect((await stat(join(dir, 'bin/init-again'))).ino).toBe((await stat(join(dir, 'bin/init'))).ino)
      expect(await readlink(join(dir, 'init'))).toBe('bin/init')
      expect(await readFile(join(dir, 'ro/inside'), 'utf8')).toBe('kept')
      expect((await stat(join(dir, 'ro'))).mode & 0o777).toBe(0o555)
    }
  })

  it.each([
    ['a ".." entry', [cpioEntry('../evil-cpio', 0o100644, Buffer.from('x'))], /entry "\.\.\/evil-cpio" climbs out of the directory/],
    ['a symlink, then a file through it', [cpioEntry('d', 0o120777, Buffer.from('/tmp')), cpioEntry('d/ringcast-evil-cpio', 0o100644, Buffer.from('x'), 2)], /entry "d\/ringcast-evil-cpio" would be written through the symlink "d"/],
    ['a truncated entry', [cpioEntry('a', 0o100644, Buffer.from('abcdef')).subarray(0, 115)], /the cpio archive ends inside/]
  ])('a cooked cpio archive with %s is refused in one sentence, with nothing written', async (name, entries, sentence) => {
    const image = w.path(`cooked-cpio-${name.replace(/\W+/g, '-')}.cpio`)
    await writeFile(image, Buffer.concat([...entries, ...(name.includes('truncated') ? [] : [cpioTrailer])]))
    const dir = w.path(`cooked-cpio-out-${name.replace(/\W+/g, '-')}`)
    await mkdir(dir)
    const { nodes } = await unpackTo(image, [dir])
    expect(nodes[0]!.exit, nodes[0]!.stderr).toBe(3)
    expect(nodes[0]!.stderr).toMatch(sentence)
    expect(await readdir(dir)).toEqual([])
    await expect(lstat('/tmp/ringcast-evil-cpio')).rejects.toThrow()
    await expect(lstat(w.path('evil-cpio'))).rejects.toThrow()
  })

  it('a directory that is not empty is refused before the node joins', async () => {
    const dir = w.path('busy-dir')
    await mkdir(dir)
    await writeFile(join(dir, 'already-here'), 'x')
    const image = w.path('small.tar')
    await writeFile(image, Buffer.concat([tarEntry('a', '0', Buffer.from('a')), endOfArchive]))
    const session = await startSession(w, image, ['--nodes', '1', '--wait-timeout', '10s'])
    onTestFinished(() => session.kill())
    const node = session.startNode({ name: 'busy', target: dir })
    expect(await node.exited).toBe(3)
    expect(node.stderr()).toMatch(/target directory .*busy-dir is not empty \(1 entries\): an archive is unpacked only into an empty directory/)
  })
})
