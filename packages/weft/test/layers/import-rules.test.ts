import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

// The one-way layer rule of docs/architecture.md, read off the import graph of src/: every
// import, type-only and dynamic ones included, is checked against what its layer may use,
// and no file may reach itself through its imports.

const src = join(dirname(fileURLToPath(import.meta.url)), '../../src')

/** The layer of a file: its first folder under src/, or 'entry' for index.ts and serve.ts. */
function layerOf(file: string): string {
  const path = relative(src, file)
  return path.includes('/') ? path.slice(0, path.indexOf('/')) : 'entry'
}

/** What each layer may import besides itself. A layer not listed may use the core and the ground floor. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  shared: [],
  schema: ['shared'],
  data: ['schema', 'shared'],
  http: ['schema', 'shared'],
  entry: ['http', 'schema', 'shared', 'adapters', 'views'],
  // Live queries follow weftjs/data cursors (DESIGN: publications return them).
  realtime: ['http', 'schema', 'shared', 'data'],
  // `weft migrate` runs weftjs/data's migrations; nothing imports the command.
  cli: ['http', 'schema', 'shared', 'data'],
}
const ABOVE_CORE = ['http', 'schema', 'shared']

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* sourceFiles(path)
    else if (entry.name.endsWith('.ts')) yield path
  }
}

/** Every relative specifier a file imports: static, type-only, re-exports and import(). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const found = [
    ...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm),
    ...text.matchAll(/^\s*import\s+'([^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
    ...text.matchAll(/^declare module '([^']+)'/gm),
  ]
  return found.map((m) => m[1]).filter((specifier) => specifier.startsWith('.'))
}

const edges = [...sourceFiles(src)].flatMap((file) =>
  importsOf(file).map((specifier) => ({
    from: relative(src, file),
    to: relative(src, resolve(dirname(file), specifier).replace(/\.js$/, '.ts')),
    fromLayer: layerOf(file),
    toLayer: layerOf(resolve(dirname(file), specifier)),
  })),
)

describe('layers point one way', () => {
  test('the import graph was read', () => {
    assert.ok(edges.length > 100, `only ${edges.length} imports found`)
    assert.ok(edges.some((e) => e.fromLayer === 'di' && e.toLayer === 'http'))
  })

  test('each layer imports only what it may: the core nothing above it, schema/ and data/ no core', () => {
    const broken = edges
      .filter((e) => e.fromLayer !== e.toLayer)
      .filter((e) => !(MAY_IMPORT[e.fromLayer] ?? ABOVE_CORE).includes(e.toLayer))
      .map((e) => `${e.from} -> ${e.to}`)
    assert.deepEqual(broken, [])
  })

  test('no runtime module in the core: node: imports only in the Node adapter and Node-only subpaths', () => {
    const core = [...sourceFiles(src)].filter((f) =>
      ['http', 'schema', 'shared', 'entry'].includes(layerOf(f)),
    )
    const offenders = core.filter((f) => /from\s+'node:|import\(\s*'node:/.test(readFileSync(f, 'utf8')))
    assert.deepEqual(
      offenders.map((f) => relative(src, f)),
      [],
    )
  })

  test('no import circle: no file reaches itself through its imports, type-only ones included', () => {
    assert.deepEqual(importCircles(), [])
  })
})

/** Each circle of the import graph, as the files around it (depth-first, one per back edge). */
function importCircles(): string[] {
  const next = new Map<string, string[]>()
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to])
  const done = new Set<string>()
  const path: string[] = []
  const circles: string[] = []
  const visit = (file: string) => {
    const at = path.indexOf(file)
    if (at >= 0) return void circles.push([...path.slice(at), file].join(' -> '))
    if (done.has(file)) return
    path.push(file)
    for (const to of next.get(file) ?? []) visit(to)
    path.pop()
    done.add(file)
  }
  for (const file of next.keys()) visit(file)
  return circles
}
