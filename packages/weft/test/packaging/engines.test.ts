import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { test } from 'node:test'
import { packageDir, repoRoot } from './packed-package.ts'

// `engines` must be true: the oldest Node the repository and weftjs claim must satisfy
// every installed dependency's own `engines` (else `npm install` warns EBADENGINE there).
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null
  satisfies(version: string, range: string): boolean
}
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'))

test('the Node floor of the repository and of weftjs satisfies every locked dependency', () => {
  const floors = [read(join(repoRoot, 'package.json')), read(join(packageDir, 'package.json'))].map(
    (pkg) => semver.minVersion(pkg.engines.node)!.version,
  )
  const lock = read(join(repoRoot, 'package-lock.json')) as {
    packages: Record<string, { engines?: { node?: string } | string[] }>
  }
  const refused: string[] = []
  for (const [path, pkg] of Object.entries(lock.packages)) {
    const wanted = !Array.isArray(pkg.engines) ? pkg.engines?.node : undefined
    if (!path || !wanted) continue
    for (const floor of floors)
      if (!semver.satisfies(floor, wanted)) refused.push(`${path} wants ${wanted}, not ${floor}`)
  }
  assert.deepEqual(refused, [])
})

test('the Node running the tests is within the declared engines', () => {
  assert.ok(semver.satisfies(process.versions.node, read(join(packageDir, 'package.json')).engines.node))
})
