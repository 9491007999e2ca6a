import assert from 'node:assert/strict'
import type { Case } from '../client.ts'

export const middleware: Case[] = [
  [
    'runs in, then out; code after next() sets headers',
    async ({ url }) => {
      const res = await fetch(`${url}/mw/order`)
      assert.equal(await res.text(), 'ok')
      assert.equal(res.headers.get('x-order'), 'a in,b in,handler,b out,a out')
      assert.equal(res.headers.get('x-powered-by'), 'weft')
    },
  ],
  [
    'route middleware runs after app middleware and hands state to the handler',
    async ({ url }) => {
      assert.equal(await (await fetch(`${url}/mw/state`)).text(), 'ann')
    },
  ],
  [
    'middleware may answer without calling next()',
    async ({ url }) => {
      const res = await fetch(`${url}/mw/private`)
      assert.equal(res.status, 401)
      assert.deepEqual(await res.json(), { error: 'login' })
      // The app's middleware wraps the route's: it saw the 401 on its way out.
      assert.equal(res.headers.get('x-powered-by'), 'weft')
      assert.equal(res.headers.get('x-order'), 'a in,b in,b out,a out')
      const ok = await fetch(`${url}/mw/private`, { headers: { authorization: 'x' } })
      assert.equal(await ok.text(), 'secret')
    },
  ],
  [
    'path-scoped middleware wraps only that subtree, 404s included',
    async ({ url }) => {
      assert.equal((await fetch(`${url}/admin/panel`)).headers.get('x-admin'), '1')
      assert.equal((await fetch(`${url}/admin/missing`)).headers.get('x-admin'), '1')
      assert.equal((await fetch(`${url}/administrator`)).headers.get('x-admin'), null)
    },
  ],
  [
    'an error answer still passes back out through the middleware',
    async ({ url }) => {
      const res = await fetch(`${url}/e/conflict`)
      assert.equal(res.status, 409)
      assert.equal(res.headers.get('x-powered-by'), 'weft')
      assert.equal(res.headers.get('x-order'), 'a in,b in,b out,a out')
      const missing = await fetch(`${url}/no/such/route`)
      assert.equal(missing.headers.get('x-powered-by'), 'weft')
    },
  ],
]
