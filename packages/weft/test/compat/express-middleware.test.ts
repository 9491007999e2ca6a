import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import corsPackage from 'cors'
import express from 'express'
import expressSession from 'express-session'
import helmet from 'helmet'
import morgan from 'morgan'
import multer from 'multer'
import passport from 'passport'
import { Strategy as LocalStrategy } from 'passport-local'
import { weft } from 'weftjs'
import { expressRequest, fromExpress } from 'weftjs/express'
import { withServer } from '../helpers/server.ts'
import { findRuntimes } from '../runtimes/runtimes.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const uploads = mkdtempSync(join(tmpdir(), 'weft-multer-'))
after(() => rmSync(uploads, { recursive: true, force: true }))

function buildApp(logLines: string[]) {
  const app = weft({ logger: false, dev: false })
  app.use(fromExpress(morgan('tiny', { stream: { write: (line: string) => logLines.push(line.trim()) } })))
  app.use(fromExpress(helmet()))
  app.use('/cors', fromExpress(corsPackage({ origin: 'https://good.example' })))
  app.get('/cors/x', () => 'cors')
  app.get('/plain', () => ({ ok: true }))
  app.get(
    '/denied',
    fromExpress((_req, _res, next) => next(Object.assign(new Error('Nope'), { status: 403 }))),
    () => 'never',
  )
  app.get(
    '/crash',
    fromExpress(() => {
      throw new Error('boom')
    }),
    () => 'never',
  )
  app.get(
    '/ends',
    fromExpress((_req, res) => res.end('ended by express')),
    () => 'never',
  )

  // A passport local-strategy login over express-session.
  passport.use(
    new LocalStrategy((username, password, done) =>
      username === 'ann' && password === 'secret' ? done(null, { id: 7, name: 'ann' }) : done(null, false),
    ),
  )
  passport.serializeUser((user, done) => done(null, (user as { id: number }).id))
  passport.deserializeUser((id: number, done) => done(null, { id, name: 'ann' }))
  app.use(
    fromExpress(
      expressSession({
        secret: 'a test secret that is long enough',
        resave: false,
        saveUninitialized: false,
      }),
    ),
  )
  app.use(fromExpress(express.urlencoded({ extended: false })))
  app.use(fromExpress(passport.initialize()))
  app.use(fromExpress(passport.session()))
  app.post(
    '/login',
    fromExpress(
      passport.authenticate('local', { successRedirect: '/me', failureRedirect: '/login?failed=1' }),
    ),
    () => 'never',
  )
  app.get('/me', (ctx) => {
    const user = ctx.state.user as { name: string } | undefined
    return user ? { user: user.name } : ctx.json({ user: null }, 401)
  })
  app.post('/echo', (ctx) => ({ body: ctx.body }))

  const upload = multer({ dest: uploads })
  app.post('/upload', fromExpress(upload.single('doc')), (ctx) => {
    const file = expressRequest(ctx).file as { originalname: string; path: string; size: number }
    return {
      title: (ctx.body as { title: string }).title,
      name: file.originalname,
      size: file.size,
      path: file.path,
    }
  })
  return app
}

