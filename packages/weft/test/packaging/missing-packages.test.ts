import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'
import { findRuntimes } from '../runtimes/runtimes.mjs'
import { projectWithTarball } from './packed-package.ts'

// A project with weftjs alone, none of its optional packages: start-up names every package
// the subpaths the app uses need, in one message, before any request.
const withData = `import { serve, weft } from 'weftjs'
import { connect } from 'weftjs/data'
import { apiDocs } from 'weftjs/docs'

const app = apiDocs(weft(), { info: { title: 'Tasks', version: '1.0.0' } })
const db = await connect('sqlite::memory:')
await serve(app, { port: 0 })
console.log('started')
`
const docsOnly = `import { serve, weft } from 'weftjs'
import { apiDocs } from 'weftjs/docs'

const app = apiDocs(weft(), { info: { title: 'Tasks', version: '1.0.0' } })
await serve(app, { port: 0 })
console.log('started')
`

const runtimes = findRuntimes({ install: false })
const nodeMajor = Number(process.versions.node.split('.')[0])
let project: string

function run(bin: string, args: string[]) {
  const result = spawnSync(bin, args, {
    cwd: project,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, NO_COLOR: '1' },
  })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

describe('start-up names every missing optional package at once', () => {
  before(() => {
    project = projectWithTarball()
    writeFileSync(join(project, 'with-data.js'), withData)
    writeFileSync(join(project, 'docs-only.js'), docsOnly)
  })

  for (const runtime of runtimes) {
    const args = (file: string) =>
      runtime.name === 'deno'
        ? ['run', '--allow-net=127.0.0.1', '--allow-env', '--allow-read=node_modules', file]
        : [file]

    test(`connect() lists swagger-ui-dist and, where SQLite is not built in, better-sqlite3 (${runtime.label})`, (t) => {
      if (runtime.missing) {
        if (process.env.CI === 'true') assert.fail(runtime.missing)
        return t.skip(runtime.missing)
      }
      const { status, output } = run(runtime.bin!, args('with-data.js'))
      assert.notEqual(status, 0, output)
      assert.ok(!output.includes('started'), output)
      assert.match(output, /WEFT_MISSING_PACKAGES/)
      assert.match(output, /swagger-ui-dist, for weftjs\/docs/)
      // node:sqlite came with Node 22.5; Deno has it and Bun has bun:sqlite.
      const needsBetterSqlite = runtime.name === 'node' && nodeMajor < 22
      if (needsBetterSqlite) {
        assert.match(output, /better-sqlite3, for weftjs\/data/)
        assert.match(output, /npm install swagger-ui-dist better-sqlite3/)
      } else {
        assert.doesNotMatch(output, /better-sqlite3,/)
        assert.match(output, /npm install swagger-ui-dist\b/)
      }
    })

    test(`serve() lists what the app's subpaths miss, before listening (${runtime.label})`, (t) => {
      if (runtime.missing) {
        if (process.env.CI === 'true') assert.fail(runtime.missing)
        return t.skip(runtime.missing)
      }
      const { status, output } = run(runtime.bin!, args('docs-only.js'))
      assert.notEqual(status, 0, output)
      assert.ok(!output.includes('started'), output)
      assert.match(output, /npm install swagger-ui-dist\b/)
    })
  }
})
