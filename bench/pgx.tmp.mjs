import { connect } from 'weftjs/data'
const growthDoc = (i) => ({ _id: 'd' + String(i).padStart(8, '0'), age: (i * 37) % 100, city: 'c' + ((i * 7919) % 100), score: (i * 104729) % 1000 })
const db = await connect(`postgres://postgres@127.0.0.1:5432/test?schema=weft_x&statementTimeout=0`)
const docs = db.collection('docs')
if ((await docs.estimatedDocumentCount()) === 0) {
  await docs.createIndex({ city: 1 })
  for (let i = 0; i < 10000; i += 1000) await docs.insertMany(Array.from({ length: 1000 }, (_, k) => growthDoc(i + k)))
}
const e1 = await docs.find({ city: 'c42', score: { $gt: 500 } }).explain()
console.log(JSON.stringify(e1, null, 1))
const e2 = await docs.find({ age: { $gte: 50 } }, { sort: { score: -1, _id: 1 }, limit: 10 }).explain()
console.log(JSON.stringify(e2, null, 1))
await db.close()
