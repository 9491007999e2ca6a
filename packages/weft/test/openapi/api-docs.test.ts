import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import * as v from 'valibot'
import { weft } from 'weftjs'
import { apiDocs } from 'weftjs/docs'
import { z } from 'zod'
import { withServer } from '../helpers/server.ts'

const info = { title: 'Docs <Test>', version: '1.2.3' }

function docsApp() {
  const app = weft({ logger: false })
  app.get('/users/:id', { summary: 'Get a user', response: z.object({ id: z.string() }) }, (ctx) => ({
    id: ctx.params.id,
  }))
  app.post('/users', { body: v.object({ name: v.string() }), summary: 'Create a user' }, () => ({}))
  apiDocs(app, { info })
  return app
}

/** Every src/href in the page. */
function pageUrls(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((match) => match[1].replace(/&amp;/g, '&'))
}

describe('apiDocs: the OpenAPI document route', () => {
  test('serves the document as JSON, without its own routes, valibot converted by itself', async () => {
    const app = docsApp()
    const res = await app.request('/openapi.json')
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8')
    assert.equal(res.headers.get('cache-control'), 'no-cache')
    const doc = await res.json()
    assert.deepEqual(Object.keys(doc.paths), ['/users/{id}', '/users'])
    assert.deepEqual(doc.paths['/users'].post.requestBody.content['application/json'].schema.required, [
      'name',
    ])
    assert.equal(doc.info.title, 'Docs <Test>')
  })

  test('answers 304 to a matching If-None-Match', async () => {
    const app = docsApp()
    const first = await app.request('/openapi.json')
    const etag = first.headers.get('etag')!
    assert.match(etag, /^".+"$/)
    const again = await app.request('/openapi.json', { headers: { 'if-none-match': etag } })
    assert.equal(again.status, 304)
    assert.equal(await again.text(), '')
  })

  test('is built once, and rebuilt when routes are added', async () => {
    const app = docsApp()
    const first = await app.request('/openapi.json')
    const second = await app.request('/openapi.json')
    assert.equal(first.headers.get('etag'), second.headers.get('etag'))
    app.get('/later', { summary: 'Added later' }, () => 'x')
    const third = await app.request('/openapi.json')
    assert.notEqual(third.headers.get('etag'), first.headers.get('etag'))
    assert.equal((await third.json()).paths['/later'].get.summary, 'Added later')
  })

  test('docs: false serves only the JSON; paths are configurable', async () => {
    const app = weft({ logger: false }).get('/a', () => 'a')
    apiDocs(app, { info, json: '/spec.json', docs: false })
    assert.equal((await app.request('/spec.json')).status, 200)
    assert.equal((await app.request('/docs')).status, 404)
    assert.equal((await app.request('/openapi.json')).status, 404)
  })

  test('refuses options it cannot serve', () => {
    assert.throws(() => apiDocs(weft(), { info: { title: 'x' } } as any), /WEFT_OPENAPI_INFO/)
    assert.throws(() => apiDocs(weft(), { info, docs: 'docs' }), /WEFT_DOCS_BAD_PATH/)
  })
})

describe('apiDocs: the docs page', () => {
  test('is HTML whose every URL is on this origin, with a strict policy', async () => {
    const app = docsApp()
    const res = await app.request('/docs')
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type')!, /^text\/html/)
    const policy = res.headers.get('content-security-policy')!
    assert.match(policy, /default-src 'none'/)
    assert.match(policy, /script-src 'self'(;|$)/)
    const html = await res.text()
    assert.ok(!/<script>/.test(html), 'no inline script')
    assert.ok(!/https?:\/\//.test(html), 'no absolute URL anywhere in the page')
    assert.match(html, /<title>Docs &lt;Test&gt;<\/title>/)
    assert.match(html, /data-url="\/openapi.json"/)
    const urls = pageUrls(html)
    assert.ok(urls.length >= 4)
    for (const url of urls) assert.match(url, /^\/docs\/assets\/[\w.-]+\?v=/)
  })

  test('serves each asset it links with its content type and a long cache', async () => {
    const app = docsApp()
    const html = await (await app.request('/docs')).text()
    const types: Record<string, RegExp> = { css: /^text\/css/, js: /^text\/javascript/, png: /^image\/png$/ }
    for (const url of pageUrls(html)) {
      const res = await app.request(url)
      assert.equal(res.status, 200, url)
      const ext = new URL(url, 'http://x').pathname.split('.').pop()!
      assert.match(res.headers.get('content-type')!, types[ext], url)
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable')
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff')
      assert.ok((await res.arrayBuffer()).byteLength > 0)
    }
    const unpinned = await app.request('/docs/assets/swagger-ui.css')
    assert.equal(unpinned.headers.get('cache-control'), 'no-cache')
    const etag = unpinned.headers.get('etag')!
    assert.equal(
      (await app.request('/docs/assets/swagger-ui.css', { headers: { 'if-none-match': etag } })).status,
      304,
    )
  })

  test('serves nothing outside its allow-list: no path traversal', async () => {
    const app = docsApp()
    await withServer(app, async (server) => {
      for (const path of [
        '/docs/assets/package.json',
        '/docs/assets/index.html',
        '/docs/assets/..%2Fpackage.json',
        '/docs/assets/%2e%2e%2f%2e%2e%2fpackage.json',
        '/docs/assets/..%5c..%5cpackage.json',
        '/docs/assets/swagger-ui.css%00.png',
        '/docs/assets/__proto__',
        '/docs/assets/constructor',
      ]) {
        const res = await fetch(new URL(path, server.url))
        assert.equal(res.status, 404, path)
        assert.equal(res.headers.get('content-type'), 'application/problem+json', path)
        assert.ok(!(await res.text()).includes('swagger-ui-dist'), `${path} leaks nothing`)
      }
      const raw = await fetch(new URL('/docs/assets/../../package.json', server.url))
      assert.notEqual(raw.status, 200)
    })
  })

  test('finds its files when the app is mounted under a prefix', async () => {
    const api = weft({ logger: false }).get('/things', { summary: 'Things' }, () => [])
    apiDocs(api, { info })
    const root = weft({ logger: false }).route('/api', api)
    const html = await (await root.request('/api/docs')).text()
    assert.match(html, /data-url="\/api\/openapi.json"/)
    for (const url of pageUrls(html)) {
      assert.match(url, /^\/api\/docs\/assets\//)
      assert.equal((await root.request(url)).status, 200, url)
    }
    assert.equal((await root.request('/api/openapi.json')).status, 200)
  })
})
