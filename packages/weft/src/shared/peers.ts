// Optional packages (peer dependencies) a subpath needs: swagger-ui-dist for weftjs/docs,
// a database driver for weftjs/data. Each subpath records its need when the app sets it
// up (apiDocs(), connect()); start-up (serve(), connect()) checks them all at once, so a
// missing package is reported with every other missing one, not one crash at a time.

export interface PackageNeed {
  /** The npm package to install. */
  package: string
  /** Which subpath needs it, for what: `weftjs/docs (the API page)`. */
  neededBy: string
  /** Resolves true when the package can be loaded here. */
  present(): Promise<boolean>
}

export class MissingPackagesError extends Error {
  readonly code = 'WEFT_MISSING_PACKAGES'
  constructor(readonly missing: readonly PackageNeed[]) {
    const lines = missing.map((need) => `  - ${need.package}, for ${need.neededBy}`)
    const names = [...new Set(missing.map((need) => need.package))].join(' ')
    super(
      `WEFT_MISSING_PACKAGES: this app uses parts of weftjs whose packages are not installed:\n${lines.join('\n')}\n` +
        `Install them: npm install ${names}`,
    )
    this.name = 'MissingPackagesError'
  }
}

// On the global object, so two copies of weftjs in one process (a bundle and a dependency)
// still report together.
const REGISTRY = Symbol.for('weft.package-needs')
type Registry = Map<string, PackageNeed>
const registry: Registry = ((globalThis as Record<symbol, Registry>)[REGISTRY] ??= new Map())

/** Records that the app needs `need.package`; checked by `checkPackages()`. */
export function needPackage(need: PackageNeed): void {
  registry.set(`${need.package} ${need.neededBy}`, need)
}

/** The recorded needs whose package cannot be loaded here. */
export async function missingPackages(): Promise<PackageNeed[]> {
  const needs = [...registry.values()]
  const present = await Promise.all(needs.map((need) => need.present().catch(() => false)))
  return needs.filter((_, i) => !present[i])
}

/**
 * Throws one `MissingPackagesError` naming every optional package the app's subpaths need
 * and cannot load. `serve()` and `connect()` call it; call it yourself at start-up when
 * another server runs the app (`deno serve`, `export default app` on Bun).
 */
export async function checkPackages(): Promise<void> {
  const missing = await missingPackages()
  if (missing.length > 0) throw new MissingPackagesError(missing)
}

/** Whether `specifier` can be imported here (a package, or a runtime module such as `node:sqlite`). */
export async function canImport(specifier: string): Promise<boolean> {
  try {
    await import(specifier)
    return true
  } catch {
    return false
  }
}

/** Loads an optional peer dependency, or says which package to install and why. */
export async function loadOptional<T>(name: string, load: () => Promise<T>, purpose: string): Promise<T> {
  try {
    return await load()
  } catch (error) {
    const code = (error as { code?: string }).code
    if (
      code === 'ERR_MODULE_NOT_FOUND' ||
      code === 'MODULE_NOT_FOUND' ||
      /Cannot find (module|package)/.test(String(error))
    ) {
      throw new Error(
        `WEFT_PEER_MISSING: ${purpose} needs the "${name}" package; install it: npm install ${name}`,
        {
          cause: error,
        },
      )
    }
    throw error
  }
}
