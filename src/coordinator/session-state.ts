// serve --state DIR: what a coordinator must know to re-adopt its session
// after it was killed (docs/restart.md). The nodes keep the data plane going
// meanwhile; a coordinator started again with the same DIR, key and image
// takes the session back: the same session id (so the source's signatures
// are the same bytes), the same token, every member with its place in the
// topology and its outcome, and when the run started (the report covers the
// whole run).
//
//   DIR/serve.lock      the pid of the serve using DIR (one at a time)
//   DIR/session.json    SessionState, 0600 (it holds the token), replaced
//                       atomically (write a temporary file, fsync, rename)
//
// What is not kept: hop keys (every re-adopted node gets a new Plan, with
// new keys for its hops, consistent on both ends), read-back challenges (a
// node that had sent Done sends it again and is challenged anew), feeds (the
// source feeds each head again, from where the head says it is).

import { constants } from 'node:fs'
import { mkdir, open, rename, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { RingcastError, errorMessage } from '../errors.js'
import { tryPidLock } from '../storage/pid-lock.js'
import { ByteReader } from '../wire/framing.js'
import type { DataPlaneKind, SessionParams } from '../wire/session-params.js'
import type { Member } from './member.js'

const FORMAT = 'ringcast-session 1'
/** A state file is a few hundred bytes per node: this bounds what is read back (10,000s of nodes). */
const MAX_STATE_BYTES = 64 * 1_048_576

/** An image file as it was when the session began: a changed file cannot continue the session. */
export interface ImageStamp {
  path: string
  size: number
  mtimeMs: number
  ino: number
  dev: number
}

/** The fields of a Member a record keeps, as they are (the rest are converted or dropped). */
const KEPT = ['peerId', 'name', 'address', 'subnet', 'linkBytesPerSecond', 'dialAddrs', 'dataHosts', 'dataPort', 'targetPath', 'state',
  'position', 'depth', 'upstreamPeer', 'downstreamPeers', 'background', 'writtenThrough', 'bytesReceived', 'resumedFrom', 'joinedLate',
  'restarts', 'hadBeforeRestart', 'firstJoinedAt', 'wantsIdentity', 'verified', 'reason', 'failCode', 'finishedAt', 'elapsedMs',
  'peakRssBytes', 'peakInflightBytes', 'readBack'] as const

/** One member, as far as a restarted coordinator needs it: its place, counters and outcome (no channel, feed, hop keys or challenge). */
export type MemberRecord = Pick<Member, typeof KEPT[number]> & {
  digest?: string
  /** Its identity step's outcome once recorded ('waiting': its IdentityDone is still due). */
  identity?: { state: 'waiting' | 'set' | 'failed', reason?: string }
}

export interface SessionState {
  format: typeof FORMAT
  sessionId: string
  imageSize: number
  blockSize: number
  windowBytes: number
  dataPlane: DataPlaneKind
  token: string
  images: ImageStamp[]
  /** The image's (or session's) digest once it was hashed: the restarted coordinator's must be the same. */
  digest?: string
  started: boolean
  startedAt: number
  chainLength: number
  /** The report went out: a serve started again with this DIR begins a new session. */
  ended: boolean
  members: MemberRecord[]
}


export function recordOf (m: Member): MemberRecord {
  const record: Record<string, unknown> = {}
  for (const key of KEPT) if (m[key] !== undefined) record[key] = m[key]
  if (m.digest !== undefined) record.digest = Buffer.from(m.digest).toString('hex')
  if (m.identity !== undefined) record.identity = { state: m.identity.state, reason: m.identity.reason }
  return record as unknown as MemberRecord
}

/** A Member from its record, not connected (`channel`: the placeholder until it dials back). */
export function memberOf (r: MemberRecord, channel: Member['channel'], identityDeadline: number): Member {
  const { digest, identity, ...rest } = r
  return {
    ...rest,
    downstreamPeers: [...r.downstreamPeers],
    dialAddrs: [...r.dialAddrs],
    dataHosts: [...r.dataHosts],
    channel,
    lastHeardAt: 0,
    unwrittenBytes: 0,
    digest: digest === undefined ? undefined : new Uint8Array(Buffer.from(digest, 'hex')),
    identity: identity === undefined ? undefined : { ...identity, deadline: identityDeadline }
  }
}

/** The stamp of each image file, to tell on a restart whether it is still the one being served. */
export async function stampImages (paths: string[]): Promise<ImageStamp[]> {
  return await Promise.all(paths.map(async path => {
    if (path === '-') throw new RingcastError('USAGE', '--state cannot keep a session fed from standard input (-): a restarted serve could not read the same image again; give the image as a file')
    const s = await stat(path)
    return { path, size: s.size, mtimeMs: s.mtimeMs, ino: s.ino, dev: s.dev }
  }))
}

/** Why `now` is not the image set the state was written for, or undefined. */
export function imagesChanged (kept: ImageStamp[], now: ImageStamp[]): string | undefined {
  if (kept.length !== now.length) return `it was written for ${kept.length} image(s), serve was given ${now.length}`
  for (const [i, k] of kept.entries()) {
    const n = now[i]!
    if (k.path !== n.path) return `it was written for image ${k.path}, serve was given ${n.path}`
    if (k.size !== n.size || k.mtimeMs !== n.mtimeMs || k.ino !== n.ino || k.dev !== n.dev) return `image ${k.path} changed since the session began (size, modification time or inode differ)`
  }
  return undefined
}

/** Whether the state's session can go on with these parameters; why not, or undefined. */
export function paramsChanged (state: SessionState, params: Pick<SessionParams, 'blockSize' | 'windowBytes'>, dataPlane: DataPlaneKind): string | undefined {
  if (state.blockSize !== params.blockSize) return `its session has ${state.blockSize}-byte blocks, serve was given ${params.blockSize}`
  if (state.windowBytes !== params.windowBytes) return `its session has a ${state.windowBytes}-byte window, serve was given ${params.windowBytes}`
  if (state.dataPlane !== dataPlane) return `its session's data plane is ${state.dataPlane}, serve was given ${dataPlane}`
  return undefined
}

/**
 * The state directory of one serve: locked for this process, read once at
 * start, then written after every change that matters (coalesced: one write
 * at a time, the newest state next).
 */
export class StateStore {
  private writing?: Promise<void>
  private next?: SessionState
  private failure?: unknown

  private constructor (readonly dir: string, private readonly release: () => Promise<void>, private readonly log: (line: string) => void) {}

  static async open (dir: string, log: (line: string) => void): Promise<StateStore> {
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 })
    } catch (err) {
      throw new RingcastError('USAGE', `cannot use --state ${dir}: ${errorMessage(err)}`, { cause: err })
    }
    const lock = await tryPidLock(join(dir, 'serve.lock')).catch((err: unknown) => {
      throw new RingcastError('USAGE', `cannot lock --state ${dir}: ${errorMessage(err)}`, { cause: err })
    })
    if ('heldBy' in lock) throw new RingcastError('USAGE', `--state ${dir} is in use by another serve (pid ${lock.heldBy}); give each serve its own state directory`)
    return new StateStore(dir, lock.release, log)
  }

  get path (): string {
    return join(this.dir, 'session.json')
  }

  /** The state kept there, or undefined if there is none; a file that is not one is a usage error (nothing is overwritten). */
  async load (): Promise<SessionState | undefined> {
    let text: string
    try {
      const handle = await open(this.path, constants.O_RDONLY | constants.O_NOFOLLOW)
      try {
        if ((await handle.stat()).size > MAX_STATE_BYTES) throw new Error(`it is larger than ${MAX_STATE_BYTES} bytes`)
        text = await handle.readFile('utf8')
      } finally {
        await handle.close()
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new RingcastError('USAGE', `cannot read the session state ${this.path}: ${errorMessage(err)}; remove it or give another --state`, { cause: err })
    }
    const problem = (why: string): RingcastError => new RingcastError('USAGE', `${this.path} is not a ringcast session state (${why}); remove it or give another --state`)
    let state: SessionState
    try {
      state = JSON.parse(text) as SessionState
    } catch (err) {
      throw problem(errorMessage(err))
    }
    const why = stateProblem(state)
    if (why !== undefined) throw problem(why)
    return state
  }

  /** Write `state` (coalesced); a failure is logged once and the session goes on (it could not be re-adopted). */
  save (state: SessionState): void {
    this.next = state
    if (this.writing !== undefined) return
    this.writing = this.drain().finally(() => { this.writing = undefined })
  }

  /** Every save so far is on disk. */
  async flush (): Promise<void> {
    while (this.writing !== undefined) await this.writing
  }

  async close (): Promise<void> {
    await this.flush()
    await this.release().catch(() => {})
  }

  private async drain (): Promise<void> {
    while (this.next !== undefined) {
      const state = this.next
      this.next = undefined
      try {
        await writeAtomically(this.path, JSON.stringify(state))
        this.failure = undefined
      } catch (err) {
        if (this.failure === undefined) this.log(`warning: cannot write the session state ${this.path} (${errorMessage(err)}); a restarted serve could not re-adopt this session`)
        this.failure = err
      }
    }
  }
}

