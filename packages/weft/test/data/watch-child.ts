// Child process of the cross-process watch test: writes through its own connection.

import { connect } from 'weftjs/data'

const db = await connect(process.argv[2])
const notes = db.collection('notes')
await notes.insertOne({ _id: 'w1', text: 'hello' })
await notes.updateOne({ _id: 'w1' }, { $set: { text: 'hello again' } })
// Too big for a NOTIFY payload: the watching side fetches it by id.
await notes.insertOne({ _id: 'w2', text: 'x'.repeat(20_000) })
await notes.deleteOne({ _id: 'w1' })
// A batch is announced by ids, in several notifications.
await notes.insertMany(
  Array.from({ length: 300 }, (_, i) => ({
    _id: `batch-${String(i).padStart(3, '0')}-${'x'.repeat(40)}`,
    n: i,
  })),
)
await db.close()
process.stdout.write('done\n')
