import type { Middleware, Next } from '../../http/compose.js'
import type { Context } from '../../http/context.js'
import { HttpError } from '../../http/errors.js'
import { canImport, loadOptional, needPackage } from '../../shared/peers.js'

type Jose = typeof import('jose')

export interface JwtOptions {
  /** A shared secret for HS256/384/512 (at least 32 characters). */
  secret?: string
  /** A JWKS URL (an identity provider's `/.well-known/jwks.json`); keys are fetched and cached by `jose`. */
  jwks?: string | URL
  /** A public key (CryptoKey or a JWK object) for one asymmetric issuer. */
  key?: CryptoKey | JsonWebKey
  /** Algorithms accepted; anything else (`none` above all) is refused. Default HS256 with a secret, else RS256 and ES256. */
  algorithms?: string[]
  issuer?: string | string[]
  audience?: string | string[]
  /** Seconds of clock difference tolerated on exp / nbf. Default 5. */
  clockTolerance?: number
  /** Also read the token from this cookie when there is no Authorization header. */
  cookie?: string
}

/**
 * Verifies a JSON Web Token from `Authorization: Bearer ...` with `jose`
 * (`npm install jose`): signature, algorithm allow-list, expiry, not-before, issuer and
 * audience. The claims land in `ctx.state.jwt`; a missing or bad token answers 401
 * problem+json with `WWW-Authenticate: Bearer`.
 * @example app.use('/api', jwt({ jwks: 'https://issuer.example.com/.well-known/jwks.json', issuer: 'https://issuer.example.com/', audience: 'api' }))
 */
export function jwt(options: JwtOptions): Middleware<Context> {
  const sources = [options?.secret, options?.jwks, options?.key].filter((s) => s !== undefined)
  if (sources.length !== 1)
    throw new TypeError('WEFT_JWT_KEY: jwt() takes exactly one of { secret, jwks, key }')
  if (options.secret !== undefined && options.secret.length < 32) {
    throw new TypeError('WEFT_WEAK_SECRET: jwt({ secret }) needs at least 32 characters')
  }
  needPackage({
    package: 'jose',
    neededBy: 'weftjs/jwt (token verification)',
    present: () => canImport('jose'),
  })
  const algorithms = options.algorithms ?? (options.secret ? ['HS256'] : ['RS256', 'ES256'])
  if (algorithms.some((a) => a.toLowerCase() === 'none'))
    throw new TypeError('WEFT_JWT_ALG_NONE: "none" is never accepted')
  let verifier: Promise<(token: string) => Promise<Record<string, unknown>>> | undefined
  const verify = (token: string) => (verifier ??= makeVerifier(options, algorithms)).then((v) => v(token))

  return async (ctx: Context, next: Next) => {
    const authorization = ctx.headerValue('authorization')
    const token =
      /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ??
      (options.cookie ? ctx.cookies.get(options.cookie) : undefined)
    if (!token) throw unauthorized('A bearer token is required', 'invalid_request')
    try {
      ctx.state.jwt = await verify(token)
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('ERR_J'))
        throw unauthorized(`The token was refused: ${(error as Error).message}`, 'invalid_token')
      throw error
    }
    return next()
  }
}

async function makeVerifier(options: JwtOptions, algorithms: string[]) {
  const jose = await loadOptional<Jose>('jose', () => import('jose'), 'weftjs/jwt')
  const key = options.secret
    ? new TextEncoder().encode(options.secret)
    : options.jwks
      ? jose.createRemoteJWKSet(new URL(options.jwks))
      : options.key && !(options.key instanceof CryptoKey)
        ? await jose.importJWK(options.key as import('jose').JWK)
        : (options.key as CryptoKey)
  const verifyOptions = {
    algorithms,
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: options.clockTolerance ?? 5,
  }
  return async (token: string) => {
    const { payload } = await jose.jwtVerify(
      token,
      key as Parameters<typeof jose.jwtVerify>[1] & Uint8Array,
      verifyOptions,
    )
    return payload as Record<string, unknown>
  }
}

function unauthorized(message: string, error: string): HttpError {
  return new HttpError(
    401,
    message,
    { code: 'WEFT_JWT_INVALID' },
    { headers: { 'www-authenticate': `Bearer error="${error}"` } },
  )
}