describe('Express middleware through fromExpress(), on Node', () => {
  const lines: string[] = []
  const app = buildApp(lines)

  test('helmet sets its headers on Weft answers; morgan logs each request', async () => {
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/plain`)
      assert.deepEqual(await res.json(), { ok: true })
      assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN')
      assert.match(res.headers.get('content-security-policy')!, /default-src 'self'/)
      await new Promise((r) => setTimeout(r, 50))
      assert.ok(
        lines.some((line) => /^GET \/plain 200/.test(line)),
        lines.join('\n'),
      )
    })
  })

  test('cors answers a preflight itself (the middleware ends it) and marks allowed answers', async () => {
    await withServer(app, async ({ url }) => {
      const pre = await fetch(`${url}/cors/x`, {
        method: 'OPTIONS',
        headers: { origin: 'https://good.example', 'access-control-request-method': 'PUT' },
      })
      assert.equal(pre.status, 204)
      assert.equal(pre.headers.get('access-control-allow-origin'), 'https://good.example')
      const res = await fetch(`${url}/cors/x`, { headers: { origin: 'https://good.example' } })
      assert.equal(await res.text(), 'cors')
      assert.equal(res.headers.get('access-control-allow-origin'), 'https://good.example')
    })
  })

  test('next(err) becomes an error answer with its status; a throw is a 500; res.end() ends the answer', async () => {
    await withServer(app, async ({ url }) => {
      const denied = await fetch(`${url}/denied`)
      assert.equal(denied.status, 403)
      assert.equal(denied.headers.get('content-type'), 'application/problem+json')
      assert.equal((await denied.json()).detail, 'Nope')
      const crash = await fetch(`${url}/crash`)
      assert.equal(crash.status, 500)
      assert.doesNotMatch(await crash.text(), /boom/)
      assert.equal(await (await fetch(`${url}/ends`)).text(), 'ended by express')
    })
  })

  test('a body parser sets req.body, which the handler reads as ctx.body', async () => {
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/echo`, {
        method: 'POST',
        body: new URLSearchParams({ a: '1', b: 'two' }),
      })
      assert.deepEqual((await res.json()).body, { a: '1', b: 'two' })
    })
  })

  test('passport local strategy: a failed login redirects back, a good one reaches /me through express-session', async () => {
    await withServer(app, async ({ url }) => {
      const bad = await fetch(`${url}/login`, {
        method: 'POST',
        body: new URLSearchParams({ username: 'ann', password: 'wrong' }),
        redirect: 'manual',
      })
      assert.equal(bad.status, 302)
      assert.equal(bad.headers.get('location'), '/login?failed=1')
      assert.equal((await fetch(`${url}/me`)).status, 401)
      const good = await fetch(`${url}/login`, {
        method: 'POST',
        body: new URLSearchParams({ username: 'ann', password: 'secret' }),
        redirect: 'manual',
      })
      assert.equal(good.status, 302)
      assert.equal(good.headers.get('location'), '/me')
      const cookie = good.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ')
      assert.match(cookie, /connect\.sid=/)
      const me = await fetch(`${url}/me`, { headers: { cookie } })
      assert.deepEqual(await me.json(), { user: 'ann' })
    })
  })

  test('multer streams a multipart upload to disk; fields and the file reach the handler', async () => {
    await withServer(app, async ({ url }) => {
      const form = new FormData()
      form.append('title', 'Q3 report')
      form.append('doc', new File(['quarterly numbers'], 'q3.txt', { type: 'text/plain' }))
      const res = await fetch(`${url}/upload`, { method: 'POST', body: form })
      const body = await res.json()
      assert.equal(body.title, 'Q3 report')
      assert.equal(body.name, 'q3.txt')
      assert.equal(body.size, 17)
      assert.equal(readFileSync(body.path, 'utf8'), 'quarterly numbers')
      assert.equal(readdirSync(uploads).length, 1)
    })
  })

  test('in app.request() (no socket pair) it says it needs Node’s request and response', async () => {
    const inProcess = weft({ logger: false, dev: true })
    inProcess.use(fromExpress((_req, _res, next) => next()))
    inProcess.get('/', () => 'x')
    const problem = await (await inProcess.request('/')).json()
    assert.match(problem.detail, /WEFT_EXPRESS_NODE_ONLY/)
  })
})

describe('on Deno and Bun fromExpress() says it is Node-only', () => {
  for (const runtime of findRuntimes().filter((r) => r.name === 'deno' || r.name === 'bun')) {
    test(runtime.label, (t) => {
      if (runtime.missing) {
        if (process.env.CI === 'true') assert.fail(runtime.missing)
        console.warn(`\n!!! SKIPPING fromExpress on ${runtime.label}: ${runtime.missing}\n`)
        return t.skip(runtime.missing)
      }
      const args = runtime.name === 'deno' ? [...runtime.args!, '--allow-env'] : runtime.args!
      const result = spawnSync(runtime.bin!, [...args, join(here, 'express-elsewhere.ts')], {
        cwd: join(here, '../..'),
        encoding: 'utf8',
      })
      assert.equal(result.status, 0, result.stderr)
      const outcome = JSON.parse(result.stdout.trim())
      assert.equal(outcome.refused, true)
      assert.match(outcome.message, /WEFT_EXPRESS_NODE_ONLY: .*Node only/)
    })
  }
})
