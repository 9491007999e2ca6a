import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { findRuntimes, type Runtime } from './runtimes.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const packageDir = join(here, '../..')
const src = join(packageDir, 'src')
const runtimes = findRuntimes({ install: false })

/** Skips loudly when a runtime is missing, fails under CI=true (as the conformance suite does). */
function available(name: Runtime['name']): Runtime | null {
  const runtime = runtimes.find((r) => r.name === name)!
  if (!runtime.missing) return runtime
  if (process.env.CI === 'true') assert.fail(`${runtime.label} is not available: ${runtime.missing}`)
  console.warn(`\n!!! SKIPPING a ${runtime.label} check: ${runtime.missing}\n`)
  return null
}

/** Every module `entry` reaches through static imports (type-only imports left out). */
function staticGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  const visit = (file: string) => {
    if (graph.has(file)) return
    const text = readFileSync(file, 'utf8')
    const specifiers = [...text.matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'/gm)].map(
      (m) => m[1],
    )
    graph.set(file, specifiers)
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier).replace(/\.js$/, '.ts'))
    }
  }
  visit(entry)
  return graph
}

describe("importing 'weft' never loads a Node-only module outside Node", () => {
  test('the static import graph of weft holds no node: module and no Node adapter', () => {
    const graph = staticGraph(join(src, 'index.ts'))
    assert.ok(graph.size > 5, 'the graph was walked')
    for (const [file, specifiers] of graph) {
      const name = file.slice(src.length + 1)
      assert.doesNotMatch(name, /^adapters[\\/]node[\\/]/, `${name} is reached by a static import`)
      for (const specifier of specifiers) {
        assert.doesNotMatch(
          specifier,
          /^node:|^(fs|http|net|stream|tls|path|os)$/,
          `${name} imports ${specifier}`,
        )
      }
    }
  })

  test('on Deno the modules evaluated (V8 coverage) include the Deno adapter and nothing of Node', (t) => {
    const deno = available('deno')
    if (!deno) return t.skip('Deno missing')
    const coverage = mkdtempSync(join(tmpdir(), 'weft-deno-coverage-'))
    try {
      const probe = join(here, 'import-probe.ts')
      const result = spawnSync(deno.bin!, [...deno.args!, `--coverage=${coverage}`, probe], {
        cwd: packageDir,
        encoding: 'utf8',
      })
      assert.equal(result.status, 0, result.stderr)
      assert.deepEqual(JSON.parse(result.stdout.trim()), { runtime: 'deno', text: 'probe' })
      const urls = readdirSync(coverage).map((f) => JSON.parse(readFileSync(join(coverage, f), 'utf8')).url)
      assert.ok(
        urls.some((u: string) => u.includes('/adapters/deno/')),
        'the Deno adapter ran',
      )
      assert.deepEqual(
        urls.filter((u: string) => u.includes('/adapters/node/')),
        [],
      )
    } finally {
      rmSync(coverage, { recursive: true, force: true })
    }
  })

  test('on Bun the app serves with a plugin that refuses to load any Node adapter file', (t) => {
    const bun = available('bun')
    if (!bun) return t.skip('Bun missing')
    const result = spawnSync(
      bun.bin!,
      [...bun.args!, '--preload', join(here, 'bun-refuse-node.ts'), join(here, 'import-probe.ts')],
      { cwd: packageDir, encoding: 'utf8' },
    )
    assert.equal(result.status, 0, result.stderr)
    assert.deepEqual(JSON.parse(result.stdout.trim()), { runtime: 'bun', text: 'probe' })
  })
})
