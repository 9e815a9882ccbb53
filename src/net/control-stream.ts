// Control-plane helpers shared by the coordinator and the node agent: typed
// reads with a deadline, sends, and closing a stream with a reason.

import { systemClock, timeout, type Clock } from '../clock.js'
import { ProtocolError, type ErrorCode } from '../errors.js'
import { toWireCode } from '../wire/error-codes.js'
import { decodeControl, encodeControl, type Control, type ControlInput } from '../wire/messages.js'
import { MAX_CONTROL_FRAME_BYTES } from '../wire/protocol.js'
import type { Channel } from './channel.js'

/** Next control message, or null when the peer closed cleanly. Throws ProtocolError. */
export async function readControl (channel: Channel, timeoutMs?: number, clock: Clock = systemClock): Promise<Control | null> {
  const read = channel.reader.readFrame(MAX_CONTROL_FRAME_BYTES).then(b => b === null ? null : decodeControl(b))
  if (timeoutMs === undefined) return await read
  return await timeout(clock, read, timeoutMs, `no message within ${Math.round(timeoutMs / 1000)} s`)
}

export async function sendControl (channel: Channel, message: ControlInput): Promise<void> {
  await channel.send(encodeControl(message))
}

/**
 * Close a control stream because the peer broke the protocol: tell it why
 * (as a Refuse), then close. Never throws: the peer may already be gone.
 */
export async function closeWithReason (channel: Channel, code: ErrorCode, reason: string): Promise<void> {
  await sendControl(channel, { refuse: { code: toWireCode(code), reason } }).catch(() => {})
  await channel.closeWrite().catch(() => {})
  channel.abort(new ProtocolError(reason))
}

/** The host a multiaddr names (/ip4/X, /ip6/X, and with `dns` the /dns4, /dns6 and /dns kinds), or undefined. */
export function multiaddrHost (addr: string, dns = true): string | undefined {
  return (dns ? /^\/(?:ip4|ip6|dns4|dns6|dns)\/([^/]+)/ : /^\/(?:ip4|ip6)\/([^/]+)\//).exec(addr)?.[1]
}

/** Dial candidates for a node: the address we saw it connect from (with its
 * listen port) first, then the addresses it reported, minus wildcards. */
export function dialCandidates (observedAddr: string, listenPort: number, reported: string[]): string[] {
  const out: string[] = []
  const match = /^\/(ip4|ip6)\/([^/]+)\//.exec(observedAddr)
  if (match !== null && listenPort > 0) out.push(`/${match[1]}/${match[2]}/tcp/${listenPort}`)
  for (const a of reported.slice(0, 32)) {
    if (a.length > 256 || !/^\/(ip4|ip6|dns4|dns6|dns)\//.test(a)) continue
    if (a.startsWith('/ip4/0.0.0.0/') || a.startsWith('/ip6/::/')) continue
    const bare = a.replace(/\/p2p\/[^/]+$/, '')
    if (!out.includes(bare)) out.push(bare)
  }
  return out
}
