import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Server, serve } from 'weftjs'
import { createApp } from '../src/app.ts'

/** The cookies a response set, as the Cookie header a browser would send back. */
const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')

describe('taskboard pages: views, static assets, secure headers, session and CSRF', () => {
  let server: Server
  before(async () => {
    server = await serve(createApp('sqlite::memory:'), { port: 0 })
  })
  after(() => server.close())

  test('the board renders in its layout with a CSRF token in the form and helmet headers', async () => {
    const res = await fetch(`${server.url}/board`)
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8')
    const html = await res.text()
    assert.match(html, /<title>Tasks · Taskboard<\/title>/)
    assert.match(html, /<link rel="stylesheet" href="\/assets\/style.css">/)
    assert.match(html, /<input type="hidden" name="_csrf" value="[A-Za-z0-9_-]{43}">/)
    assert.match(res.headers.get('content-security-policy')!, /default-src 'self'/)
    assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN')
    assert.match(res.headers.get('set-cookie')!, /weft\.session=.*HttpOnly.*SameSite=Lax/)
  })

  test('the stylesheet is served from public/ with caching headers', async () => {
    const res = await fetch(`${server.url}/assets/style.css`)
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), 'text/css; charset=utf-8')
    assert.equal(res.headers.get('cache-control'), 'public, max-age=3600')
    assert.ok(res.headers.get('etag'))
    assert.match(await res.text(), /font/)
  })

  test('a form post without the CSRF token is refused (403) and adds nothing', async () => {
    const res = await fetch(`${server.url}/board/tasks`, {
      method: 'POST',
      body: new URLSearchParams({ title: 'forged' }),
    })
    assert.equal(res.status, 403)
    assert.equal((await res.json()).code, 'WEFT_CSRF')
    const tasks = await (await fetch(`${server.url}/api/tasks`)).json()
    assert.ok(!tasks.some((t: { title: string }) => t.title === 'forged'))
  })

  test('posting the form with the token adds the task (escaped on the page) and redirects back', async () => {
    const page = await fetch(`${server.url}/board`)
    const cookie = cookiesOf(page)
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]
    const posted = await fetch(`${server.url}/board/tasks`, {
      method: 'POST',
      headers: { cookie },
      body: new URLSearchParams({ title: '<b>Ship</b> it', _csrf: token }),
      redirect: 'manual',
    })
    assert.equal(posted.status, 303)
    assert.equal(posted.headers.get('location'), '/board')
    const board = await (
      await fetch(`${server.url}/board`, { headers: { cookie: cookiesOf(posted) || cookie } })
    ).text()
    assert.match(board, /<li class="">&lt;b&gt;Ship&lt;\/b&gt; it<\/li>/)
    assert.match(board, /Added “&lt;b&gt;Ship&lt;\/b&gt; it”/)
  })
})
