// MongoDB-style ObjectId strings: 24 hex digits = 4-byte seconds timestamp, 5 random
// bytes chosen once per process, 3-byte counter starting at a random value. Ids sort
// roughly by creation time and never collide within a process. Web Crypto only, so the
// same code runs on Node, Deno and Bun.

const processBytes = crypto.getRandomValues(new Uint8Array(5))
const processHex = toHex(processBytes)
let counter = crypto.getRandomValues(new Uint32Array(1))[0] & 0xffffff

/** A new 24-hex-digit id, e.g. `objectId()` -> `'6745a1c2e4b0f1a2b3c4d5e6'`. */
export function objectId(now: number = Date.now()): string {
  counter = (counter + 1) & 0xffffff
  const seconds = Math.floor(now / 1000) >>> 0
  return seconds.toString(16).padStart(8, '0') + processHex + counter.toString(16).padStart(6, '0')
}

/** True for a 24-hex-digit string, the form `objectId()` produces. */
export function isObjectId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{24}$/i.test(value)
}

/** When the id was made, from its timestamp bytes. */
export function objectIdDate(id: string): Date {
  return new Date(Number.parseInt(id.slice(0, 8), 16) * 1000)
}

function toHex(bytes: Uint8Array): string {
  let hex = ''
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0')
  return hex
}
