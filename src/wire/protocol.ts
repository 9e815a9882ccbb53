// Protocol ids and the hard limits every decoder enforces. A limit protects a
// process from a hostile peer: nothing is buffered on a peer's say-so past it.

/**
 * Wire version carried in Join: a coordinator refuses a node of another
 * version with one clear sentence. 2: Plan names several downstreams (trees).
 * 3: Refuse, Failed and Ack carry an ErrorCode enum (the string codes' field
 * numbers are reserved, so a node of protocol 2 still reads the refusal's
 * reason); Join says the node's prefix and link speed. 4: blocks carry no
 * hash of their own; the source's signed HASHES batches and signed END do,
 * and Done is proven by a Challenge. 5: each signed batch says what every
 * block holds (data, zero, free) and blocks that are not data travel as SKIP
 * frames with no payload; credit counts payload, not offsets. 6: a session
 * may carry several images (Welcome.parts), a node names a target for each
 * (Join.targets). 7: a node may ask for the identity step (Join.identity):
 * its verified Verdict then carries its host name and inventory fields, and
 * it answers IdentityDone before it counts as finished. 8: a node that
 * lost its coordinator dials again with Join.rejoin, and a coordinator
 * restarted with serve --state re-adopts it (docs/restart.md). The protocol
 * ids stay, so a mismatch reaches that check instead of failing in libp2p's
 * protocol negotiation with an opaque error.
 */
export const PROTOCOL_VERSION = 8

export const CONTROL_PROTOCOL = '/ringcast/control/1.0.0'
export const BLOCKS_PROTOCOL = '/ringcast/blocks/1.0.0'

/** A control message is small; 64 KiB fits a Join with hundreds of addresses. */
export const MAX_CONTROL_FRAME_BYTES = 65_536

/** A BLOCK header is ~30 bytes; 1 KiB leaves room for future fields. */
export const MAX_BLOCK_HEADER_BYTES = 1024

/** Most blocks one signed hash batch covers (src/relay/source-signature.ts). */
export const HASH_BATCH_BLOCKS = 256

/** A HASHES frame: its hashes and content bytes, a signature and the header. */
export const MAX_HASHES_FRAME_BYTES = HASH_BATCH_BLOCKS * 33 + 1024

/**
 * What a block of the image holds, as the source signs it (one byte per
 * block in each hash batch):
 *   DATA  its bytes travel in a BLOCK frame;
 *   ZERO  all zero: a SKIP frame, and the node makes its target read zeros;
 *   FREE  unused by the image's file system: a SKIP frame, and the target is
 *         left as it is (nothing references those bytes).
 * A ZERO or FREE block's signed hash is that of zeros of its length.
 */
export const CONTENT_DATA = 0
export const CONTENT_ZERO = 1
export const CONTENT_FREE = 2

/** What END's digest is: the whole image's SHA-256, or (used blocks only) that of the signed batches. */
export const DIGEST_IMAGE_SHA256 = 0
export const DIGEST_BATCHES_SHA256 = 1

/** Ed25519 signatures. */
export const ED25519_SIGNATURE_BYTES = 64

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
