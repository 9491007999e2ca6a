// Run by transaction-scope.test.ts in a process of its own, on the store at argv[2]:
// prints whether promises carry async context (an async id of their own) before any
// transaction, inside one, and after transactions have ended, each line as JSON.

import { executionAsyncId } from 'node:async_hooks'
import { connect } from 'weftjs/data'

// 0 when no async hook runs: a promise continuation then has no async id of its own.
async function promiseAsyncId(): Promise<number> {
  await null
  return executionAsyncId()
}

const db = await connect(process.argv[2])
const notes = db.collection('notes')
const before = await promiseAsyncId()
let inside = 0
await notes.createIndex({ text: 1 })
await db.transaction(async () => {
  await notes.insertOne({ _id: 'a', text: 'kept' })
  inside = await promiseAsyncId()
})
const after = await promiseAsyncId()
await db.close()
console.log(JSON.stringify({ before, inside, after }))
