// The archive filter (src/storage/archive.ts), entry by entry: what would
// land outside the directory is refused before anything is unpacked.

import { describe, expect, it } from 'vitest'
import { checkEntries, type ArchiveEntry } from '../../src/storage/archive.js'

const file = (path: string): ArchiveEntry => ({ path, type: 'File' })
const dir = (path: string): ArchiveEntry => ({ path, type: 'Directory' })
const sym = (path: string, linkpath: string): ArchiveEntry => ({ path, type: 'SymbolicLink', linkpath })
const hard = (path: string, linkpath: string): ArchiveEntry => ({ path, type: 'Link', linkpath })

describe('checkEntries', () => {
  it('accepts a tree: ./ prefixes, relative links that stay inside, absolute links, hard links to earlier files, device nodes (skipped)', () => {
    expect(checkEntries([dir('./'), dir('./etc/'), file('./etc/passwd'), sym('./etc/mtab', '../proc/self/mounts'), sym('lib64', 'usr/lib64'),
      sym('etc/os-release', '/usr/lib/os-release'), file('bin/a'), hard('bin/b', 'bin/a'), hard('./bin/c', './bin/a'),
      { path: 'dev/console', type: 'CharacterDevice' }, { path: 'run/fifo', type: 'FIFO' }])).toBeUndefined()
  })

  it.each([
    ['a .. component', [file('a/../../x')], 'entry "a/../../x" climbs out of the directory with ".."'],
    ['a .. inside that would stay in', [file('a/../b')], 'entry "a/../b" climbs out of the directory with ".."'],
    ['an absolute path', [file('/etc/passwd')], 'entry "/etc/passwd" has an absolute path'],
    ['a relative symlink that climbs out', [sym('a/b', '../../x')], 'symlink "a/b" points outside the directory ("../../x")'],
    ['a symlink with no target', [sym('a', '')], 'symlink "a" has no target'],
    ['a hard link out', [hard('x', '../y')], 'hard link "x" points at "../y", which is not a file earlier in the archive'],
    ['a hard link to an absolute path', [file('etc/passwd'), hard('x', '/etc/passwd')], 'hard link "x" points at "/etc/passwd", which is not a file earlier in the archive'],
    ['a hard link to a later file', [hard('x', 'y'), file('y')], 'hard link "x" points at "y", which is not a file earlier in the archive'],
    ['a hard link to a directory', [dir('d'), hard('x', 'd')], 'hard link "x" points at "d", which is not a file earlier in the archive'],
    ['a hard link to a symlink', [sym('s', 'a'), hard('x', 's')], 'hard link "x" points at "s", which is not a file earlier in the archive'],
    ['a file through a symlink', [sym('d', '/tmp'), file('d/evil')], 'entry "d/evil" would be written through the symlink "d"'],
    ['a directory through a symlink, by another spelling', [sym('d', 'e'), dir('./d/sub/')], 'entry "./d/sub/" would be written through the symlink "d"'],
    ['an entry over a symlink', [sym('d', 'e'), file('d')], 'entry "d" would replace the symlink "d"'],
    ['a kind not unpacked', [{ path: 'x', type: 'GNUDumpDir' }], 'entry "x" is of a kind ringcast does not unpack (GNUDumpDir)']
  ])('refuses %s', (_name, entries, sentence) => {
    expect(checkEntries(entries)).toBe(sentence)
  })
})
