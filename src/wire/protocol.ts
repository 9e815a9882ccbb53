// Protocol ids and the hard limits every decoder enforces. A limit protects a
// process from a hostile peer: nothing is buffered on a peer's say-so past it.

/**
 * Wire version carried in Join: a coordinator refuses a node of another
 * version with one clear sentence. 2: Plan names several downstreams (trees).
 * 3: Refuse, Failed and Ack carry an ErrorCode enum (the string codes' field
 * numbers are reserved, so a node of protocol 2 still reads the refusal's
 * reason); Join says the node's prefix and link speed. The protocol ids stay, so a mismatch reaches that check instead of failing
 * in libp2p's protocol negotiation with an opaque error.
 */
export const PROTOCOL_VERSION = 3

export const CONTROL_PROTOCOL = '/ringcast/control/1.0.0'
export const BLOCKS_PROTOCOL = '/ringcast/blocks/1.0.0'

/** A control message is small; 64 KiB fits a Join with hundreds of addresses. */
export const MAX_CONTROL_FRAME_BYTES = 65_536

/** A block header is ~60 bytes; 1 KiB leaves room for future fields. */
export const MAX_BLOCK_HEADER_BYTES = 1024

/** An Ack is a varint and a short reason. */
export const MAX_ACK_FRAME_BYTES = 1024

/** Largest block size a session may use: bounds one payload read. */
export const MAX_BLOCK_BYTES = 64 * 1_048_576

/** Smallest block size: below this, per-block overhead dominates. */
export const MIN_BLOCK_BYTES = 4096

/** Session ids are 16 random bytes. */
export const SESSION_ID_BYTES = 16

/** SHA-256 digests. */
export const HASH_BYTES = 32
