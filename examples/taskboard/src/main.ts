import { mkdirSync } from 'node:fs'
import { serve } from 'weftjs'
import { createApp } from './app.ts'

const url = process.env.DATABASE_URL ?? 'sqlite:./data/taskboard.db'
if (url.startsWith('sqlite:./data/')) mkdirSync('data', { recursive: true })
// serve() awaits the modules' start-up: the database is connected before the first request,
// and SIGTERM/SIGINT let in-flight requests finish, then close the database.
// BROKER_URL (redis://, nats://) when several instances serve one database.
const server = await serve(createApp(url, { broker: process.env.BROKER_URL }), {
  port: Number(process.env.PORT ?? 3000),
  hostname: process.env.HOST ?? '127.0.0.1',
  shutdownOnSignal: true,
})
console.log(
  `Taskboard on ${server.url} (data: ${url}${process.env.BROKER_URL ? `, broker: ${process.env.BROKER_URL}` : ''})`,
)
