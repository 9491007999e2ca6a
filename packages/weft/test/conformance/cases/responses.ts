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
    async ({ port, url }) => {
      // The server produces tick n+1 only once the client has read tick n and asked for
      // the next: a body held back until its end never gets past the first tick.
      const ticks = await new Promise<string[]>((resolve, reject) => {
        const seen: string[] = []
        let text = ''
        httpRequest({ port, host: '127.0.0.1', path: '/ticks' }, (res) => {
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => {
            text += chunk
            const lines = text.split('\n')
            text = lines.pop() ?? ''
            for (const line of lines) {
              seen.push(line)
              fetch(`${url}/ticks/next`, { method: 'POST' }).then((r) => r.text(), reject)
            }
          })
          res.on('end', () => resolve(seen))
        })
          .on('error', reject)
          .end()
      })
      assert.deepEqual(ticks, ['tick 0', 'tick 1', 'tick 2'])
    },
  ],
  [
    'streaming respects backpressure: a slow reader holds the producer back',
    async ({ port, url }) => {
      const received = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ port, host: '127.0.0.1', path: '/big' }, (res) => {
          res.pause()
          // Nobody reads: the server must stop producing far short of 400 chunks. It has
          // stopped once its count holds still over several round trips.
          producerSettled(url).then((produced) => {
            let bytes = 0
            res.on('data', (c: Buffer) => {
              bytes += c.length
            })
            res.on('end', () =>
              produced < 200 ? resolve(bytes) : reject(new Error(`produced ${produced} chunks unread`)),
            )
            res.resume()
          }, reject)
        })
        req.on('error', reject)
        req.end()
      })
      assert.equal(received, 400 * 64 * 1024)
    },
  ],
]

/** The producer's chunk count once it holds still across five requests in a row. */
async function producerSettled(url: string): Promise<number> {
  const read = async () =>
    ((await (await fetch(`${url}/big/produced`)).json()) as { produced: number }).produced
  let last = await read()
  for (let same = 0; same < 5; ) {
    const now = await read()
    same = now === last ? same + 1 : 0
    last = now
  }
  return last
}
