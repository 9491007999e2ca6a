import { connect } from 'weftjs/data'
const url = 'postgres://postgres@127.0.0.1:5432/test'
const db = await connect(`${url}?schema=weft_prof`)
const docs = db.collection('docs')
await docs.deleteMany({})
await docs.createIndex({ email: 1 }); await docs.createIndex({ age: -1 })
let n = 0
const batch = () => Array.from({ length: 1000 }, () => { const i = n++; return { _id: `u${i}`, email: `u${i}@x.io`, name: `User ${i}`, age: i % 100, score: i % 1000, tags: ['a', 'b'], profile: { city: `c${i % 50}`, active: i % 2 === 0 } } })
const batches = Array.from({ length: 60 }, batch)
const c0 = process.cpuUsage()
for (const b of batches) await docs.insertMany(b)
const c = process.cpuUsage(c0)
console.log('client cpu per batch', ((c.user + c.system) / 1000 / 60).toFixed(2), 'ms')
await db.close()
