import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Case, Target } from '../conformance/client.ts'
import { type RunningServer, startServer } from '../conformance/process.ts'
import { findRuntimes } from '../runtimes/runtimes.mjs'
import { middlewareCases } from './middleware-cases.ts'
import { multipartCases } from './multipart-cases.ts'
import { staticCases } from './static-cases.ts'
import { viewsCases } from './views-cases.ts'
import { makeWebFiles, type WebFiles } from './web-files.ts'

const groups: [string, Case[]][] = [
  ['static files', staticCases],
  ['views', viewsCases],
  ['middleware', middlewareCases],
  ['multipart uploads', multipartCases],
]

// The web fixture under every runtime, as a child process over a real socket. Deno may
// read the served folder and the templates and nothing else: that is all they need.
for (const runtime of findRuntimes()) {
  if (runtime.missing) {
    if (process.env.CI === 'true') test(`${runtime.label} is installed`, () => assert.fail(runtime.missing))
    else {
      console.warn(`\n!!! SKIPPING the web layer on ${runtime.label}: ${runtime.missing}\n`)
      test(`web layer on ${runtime.label}`, { skip: runtime.missing }, () => {})
    }
    continue
  }
  describe(`web layer on ${runtime.label}`, () => {
    let files: WebFiles
    let server: RunningServer
    before(async () => {
      files = makeWebFiles()
      server = await startServer(runtime, '../middleware/web-fixture.ts', 30_000, {
        env: { WEB_ROOT: files.dir },
        denoAllowRead: [`${files.dir}/public`, `${files.dir}/views`, `${files.dir}/uploads`],
        denoAllowWrite: [`${files.dir}/uploads`],
      })
    })
    after(async () => {
      await server?.stop()
      files?.remove()
    })
    const target = (): Target & { dir: string } => ({
      url: server.url,
      port: server.port,
      runtime: runtime.name,
      dir: files.dir,
    })
    for (const [group, cases] of groups) {
      describe(group, () => {
        for (const [title, run] of cases) test(title, () => run(target()))
      })
    }
  })
}
