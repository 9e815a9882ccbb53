// Debian e2fsprogs' debugfs, as the built-in identity step uses it: on an
// ext2/3/4 file system that is a file, a device, or a partition inside
// either, without mounting it and without a loop device. A partition is
// named "PATH?offset=BYTES", which libext2fs itself reads as the file
// system starting that far into PATH (ext2fs_open2's io options; the same
// form dumpe2fs gets in src/image/ext-free.ts). Facts measured with
// e2fsprogs 1.47.0 (docs/identity.md):
//
//   - debugfs exits 0 even when a request fails ("File not found by
//     ext2_lookup", "Bad magic number in super-block"): success is read
//     from what it prints, and every edit is read back afterwards;
//   - `write` refuses a name that exists: `rm` it first;
//   - the version banner goes to stderr, each request's errors too.

import { execFile } from 'node:child_process'
import { RingcastError } from '../errors.js'

/** One debugfs run reads or edits a few inodes: 30 s is far past a slow disk. */
const DEBUGFS_TIMEOUT_MS = 30_000
const MAX_OUTPUT_BYTES = 4 * 1_048_576

/** An ext file system inside `path`, from byte `offset`. */
export interface ExtFs { path: string, offset: number }

/** How libext2fs is told where the file system starts. */
export function fsSpec (fs: ExtFs): string {
  // A '?' of the path's own would be read as the start of the io options.
  if (fs.path.includes('?')) throw new RingcastError('IDENTITY_FAILED', `the target path ${fs.path} contains a "?", which libext2fs would misread`)
  return fs.offset === 0 ? fs.path : `${fs.path}?offset=${fs.offset}`
}

/** Run debugfs with `args` before the file system; its stdout and stderr. */
async function run (fs: ExtFs, args: string[], timeoutMs: number): Promise<{ stdout: string, stderr: string }> {
  const spec = fsSpec(fs)
  return await new Promise((resolve, reject) => {
    execFile('debugfs', [...args, spec], { encoding: 'utf8', maxBuffer: MAX_OUTPUT_BYTES, timeout: Math.min(timeoutMs, DEBUGFS_TIMEOUT_MS), killSignal: 'SIGKILL', env: { ...process.env, LC_ALL: 'C', DEBUGFS_PAGER: '__none__', PAGER: '__none__' } }, (err, stdout, stderr) => {
      if (err !== null) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
        reject(new RingcastError('IDENTITY_FAILED', missing
          ? 'debugfs (Debian e2fsprogs) is not installed: the built-in identity step needs it'
          : `debugfs on ${spec} failed: ${firstLine(stderr) ?? err.message}`, { cause: err }))
        return
      }
      // It cannot open the file system: one sentence, whatever it was asked.
      if (/while trying to open|Filesystem not open/.test(stderr)) {
        reject(new RingcastError('IDENTITY_FAILED', `debugfs cannot open ${spec}: ${firstLine(stderr.replace(/^debugfs [0-9.]+ \(.*\)\n/, '')) ?? 'no reason given'}`))
        return
      }
      resolve({ stdout, stderr })
    })
  })
}

const firstLine = (text: string): string | undefined => text.split('\n').map(l => l.trim()).find(l => l !== '' && !/^debugfs [0-9.]+ \(/.test(l))

/** One read-only request (`stat /etc`, `cat /etc/hostname`, `ls -p /etc/ssh`). */
export async function debugfsRequest (fs: ExtFs, request: string, timeoutMs = DEBUGFS_TIMEOUT_MS): Promise<{ stdout: string, stderr: string }> {
  return await run(fs, ['-R', request], timeoutMs)
}

/** The requests in `commandFile`, one a line, with the file system open for writing. */
export async function debugfsEdit (fs: ExtFs, commandFile: string, timeoutMs = DEBUGFS_TIMEOUT_MS): Promise<{ stdout: string, stderr: string }> {
  return await run(fs, ['-w', '-f', commandFile], timeoutMs)
}

/** What `stat PATH` says the inode is, or undefined when there is none. */
export async function inodeType (fs: ExtFs, path: string, timeoutMs?: number): Promise<'regular' | 'directory' | 'symlink' | 'other' | undefined> {
  const { stdout } = await debugfsRequest(fs, `stat ${path}`, timeoutMs)
  const type = /Type: (\S+)/.exec(stdout)?.[1]
  if (type === undefined) return undefined
  return type === 'regular' || type === 'directory' || type === 'symlink' ? type : 'other'
}

/** The names in directory `path` (`ls -p`: /inode/mode/uid/gid/name/size/), with their mode; empty when there is no such directory. */
export async function listDirectory (fs: ExtFs, path: string, timeoutMs?: number): Promise<Array<{ name: string, mode: number }>> {
  const { stdout } = await debugfsRequest(fs, `ls -p ${path}`, timeoutMs)
  const out: Array<{ name: string, mode: number }> = []
  for (const line of stdout.split('\n')) {
    const m = /^\/(\d+)\/([0-7]+)\/\d+\/\d+\/(.*)\/(\d*)\/$/.exec(line)
    if (m === null || m[3] === '.' || m[3] === '..') continue
    out.push({ name: m[3]!, mode: parseInt(m[2]!, 8) })
  }
  return out
}
