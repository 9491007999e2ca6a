// Weft's memory store against the in-memory document stores people reach for:
// @seald-io/nedb (with indexes) and mingo over a plain array (no indexes).

import Datastore from '@seald-io/nedb'
import { Query, updateOne } from 'mingo'
import { connect } from 'weftjs/data'

export function nedb() {
  let db
  return {
    name: '@seald-io/nedb (memory)',
    async open() {
      db = new Datastore({ inMemoryOnly: true })
      await db.ensureIndexAsync({ fieldName: 'email' })
      await db.ensureIndexAsync({ fieldName: 'age' })
    },
    insertMany: (docs) => db.insertAsync(docs),
    findByEmail: (email) => db.findAsync({ email }),
    rangeTop: (lo, hi) =>
      db
        .findAsync({ age: { $gte: lo, $lt: hi } })
        .sort({ age: -1 })
        .limit(10),
    incScore: (id) => db.updateAsync({ _id: id }, { $inc: { score: 1 } }),
    async close() {},
  }
}

export function mingoArray() {
  let docs
  return {
    name: 'mingo (array, no index)',
    async open() {
      docs = []
    },
    async insertMany(batch) {
      docs.push(...batch.map((doc) => structuredClone(doc)))
    },
    async findByEmail(email) {
      return new Query({ email }).find(docs).all()
    },
    async rangeTop(lo, hi) {
      return new Query({ age: { $gte: lo, $lt: hi } }).find(docs).sort({ age: -1 }).limit(10).all()
    },
    async incScore(id) {
      updateOne(docs, { _id: id }, { $inc: { score: 1 } })
    },
    async close() {},
  }
}

export function weftMemory() {
  let db
  let docs
  return {
    name: 'Weft memory',
    async open() {
      db = await connect('memory:')
      docs = db.collection('docs')
      await docs.createIndex({ email: 1 })
      await docs.createIndex({ age: -1 })
    },
    insertMany: (batch) => docs.insertMany(batch),
    findByEmail: (email) => docs.find({ email }).toArray(),
    rangeTop: (lo, hi) =>
      docs.find({ age: { $gte: lo, $lt: hi } }, { sort: { age: -1 }, limit: 10 }).toArray(),
    incScore: (id) => docs.updateOne({ _id: id }, { $inc: { score: 1 } }),
    async close() {
      await db.close()
    },
  }
}
