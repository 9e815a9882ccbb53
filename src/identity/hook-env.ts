// The environment an identity hook runs in (docs/identity.md): the agent's
// own, less anything named RINGCAST_* (so a stale variable can never pose as
// ours), plus what the hook is for:
//
//   RINGCAST_NODE_NAME      this node's --name
//   RINGCAST_HOSTNAME       the host name the coordinator gave the clone (checked: src/wire/identity.ts)
//   RINGCAST_TARGET         the target the image was written to (device or file)
//   RINGCAST_TARGET_<NAME>  a session of several images: each image's target (RINGCAST_IMAGES lists the names)
//   RINGCAST_IMAGE_SHA256   the digest the copy was verified against (hex)
//   RINGCAST_FIELD_<NAME>   each inventory field, its name upper-cased
//
// Pure: the caller passes the inherited environment in.

import { RingcastError } from '../errors.js'
import type { CloneIdentity } from '../wire/identity.js'

export interface HookContext {
  /** The node's own --name. */
  nodeName: string
  identity: CloneIdentity
  /** Where each image went: one target named '' for a session of one image, else one per image, by name. */
  targets: ReadonlyArray<{ name: string, path: string }>
  /** The digest the verified copy matched, hex. */
  imageSha256: string
}

/** An image name (image-parts.ts: letters, digits, '_', '.', '-') as the end of an environment name. */
export const targetEnvName = (name: string): string => `RINGCAST_TARGET_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`

export function hookEnv (ctx: HookContext, inherited: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(inherited)) {
    if (value !== undefined && !key.startsWith('RINGCAST_')) env[key] = value
  }
  env.RINGCAST_NODE_NAME = ctx.nodeName
  env.RINGCAST_HOSTNAME = ctx.identity.hostname
  env.RINGCAST_IMAGE_SHA256 = ctx.imageSha256
  if (ctx.targets.length === 1 && ctx.targets[0]!.name === '') {
    env.RINGCAST_TARGET = ctx.targets[0]!.path
  } else {
    for (const t of ctx.targets) {
      const key = targetEnvName(t.name)
      if (env[key] !== undefined) throw new RingcastError('IDENTITY_FAILED', `images ${ctx.targets.filter(o => targetEnvName(o.name) === key).map(o => o.name).join(' and ')} would both be ${key}: rename one`)
      env[key] = t.path
    }
    env.RINGCAST_IMAGES = ctx.targets.map(t => t.name).join(' ')
  }
  for (const f of ctx.identity.fields) env[`RINGCAST_FIELD_${f.name.toUpperCase()}`] = f.value
  return env
}
