// populate: declared references replaced by their documents, batched (one query per
// referenced collection for the whole result), with projection, on every store.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Db, type Filter, type FindOptions, type Store, type StoreCollection } from 'weftjs/data'
import { testStores } from './test-stores.ts'

/** A Db whose store counts the finds per collection. */
async function counting(open: () => Promise<Db>): Promise<{ db: Db; finds: string[] }> {
  const inner = (await open()).store
  const finds: string[] = []
  const store: Store = {
    kind: inner.kind,
    collection(name) {
      const target = inner.collection(name)
      return new Proxy(target, {
        get(object, key) {
          if (key === 'find')
            return (filter: Filter, options: FindOptions) => {
              finds.push(name)
              return object.find(filter, options)
            }
          const value = Reflect.get(object, key)
          return typeof value === 'function' ? value.bind(object) : value
        },
      }) as StoreCollection
    },
    transaction: (fn) => inner.transaction(fn),
    ping: () => inner.ping(),
    close: () => inner.close(),
  }
  return { db: new Db(store), finds }
}

for (const store of await testStores('populate')) {
  describe(`populate on ${store.name}`, { skip: store.skip }, () => {
    const setup = async () => {
      const { db, finds } = await counting(() => store.connect())
      const users = db.collection('users')
      const tags = db.collection('tags')
      const posts = db.collection('posts', undefined, {
        refs: { author: 'users', tags: 'tags', 'comments.by': 'users' },
      })
      await users.insertMany([
        { _id: 'u1', name: 'Ann', email: 'ann@x' },
        { _id: 'u2', name: 'Bo', email: 'bo@x' },
      ])
      await tags.insertMany([
        { _id: 1, label: 'news' },
        { _id: 2, label: 'tech' },
      ])
      await posts.insertMany([
        { _id: 'p1', author: 'u1', tags: [2, 9, 1], comments: [{ by: 'u2', text: 'hi' }, { by: 'u1' }] },
        { _id: 'p2', author: 'u2', tags: [] },
        { _id: 'p3', author: 'gone' },
      ])
      finds.length = 0
      return { db, finds, posts }
    }

    test('replaces ids by documents, one query per referenced collection', async () => {
      const { db, finds, posts } = await setup()
      const out = await posts
        .find({}, { sort: { _id: 1 }, populate: ['author', 'tags', 'comments.by'] })
        .toArray()
      assert.deepEqual(out[0], {
        _id: 'p1',
        author: { _id: 'u1', name: 'Ann', email: 'ann@x' },
        tags: [
          { _id: 2, label: 'tech' },
          { _id: 1, label: 'news' },
        ],
        comments: [
          { by: { _id: 'u2', name: 'Bo', email: 'bo@x' }, text: 'hi' },
          { by: { _id: 'u1', name: 'Ann', email: 'ann@x' } },
        ],
      })
      assert.deepEqual(out[1].author, { _id: 'u2', name: 'Bo', email: 'bo@x' })
      assert.deepEqual(out[1].tags, [])
      assert.equal(out[2].author, null, 'a missing referenced document becomes null')
      assert.deepEqual(finds.sort(), ['posts', 'tags', 'users'], 'never one query per document')
      await db.close()
    })

    test('with a projection of the referenced documents; findOne too', async () => {
      const { db, posts } = await setup()
      const post = await posts.findOne({ _id: 'p1' }, { populate: { author: { name: 1 } } })
      assert.deepEqual(post?.author, { _id: 'u1', name: 'Ann' })
      const hidden = await posts.findOne({ _id: 'p2' }, { populate: { author: { email: 0 } } })
      assert.deepEqual(hidden?.author, { _id: 'u2', name: 'Bo' })
      await db.close()
    })

    test('an undeclared path is refused up front', async () => {
      const { db, posts } = await setup()
      assert.throws(() => posts.find({}, { populate: 'editor' }), /declare it with the collection/)
      await db.close()
    })
  })
}
