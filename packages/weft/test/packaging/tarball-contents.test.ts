import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { exportsMap, pack, packageDir } from './packed-package.ts'

describe('npm pack of weftjs', () => {
  test('holds dist/, README.md, LICENSE and package.json, and nothing else', () => {
    const { files } = pack()
    const stray = files.filter(
      (f) => !f.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(f),
    )
    assert.deepEqual(stray, [], 'files outside dist/ in the tarball')
    for (const required of ['README.md', 'LICENSE', 'package.json'])
      assert.ok(files.includes(required), required)
    assert.ok(
      !files.some((f) => /(^|\/)test\/|\.test\.|\.ts$/.test(f) && !f.endsWith('.d.ts')),
      'no tests or sources',
    )
  })

  test('every subpath in `exports` points at JavaScript and types that are in the tarball', () => {
    const { files } = pack()
    const subpaths = Object.entries(exportsMap())
    assert.ok(subpaths.length > 0)
    for (const [subpath, conditions] of subpaths) {
      // `source` is the repository's own condition for running the TypeScript sources;
      // nothing outside this repository asks for it.
      for (const condition of ['types', 'default']) {
        const target = conditions[condition]
        assert.ok(target, `${subpath} has a "${condition}" target`)
        assert.ok(files.includes(target.replace(/^\.\//, '')), `${subpath} -> ${target} is packed`)
      }
    }
  })

  test('main and types, for tools that do not read exports, are in the tarball', () => {
    const { files } = pack()
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
    for (const field of ['main', 'types'])
      assert.ok(files.includes(manifest[field].replace(/^\.\//, '')), field)
  })

  test('every module in dist/ has its type declarations beside it', () => {
    const { files } = pack()
    const modules = files.filter((f) => f.endsWith('.js'))
    assert.ok(modules.length > 10)
    const untyped = modules.filter((f) => !files.includes(f.replace(/\.js$/, '.d.ts')))
    assert.deepEqual(untyped, [])
  })
})
