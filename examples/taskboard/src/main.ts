import { mkdirSync } from 'node:fs'
import { serve } from 'weft'
import { connect } from 'weft/data'
import { createApp } from './app.ts'

const url = process.env.DATABASE_URL ?? 'sqlite:./data/taskboard.db'
if (url.startsWith('sqlite:./data/')) mkdirSync('data', { recursive: true })
const db = await connect(url)
const server = await serve(createApp(db), {
  port: Number(process.env.PORT ?? 3000),
  hostname: process.env.HOST ?? '127.0.0.1',
})
console.log(`Taskboard on ${server.url} (data: ${url})`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await server.close()
    await db.close()
    process.exit(0)
  })
}
