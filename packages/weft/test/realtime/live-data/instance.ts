// One instance of the live-data test app as its own process, for the test that kills it:
// serves /live on $PORT (0: any) over the PostgreSQL store in $DATABASE_URL, prints its URL.
import { serve, weft } from 'weftjs'
import { connect } from 'weftjs/data'
import { makeLive } from './app.ts'

const db = await connect(process.env.DATABASE_URL!)
const { live } = makeLive(db, process.env.COLLECTION!)
const app = weft({ logger: false })
app.ws('/live', live)
const server = await serve(app, { port: Number(process.env.PORT ?? 0) })
console.log(`listening on ${server.url}`)