async function writeAtomically (path: string, text: string): Promise<void> {
  const temporary = `${path}.tmp`
  const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600)
  try {
    await handle.writeFile(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(temporary, path)
}

/** What is wrong with a state read back, or undefined: every field a restart relies on, checked. */
export function stateProblem (s: SessionState): string | undefined {
  if (typeof s !== 'object' || s === null) return 'not an object'
  if (s.format !== FORMAT) return `format ${JSON.stringify(s.format)}, not ${JSON.stringify(FORMAT)}`
  if (typeof s.sessionId !== 'string' || !/^([0-9a-f]{2})+$/.test(s.sessionId)) return 'no session id'
  for (const key of ['imageSize', 'blockSize', 'windowBytes', 'startedAt', 'chainLength'] as const) {
    if (!Number.isSafeInteger(s[key]) || s[key] < 0) return `${key} is not a count`
  }
  if (typeof s.token !== 'string' || typeof s.started !== 'boolean' || typeof s.ended !== 'boolean') return 'token, started or ended missing'
  if (!Array.isArray(s.images) || !Array.isArray(s.members)) return 'images or members missing'
  for (const m of s.members) {
    if (typeof m !== 'object' || m === null || typeof m.peerId !== 'string' || typeof m.name !== 'string') return 'a member without a peer id or name'
    if (!['waiting', 'running', 'done', 'failed'].includes(m.state)) return `member ${m.name}: state ${String(m.state)}`
    if (!Array.isArray(m.downstreamPeers) || !Array.isArray(m.dialAddrs) || !Array.isArray(m.dataHosts) || typeof m.upstreamPeer !== 'string') return `member ${m.name}: no place in the topology`
    for (const key of ['position', 'depth', 'writtenThrough', 'bytesReceived', 'resumedFrom', 'restarts', 'dataPort', 'firstJoinedAt'] as const) {
      if (typeof m[key] !== 'number' || !Number.isFinite(m[key])) return `member ${m.name}: ${key} is not a number`
    }
  }
  return undefined
}

/**
 * The channel of a member read back from the state, until it dials again:
 * already closed, so whatever is sent to it is dropped and nothing waits on it.
 */
export function notConnected (peerId: string, address: string): Member['channel'] {
  const reader = new ByteReader()
  reader.end()
  return {
    remotePeer: peerId,
    remoteAddr: address,
    reader,
    send: async () => { throw new Error('the node has not dialled the restarted coordinator yet') },
    closeWrite: async () => {},
    abort: () => {},
    closed: Promise.resolve(),
    isClosed: true
  }
}
