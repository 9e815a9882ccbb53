// Exit statuses, one per kind of outcome, so scripts can tell them apart.

import type { ErrorCode } from '../src/errors.js'

export const EXIT = {
  OK: 0,
  /** The clone ran but some copy is not verified. */
  CLONE_FAILED: 1,
  /** Bad flag or argument. */
  USAGE: 2,
  /** Bad image or target given by the operator. */
  BAD_INPUT: 3,
  /** The coordinator refused this node (token, version, target size). */
  REFUSED: 4,
  /** The coordinator could not be reached. */
  UNREACHABLE: 5,
  INTERNAL: 70
} as const

export function exitCodeFor (code: ErrorCode): number {
  switch (code) {
    case 'USAGE': return EXIT.USAGE
    case 'IMAGE_UNREADABLE': case 'IMAGE_EMPTY': case 'KEY_INVALID':
    case 'TARGET_MISSING': case 'TARGET_NOT_WRITABLE': case 'TARGET_MOUNTED': case 'TARGET_UNSUPPORTED':
      return EXIT.BAD_INPUT
    case 'BAD_TOKEN': case 'VERSION': case 'REFUSED': case 'TARGET_TOO_SMALL':
      return EXIT.REFUSED
    case 'UNREACHABLE': return EXIT.UNREACHABLE
    case 'INTERNAL': return EXIT.INTERNAL
    default: return EXIT.CLONE_FAILED
  }
}
