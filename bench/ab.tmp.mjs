const oldData = await import('/work/wt/old/packages/weft/dist/data/index.js')
const newData = await import('/work/main/packages/weft/dist/data/index.js')
const size = Number(process.argv[2] ?? 10000)
const url = `postgres://postgres@127.0.0.1:5432/test?schema=weft_ab${size}&statementTimeout=0`
const seed = await newData.connect(url)
const seedDocs = seed.collection('docs')
if ((await seedDocs.estimatedDocumentCount()) < size) {
  await seedDocs.createIndex({ city: 1 })
  for (let i = 0; i < size; i += 1000) await seedDocs.insertMany(Array.from({ length: 1000 }, (_, k) => { const j = i + k; return { _id: `d${String(j).padStart(8, '0')}`, age: (j * 37) % 100, city: `c${(j * 7919) % 100}`, score: (j * 104729) % 1000 } }))
}
await seed.close()
const dbs = { old: await oldData.connect(url), new: await newData.connect(url) }
const queries = {
  'indexed+1': (c) => c.find({ city: 'c42', score: { $gt: 500 } }).toArray(),
  count: (c) => c.countDocuments({ city: 'c42', score: { $gt: 500 } }),
  scan: (c) => c.find({ age: { $gte: 50 } }, { sort: { score: -1, _id: 1 }, limit: 10 }).toArray(),
}
for (const [q, run] of Object.entries(queries)) {
  const t = { old: [], new: [] }
  for (const name of ['old', 'new']) await run(dbs[name].collection('docs'))
  for (let round = 0; round < 30; round++) {
    for (const name of round % 2 ? ['old', 'new'] : ['new', 'old']) {
      const c = dbs[name].collection('docs')
      const t0 = performance.now()
      const reps = q === 'scan' ? 2 : 20
      for (let i = 0; i < reps; i++) await run(c)
      t[name].push((performance.now() - t0) / reps)
    }
  }
  const med = (a) => a.sort((x, y) => x - y)[a.length >> 1]
  console.log(size, q, 'old', med(t.old).toFixed(3), 'new', med(t.new).toFixed(3), 'new/old', (med(t.new) / med(t.old)).toFixed(2))
}
for (const db of Object.values(dbs)) await db.close()
