import assert from 'node:assert/strict'
import { realtimeClient } from 'weftjs/client'
import { eventually } from '../../realtime/helpers.ts'
import type { Case } from '../client.ts'
import type { live } from '../fixture-websocket.ts'

export const realtimeCases: Case[] = [
  [
    'weftjs/realtime: two clients see each other’s presence and messages; invalid messages answer 422',
    async (target) => {
      const url = `${target.url.replace(/^http/, 'ws')}/live`
      const ada = realtimeClient<typeof live>(url, { token: 'ada', reconnect: false })
      const bob = realtimeClient<typeof live>(url, { token: 'bob', reconnect: false })
      try {
        const adaRoom = ada.join('chat/conformance')
        const bobRoom = bob.join('chat/conformance')
        await Promise.all([adaRoom.joined, bobRoom.joined])
        await eventually(() => adaRoom.presence.bob && bobRoom.presence.ada, 'presence of both')
        const heard: string[] = []
        adaRoom.on('message', (data) => heard.push(data.text))
        const errors: string[] = []
        bobRoom.on('error', (error) => errors.push(error.code))
        bobRoom.send({ text: 42 } as never)
        bobRoom.send({ text: 'hello' })
        await eventually(() => heard.length === 1 && errors.length === 1, 'the message and the error')
        assert.deepEqual([heard, errors], [['hello'], ['WEFT_INVALID_MESSAGE']])
        bob.close()
        await eventually(() => !adaRoom.presence.bob, 'bob leaves when his socket closes')
      } finally {
        ada.close()
        bob.close()
      }
    },
  ],
  [
    'weftjs/realtime: a live query sees a method’s write before `updated`; invalid args answer 422',
    async (target) => {
      const url = `${target.url.replace(/^http/, 'ws')}/live`
      const rt = realtimeClient<typeof live>(url, { token: 'cyd', reconnect: false })
      try {
        const sub = rt.subscribe('notes')
        await sub.ready
        const id = await rt.call('addNote', { text: `note ${Math.random()}` })
        await eventually(() => sub.docs.some((doc) => doc._id === id), 'the new note in the subscription')
        await assert.rejects(
          rt.call('addNote', { text: '' }),
          (error: { status: number }) => error.status === 422,
        )
      } finally {
        rt.close()
      }
    },
  ],
]
