// ErrorCode on the wire: the proto enum (proto/ringcast.proto) and the
// code strings the rest of ringcast matches on (src/errors.ts) have the same
// names; these two functions are the only place that converts.

import { isErrorCode, type ErrorCode } from '../errors.js'
// Before the generated module, whoever imports this first (docs/runtime-facts.md: protobufjs and Long).
import './numbers.js'
import { ringcast } from './gen/ringcast.js'

/** The enum value a code is sent as. */
export function toWireCode (code: ErrorCode): ringcast.ErrorCode {
  return ringcast.ErrorCode[code]
}

/**
 * The code a peer sent, or `fallback` for a value we do not know (a newer
 * peer, or a hostile one): the message's reason still says what happened.
 */
export function fromWireCode (value: number | null | undefined, fallback: ErrorCode): ErrorCode {
  const name = typeof value === 'number' ? ringcast.ErrorCode[value] : undefined
  return name !== undefined && isErrorCode(name) ? name : fallback
}
