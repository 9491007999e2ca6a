// What a resuming client and the server compare (docs/protocol.md, "Resume"): a key per
// document of a subscription and a digest of the fields the client holds for it. The
// client sends them with its `sub`; the server re-runs the query and sends only what
// differs. Pure, shared by both sides, so both compute exactly the same strings.

/** A document's key in a `resume` map: its collection and its JSON-encoded `_id`. */
export function documentKey(collection: string, id: unknown): string {
  return `${collection} ${JSON.stringify(id)}`
}

/** The collection and id a document key names. */
export function parseDocumentKey(key: string): { collection: string; id: unknown } | null {
  const space = key.indexOf(' ')
  if (space < 0) return null
  try {
    return { collection: key.slice(0, space), id: JSON.parse(key.slice(space + 1)) }
  } catch {
    return null
  }
}

/**
 * A digest of a document's fields: FNV-1a (52 bits, exact in a double) over their JSON
 * with keys sorted, in base 36. Not cryptographic: a client only ever fools itself.
 */
export function fieldsDigest(fields: Record<string, unknown>): string {
  const text = stableJson(fields)
  // Two 26-bit halves keep every product below 2^53.
  let high = 0x811c
  let low = 0x9dc5
  for (let i = 0; i < text.length; i++) {
    low ^= text.charCodeAt(i)
    const lowProduct = low * 0x193
    const highProduct = high * 0x193 + low * 0x100
    low = lowProduct % 0x4000000
    high = (highProduct + Math.floor(lowProduct / 0x4000000)) % 0x4000000
  }
  return (high * 0x4000000 + low).toString(36)
}

/** JSON with object keys sorted, so equal documents give equal text whatever their key order. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return stableJson((value as { toJSON(): unknown }).toJSON())
  if (Array.isArray(value)) return `[${value.map((item) => stableJson(item ?? null)).join(',')}]`
  const keys = Object.keys(value).sort()
  const parts: string[] = []
  for (const key of keys) {
    const item = (value as Record<string, unknown>)[key]
    if (item !== undefined) parts.push(`${JSON.stringify(key)}:${stableJson(item)}`)
  }
  return `{${parts.join(',')}}`
}
