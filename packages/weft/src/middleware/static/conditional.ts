/** What a conditional or ranged GET asks of one file version. */
export interface Validators {
  etag: string
  lastModified: string
  mtimeMs: number
}

type HeaderOf = (name: string) => string | undefined

/**
 * True when the client's copy is current (RFC 9110 §13.2.2): If-None-Match wins over
 * If-Modified-Since when both are sent.
 */
export function isNotModified(header: HeaderOf, file: Validators): boolean {
  const noneMatch = header('if-none-match')
  if (noneMatch !== undefined) return noneMatch.trim() === '*' || etagListHas(noneMatch, file.etag, true)
  const since = header('if-modified-since')
  if (since === undefined) return false
  const date = Date.parse(since)
  return !Number.isNaN(date) && Math.floor(file.mtimeMs / 1000) * 1000 <= date
}

/** True when If-Match or If-Unmodified-Since rules the request out: 412. */
export function failsPrecondition(header: HeaderOf, file: Validators): boolean {
  const match = header('if-match')
  if (match !== undefined) return match.trim() !== '*' && !etagListHas(match, file.etag, false)
  const since = header('if-unmodified-since')
  if (since === undefined) return false
  const date = Date.parse(since)
  return !Number.isNaN(date) && Math.floor(file.mtimeMs / 1000) * 1000 > date
}

function etagListHas(list: string, etag: string, weak: boolean): boolean {
  const bare = (tag: string) => (weak ? tag.replace(/^W\//, '') : tag)
  return list.split(',').some((tag) => bare(tag.trim()) === bare(etag))
}

/** A byte range, inclusive at both ends. */
export interface ByteRange {
  start: number
  end: number
}

/**
 * The range a `Range` header asks for: one range, or 'unsatisfiable' (416), or null to
 * send the whole file (no header, a stale If-Range, a unit other than bytes, or several
 * ranges, which a server may answer in full).
 */
export function requestedRange(
  header: HeaderOf,
  size: number,
  file: Validators,
): ByteRange | 'unsatisfiable' | null {
  const range = header('range')
  if (range === undefined) return null
  const ifRange = header('if-range')
  if (ifRange !== undefined && ifRange !== file.etag && ifRange !== file.lastModified) return null
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(range)
  if (!match || (match[1] === '' && match[2] === ''))
    return range.startsWith('bytes=') && !range.includes(',') ? 'unsatisfiable' : null
  if (match[1] === '') {
    // A suffix range: the last N bytes.
    const suffix = Number(match[2])
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(match[1])
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  if (start >= size || start > end) return 'unsatisfiable'
  return { start, end }
}
