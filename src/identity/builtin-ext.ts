// join --identity builtin: the identity Debian-like clones need, written
// into the clone's ext2/3/4 root with debugfs (debugfs.ts), unmounted:
//
//   /etc/hostname           the host name + "\n"                  0644 root
//   /etc/machine-id         32 fresh random hex digits + "\n"     0444 root (as systemd makes it)
//   /etc/ssh/ssh_host_*     removed; each RSA, ECDSA and Ed25519 key made anew with ssh-keygen
//                           (Debian's ssh.service makes none: its `sshd -t` fails without them;
//                           docs/identity.md); without ssh-keygen here, only removed, and said so
//   /etc/hosts              a "127.0.1.1 NAME" line, if there is one, names the new host
//   /var/lib/dbus/machine-id  removed if it is a copy rather than a link (libdbus then reads /etc/machine-id)
//
// Every edit is read back with debugfs afterwards, and the target is
// fsynced; anything that does not read back as written fails the step.

import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RingcastError } from '../errors.js'
import type { CloneIdentity } from '../wire/identity.js'
import { debugfsEdit, debugfsRequest, inodeType, listDirectory, type ExtFs } from './debugfs.js'
import { findExtRoot, type IdentityTarget } from './ext-root.js'

const SSH_HOST_KEY = /^ssh_host_[A-Za-z0-9_.-]+$/
/** The host key types made anew (DSA is off in OpenSSH and is only removed). */
const KEY_TYPE = /^ssh_host_(rsa|ecdsa|ed25519)_key$/
/** ssh-keygen makes an RSA key in about 0.4 s here: 60 s is far past a slow node. */
const KEYGEN_TIMEOUT_MS = 60_000
/** An /etc/hosts larger than this is left alone (it is not the stock file). */
const MAX_HOSTS_BYTES = 65_536

/** A machine id as systemd makes one: 128 random bits, marked as a version 4 UUID, in lower-case hex. */
export function newMachineId (): string {
  const id = randomBytes(16)
  id[6] = (id[6]! & 0x0f) | 0x40
  id[8] = (id[8]! & 0x3f) | 0x80
  return id.toString('hex')
}

/** /etc/hosts with each 127.0.1.1 line naming `hostname`; undefined when it has none. */
export function hostsWith (hosts: string, hostname: string): string | undefined {
  let changed = false
  const lines = hosts.split('\n').map(line => {
    if (!/^127\.0\.1\.1[ \t]/.test(line)) return line
    changed = true
    return `127.0.1.1\t${hostname}`
  })
  return changed ? lines.join('\n') : undefined
}

/** A file's content as debugfs reads it back; undefined when it is not a regular file. */
async function readBack (fs: ExtFs, path: string, timeoutMs: number): Promise<string | undefined> {
  if (await inodeType(fs, path, timeoutMs) !== 'regular') return undefined
  return (await debugfsRequest(fs, `cat ${path}`, timeoutMs)).stdout
}

export interface BuiltinOutcome { where: string, summary: string }

/** A new host key of `type` in `dir` (private, public), or undefined when there is no ssh-keygen. */
async function newHostKey (dir: string, type: string, hostname: string): Promise<{ key: string, pub: string } | undefined> {
  const file = join(dir, `ssh_host_${type}_key`)
  const made = await new Promise<boolean>((resolve, reject) => {
    execFile('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', `root@${hostname}`, '-f', file], { timeout: KEYGEN_TIMEOUT_MS, killSignal: 'SIGKILL' }, err => {
      if (err === null) resolve(true)
      else if ((err as NodeJS.ErrnoException).code === 'ENOENT') resolve(false)
      else reject(new RingcastError('IDENTITY_FAILED', `ssh-keygen could not make a new ${type} host key: ${err.message.split('\n')[0] ?? ''}`, { cause: err }))
    })
  })
  if (!made) return undefined
  return { key: await readFile(file, 'utf8'), pub: await readFile(`${file}.pub`, 'utf8') }
}

