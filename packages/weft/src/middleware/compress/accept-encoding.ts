/** Encodings a request's Accept-Encoding takes, with their q values (`*` included as written). */
export function acceptedEncodings(header: string | undefined): Map<string, number> {
  const accepted = new Map<string, number>()
  if (!header) return accepted
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find((v) => v !== undefined)
    accepted.set(name.trim(), q === undefined ? 1 : Number(q))
  }
  return accepted
}

/** The first of `offered` the client accepts with q > 0, or null. `gzip, br;q=0` takes gzip only. */
export function chooseEncoding(header: string | undefined, offered: readonly string[]): string | null {
  const accepted = acceptedEncodings(header)
  for (const encoding of offered) {
    const q = accepted.get(encoding) ?? accepted.get('*')
    if (q !== undefined && q > 0) return encoding
  }
  return null
}
