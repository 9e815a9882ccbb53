// The nodes file on disk (nodes.ts): read, and changed by one writer at a
// time. The coordinator and `ringcast nodes set` both change it, so every
// change takes a lock file (NAME.lock, holding the writer's pid; a lock
// whose process is gone is taken over), re-reads the file, applies the
// change, and replaces the file atomically (write a temporary file, fsync,
// rename): a crash leaves the old file or the new one, never half of one.

import { open, readFile, rename, rm, stat } from 'node:fs/promises'
import { dirname, basename, join } from 'node:path'
import { tryPidLock } from '../storage/pid-lock.js'
import { RingcastError, errorMessage } from '../errors.js'
import { formatNodes, nextState, parseNodes, type BootNode, type NodeEvent, type NodesDocument } from './nodes.js'

/** How long a change waits for another writer's lock before giving up. */
const LOCK_WAIT_MS = 10_000
const LOCK_POLL_MS = 50

export class NodesStore {
  constructor (readonly path: string) {}

  /** The file as it is now; a missing file is an empty inventory when `missingOk`. */
  async read (missingOk = false): Promise<NodesDocument> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && missingOk) return { nodes: [] }
      throw new RingcastError('USAGE', `cannot read the nodes file ${this.path}: ${errorMessage(err)}`, { cause: err })
    }
    return parseNodes(text, `nodes file ${this.path}`)
  }

  /** When the file last changed (ms), to notice the admin's edits; 0 when missing. */
  async modifiedMs (): Promise<number> {
    return await stat(this.path).then(s => s.mtimeMs, () => 0)
  }

  /**
   * Apply `change` to the file as it is under the lock, and write what it
   * returns (unless it returns the same document: nothing to write).
   */
  async update<T> (change: (doc: NodesDocument) => { doc: NodesDocument, result: T }, missingOk = false): Promise<T> {
    const release = await this.lock()
    try {
      const before = await this.read(missingOk)
      const { doc, result } = change(before)
      if (doc !== before) await this.write(doc)
      return result
    } finally {
      await release()
    }
  }

  /** `event` applied to the node named `name` (nodes.ts nextState); undefined when no node has that name. */
  async apply (name: string, event: NodeEvent, now = new Date()): Promise<BootNode | undefined> {
    return await this.update(doc => {
      const i = doc.nodes.findIndex(n => n.name === name)
      if (i < 0) return { doc, result: undefined }
      const after = nextState(doc.nodes[i]!, event, now)
      if (after === doc.nodes[i]) return { doc, result: after }
      const nodes = doc.nodes.slice()
      nodes[i] = after
      return { doc: { nodes }, result: after }
    })
  }

  private async write (doc: NodesDocument): Promise<void> {
    const temp = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.tmp`)
    try {
      const handle = await open(temp, 'w', 0o644)
      try {
        await handle.writeFile(formatNodes(doc))
        await handle.sync()
      } finally {
        await handle.close()
      }
      await rename(temp, this.path)
    } catch (err) {
      await rm(temp, { force: true }).catch(() => {})
      throw new RingcastError('USAGE', `cannot write the nodes file ${this.path}: ${errorMessage(err)}`, { cause: err })
    }
  }

  private async lock (): Promise<() => Promise<void>> {
    const lockPath = `${this.path}.lock`
    const deadline = Date.now() + LOCK_WAIT_MS
    for (;;) {
      const lock = await tryPidLock(lockPath).catch((err: unknown) => { throw new RingcastError('USAGE', `cannot lock the nodes file ${this.path}: ${errorMessage(err)}`, { cause: err }) })
      if ('release' in lock) return lock.release
      if (Date.now() > deadline) throw new RingcastError('USAGE', `the nodes file ${this.path} is locked by process ${lock.heldBy} (${lockPath}); try again, or remove the lock if that process is gone`)
      await new Promise(resolve => setTimeout(resolve, LOCK_POLL_MS))
    }
  }
}
