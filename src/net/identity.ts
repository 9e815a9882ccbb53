// Persistent libp2p identity: an Ed25519 key in protobuf form, 0600.
// A coordinator's identity is part of its join command, so it must survive
// restarts; a node's identity lets a restarted node be recognised.

import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { mkdir, open, readFile, rename, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { RingcastError } from '../errors.js'

export type { PrivateKey }

export interface LoadedKey {
  key: PrivateKey
  created: boolean
  /** Set when the file is readable by group or others. */
  warning?: string
}

export async function loadOrCreateKey (path: string): Promise<LoadedKey> {
  let bytes: Uint8Array | undefined
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new RingcastError('KEY_INVALID', `cannot read identity key ${path}: ${(err as Error).message}`, { cause: err })
    }
  }
  if (bytes !== undefined) {
    let key: PrivateKey
    try {
      key = privateKeyFromProtobuf(bytes)
    } catch (err) {
      throw new RingcastError('KEY_INVALID', `identity key ${path} is not a libp2p private key; move it away to create a new one`, { cause: err })
    }
    const mode = (await stat(path)).mode & 0o777
    const warning = (mode & 0o077) !== 0 ? `identity key ${path} is readable by others (mode ${mode.toString(8)}); chmod 600 it` : undefined
    return { key, created: false, warning }
  }
  const key = await generateKeyPair('Ed25519')
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  // Write to a temporary name and rename, so a crash never leaves half a key.
  const tmp = `${path}.${process.pid}.tmp`
  const handle = await open(tmp, 'wx', 0o600)
  try {
    await handle.writeFile(privateKeyToProtobuf(key))
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(tmp, path)
  return { key, created: true }
}

export async function ephemeralKey (): Promise<PrivateKey> {
  return await generateKeyPair('Ed25519')
}

/**
 * The 32-byte Ed25519 seed of an identity key: the source signs hash
 * batches with the key behind its peer id (src/relay/source-signature.ts).
 */
export function ed25519Seed (key: PrivateKey, path = 'the identity key'): Uint8Array {
  if (key.type !== 'Ed25519') throw new RingcastError('KEY_INVALID', `${path} is a ${key.type} key; ringcast signs blocks with Ed25519 keys only (move it away to create one)`)
  return key.raw.subarray(0, 32)
}

/** The Ed25519 public key (32 bytes) a peer id embeds, or undefined if it embeds none. */
export function peerPublicKey (peer: { publicKey?: { type: string, raw: Uint8Array } }): Uint8Array | undefined {
  return peer.publicKey?.type === 'Ed25519' ? peer.publicKey.raw : undefined
}
