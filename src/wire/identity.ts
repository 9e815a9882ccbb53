// The identity a verified clone is given (join --identity; docs/identity.md):
// what a Verdict may carry for it, and the one set of rules both ends hold
// it to. The coordinator checks before it sends (so a nodes file it cannot
// pass on is said at once, not as a frame too large to send); the node
// checks before any of it reaches a hook's environment or a file on its
// clone, so a hostile coordinator gets no further than a failed step:
//
//   host name   an RFC 1123 name: labels of letters, digits and '-', 1 to 63
//               each, separated by '.', at most 64 in all (Linux's
//               HOST_NAME_MAX); it is written to /etc/hostname
//   field name  a letter, then letters, digits or '_' (at most 63): with
//               RINGCAST_FIELD_ before it, upper-cased, a plain environment
//               name; two names that upper-case alike are refused
//   value       at most 4 KiB of UTF-8, no NUL (execve cannot carry one)
//   fields      at most 64, 16 KiB of values in all (a Verdict stays far
//               below the 64 KiB control frame)

/**
 * The node's whole identity step (every hook, in order) has this long; the
 * coordinator waits a minute more for its IdentityDone (identity-steps.ts).
 * Five minutes: the built-in step takes well under a second; a site's hook
 * that configures a clone (keys, a registration with a CMDB) may take a while.
 */
export const IDENTITY_STEP_TIMEOUT_MS = 300_000

export const MAX_IDENTITY_FIELDS = 64
export const MAX_FIELD_VALUE_BYTES = 4096
export const MAX_FIELDS_TOTAL_BYTES = 16_384
/** Linux's HOST_NAME_MAX. */
export const MAX_HOSTNAME_BYTES = 64

export const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/
const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/

export interface IdentityField { name: string, value: string }

/** What a node's identity step is given: checked (identityProblem). */
export interface CloneIdentity {
  hostname: string
  fields: IdentityField[]
}

/** A string shown in a sentence: JSON-quoted and cut, so no control character or length of a peer's gets through. */
const shown = (s: string): string => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s)

/** Why `hostname` is no host name to give a clone, or undefined. */
export function hostnameProblem (hostname: string): string | undefined {
  if (hostname === '') return 'no host name'
  if (Buffer.byteLength(hostname) > MAX_HOSTNAME_BYTES) return `host name ${shown(hostname)} is longer than ${MAX_HOSTNAME_BYTES} bytes`
  if (!hostname.split('.').every(label => HOST_LABEL.test(label))) {
    return `host name ${shown(hostname)} is not a valid host name (letters, digits and '-', in labels of at most 63 separated by '.')`
  }
  return undefined
}

/** Why `fields` cannot be given to the hooks, or undefined. */
export function fieldsProblem (fields: ReadonlyArray<{ name?: string | null, value?: string | null }>): string | undefined {
  if (fields.length > MAX_IDENTITY_FIELDS) return `${fields.length} inventory fields (at most ${MAX_IDENTITY_FIELDS})`
  const seen = new Map<string, string>()
  let total = 0
  for (const f of fields) {
    const name = f.name ?? ''
    const value = f.value ?? ''
    if (!FIELD_NAME.test(name)) return `field name ${shown(name)} is not a letter followed by letters, digits or '_' (at most 63)`
    const env = name.toUpperCase()
    const other = seen.get(env)
    if (other !== undefined) return `fields ${shown(other)} and ${shown(name)} would both be RINGCAST_FIELD_${env}`
    seen.set(env, name)
    const bytes = Buffer.byteLength(value)
    if (bytes > MAX_FIELD_VALUE_BYTES) return `field ${name} holds ${bytes} bytes (at most ${MAX_FIELD_VALUE_BYTES})`
    if (value.includes('\0')) return `field ${name} holds a NUL byte`
    total += bytes
  }
  if (total > MAX_FIELDS_TOTAL_BYTES) return `the inventory fields hold ${total} bytes in all (at most ${MAX_FIELDS_TOTAL_BYTES})`
  return undefined
}

/** Why this identity cannot be given to a clone, or undefined. */
export function identityProblem (hostname: string, fields: ReadonlyArray<{ name?: string | null, value?: string | null }>): string | undefined {
  return hostnameProblem(hostname) ?? fieldsProblem(fields)
}

/** A nodes file's fields (an object), in a stable order, as a Verdict carries them. */
export function fieldsOf (record: Readonly<Record<string, string>>): IdentityField[] {
  return Object.keys(record).sort().map(name => ({ name, value: record[name]! }))
}
