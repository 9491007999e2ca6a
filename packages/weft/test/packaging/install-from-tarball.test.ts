import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'
import { startListening } from '../helpers/program.ts'
import { findRuntimes } from '../runtimes/runtimes.mjs'
import { projectWithTarball } from './packed-package.ts'

// The README's "Use it in your own project": a project that depends on the packed tarball
// (as it will on `weftjs` from the registry) runs a hello-world on each runtime, with the
// command lines the README gives.
const hello = `import { serve, weft } from 'weftjs'

const app = weft().get('/', () => 'Hello World').get('/users/:id', (ctx) => ({ id: ctx.params.id }))
const server = await serve(app, { port: Number(process.env.PORT ?? 3000) })
console.log(\`listening on \${server.url}\`)
`

const typed = `import { weft } from 'weftjs'
import { client } from 'weftjs/client'

const app = weft().get('/users/:id', (ctx) => ({ id: ctx.params.id }))
const api = client<typeof app>('http://127.0.0.1:3000')
export const user: Promise<{ id: string }> = api.get('/users/:id', { params: { id: '1' } })
// @ts-expect-error the route has no param named userId
app.get('/x/:id', (ctx) => ctx.params.userId)
`

// What a user's project would have; no @types/node, so nothing but weftjs's own types.
const compilerOptions = { strict: true, noEmit: true, module: 'nodenext', target: 'es2022', types: [] }

const runtimes = findRuntimes({ install: false })
let project: string

describe('a project that installs the packed tarball', () => {
  before(() => {
    project = projectWithTarball()
    writeFileSync(join(project, 'app.js'), hello)
    writeFileSync(join(project, 'typed.ts'), typed)
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['typed.ts'] }))
  })

  test('type-checks against the packed type declarations', () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
    try {
      execFileSync(process.execPath, [tsc, '-p', '.'], { cwd: project, encoding: 'utf8' })
    } catch (error) {
      assert.fail(`tsc found errors:\n${(error as { stdout: string }).stdout}`)
    }
  })

  const commands: Record<string, (bin: string) => string[]> = {
    node: () => ['app.js'],
    node24: () => ['app.js'],
    deno: () => ['run', '--allow-net=127.0.0.1', '--allow-env', 'app.js'],
    bun: () => ['app.js'],
  }
  for (const runtime of runtimes) {
    test(`serves the hello-world on ${runtime.label}`, async (t) => {
      if (runtime.missing) {
        if (process.env.CI === 'true') assert.fail(runtime.missing)
        return t.skip(runtime.missing)
      }
      const program = await startListening(runtime.bin!, commands[runtime.name](runtime.bin!), {
        cwd: project,
        env: { PORT: '0' },
      })
      try {
        const res = await fetch(`${program.url}/`)
        assert.equal(await res.text(), 'Hello World')
        assert.deepEqual(await (await fetch(`${program.url}/users/7`)).json(), { id: '7' })
      } finally {
        await program.stop()
      }
    })
  }
})
