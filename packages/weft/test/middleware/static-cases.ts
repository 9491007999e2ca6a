import assert from 'node:assert/strict'
import { gunzipSync } from 'node:zlib'
import { type Case, rawRequest, statusOf } from '../conformance/client.ts'
import { CSS, SECRET } from './web-files.ts'

/** A raw GET: for paths a fetch client would normalise before sending. */
async function rawGet(target: Parameters<Case[1]>[0], path: string): Promise<string> {
  return rawRequest(target, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
}

function assertRefused(raw: string, path: string): void {
  assert.notEqual(statusOf(raw), 200, `${path} answered 200`)
  assert.ok(statusOf(raw) >= 400, `${path} answered ${statusOf(raw)}`)
  assert.ok(!raw.includes(SECRET), `${path} leaked the file outside the root`)
}

export const staticCases: Case[] = [
  [
    'a file answers with its bytes, type, length, ETag, Last-Modified and Cache-Control',
    async ({ url }) => {
      const res = await fetch(`${url}/static/hello.txt`)
      assert.equal(res.status, 200)
      assert.equal(await res.text(), 'hello world')
      assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8')
      assert.equal(res.headers.get('content-length'), '11')
      assert.match(res.headers.get('etag')!, /^"[0-9a-f]+-[0-9a-f]+"$/)
      assert.ok(Date.parse(res.headers.get('last-modified')!) > 0)
      assert.equal(res.headers.get('cache-control'), 'public, max-age=0')
      assert.equal(res.headers.get('accept-ranges'), 'bytes')
    },
  ],
  [
    'content types follow the extension; unknown ones download as octet-stream',
    async ({ url }) => {
      const type = async (name: string) => (await fetch(`${url}/static/${name}`)).headers.get('content-type')
      assert.equal(await type('page.html'), 'text/html; charset=utf-8')
      assert.equal(await type('app.js'), 'text/javascript; charset=utf-8')
      assert.equal(await type('logo.png'), 'image/png')
      assert.equal(await type('data.unknownext'), 'application/octet-stream')
    },
  ],
  [
    'maxAge and immutable set Cache-Control',
    async ({ url }) => {
      const res = await fetch(`${url}/cached/hello.txt`)
      assert.equal(res.headers.get('cache-control'), 'public, max-age=3600, immutable')
      await res.body?.cancel()
    },
  ],
  [
    'If-None-Match with the ETag answers 304 with no body; a stale one gets the file',
    async ({ url }) => {
      const first = await fetch(`${url}/static/hello.txt`)
      await first.text()
      const etag = first.headers.get('etag')!
      const again = await fetch(`${url}/static/hello.txt`, { headers: { 'if-none-match': etag } })
      assert.equal(again.status, 304)
      assert.equal(await again.text(), '')
      assert.equal(again.headers.get('etag'), etag)
      const stale = await fetch(`${url}/static/hello.txt`, { headers: { 'if-none-match': '"nope"' } })
      assert.equal(stale.status, 200)
      assert.equal(await stale.text(), 'hello world')
    },
  ],
  [
    'If-Modified-Since at or after Last-Modified answers 304; If-Match with another tag 412',
    async ({ url }) => {
      const first = await fetch(`${url}/static/hello.txt`)
      await first.text()
      const since = first.headers.get('last-modified')!
      const again = await fetch(`${url}/static/hello.txt`, { headers: { 'if-modified-since': since } })
      assert.equal(again.status, 304)
      const old = await fetch(`${url}/static/hello.txt`, {
        headers: { 'if-modified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' },
      })
      assert.equal(old.status, 200)
      await old.text()
      const mismatch = await fetch(`${url}/static/hello.txt`, { headers: { 'if-match': '"other"' } })
      assert.equal(mismatch.status, 412)
      await mismatch.text()
    },
  ],
  [
    'Range answers 206 with Content-Range; a suffix range gives the tail',
    async ({ url }) => {
      const res = await fetch(`${url}/static/hello.txt`, { headers: { range: 'bytes=0-4' } })
      assert.equal(res.status, 206)
      assert.equal(await res.text(), 'hello')
      assert.equal(res.headers.get('content-range'), 'bytes 0-4/11')
      assert.equal(res.headers.get('content-length'), '5')
      const tail = await fetch(`${url}/static/hello.txt`, { headers: { range: 'bytes=-5' } })
      assert.equal(tail.status, 206)
      assert.equal(await tail.text(), 'world')
      const open = await fetch(`${url}/static/big.bin`, { headers: { range: 'bytes=1048000-' } })
      assert.equal(open.status, 206)
      assert.equal((await open.arrayBuffer()).byteLength, 1024 * 1024 - 1048000)
    },
  ],
  [
    'a range past the end answers 416 with Content-Range: bytes */size',
    async ({ url }) => {
      const res = await fetch(`${url}/static/hello.txt`, { headers: { range: 'bytes=50-60' } })
      assert.equal(res.status, 416)
      assert.equal(res.headers.get('content-range'), 'bytes */11')
      assert.equal(res.headers.get('content-type'), 'application/problem+json')
      assert.equal((await res.json()).code, 'WEFT_RANGE_NOT_SATISFIABLE')
    },
  ],
  [
    'If-Range with a stale ETag sends the whole file',
    async ({ url }) => {
      const res = await fetch(`${url}/static/hello.txt`, {
        headers: { range: 'bytes=0-4', 'if-range': '"old"' },
      })
      assert.equal(res.status, 200)
      assert.equal(await res.text(), 'hello world')
    },
  ],
  [
    'HEAD answers the headers of GET and no body',
    async (target) => {
      const raw = await rawRequest(
        target,
        'HEAD /static/big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      )
      assert.equal(statusOf(raw), 200)
      assert.match(raw, /content-length: 1048576\r\n/i)
      assert.match(raw, /\r\n\r\n$/, 'nothing after the head')
    },
  ],
  [
    'a 1 MB file streams whole and intact',
    async ({ url }) => {
      const bytes = new Uint8Array(await (await fetch(`${url}/static/big.bin`)).arrayBuffer())
      assert.equal(bytes.byteLength, 1024 * 1024)
      assert.ok(bytes.every((b, i) => b === (i * 7) % 251))
    },
  ],
  [
    'an empty file answers 200 with length 0',
    async ({ url }) => {
      const res = await fetch(`${url}/static/empty.txt`)
      assert.equal(res.status, 200)
      assert.equal(await res.text(), '')
    },
  ],
  [
    'precompressed .br and .gz files are served when accepted, with Vary',
    async (target) => {
      const url = target.url
      const br = await fetch(`${url}/static/style.css`, { headers: { 'accept-encoding': 'br, gzip' } })
      assert.equal(br.headers.get('content-encoding'), 'br')
      assert.equal(br.headers.get('vary'), 'accept-encoding')
      assert.equal(br.headers.get('content-type'), 'text/css; charset=utf-8')
      assert.equal(await br.text(), CSS, 'fetch decodes brotli back to the file')
      const gz = await fetch(`${url}/static/style.css`, { headers: { 'accept-encoding': 'gzip, br;q=0' } })
      assert.equal(gz.headers.get('content-encoding'), 'gzip')
      assert.equal(await gz.text(), CSS)
      const plain = await rawGet.call(
        null,
        { url, port: Number(new URL(url).port), runtime: '' },
        '/static/style.css',
      )
      assert.doesNotMatch(plain, /content-encoding/i)
      assert.ok(plain.includes(CSS), 'the plain file is sent as it is')
    },
  ],
  [
    'a gzip variant is really gzip of the file',
    async (target) => {
      const raw = await rawRequest(
        target,
        'GET /static/style.css HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n',
      )
      const body = Buffer.from(raw.slice(raw.indexOf('\r\n\r\n') + 4), 'latin1')
      assert.match(raw, /content-encoding: gzip/i)
      assert.equal(gunzipSync(body).toString(), CSS)
    },
  ],
  [
    'a directory answers with its index.html; without the slash it redirects',
    async ({ url }) => {
      const res = await fetch(`${url}/static/sub/`)
      assert.equal(await res.text(), '<h1>sub index</h1>')
      const bare = await fetch(`${url}/static/sub`, { redirect: 'manual' })
      assert.equal(bare.status, 301)
      assert.equal(bare.headers.get('location'), '/static/sub/')
    },
  ],
  [
    'a missing file falls through to the routes and the 404',
    async ({ url }) => {
      assert.equal(await (await fetch(`${url}/static/route`)).text(), 'a route under the static prefix')
      const missing = await fetch(`${url}/static/nope.txt`)
      assert.equal(missing.status, 404)
      await missing.text()
    },
  ],
  [
    'dotfiles are not there by default, and 403 with dotfiles: deny',
    async ({ url }) => {
      const hidden = await fetch(`${url}/static/.env`)
      assert.equal(hidden.status, 404)
      assert.ok(!(await hidden.text()).includes(SECRET))
      const denied = await fetch(`${url}/dots/.env`)
      assert.equal(denied.status, 403)
      await denied.text()
    },
  ],
  [
    'traversal: /.. never leaves the root',
    async (t) => assertRefused(await rawGet(t, '/static/../outside/secret.txt'), '..'),
  ],
  [
    'traversal: %2e%2e never leaves the root (403)',
    async (t) => {
      const raw = await rawGet(t, '/static/%2e%2e/outside/secret.txt')
      assertRefused(raw, '%2e%2e')
      const mixed = await rawGet(t, '/static/.%2E/public-secret.txt')
      assertRefused(mixed, '.%2E')
    },
  ],
  [
    'traversal: encoded slashes and backslashes are not separators (403)',
    async (t) => {
      const slash = await rawGet(t, '/static/..%2foutside%2fsecret.txt')
      assertRefused(slash, '%2f')
      assert.equal(statusOf(slash), 403)
      const backslash = await rawGet(t, '/static/..%5Coutside%5Csecret.txt')
      assertRefused(backslash, '%5C')
      assert.equal(statusOf(backslash), 403)
    },
  ],
  [
    'a NUL byte in the path answers 400',
    async (t) => {
      const raw = await rawGet(t, '/static/hello.txt%00.html')
      assert.equal(statusOf(raw), 400)
      assert.ok(!raw.includes('hello world'))
    },
  ],
  [
    'symlinks out of the root are refused (403); inside the root they are served',
    async ({ url }) => {
      const out = await fetch(`${url}/static/link-out.txt`)
      assert.equal(out.status, 403)
      assert.ok(!(await out.text()).includes(SECRET))
      const dir = await fetch(`${url}/static/dir-out/secret.txt`)
      assert.equal(dir.status, 403)
      assert.ok(!(await dir.text()).includes(SECRET))
      assert.equal(await (await fetch(`${url}/static/link-in.txt`)).text(), 'hello world')
    },
  ],
  [
    'followSymlinks: true serves a link out of the root',
    async ({ url }) => {
      assert.equal(await (await fetch(`${url}/linked/link-out.txt`)).text(), SECRET)
    },
  ],
  [
    'POST under the prefix is not served',
    async ({ url }) => {
      const res = await fetch(`${url}/static/hello.txt`, { method: 'POST' })
      assert.equal(res.status, 404)
      await res.text()
    },
  ],
]
