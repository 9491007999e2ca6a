// The second process of the PostgreSQL convergence test: writes through its own
// connection what the parent sends, one JSON line per batch ({ collection, ops }), and
// answers "done" once the batch is committed.

import { createInterface } from 'node:readline'
import { connect } from 'weftjs/data'
import { applyOp, type Op } from './model.ts'

const db = await connect(process.argv[2])
process.stdout.write('ready\n')
for await (const line of createInterface({ input: process.stdin })) {
  const { collection, ops } = JSON.parse(line) as { collection: string; ops: Op[] }
  const tasks = db.collection(collection)
  await Promise.all(ops.map((write) => applyOp(tasks, write)))
  process.stdout.write('done\n')
}
await db.close()
