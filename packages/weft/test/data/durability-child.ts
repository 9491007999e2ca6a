// Child process of the durability tests: inserts documents one by one, for ever, and
// prints the `_id` of each insert only after the store acknowledged it. The parent kills
// it with SIGKILL at some point and checks every printed id survived.

import { connect } from 'weftjs/data'

const db = await connect(process.argv[2])
const docs = db.collection('durability')
const pad = 'x'.repeat(200)
for (let i = 1; ; i++) {
  await docs.insertOne({ _id: i, n: i, pad })
  if (i % 2 === 0) await docs.updateOne({ _id: i }, { $set: { updated: true } })
  process.stdout.write(`ack ${i}\n`)
}
