// Resume after a restart: what an earlier run of this node, in this
// session, left verified on the target (every block its journal lists is
// read back and hashed), and the journal this run keeps so that a later
// restart can do the same.

import type { Clock } from '../clock.js'
import { errorMessage } from '../errors.js'
import type { ResumeState } from '../relay/relay-pipeline.js'
import type { KnownBlock } from '../relay/replay-buffer.js'
import { endOfBlocks } from '../relay/replay-buffer.js'
import { defaultJournalPath, Journal, journalMismatch, loadJournal, verifyAgainstJournal, type JournalHeader, type JournalTarget } from '../storage/journal.js'
import type { TargetInfo } from '../storage/target.js'

/** Fsync the journal after this many bytes written (its records are written out sooner). */
const JOURNAL_CHECKPOINT_BYTES = 16 * 1_048_576

/** The journal's path: the operator's, else next to the target (defaultJournalPath); undefined with --no-journal. */
export function journalPathFor (configured: string | null | undefined, info: TargetInfo): string | undefined {
  if (configured === null) return undefined
  return configured ?? defaultJournalPath(info)
}

/**
 * What an earlier run left verified: the run resumes after the last block
 * that checks. Any doubt (another session, another target, unreadable)
 * means starting over, never trusting an unverified byte.
 */
export async function loadResumeState (path: string | undefined, target: JournalTarget, header: JournalHeader, clock: Clock, log: (line: string) => void): Promise<ResumeState | undefined> {
  if (path === undefined) return undefined
  try {
    const loaded = await loadJournal(path)
    if (loaded === undefined || loaded.blocks.length === 0) return undefined
    const mismatch = journalMismatch(loaded.header, header)
    if (mismatch !== undefined) { log(`not resuming from ${path}: ${mismatch}`); return undefined }
    const started = clock.now()
    const blocks = await verifyAgainstJournal(target, loaded.blocks, () => {})
    const through = endOfBlocks(blocks)
    log(`resuming at ${through} of ${header.imageSize} bytes: ${blocks.length} of ${loaded.blocks.length} journaled block(s) re-verified in ${((clock.now() - started) / 1000).toFixed(1)} s`)
    return blocks.length === 0 ? undefined : { blocks }
  } catch (err) {
    log(`not resuming: ${errorMessage(err)}`)
    return undefined
  }
}

/** A fresh journal, or the verified part of the old one; none if it cannot be written (the clone goes on). */
export async function openJournal (path: string | undefined, header: JournalHeader, resume: ResumeState | undefined, log: (line: string) => void): Promise<Journal | undefined> {
  if (path === undefined) return undefined
  try {
    return resume === undefined ? await Journal.create(path, header) : await Journal.resume(path, header, resume.blocks)
  } catch (err) {
    log(`warning: no resume journal (${errorMessage(err)}); a restart of this node would start over`)
    return undefined
  }
}

/**
 * Records every written block in `journal`, with an fsync every
 * JOURNAL_CHECKPOINT_BYTES so the records survive a power cut. A failing
 * journal is reported once to `trouble`; the clone goes on without it.
 */
export function journalRecorder (journal: Journal, trouble: (err: unknown) => void): (block: KnownBlock) => void {
  let sinceCheckpoint = 0
  return block => {
    journal.record(block)
    sinceCheckpoint += block.length
    if (sinceCheckpoint >= JOURNAL_CHECKPOINT_BYTES) {
      sinceCheckpoint = 0
      journal.checkpoint().catch(trouble)
    }
  }
}
