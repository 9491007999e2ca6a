import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { findRuntimes } from '../runtimes/runtimes.mjs'
import { Background, freePort, runIn } from './app-process.ts'
import { packWeftjs } from './packed-weftjs.ts'

// `weft new --runtime deno|bun`: the same app, tested, checked, built, started and
// reloaded with the runtime's own tools (deno test / bun test, native --watch).
const runtimes = findRuntimes({ install: false })

for (const name of ['deno', 'bun'] as const) {
  const runtime = runtimes.find((r) => r.name === name)!
  if (runtime.missing) {
    if (process.env.CI === 'true') assert.fail(`${runtime.label} is not available: ${runtime.missing}`)
    console.warn(`\n!!! SKIPPING weft new --runtime ${name}: ${runtime.missing}\n`)
  }

  describe(`weft new --runtime ${name}`, { skip: runtime.missing ? runtime.missing : false }, () => {
    let root: string
    let app: string
    let env: NodeJS.ProcessEnv
    const weft = (...args: string[]) => runIn(app, env, join(app, 'node_modules/.bin/weft'), args)

    before(() => {
      const tarball = packWeftjs()
      root = mkdtempSync(join(tmpdir(), `weft-new-${name}-`))
      app = join(root, `${name}-app`)
      env = {
        ...process.env,
        PATH: `${dirname(runtime.bin!)}:${process.env.PATH}`,
        NO_COLOR: '1',
        npm_config_prefer_offline: 'true',
        npm_config_user_agent: '',
        NODE_ENV: '',
      }
      delete env.NODE_TEST_CONTEXT
      const cli = join(dirname(tarball), 'dist/cli/main.js')
      const created = runIn(root, env, process.execPath, [
        cli,
        'new',
        `${name}-app`,
        '--runtime',
        name,
        '--weftjs',
        tarball,
      ])
      assert.equal(created.status, 0, created.output)
      assert.match(created.output, new RegExp(`${name === 'deno' ? 'deno task' : 'bun run'} dev`))
    })
    after(() => rmSync(root, { recursive: true, force: true }))

    test(`weft check runs the typecheck, the linter and ${name} test`, () => {
      const result = weft('check')
      assert.equal(result.status, 0, result.output)
      assert.match(result.output, /✓ test/)
      assert.match(result.output, name === 'deno' ? /ok \| 3 passed/ : /3 pass/)
    })

    // One page template per runtime keeps the installs few: realtime on Deno, fullstack on Bun.
    const pages = name === 'deno' ? 'realtime' : 'fullstack'
    test(`the ${pages} template passes its typecheck, linter and tests (built first) with ${name}'s tools`, () => {
      const created = runIn(root, env, process.execPath, [
        join(dirname(packWeftjs()), 'dist/cli/main.js'),
        'new',
        `${name}-${pages}`,
        '--template',
        pages,
        '--runtime',
        name,
        '--weftjs',
        packWeftjs(),
      ])
      assert.equal(created.status, 0, created.output)
      const pagesApp = join(root, `${name}-${pages}`)
      const checked = runIn(pagesApp, env, join(pagesApp, 'node_modules/.bin/weft'), ['check'])
      assert.equal(checked.status, 0, checked.output)
      assert.match(checked.output, /dist\/client\/main-[A-Z0-9]{8}\.js/)
      assert.match(checked.output, name === 'deno' ? /ok \| 3 passed/ : /3 pass/)
    })

    test(`weft build targets ${name}; weft start serves the bundle over a real socket`, async () => {
      const built = weft('build')
      assert.equal(built.status, 0, built.output)
      assert.match(built.output, new RegExp(`for ${name}`))
      const port = await freePort()
      const server = new Background(
        app,
        { ...env, PORT: String(port) },
        join(app, 'node_modules/.bin/weft'),
        ['start'],
      )
      try {
        await server.waitFor(/on http:\/\/127\.0\.0\.1:\d+/)
        const created = await fetch(`http://127.0.0.1:${port}/api/notes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"text":"on the bundle"}',
        })
        assert.equal(created.status, 201)
        assert.equal((await created.json()).text, 'on the bundle')
      } finally {
        await server.stop()
      }
    })

    test(`weft dev reloads with ${name}'s own watcher on the same port`, async () => {
      const port = await freePort()
      const url = `http://127.0.0.1:${port}`
      const appFile = join(app, 'src/app.ts')
      const original = readFileSync(appFile, 'utf8')
      const dev = new Background(app, env, join(app, 'node_modules/.bin/weft'), [
        'dev',
        '--port',
        String(port),
      ])
      try {
        await dev.waitFor(/on http:\/\/127\.0\.0\.1:\d+/)
        assert.equal((await (await fetch(url)).json()).version, undefined)
        const mark = dev.output.length
        writeFileSync(appFile, original.replace("notes: '/api/notes' }", "notes: '/api/notes', version: 2 }"))
        await dev.waitFor(/on http:\/\/127\.0\.0\.1:\d+/, mark)
        assert.equal((await (await fetch(url)).json()).version, 2)
      } finally {
        writeFileSync(appFile, original)
        await dev.stop()
      }
    })
  })
}
