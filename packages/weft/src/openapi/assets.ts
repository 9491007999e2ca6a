import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { PackageNeed } from '../shared/peers.js'

// node:fs and createRequire work on Node, Deno and Bun alike; they are why this file lives
// in weftjs/docs and not in core, which imports only Web APIs.

/** The only files the docs page serves from swagger-ui-dist: no path from a request reaches the disk. */
// A Map, not an object: a request for `constructor` or `__proto__` must find nothing.
const SWAGGER_FILES = new Map([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  ['favicon-32x32.png', 'image/png'],
  ['favicon-16x16.png', 'image/png'],
  ['swagger-ui.css.map', 'application/json; charset=utf-8'],
  ['swagger-ui-bundle.js.map', 'application/json; charset=utf-8'],
])

/** Where swagger-ui-dist is installed, or null when it is not. */
function swaggerManifest(): string | null {
  try {
    return createRequire(import.meta.url).resolve('swagger-ui-dist/package.json')
  } catch {
    return null
  }
}

/** What weftjs/docs needs installed: checked at start-up with every other optional package. */
export const SWAGGER_UI: PackageNeed = {
  package: 'swagger-ui-dist',
  neededBy: 'weftjs/docs (the API page; apiDocs(app, { docs: false }) serves only the JSON)',
  present: async () => swaggerInstalled(),
}

export function swaggerInstalled(): boolean {
  return swaggerManifest() !== null
}

export interface Asset {
  body: Uint8Array
  type: string
}

/** swagger-ui-dist as installed next to the app: its version and its allow-listed files. */
export class SwaggerAssets {
  readonly version: string
  private readonly root: string
  private readonly cache = new Map<string, Promise<Asset>>()
  private readonly extra: Map<string, Asset>

  /** Throws a teaching error when swagger-ui-dist is not installed. */
  constructor(extra: Map<string, Asset>) {
    const manifest = swaggerManifest()
    if (manifest === null) {
      throw new Error(
        'WEFT_DOCS_MISSING_PACKAGE: the docs page serves Swagger UI from the swagger-ui-dist package; ' +
          'install it (npm install swagger-ui-dist) or pass apiDocs(app, { docs: false }) to serve only the JSON',
      )
    }
    this.root = dirname(manifest)
    this.version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
    this.extra = extra
  }

  /** The named file, or null when it is not on the allow-list. */
  get(name: string): Promise<Asset> | null {
    const own = this.extra.get(name)
    if (own) return Promise.resolve(own)
    const type = SWAGGER_FILES.get(name)
    if (!type) return null
    let pending = this.cache.get(name)
    if (!pending) {
      pending = readFile(join(this.root, name)).then((bytes) => ({ body: new Uint8Array(bytes), type }))
      // A failed read is not cached: the next request tries again.
      pending.catch(() => this.cache.delete(name))
      this.cache.set(name, pending)
    }
    return pending
  }
}
