import assert from 'node:assert/strict'
import type { Case } from '../client.ts'

export const cookies: Case[] = [
  [
    'request cookies are parsed and decoded',
    async ({ url }) => {
      const res = await fetch(`${url}/c/read`, {
        headers: { cookie: 'theme=dark; lang=en%20GB; theme=light' },
      })
      assert.deepEqual(await res.json(), { theme: 'dark', all: { theme: 'dark', lang: 'en GB' } })
    },
  ],
  [
    'set cookies are HttpOnly, SameSite=Lax, Path=/ by default, each its own header',
    async ({ url }) => {
      const set = (await fetch(`${url}/c/login`)).headers.getSetCookie()
      assert.deepEqual(set, [
        'session=a%20b%3Bc; Path=/; HttpOnly; SameSite=Lax',
        'prefs=dark; Path=/; Max-Age=3600; SameSite=Strict',
      ])
      const cleared = (await fetch(`${url}/c/logout`)).headers.getSetCookie()
      assert.match(
        cleared[0],
        /^session=; Path=\/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly/,
      )
    },
  ],
  [
    'an invalid cookie name is a 500, not a broken header',
    async ({ url }) => {
      const res = await fetch(`${url}/c/bad`)
      assert.equal(res.status, 500)
      assert.equal(res.headers.get('set-cookie'), null)
    },
  ],
]
