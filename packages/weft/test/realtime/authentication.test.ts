import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { realtimeClient } from 'weftjs/client'
import { realtime } from 'weftjs/realtime'
import { eventually, rawClient, serveLive } from './helpers.ts'

interface User {
  id: string
  exp?: number
}

/** Tokens are "name" or "name:expiry-ms-from-now" here; a real app verifies a JWT. */
const tokens = new Map<string, User>()
function issue(id: string, lifetimeMs?: number): string {
  const token = `${id}-${tokens.size}`
  tokens.set(token, { id, exp: lifetimeMs === undefined ? undefined : (Date.now() + lifetimeMs) / 1000 })
  return token
}

function authenticatedLive() {
  return realtime<User>({
    logger: false,
    renewBefore: 600,
    authenticate(ctx, token) {
      const session = ctx.cookies.get('session')
      if (session) return { id: `cookie:${session}` }
      return token === undefined ? null : (tokens.get(token) ?? null)
    },
  }).channel('me', { presence: true })
}

describe('connection authentication', () => {
  test('a token in Sec-WebSocket-Protocol, in the query, or a cookie sets conn.user; none refuses 401', async () => {
    const live = authenticatedLive()
    const served = await serveLive(live)
    try {
      const viaProtocol = realtimeClient<typeof live>(served.url, { token: issue('ada') })
      const room = viaProtocol.join('me')
      await room.joined
      await eventually(() => room.presence.ada, 'the user id keys presence')
      viaProtocol.close()

      const viaQuery = await rawClient(`${served.url}?token=${issue('bob')}`)
      viaQuery.send({ msg: 'join', id: '1', channel: 'me' })
      assert.ok((await viaQuery.next('presence')).state.bob)
      viaQuery.socket.close()

      const viaCookie = await rawClient(served.url, { headers: { cookie: 'session=s1' } })
      viaCookie.send({ msg: 'join', id: '1', channel: 'me' })
      assert.ok((await viaCookie.next('presence')).state['cookie:s1'])
      viaCookie.socket.close()

      await assert.rejects(rawClient(served.url), { status: 401 })
      await assert.rejects(rawClient(served.url, { protocols: ['weft.v1', 'weft.token.bm9wZQ'] }), {
        status: 401,
      })
    } finally {
      await served.close()
    }
  })

  test('an expired token is refused at the upgrade', async () => {
    const live = authenticatedLive()
    const served = await serveLive(live)
    try {
      await assert.rejects(rawClient(`${served.url}?token=${issue('old', -1000)}`), { status: 401 })
    } finally {
      await served.close()
    }
  })

  test('a token about to expire is renewed on the open socket: reauth, then auth with a fresh token', async () => {
    const live = authenticatedLive()
    const served = await serveLive(live)
    let asked = 0
    const rt = realtimeClient<typeof live>(served.url, {
      token: () => {
        asked++
        return issue('ada', asked === 1 ? 1000 : 60_000)
      },
    })
    try {
      const room = rt.join('me')
      await room.joined
      await eventually(() => asked === 2, 'the client asked for a fresh token', 3000)
      await new Promise((resolve) => setTimeout(resolve, 1200))
      assert.equal(rt.state, 'open', 'the renewed connection outlived the first token')
      assert.ok(room.presence.ada)
    } finally {
      rt.close()
      await served.close()
    }
  })

  test('a connection that does not renew is closed with 4001 at the deadline', async () => {
    const live = authenticatedLive()
    const served = await serveLive(live)
    try {
      const client = await rawClient(`${served.url}?token=${issue('ada', 900)}`)
      const reauth = await client.next('reauth')
      assert.ok(reauth.deadline > Date.now() - 50)
      client.send({ msg: 'auth', id: '1', token: 'forged' })
      const refused = await client.next('error')
      assert.deepEqual([refused.status, refused.code, refused.id], [401, 'WEFT_UNAUTHENTICATED', '1'])
      assert.equal((await client.closed).code, 4001)
    } finally {
      await served.close()
    }
  })
})
