// Runs the modular taskboard: `npx tsx --conditions=source src/modules/main.ts` from examples/taskboard.
import { mkdirSync } from 'node:fs'
import { serve } from 'weft'
import { createModularApp } from './app.ts'

const url = process.env.DATABASE_URL ?? 'sqlite:./data/taskboard.db'
if (url.startsWith('sqlite:./data/')) mkdirSync('data', { recursive: true })
// serve() awaits the modules' start-up: the database is connected before the first request.
const server = await serve(createModularApp(url), {
  port: Number(process.env.PORT ?? 3000),
  hostname: process.env.HOST ?? '127.0.0.1',
  shutdownOnSignal: true,
})
console.log(`Taskboard (modules) on ${server.url} (data: ${url})`)
