// Cookie values sealed with the app's secrets: AES-256-GCM (encrypted and tamper-proof)
// or HMAC-SHA-256 (readable, tamper-proof). The first secret seals; every secret opens,
// so a secret can be rotated without logging everyone out.

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export interface Sealer {
  seal(text: string): Promise<string>
  /** The text, or null when the value was not sealed by one of the secrets. */
  open(value: string): Promise<string | null>
}

export function checkSecrets(secret: string | readonly string[] | undefined, what: string): string[] {
  const secrets = typeof secret === 'string' ? [secret] : [...(secret ?? [])]
  if (secrets.length === 0 || secrets.some((s) => typeof s !== 'string' || s.length < 32)) {
    throw new TypeError(
      `WEFT_WEAK_SECRET: ${what} needs a secret of at least 32 characters (or a list, newest first), e.g. from crypto.randomUUID() twice, kept out of the code`,
    )
  }
  return secrets
}

async function deriveKey(secret: string, usage: 'encrypt' | 'sign'): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey'])
  const params = {
    name: 'HKDF',
    hash: 'SHA-256',
    salt: encoder.encode('weft'),
    info: encoder.encode(`weft ${usage}`),
  }
  return usage === 'encrypt'
    ? crypto.subtle.deriveKey(params, material, { name: 'AES-GCM', length: 256 }, false, [
        'encrypt',
        'decrypt',
      ])
    : crypto.subtle.deriveKey(params, material, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
}

export function encryptingSealer(secrets: string[]): Sealer {
  const keys = Promise.all(secrets.map((s) => deriveKey(s, 'encrypt')))
  return {
    async seal(text) {
      const iv = crypto.getRandomValues(new Uint8Array(12))
      const [key] = await keys
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, encoder.encode(text)),
      )
      const out = new Uint8Array(iv.byteLength + sealed.byteLength)
      out.set(iv)
      out.set(sealed, iv.byteLength)
      return toBase64Url(out)
    },
    async open(value) {
      const bytes = fromBase64Url(value)
      if (!bytes || bytes.byteLength < 12 + 16) return null
      for (const key of await keys) {
        try {
          const plain = await crypto.subtle.decrypt(
            { name: 'AES-GCM', iv: bytes.subarray(0, 12) },
            key,
            bytes.subarray(12),
          )
          return decoder.decode(plain)
        } catch {
          // Not this key (or tampered): try the next.
        }
      }
      return null
    },
  }
}

export function signingSealer(secrets: string[]): Sealer {
  const keys = Promise.all(secrets.map((s) => deriveKey(s, 'sign')))
  return {
    async seal(text) {
      const [key] = await keys
      const payload = toBase64Url(encoder.encode(text))
      const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(payload)))
      return `${payload}.${toBase64Url(signature)}`
    },
    async open(value) {
      const dot = value.lastIndexOf('.')
      const signature = fromBase64Url(value.slice(dot + 1))
      if (dot === -1 || !signature) return null
      const payload = value.slice(0, dot)
      for (const key of await keys) {
        // crypto.subtle.verify compares in constant time.
        if (
          await crypto.subtle.verify(
            'HMAC',
            key,
            signature as Uint8Array<ArrayBuffer>,
            encoder.encode(payload),
          )
        ) {
          const bytes = fromBase64Url(payload)
          return bytes ? decoder.decode(bytes) : null
        }
      }
      return null
    },
  }
}

export function toBase64Url(bytes: Uint8Array): string {
  let text = ''
  for (let i = 0; i < bytes.byteLength; i++) text += String.fromCharCode(bytes[i])
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64Url(value: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(value)) return null
  try {
    const text = atob(value.replace(/-/g, '+').replace(/_/g, '/'))
    const bytes = new Uint8Array(text.length)
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i)
    return bytes
  } catch {
    return null
  }
}

/** A random id: 32 bytes, base64url. */
export function randomId(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)))
}
