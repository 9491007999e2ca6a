/**
 * The URL to reach a server at: a wildcard address (0.0.0.0, ::) is reached through the
 * loopback, and an IPv6 host goes in brackets.
 */
export function serverUrl(hostname: string, port: number): string {
  const host = hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}
