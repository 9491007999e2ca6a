import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import type { Case } from '../client.ts'

export const responses: Case[] = [
  [
    'objects and arrays as JSON, strings as text, bytes as octets',
    async ({ url }) => {
      let res = await fetch(`${url}/object`)
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8')
      assert.deepEqual(await res.json(), { a: 1, list: [1, 2] })
      assert.deepEqual(await (await fetch(`${url}/array`)).json(), [1, 'two'])
      res = await fetch(`${url}/string`)
      assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8')
      assert.equal(await res.text(), 'plain')
      assert.equal(await (await fetch(`${url}/unicode`)).text(), 'héllo wörld ✓')
      res = await fetch(`${url}/bytes`)
      assert.equal(res.headers.get('content-type'), 'application/octet-stream')
      assert.deepEqual(new Uint8Array(await res.arrayBuffer()), new Uint8Array([1, 2, 3]))
      assert.deepEqual(await (await fetch(`${url}/async`)).json(), { later: true })
    },
  ],
  [
    'streams, Responses as they are, undefined as 204',
    async ({ url }) => {
      assert.equal(await (await fetch(`${url}/stream`)).text(), 'chunk one, chunk two')
      const res = await fetch(`${url}/response`)
      assert.equal(res.status, 202)
      assert.equal(res.headers.get('x-own'), '1')
      assert.equal(await res.text(), 'as is')
      const empty = await fetch(`${url}/nothing`)
      assert.equal(empty.status, 204)
      assert.equal(await empty.text(), '')
      assert.equal((await fetch(`${url}/status-only`)).status, 202)
    },
  ],
  [
    'headers and cookies set on the context join a returned Response',
    async ({ url }) => {
      const res = await fetch(`${url}/response-merged`)
      assert.equal(await res.text(), 'merged')
      assert.equal(res.headers.get('x-from-ctx'), 'yes')
      assert.deepEqual(res.headers.getSetCookie().sort(), [
        'merged=1; Path=/; HttpOnly; SameSite=Lax',
        'own=1',
      ])
    },
  ],
  [
    'context helpers: json with status, html, text, redirect, repeated headers',
    async ({ url }) => {
      assert.equal((await fetch(`${url}/created`)).status, 201)
      const html = await fetch(`${url}/html`)
      assert.equal(html.headers.get('content-type'), 'text/html; charset=utf-8')
      assert.equal((await fetch(`${url}/text`)).status, 418)
      const redirect = await fetch(`${url}/redirect`, { redirect: 'manual' })
      assert.equal(redirect.status, 301)
      assert.equal(redirect.headers.get('location'), '/object')
      const headers = await fetch(`${url}/header`)
      assert.equal(headers.headers.get('x-one'), 'a')
      assert.equal(headers.headers.get('x-list'), 'b, c')
    },
  ],
  [
    'query strings: repeated keys become arrays, values are decoded',
    async ({ url }) => {
      const res = await fetch(`${url}/query?tag=a&tag=b&q=hello+world&x=%C3%A9`)
      assert.deepEqual(await res.json(), { tag: ['a', 'b'], q: 'hello world', x: 'é' })
    },
  ],
  [
    'ctx.req is a standard Request',
    async ({ url }) => {
      const res = await fetch(`${url}/request?x=1`, { headers: { 'x-ua': 'test' } })
      assert.deepEqual(await res.json(), { path: '/request', method: 'GET', ua: 'test' })
    },
  ],
  [
    'a streamed body arrives chunk by chunk, not buffered to the end',
    async ({ port }) => {
      const arrivals = await new Promise<number[]>((resolve, reject) => {
        const started = Date.now()
        const times: number[] = []
        httpRequest({ port, host: '127.0.0.1', path: '/ticks' }, (res) => {
          res.on('data', () => times.push(Date.now() - started))
          res.on('end', () => resolve(times))
        })
          .on('error', reject)
          .end()
      })
      assert.ok(arrivals.length >= 2, `chunks arrived separately: ${arrivals}`)
      assert.ok(arrivals[arrivals.length - 1] - arrivals[0] >= 200, `spread over time: ${arrivals}`)
    },
  ],
  [
    'streaming respects backpressure: a slow reader holds the producer back',
    async ({ port, url }) => {
      const received = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ port, host: '127.0.0.1', path: '/big' }, (res) => {
          res.pause()
          // Nobody reads for a while: the server must stop producing far short of 400 chunks.
          setTimeout(async () => {
            const { produced } = await (await fetch(`${url}/big/produced`)).json()
            let bytes = 0
            res.on('data', (c: Buffer) => {
              bytes += c.length
            })
            res.on('end', () =>
              produced < 200 ? resolve(bytes) : reject(new Error(`produced ${produced} chunks unread`)),
            )
            res.resume()
          }, 300)
        })
        req.on('error', reject)
        req.end()
      })
      assert.equal(received, 400 * 64 * 1024)
    },
  ],
]
