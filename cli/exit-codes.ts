// Exit statuses, one per kind of outcome, so scripts can tell them apart.
// Every ErrorCode has one (the switch below has no default, so a new code
// does not compile until it is given its status).

import type { ErrorCode } from '../src/errors.js'

export const EXIT = {
  OK: 0,
  /** The clone ran but some copy is not verified (serve), or this copy is not (join). */
  CLONE_FAILED: 1,
  /** Bad flag or argument. */
  USAGE: 2,
  /** Bad image or target given by the operator. */
  BAD_INPUT: 3,
  /** The coordinator refused this node (token, version, target size, session full). */
  REFUSED: 4,
  /** The coordinator could not be reached. */
  UNREACHABLE: 5,
  /**
   * The coordinator closed the session or vanished before this node's copy
   * was verified: the copy is not known to be bad (what was verified stays in
   * the journal), unlike CLONE_FAILED.
   */
  COORDINATOR_GONE: 6,
  /**
   * join --identity: the copy is verified (it stays on the target), but an
   * identity hook failed or the built-in one found no ext root to edit, so
   * the node must not boot its clone as it is.
   */
  IDENTITY_FAILED: 7,
  INTERNAL: 70,
  /** Stopped by SIGINT (128 + 2), as shells report it. */
  SIGINT: 130,
  /** Stopped by SIGTERM (128 + 15). */
  SIGTERM: 143
} as const

export function exitCodeFor (code: ErrorCode): number {
  switch (code) {
    case 'USAGE':
      return EXIT.USAGE
    case 'IMAGE_UNREADABLE': case 'IMAGE_EMPTY': case 'KEY_INVALID':
    case 'TARGET_MISSING': case 'TARGET_NOT_WRITABLE': case 'TARGET_MOUNTED': case 'TARGET_UNSUPPORTED': case 'ARCHIVE_REFUSED':
      return EXIT.BAD_INPUT
    case 'BAD_TOKEN': case 'VERSION': case 'REFUSED': case 'TARGET_TOO_SMALL':
      return EXIT.REFUSED
    case 'UNREACHABLE':
      return EXIT.UNREACHABLE
    case 'COORDINATOR_GONE':
      return EXIT.COORDINATOR_GONE
    case 'IDENTITY_FAILED':
      return EXIT.IDENTITY_FAILED
    // This copy (or, for serve, some copy) is not verified.
    case 'INTEGRITY': case 'TARGET_WRITE_FAILED': case 'PROTOCOL': case 'PEER_GONE': case 'STALLED':
    case 'RESTARTED': case 'NO_NODES': case 'CLONE_FAILED': case 'JOURNAL':
      return EXIT.CLONE_FAILED
    case 'INTERRUPTED':
      return EXIT.SIGINT
    case 'INTERNAL':
      return EXIT.INTERNAL
  }
}

/** The exit status for a process stopped by `signal`. */
export function exitCodeForSignal (signal: 'SIGINT' | 'SIGTERM'): number {
  return signal === 'SIGINT' ? EXIT.SIGINT : EXIT.SIGTERM
}
