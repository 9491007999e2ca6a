// Type tests for weftjs/realtime and the realtime client: `npm run typecheck` fails when
// channel inference regresses. Each @ts-expect-error must stay an error.
import { weft } from 'weftjs'
import { realtimeClient } from 'weftjs/client'
import { realtime } from 'weftjs/realtime'
import { z } from 'zod'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type Expect<T extends true> = T

interface User {
  id: string
  role: 'admin' | 'member'
}

const live = realtime<User>({ authenticate: () => ({ id: '1', role: 'member' }) })
  .channel('chat/:room', {
    authorize: (conn, params) => {
      type Params = Expect<Equal<typeof params, { room: string }>>
      type Role = Expect<Equal<typeof conn.user.role, 'admin' | 'member'>>
      return params.room !== 'secret' || conn.user.role === 'admin'
    },
    presence: true,
    message: z.object({ text: z.string(), at: z.coerce.date() }),
  })
  .channel('orgs/:org/teams/:team', {
    authorize: (_conn, params) => {
      type Params = Expect<Equal<typeof params, { org: string } & { team: string }>>
      return true
    },
  })
  .channel('news')

weft().ws('/live', live)

const rt = realtimeClient<typeof live>('ws://localhost:3000/live', { token: 't' })
const chat = rt.join('chat/lobby')
chat.send({ text: 'hi', at: '2026-01-01' })
chat.on('message', (data) => {
  type Received = Expect<Equal<typeof data, { text: string; at: Date }>>
})
// @ts-expect-error: the channel's schema wants text
chat.send({ body: 'hi' })

const team = rt.join('orgs/acme/teams/core')
// @ts-expect-error: a channel without a message schema takes nothing from clients
team.send({ anything: true })

rt.join('news').on('message', (data) => {
  type Broadcast = Expect<Equal<typeof data, unknown>>
})

// @ts-expect-error: no such channel
rt.join('nowhere/at/all')
// @ts-expect-error: the pattern needs its param segment
rt.join('orgs/acme')

// A channel that could not be resumed: the room says so with no argument, the client with the name.
chat.on('resync', (...args) => {
  type NoArgs = Expect<Equal<typeof args, []>>
})
rt.on('resync', (channel) => {
  type Channel = Expect<Equal<typeof channel, string>>
})
// @ts-expect-error: resync has no payload on a room
chat.on('resync', (what: string) => what)
// The realtime options take the replay window, or false.
realtime({ replay: { window: 60_000, messages: 500, bytes: 65_536 } })
realtime({ replay: false })
// @ts-expect-error: the window is a number of milliseconds
realtime({ replay: { window: '2m' } })
