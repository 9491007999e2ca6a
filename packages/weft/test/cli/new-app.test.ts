import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { Background, freePort, runIn } from './app-process.ts'
import { nodeWithSqlite, packWeftjs } from './packed-weftjs.ts'

// From an empty folder to a served app, as a user gets it: weftjs is built and packed, `weft
// new` scaffolds and installs against the tarball (other packages from npm's cache, else the registry), and the
// app's own commands run from its node_modules.
const nodeDir = nodeWithSqlite()

describe('weft new api: the app installs from the packed weftjs, passes its tests and serves', {
  skip: nodeDir ? false : 'no Node >= 22.5 here',
}, () => {
  let root: string
  let app: string
  let env: NodeJS.ProcessEnv
  let cli: string
  const weft = (...args: string[]) => runIn(app, env, join(app, 'node_modules/.bin/weft'), args)

  before(() => {
    const tarball = packWeftjs()
    cli = join(dirname(tarball), 'dist/cli/main.js')
    root = mkdtempSync(join(tmpdir(), 'weft-new-'))
    app = join(root, 'my-app')
    env = {
      ...process.env,
      PATH: `${nodeDir}:${process.env.PATH}`,
      NO_COLOR: '1',
      // Packages other than weftjs come from the npm cache where it has them, else the registry.
      npm_config_prefer_offline: 'true',
      npm_config_user_agent: '',
      NODE_ENV: '',
    }
    // The app's own test runs must not take themselves for subtests of this one.
    delete env.NODE_TEST_CONTEXT
    const created = runIn(root, env, join(nodeDir!, 'node'), [cli, 'new', 'my-app', '--weftjs', tarball])
    assert.equal(created.status, 0, created.output)
    assert.match(created.output, /Installing dependencies with npm/)
    assert.match(created.output, /Next:\n {2}cd my-app\n {2}npm run dev/)
  })
  after(() => rmSync(root, { recursive: true, force: true }))

  test('the app is strict TypeScript with a README, .gitignore and .env.example, weftjs from the tarball', () => {
    const tsconfig = JSON.parse(readFileSync(join(app, 'tsconfig.json'), 'utf8'))
    assert.equal(tsconfig.compilerOptions.strict, true)
    const readme = readFileSync(join(app, 'README.md'), 'utf8')
    assert.match(readme, /npm run dev/)
    assert.match(readme, /npm run test/)
    assert.match(readme, /`npx weft migrate` \| run the migrations of migrations\//)
    assert.match(readFileSync(join(app, '.gitignore'), 'utf8'), /^node_modules\/$/m)
    assert.match(readFileSync(join(app, '.env.example'), 'utf8'), /^DATABASE_URL=sqlite:\.\/data\/app\.db$/m)
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'))
    assert.match(pkg.dependencies.weftjs, /^file:.*\.tgz$/)
    assert.ok(existsSync(join(app, 'node_modules/weftjs/dist/index.js')))
  })

  test("its own tests pass with Node's test runner", () => {
    const result = runIn(app, env, 'npm', ['test'])
    assert.equal(result.status, 0, result.output)
    assert.match(result.output, /pass 3/)
  })

  test('weft check typechecks, lints and tests it', () => {
    const result = weft('check')
    assert.equal(result.status, 0, result.output)
    for (const step of ['typecheck', 'lint', 'test']) assert.match(result.output, new RegExp(`✓ ${step}`))
  })

  test('weft routes lists method, path, module and schemas; weft openapi writes the document', () => {
    const routes = weft('routes')
    assert.equal(routes.status, 0, routes.output)
    assert.match(routes.output, /^METHOD\s+PATH\s+MODULE\s+SCHEMAS$/m)
    assert.match(routes.output, /^GET\s+\/\s+-\s+-$/m)
    assert.match(routes.output, /^POST\s+\/api\/notes\s+notes\s+body$/m)
    assert.match(routes.output, /^GET\s+\/api\/notes\/:id\s+notes\s+params$/m)
    assert.match(routes.output, /5 routes/)
    const written = weft('openapi', '--out', 'openapi.json')
    assert.equal(written.status, 0, written.output)
    const document = JSON.parse(readFileSync(join(app, 'openapi.json'), 'utf8'))
    assert.equal(document.info.title, 'my-app')
    assert.ok(document.paths['/api/notes'].post.requestBody)
  })

  test('weft doctor finds nothing missing, and names the driver a PostgreSQL URL needs', () => {
    const fine = weft('doctor')
    assert.equal(fine.status, 0, fine.output)
    const postgres = runIn(
      app,
      { ...env, DATABASE_URL: 'postgres://127.0.0.1/app' },
      join(app, 'node_modules/.bin/weft'),
      ['doctor'],
    )
    assert.equal(postgres.status, 1, postgres.output)
    assert.match(postgres.output, /✗ pg/)
    assert.match(postgres.output, /next: npm install pg/)

    // An API page needs swagger-ui-dist: the app's weftjs records it as the app is set up.
    const appFile = join(app, 'src/app.ts')
    const original = readFileSync(appFile, 'utf8')
    writeFileSync(
      appFile,
      `import { apiDocs } from 'weftjs/docs'\n${original.replace(
        '  return app\n',
        "  apiDocs(app, { info: { title: 'Notes', version: '1.0.0' } })\n  return app\n",
      )}`,
    )
    try {
      const docs = weft('doctor')
      assert.equal(docs.status, 1, docs.output)
      assert.match(docs.output, /✗ swagger-ui-dist/)
      assert.match(docs.output, /next: npm install swagger-ui-dist/)
    } finally {
      writeFileSync(appFile, original)
    }
  })

  test('weft build bundles the server and client/*.ts into hashed files with a manifest', () => {
    // Top-level files are entries; modules in subfolders are code they share.
    mkdirSync(join(app, 'client/lib'), { recursive: true })
    writeFileSync(
      join(app, 'client/lib/shared.ts'),
      "export const hello = (name: string) => 'hello ' + name\n",
    )
    writeFileSync(
      join(app, 'client/main.ts'),
      "import { hello } from './lib/shared.ts'\ndocument.title = hello('main')\n",
    )
    writeFileSync(
      join(app, 'client/admin.ts'),
      "import { hello } from './lib/shared.ts'\ndocument.title = hello('admin')\n",
    )
    const built = weft('build')
    assert.equal(built.status, 0, built.output)
    assert.match(built.output, /dist\/server\.js\s+[\d.]+ kB/)
    const manifest = JSON.parse(readFileSync(join(app, 'dist/client/manifest.json'), 'utf8'))
    assert.deepEqual(Object.keys(manifest).sort(), ['client/admin.ts', 'client/main.ts'])
    for (const file of Object.values(manifest) as string[]) {
      assert.match(file, /^(main|admin)-[A-Z0-9]{8}\.js$/)
      assert.match(built.output, new RegExp(`dist/client/${file.replace('.', '\\.')}`))
      assert.ok(existsSync(join(app, 'dist/client', file)))
    }
    // The code both entries import is one shared chunk.
    const main = readFileSync(join(app, 'dist/client', manifest['client/main.ts']), 'utf8')
    const chunk = /from"\.\/(chunk-[A-Z0-9]+\.js)"/.exec(main)?.[1]
    assert.ok(chunk, main)
    assert.match(readFileSync(join(app, 'dist/client', chunk), 'utf8'), /hello /)
    rmSync(join(app, 'client'), { recursive: true })
  })

  test('weft start serves the build with production defaults over a real socket', async () => {
    const built = weft('build')
    assert.equal(built.status, 0, built.output)
    const port = await freePort()
    const server = new Background(app, { ...env, PORT: String(port) }, join(app, 'node_modules/.bin/weft'), [
      'start',
    ])
    try {
      await server.waitFor(/my-app on http:\/\/127\.0\.0\.1:\d+/)
      const url = `http://127.0.0.1:${port}`
      const created = await fetch(`${url}/api/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'From the build' }),
      })
      assert.equal(created.status, 201)
      assert.equal(created.headers.get('x-content-type-options'), 'nosniff')
      const listed = await (await fetch(`${url}/api/notes`)).json()
      assert.deepEqual(
        listed.map((n: { text: string }) => n.text),
        ['From the build'],
      )
      assert.ok(existsSync(join(app, 'data/app.db')), 'the note is in the SQLite file')
    } finally {
      assert.equal(await server.stop(), 0, server.output)
    }
  })

  test('weft dev restarts on change on the same port, shows compile errors readably, with development detail', async () => {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const appFile = join(app, 'src/app.ts')
    const original = readFileSync(appFile, 'utf8')
    const dev = new Background(app, env, join(app, 'node_modules/.bin/weft'), ['dev', '--port', String(port)])
    try {
      await dev.waitFor(/ready in \d+ ms/)
      assert.equal((await fetch(url)).status, 200)

      let mark = dev.output.length
      const withBoom = original.replace(
        '  return app\n',
        "  app.get('/boom', () => {\n    throw new Error('boom detail')\n  })\n  return app\n",
      )
      writeFileSync(appFile, withBoom)
      await dev.waitFor(/src\/app\.ts changed, restarted in \d+ ms/, mark)
      const boom = await fetch(`${url}/boom`)
      assert.equal(boom.status, 500)
      assert.match(await boom.text(), /boom detail/, 'development shows the error')

      mark = dev.output.length
      writeFileSync(appFile, `${withBoom}\nconst broken: = 1\n`)
      await dev.waitFor(/compile failed/, mark)
      assert.match(dev.output.slice(mark), /src\/app\.ts:\d+:\d+/)
      assert.equal((await fetch(`${url}/boom`)).status, 500, 'the last good version still answers')

      // The next version runs in a process weft dev started ahead, once the last one was up.
      mark = dev.output.length
      const changedAt = Date.now()
      writeFileSync(
        appFile,
        original.replace(
          '  return app\n',
          "  app.get('/process', () => ({ started: performance.timeOrigin, check: process.env.DEV_CHECK ?? null }))\n" +
            '  return app\n',
        ),
      )
      await dev.waitFor(/restarted in \d+ ms/, mark)
      assert.equal((await fetch(`${url}/boom`)).status, 404)
      const restarted = await (await fetch(`${url}/process`)).json()
      assert.ok(restarted.started < changedAt, 'the process serving the change was started before it')

      // A changed .env is a new environment, which the process started ahead does not have.
      mark = dev.output.length
      writeFileSync(join(app, '.env'), 'DEV_CHECK=from-env\n')
      await dev.waitFor(/\.env changed, restarted in \d+ ms/, mark)
      assert.equal((await (await fetch(`${url}/process`)).json()).check, 'from-env')
    } finally {
      rmSync(join(app, '.env'), { force: true })
      writeFileSync(appFile, original)
      assert.equal(await dev.stop(), 0, dev.output)
    }
    await assert.rejects(fetch(url), 'the app stops with weft dev')
  })

  test('weft migrate runs a TypeScript migration on the database of .env.example, once', () => {
    const created = weft('migrate', 'new', 'index-note-titles')
    assert.equal(created.status, 0, created.output)
    const file = join(app, 'migrations/0001-index-note-titles.ts')
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        /\n {2}\/\/ await .*\n/,
        "\n  await db.collection('notes').createIndex({ title: 1 })\n",
      ),
    )
    const ran = weft('migrate')
    assert.equal(ran.status, 0, ran.output)
    assert.match(ran.output, /^weft migrate: sqlite:\.\/data\/app\.db, migrations\/$/m)
    assert.match(ran.output, /✓ 0001-index-note-titles\s+\d+ ms\n1 run now, 0 had run before/)
    const status = weft('migrate', 'status')
    assert.match(status.output, /✓ 0001-index-note-titles\s+ran .*\nevery migration has run/)
  })
})
