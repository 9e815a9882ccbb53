// A lock file that holds its owner's pid: created exclusively (O_EXCL,
// never through a symlink), removed by its owner, and taken over when the
// pid in it is no longer a live process (its owner was killed). Used by the
// nodes file (src/boot/nodes-store.ts) and by file targets, so two joins
// never write one file (src/storage/target.ts). One machine only: a pid
// means nothing on another host.

import { constants } from 'node:fs'
import { open, readFile, rm } from 'node:fs/promises'

export type PidLock = { release: () => Promise<void> } | { heldBy: number }

/** Take `lockPath` now, or say which live process holds it. Other errors (EACCES, EROFS) are thrown. */
export async function tryPidLock (lockPath: string): Promise<PidLock> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644)
      await handle.writeFile(String(process.pid))
      await handle.close()
      return { release: async () => { await rm(lockPath, { force: true }) } }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const holder = Number(await readFile(lockPath, 'utf8').catch(() => ''))
    // A lock being written this instant reads empty: try again before calling it stale.
    if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) return { heldBy: holder }
    if (holder > 0 || attempt > 0) await rm(lockPath, { force: true })
    else await new Promise(resolve => setTimeout(resolve, 50))
  }
  const holder = Number(await readFile(lockPath, 'utf8').catch(() => ''))
  return { heldBy: holder }
}

export function processAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
