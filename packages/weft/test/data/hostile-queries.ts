// The probe that found issue #9, as users write apps: a login route doing
// `users.findOne({ name: b.name, password: b.password })` on `await ctx.parseBody()`, a
// search route doing `notes.find(b.filter)`, an admin search with `allowOperators`.
// Each case sends what an attacker sends over a real socket. Run per store.

import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { type Logger, type Server, weft } from 'weftjs'
import type { Db } from 'weftjs/data'
import { z } from 'zod'
import { withServer } from '../helpers/server.ts'

interface Logged {
  level: string
  fields: Record<string, unknown>
}

function recordingLogger(into: Logged[]): Logger {
  const at = (level: string) => (fields: object) =>
    into.push({ level, fields: fields as Record<string, unknown> })
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') }
}

/** A naive app over `db`, served for the duration of `run`. */
async function withNaiveApp(db: Db, logs: Logged[], run: (server: Server) => Promise<void>): Promise<void> {
  const suffix = Math.random().toString(36).slice(2, 8)
  const users = db.collection(`users_${suffix}`)
  const notes = db.collection(`notes_${suffix}`)
  const profiles = db.collection(`profiles_${suffix}`)
  await profiles.insertOne({ _id: 'me', name: 'ada' })
  await users.insertMany([
    { name: 'admin', password: 'correct horse', bio: 'a'.repeat(41) },
    { name: 'ada', password: 'secret', bio: 'b' },
  ])
  await notes.insertMany(Array.from({ length: 50 }, (_, i) => ({ n: i, tag: i % 2 ? 'odd' : 'even' })))
  const app = weft({ logger: recordingLogger(logs), dev: false })
  app.post('/login', async (ctx) => {
    const b = (await ctx.parseBody()) as { name: unknown; password: unknown }
    const user = await users.findOne({ name: b.name, password: b.password })
    return { user: user?.name ?? null }
  })
  app.post('/search', async (ctx) => {
    const b = (await ctx.parseBody()) as { filter: never }
    return (await notes.find(b.filter).toArray()).length
  })
  // A schema that lets any object through: its output is a new object, still refused.
  const Search = z.object({ filter: z.record(z.string(), z.unknown()) })
  app.post('/validated-search', { body: Search }, async (ctx) => {
    return (await notes.find(ctx.body.filter).toArray()).length
  })
  app.post('/raw-search', async (ctx) => {
    const b = (await ctx.req.json()) as { filter: never }
    return (await notes.find(b.filter).toArray()).length
  })
  app.post('/admin/notes', async (ctx) => {
    const b = (await ctx.parseBody()) as { filter: never }
    return (await notes.find(b.filter, { allowOperators: true }).toArray()).length
  })
  app.post('/notes', async (ctx) => {
    const { insertedId } = await notes.insertOne((await ctx.parseBody()) as never)
    return ctx.json({ id: insertedId }, 201)
  })
  // `$set: body`: the body guard refuses a `__proto__` key, not a dotted path through one.
  app.patch('/profiles/:id', async (ctx) => {
    const set = (await ctx.parseBody()) as Record<string, unknown>
    return (await profiles.updateOne({ _id: ctx.params.id }, { $set: set })).modifiedCount
  })
  app.get('/profiles/:id', async (ctx) => profiles.findOne({ _id: ctx.params.id }))
  app.get('/notes', async (ctx) => (await notes.find(ctx.query as never).toArray()).length)
  app.post('/admin/users', { bodyLimit: 8 * 1024 * 1024 }, async (ctx) => {
    const b = (await ctx.parseBody()) as { filter: never }
    return (await users.find(b.filter, { allowOperators: true }).toArray()).map((u) => u.name)
  })
  await withServer(app, run)
}

function postJson(url: string, body: string, method = 'POST'): Promise<Response> {
  return fetch(url, { method, headers: { 'content-type': 'application/json' }, body })
}

const patchJson = (url: string, body: string) => postJson(url, body, 'PATCH')

