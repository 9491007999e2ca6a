// Child process of the realtime method durability tests: serves a realtime endpoint whose
// method inserts a document (and updates the even ones) on the store at argv[2], and
// prints its URL. The parent calls it over a real client and SIGKILLs this process.

import { serve, weft } from 'weftjs'
import { connect } from 'weftjs/data'
import { realtime } from 'weftjs/realtime'
import { z } from 'zod'

const db = await connect(process.argv[2]!)
const docs = db.collection('durability')
const pad = 'x'.repeat(200)

export const live = realtime({ logger: false }).method(
  'write',
  { args: z.object({ n: z.number().int() }) },
  async (_conn, { n }) => {
    await docs.insertOne({ _id: n, n, pad })
    if (n % 2 === 0) await docs.updateOne({ _id: n }, { $set: { updated: true } })
    return n
  },
)

const app = weft({ logger: false })
app.ws('/live', live)
const server = await serve(app, { port: 0 })
process.stdout.write(`listening ${server.url}\n`)
