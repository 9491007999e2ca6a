import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ERROR_CODES } from '../../src/shared/error-codes.ts'

const here = dirname(fileURLToPath(import.meta.url))
const src = join(here, '../../src')
const docs = readFileSync(join(here, '../../../../docs/errors.md'), 'utf8')

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* sourceFiles(path)
    else if (entry.name.endsWith('.ts')) yield path
  }
}

describe('one registry of WEFT_* codes', () => {
  test('every code the source uses is in the registry', () => {
    const unknown: string[] = []
    for (const file of sourceFiles(src)) {
      for (const [code] of readFileSync(file, 'utf8').matchAll(/\bWEFT_[A-Z_]+[A-Z]\b/g)) {
        if (!(code in ERROR_CODES)) unknown.push(`${code} in ${file.slice(src.length + 1)}`)
      }
    }
    assert.deepEqual(unknown, [])
  })

  test('docs/errors.md lists every code with its status and meaning', () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      const row = `| \`${code}\` | ${info.status ?? '—'} | ${info.meaning} |`
      assert.ok(docs.includes(row), `docs/errors.md lacks the row: ${row}`)
    }
  })
})