/** Give the clone on `targets` its identity; an IDENTITY_FAILED error when there is no root to edit or an edit does not read back. */
export async function setExtIdentity (targets: readonly IdentityTarget[], identity: CloneIdentity, timeoutMs: number): Promise<BuiltinOutcome> {
  const root = await findExtRoot(targets, timeoutMs)
  const { hostname } = identity
  const machineId = newMachineId()
  // Our own temporary directory: debugfs reads these files by name, and splits its requests at spaces.
  const base = /^[A-Za-z0-9_./-]+$/.test(tmpdir()) ? tmpdir() : '/tmp'
  const dir = await mkdtemp(join(base, 'ringcast-identity-'))
  try {
    const commands: string[] = []
    const files = new Map<string, string>()
    const put = async (path: string, content: string, mode: string, mayExist = true): Promise<void> => {
      const local = join(dir, `file${files.size}`)
      await writeFile(local, content, { mode: 0o600 })
      files.set(path, content)
      if (mayExist && await inodeType(root, path, timeoutMs) !== undefined) commands.push(`rm ${path}`)
      commands.push(`write ${local} ${path}`, `sif ${path} mode ${mode}`, `sif ${path} uid 0`, `sif ${path} gid 0`)
    }
    await put('/etc/hostname', `${hostname}\n`, '0100644')
    await put('/etc/machine-id', `${machineId}\n`, '0100444')
    const hosts = await readBack(root, '/etc/hosts', timeoutMs)
    const newHosts = hosts !== undefined && hosts.length <= MAX_HOSTS_BYTES ? hostsWith(hosts, hostname) : undefined
    if (newHosts !== undefined) await put('/etc/hosts', newHosts, '0100644')
    const sshKeys = (await listDirectory(root, '/etc/ssh', timeoutMs)).filter(e => SSH_HOST_KEY.test(e.name) && (e.mode & 0o170000) !== 0o040000).map(e => e.name)
    for (const key of sshKeys) commands.push(`rm /etc/ssh/${key}`)
    // Each type the image had, made anew (the names were just removed, so `put` writes them afresh).
    const types = sshKeys.map(k => KEY_TYPE.exec(k)?.[1]).filter(t => t !== undefined)
    let keygen = true
    const madeKeys: string[] = []
    for (const type of types) {
      const made = keygen ? await newHostKey(dir, type, hostname) : undefined
      if (made === undefined) { keygen = false; continue }
      const name = `/etc/ssh/ssh_host_${type}_key`
      await put(name, made.key, '0100600', false)
      await put(`${name}.pub`, made.pub, '0100644', false)
      madeKeys.push(type)
    }
    const dbusCopy = await inodeType(root, '/var/lib/dbus/machine-id', timeoutMs) === 'regular'
    if (dbusCopy) commands.push('rm /var/lib/dbus/machine-id')
    const commandFile = join(dir, 'commands')
    await writeFile(commandFile, `${commands.join('\n')}\n`, { mode: 0o600 })
    await debugfsEdit(root, commandFile, timeoutMs)
    await syncTarget(root.path)

    // Read every edit back: debugfs says nothing through its exit status.
    for (const [path, content] of files) {
      const got = await readBack(root, path, timeoutMs)
      if (got !== content) throw new RingcastError('IDENTITY_FAILED', `${path} on ${root.where} does not read back as written (${got === undefined ? 'it is not a regular file' : `it holds ${Buffer.byteLength(got)} other bytes`})`)
    }
    // The image's keys are gone: only those made here are left.
    const left = (await listDirectory(root, '/etc/ssh', timeoutMs)).filter(e => SSH_HOST_KEY.test(e.name) && !files.has(`/etc/ssh/${e.name}`)).map(e => e.name)
    if (left.length > 0) throw new RingcastError('IDENTITY_FAILED', `the SSH host keys ${left.join(', ')} on ${root.where} could not be removed`)
    if (dbusCopy && await inodeType(root, '/var/lib/dbus/machine-id', timeoutMs) !== undefined) throw new RingcastError('IDENTITY_FAILED', `/var/lib/dbus/machine-id on ${root.where} could not be removed`)
    const summary = [
      `hostname ${hostname}`,
      `machine-id ${machineId}`,
      sshKeys.length === 0 ? 'no SSH host keys to replace' : `${sshKeys.length} SSH host key file(s) removed`,
      ...(madeKeys.length > 0 ? [`new ${madeKeys.join(', ')} host keys`] : []),
      ...(!keygen ? ['no ssh-keygen here to make new host keys (the clone\'s sshd will not start until `ssh-keygen -A` runs on it)'] : []),
      ...(newHosts !== undefined ? ['/etc/hosts 127.0.1.1 names it'] : []),
      ...(dbusCopy ? ['the copy of the old id in /var/lib/dbus removed'] : [])
    ].join(', ')
    return { where: root.where, summary }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** What debugfs wrote reaches the disk (for a device: its whole buffer cache). */
async function syncTarget (path: string): Promise<void> {
  const handle = await open(path, 'r+')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
