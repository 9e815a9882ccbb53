// Typed errors with a stable `code`, matched on code (never on message).
// The CLI maps each code to an exit status and prints the message as one
// sentence; stack traces only with --debug.

/**
 * Every code ringcast raises, reports or sends. proto/ringcast.proto's
 * ErrorCode enum has the same names (a unit test holds them equal): Refuse,
 * Failed and a refusing Ack carry one on the wire, and the JSON report
 * carries a failed node's.
 */
export const ERROR_CODES = [
  'USAGE', // bad flag or argument
  'IMAGE_UNREADABLE', // source image missing or unreadable
  'IMAGE_EMPTY', // source image has no bytes
  'TARGET_MISSING', // target path does not exist
  'TARGET_NOT_WRITABLE', // target cannot be opened for writing
  'TARGET_TOO_SMALL', // target smaller than the image
  'TARGET_MOUNTED', // target block device (or a partition of it) is mounted
  'TARGET_UNSUPPORTED', // target is a directory, socket, ...
  'TARGET_WRITE_FAILED', // a write or fsync on the target failed
  'KEY_INVALID', // identity key file exists but is not a key
  'BAD_TOKEN', // session token does not match
  'VERSION', // peer speaks another protocol version
  'REFUSED', // coordinator refused the node for another reason
  'UNREACHABLE', // coordinator could not be reached
  'PROTOCOL', // peer sent a malformed, oversized or unexpected message
  'INTEGRITY', // a block or the image digest did not match: this copy is not the image
  'PEER_GONE', // a peer (upstream, downstream, node) closed or reset its stream early
  'STALLED', // a node's heartbeats stopped (hung, frozen, unplugged)
  'RESTARTED', // a node came back with the same identity: its old run is over
  'COORDINATOR_GONE', // the coordinator closed the session or vanished before this copy was verified
  'NO_NODES', // not enough nodes joined before the wait timeout
  'CLONE_FAILED', // at least one node did not verify its copy
  'JOURNAL', // the resume journal cannot be read or written
  'INTERRUPTED', // stopped by SIGINT or SIGTERM
  'INTERNAL', // a bug
  'ARCHIVE_REFUSED', // an archive target's entries would land outside its directory, or are of a kind not unpacked
  'IDENTITY_FAILED' // the copy is verified, but its identity step (join --identity) failed: the node does not flip to its disk
] as const

export type ErrorCode = typeof ERROR_CODES[number]

export function isErrorCode (s: string): s is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(s)
}

export class RingcastError extends Error {
  readonly code: ErrorCode

  constructor (code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'RingcastError'
    this.code = code
  }
}

/** A peer broke the wire contract; the reason goes back on the wire. */
export class ProtocolError extends RingcastError {
  constructor (message: string, options?: { cause?: unknown }) {
    super('PROTOCOL', message, options)
    this.name = 'ProtocolError'
  }
}

/**
 * The upstream sent data that does not match what the source signed: a
 * block whose SHA-256 differs from the signed hash, a batch or END the
 * source did not sign, END before the last block. Nothing of it is written;
 * the node names that upstream to the coordinator, which fails it.
 */
export class UpstreamLieError extends RingcastError {
  /** The block the upstream lied about, if the lie was a block (not a hash batch or END). */
  readonly block?: { offset: number, length: number }

  constructor (message: string, block?: { offset: number, length: number }) {
    super('INTEGRITY', message)
    this.name = 'UpstreamLieError'
    this.block = block
  }
}

export function isRingcastError (err: unknown, code?: ErrorCode): err is RingcastError {
  return err instanceof RingcastError && (code === undefined || err.code === code)
}

/** One readable sentence for any thrown value. */
export function errorMessage (err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}