export async function runHostileQueries(t: TestContext, makeDb: () => Promise<Db>): Promise<void> {
  const db = await makeDb()
  const logs: Logged[] = []
  try {
    await withNaiveApp(db, logs, async ({ url }) => {
      await t.test('operator injection is refused however the "$" is spelled in JSON', async () => {
        const ok = await postJson(`${url}/login`, '{"name":"admin","password":"correct horse"}')
        assert.deepEqual(await ok.json(), { user: 'admin' })
        const attacks = [
          '{"name":"admin","password":{"\\u0024ne":null}}',
          '{"name":"admin","password":{"\\u0024gt":""}}',
          '{"name":"admin","password":{"\\u0024regex":"."}}',
          '{"name":"admin","password":{"$ne":null}}',
          '{"name":{"\\u0024in":["admin"]},"password":{"\\u0024exists":true}}',
          '{"name":"admin","password":{"\\u0024NE":null,"\\u0024ne":null}}',
        ]
        for (const body of attacks) {
          const res = await postJson(`${url}/login`, body)
          assert.equal(res.status, 400, body)
          const problem = await res.json()
          assert.match(problem.code, /^WEFT_DATA_(OPERATOR_INJECTION|BAD_OPERATOR)$/, body)
        }
        const or = await postJson(`${url}/search`, '{"filter":{"\\u0024or":[{"n":1},{"n":2}]}}')
        assert.equal(or.status, 400)
        assert.equal((await or.json()).code, 'WEFT_DATA_OPERATOR_INJECTION')
        const validated = await postJson(`${url}/validated-search`, '{"filter":{"\\u0024or":[{"n":1}]}}')
        assert.equal(validated.status, 400)
        assert.equal((await validated.json()).code, 'WEFT_DATA_OPERATOR_INJECTION')
        const nested = await postJson(`${url}/validated-search`, '{"filter":{"n":{"\\u0024gt":1}}}')
        assert.equal(nested.status, 400)
        // Without operators, a filter from the body still works: plain equality.
        const plain = await postJson(`${url}/search`, '{"filter":{"tag":"odd"}}')
        assert.equal(await plain.json(), 25)
      })

      await t.test(
        'server-side code, a non-object filter and ?$where=1 answer 400, logged below error',
        async () => {
          logs.length = 0
          for (const op of ['$where', '$function', '$accumulator', '$expr']) {
            const res = await postJson(`${url}/admin/users`, JSON.stringify({ filter: { [op]: '1' } }))
            assert.equal(res.status, 400, op)
            assert.equal((await res.json()).code, 'WEFT_DATA_BAD_OPERATOR', op)
            const nested = await postJson(
              `${url}/admin/users`,
              JSON.stringify({ filter: { n: { [op]: 1 } } }),
            )
            assert.equal(nested.status, 400, op)
          }
          for (const filter of ['1', '"x"', '[1]', 'true']) {
            const res = await postJson(`${url}/search`, `{"filter":${filter}}`)
            assert.equal(res.status, 400, filter)
            assert.equal((await res.json()).code, 'WEFT_DATA_BAD_QUERY', filter)
          }
          for (const query of ['$where=1', '%24where=1', '$or=1', 'tag[$ne]=odd']) {
            const res = await fetch(`${url}/notes?${query}`)
            assert.equal(res.status, query.startsWith('tag') ? 200 : 400, query)
            await res.arrayBuffer()
          }
          // A document whose field names read as operators, or whose _id is no id.
          for (const doc of [
            '{"\\u0024set":{"admin":true}}',
            '{"a":{"$gt":1}}',
            '{"_id":{}}',
            '{"_id":""}',
          ]) {
            const res = await postJson(`${url}/notes`, doc)
            assert.equal(res.status, 400, doc)
            assert.match((await res.json()).code, /^WEFT_DATA_BAD_(FIELD|ID)$/, doc)
          }
          assert.deepEqual(
            logs.filter((entry) => entry.level === 'error'),
            [],
            'client errors are not logged as errors',
          )
          assert.ok(logs.some((entry) => entry.level === 'debug' && entry.fields.status === 400))
        },
      )

      await t.test('a path through __proto__ answers 400 and changes no prototype', async () => {
        for (const body of [
          '{"__proto__.polluted":true}',
          '{"a.__proto__.polluted":true}',
          '{"a.__proto__":{"polluted":true}}',
        ]) {
          const res = await patchJson(`${url}/profiles/me`, body)
          assert.equal(res.status, 400, body)
          assert.equal((await res.json()).code, 'WEFT_DATA_BAD_FIELD', body)
        }
        const search = await postJson(`${url}/search`, '{"filter":{"__proto__.polluted":true}}')
        assert.equal(search.status, 400)
        assert.equal(({} as Record<string, unknown>).polluted, undefined)
        // `constructor` and `prototype` are field names like any other: written and read as
        // the document's own fields, never the ones objects inherit.
        const own = await patchJson(`${url}/profiles/me`, '{"constructor.prototype.polluted":true}')
        assert.equal(await own.json(), 1)
        assert.equal(({} as Record<string, unknown>).polluted, undefined)
        const read = await (await fetch(`${url}/profiles/me`)).json()
        assert.deepEqual(read.constructor, { prototype: { polluted: true } })
      })

      await t.test('__proto__ is refused wherever a field name goes, in code as from input', async () => {
        const things = db.collection(`things_${Date.now().toString(36)}`)
        await things.insertOne({ _id: 1, tags: ['a'], meta: { n: 1 } })
        const proto = (json: string) => JSON.parse(json) as never
        // `async`: a cursor's checks throw at once, and rejects() wants a rejection.
        const refusals: [string, () => Promise<unknown>][] = [
          ['insert', async () => things.insertOne(proto('{"__proto__":{"x":1}}'))],
          ['nested insert', async () => things.insertOne(proto('{"a":[{"__proto__":{"x":1}}]}'))],
          ['replace', async () => things.replaceOne({ _id: 1 }, proto('{"meta":{"__proto__":{}}}'))],
          ['filter', async () => things.find(proto('{"meta.__proto__.x":1}')).toArray()],
          ['filter value', async () => things.find(proto('{"meta":{"__proto__":{}}}')).toArray()],
          ['$inc', async () => things.updateOne({ _id: 1 }, proto('{"$inc":{"__proto__.n":1}}'))],
          ['$set value', async () => things.updateOne({ _id: 1 }, proto('{"$set":{"m":{"__proto__":{}}}}'))],
          ['$rename', async () => things.updateOne({ _id: 1 }, { $rename: { meta: '__proto__' } })],
          [
            'upsert',
            async () => things.updateOne(proto('{"__proto__.x":2}'), { $set: { y: 1 } }, { upsert: true }),
          ],
          ['projection', async () => things.find({}, { projection: proto('{"__proto__":1}') }).toArray()],
          ['sort', async () => things.find({}, { sort: proto('{"meta.__proto__":1}') }).toArray()],
          ['distinct', async () => things.distinct('__proto__.x')],
          ['index', async () => things.createIndex(proto('{"__proto__":1}'))],
          [
            '$addFields',
            async () => things.aggregate(proto('[{"$addFields":{"__proto__":{"x":1}}}]')).toArray(),
          ],
          [
            '$group',
            async () => things.aggregate(proto('[{"$group":{"_id":null,"__proto__":{"$sum":1}}}]')).toArray(),
          ],
          ['$project', async () => things.aggregate(proto('[{"$project":{"meta.__proto__":1}}]')).toArray()],
          ['reference', async () => things.aggregate([{ $project: { x: '$meta.__proto__' } }]).toArray()],
          [
            '$unwind',
            async () =>
              things.aggregate([{ $unwind: { path: '$tags', includeArrayIndex: '__proto__' } }]).toArray(),
          ],
          ['$count', async () => things.aggregate([{ $count: '__proto__' }]).toArray()],
          [
            '$lookup',
            async () =>
              things
                .aggregate([
                  { $lookup: { from: things.name, localField: '_id', foreignField: '_id', as: '__proto__' } },
                ])
                .toArray(),
          ],
        ]
        for (const [what, run] of refusals) {
          await assert.rejects(run, { code: 'WEFT_DATA_BAD_FIELD' }, what)
        }
        assert.equal(({} as Record<string, unknown>).x, undefined)
        assert.equal(({} as Record<string, unknown>).n, undefined)
        // Inherited names are no fields: `constructor` is missing until a document holds it.
        assert.deepEqual(await things.find({ constructor: { $exists: true } }).toArray(), [])
        const projection = { constructor: 1 as const }
        assert.deepEqual(await things.find({}, { projection }).toArray(), [{ _id: 1 }])
        await things.updateOne({ _id: 1 }, { $set: { 'constructor.prototype.x': 1 } })
        assert.equal(({} as Record<string, unknown>).x, undefined)
        const [doc] = await things.find({ 'constructor.prototype.x': 1 }).toArray()
        assert.deepEqual(doc, { _id: 1, tags: ['a'], meta: { n: 1 }, constructor: { prototype: { x: 1 } } })
        const [grouped] = await things
          .aggregate([{ $project: { c: '$constructor.prototype.x', t: '$toString' } }])
          .toArray()
        assert.deepEqual(grouped, { _id: 1, c: 1 })
      })

      await t.test('a filter nested past 100 levels answers 400 (even from ctx.req.json())', async () => {
        // Two JSON levels per filter level: 110 filter levels stay within the body's 256.
        const deep = (levels: number) => `${'{"$and":['.repeat(levels)}{"a":1}${']}'.repeat(levels)}`
        const res = await postJson(`${url}/admin/users`, `{"filter":${deep(110)}}`)
        assert.equal(res.status, 400)
        assert.equal((await res.json()).code, 'WEFT_DATA_QUERY_TOO_LARGE')
        // 10,000 deep through an unguarded entry point: no stack overflow, still 400.
        const value = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`
        const raw = await postJson(`${url}/raw-search`, `{"filter":{"x":${value}}}`)
        assert.equal(raw.status, 400)
        assert.equal((await raw.json()).code, 'WEFT_DATA_QUERY_TOO_LARGE')
        const fine = await postJson(`${url}/admin/users`, `{"filter":${deep(20)}}`)
        assert.equal(fine.status, 200)
      })

      await t.test('huge operator lists answer 400; long ones below the cap work', async () => {
        const list = (n: number) => Array.from({ length: n }, (_, i) => i)
        for (const n of [70_000, 100_000]) {
          const res = await postJson(
            `${url}/admin/users`,
            JSON.stringify({ filter: { n: { $in: list(n) } } }),
          )
          assert.equal(res.status, 400, String(n))
          assert.equal((await res.json()).code, 'WEFT_DATA_QUERY_TOO_LARGE')
          const or = list(n).map((i) => ({ n: i }))
          const res2 = await postJson(`${url}/admin/users`, JSON.stringify({ filter: { $or: or } }))
          assert.equal(res2.status, 400)
          await res2.arrayBuffer()
        }
        const search = (filter: unknown) =>
          fetch(`${url}/admin/notes`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ filter }),
          })
        // Past SQLite's expression depth (1,000): these answered 500 before.
        assert.equal(await (await search({ n: { $in: list(5_000) } })).json(), 50)
        const ids = list(5_000).map((i) => `id${i}`)
        assert.equal(await (await search({ _id: { $in: ids } })).json(), 0)
        assert.equal(await (await search({ n: { $nin: list(10_000) } })).json(), 0)
      })

      await t.test('a catastrophic $regex answers at once and the process keeps serving', async () => {
        const started = Date.now()
        const slow = postJson(`${url}/admin/users`, '{"filter":{"bio":{"$regex":"^(a|a)*$"}}}')
        const other = fetch(`${url}/notes?tag=odd`)
        assert.equal(await (await other).json(), 25)
        const res = await slow
        assert.equal(res.status, 200)
        assert.deepEqual(await res.json(), ['admin'])
        const nested = await postJson(`${url}/admin/users`, '{"filter":{"bio":{"$regex":"^(a+)+$"}}}')
        assert.deepEqual(await nested.json(), ['admin'])
        assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`)
        // Through the injection route too: refused outright.
        const injected = await postJson(
          `${url}/login`,
          '{"name":"admin","password":{"\\u0024regex":"^(a|a)*$"}}',
        )
        assert.equal(injected.status, 400)
        for (const pattern of ['(a)\\\\1', 'a(?=b)', 'x{1000}', 'a'.repeat(300)]) {
          const bad = await postJson(`${url}/admin/users`, `{"filter":{"bio":{"$regex":"${pattern}"}}}`)
          assert.equal(bad.status, 400, pattern)
          assert.equal((await bad.json()).code, 'WEFT_DATA_BAD_REGEX', pattern)
        }
      })
    })
  } finally {
    await db.close()
  }
}
