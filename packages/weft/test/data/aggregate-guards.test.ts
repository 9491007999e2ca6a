// Pipelines get the guards filters get, whoever wrote them: no server-side code, bounded
// size and nesting, linear-time regular expressions, and no operators from untrusted input.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Collection, connect, type Db, MAX_PIPELINE_STAGES, untrusted } from 'weftjs/data'

let db: Db
let items: Collection

before(async () => {
  db = await connect('memory:')
  items = db.collection('items')
  await items.insertMany([
    { _id: 1, name: 'ann', password: 'secret' },
    { _id: 2, name: 'bo', password: 'hunter2' },
  ])
})
after(() => db.close())

const run = (pipeline: Record<string, unknown>[], options = {}) =>
  items.aggregate(pipeline, options).toArray()

describe('aggregate() refuses code-running operators wherever they appear', () => {
  for (const [label, pipeline] of [
    ['$where in $match', [{ $match: { $where: 'sleep(1000)' } }]],
    ['$expr in $match', [{ $match: { $expr: { $gt: ['$a', 1] } } }]],
    [
      '$function in $project',
      [{ $project: { x: { $function: { body: 'return 1', args: [], lang: 'js' } } } }],
    ],
    ['$accumulator in $group', [{ $group: { _id: null, x: { $accumulator: { init: 'function(){}' } } } }]],
    ['$function inside $facet', [{ $facet: { a: [{ $addFields: { x: { $function: {} } } }] } }]],
  ] as const) {
    test(label, async () => {
      assert.throws(() => items.aggregate(pipeline as never, { allowOperators: true }), {
        code: 'WEFT_DATA_BAD_OPERATOR',
        status: 400,
      })
    })
  }

  test('unknown stages and operators, writes ($out, $merge) and $lookup pipelines are refused', () => {
    for (const stage of [{ $out: 'stolen' }, { $merge: { into: 'x' } }, { $graphLookup: {} }]) {
      assert.throws(() => items.aggregate([stage]), { code: 'WEFT_DATA_BAD_OPERATOR' })
    }
    assert.throws(() => items.aggregate([{ $project: { x: { $eval: '1' } } }]), {
      code: 'WEFT_DATA_BAD_OPERATOR',
    })
    assert.throws(() => items.aggregate([{ $project: { x: { $nope: 1 } } }]), {
      code: 'WEFT_DATA_BAD_OPERATOR',
    })
    assert.throws(() => items.aggregate([{ $lookup: { from: 'users', pipeline: [], as: 'x' } }]), {
      code: 'WEFT_DATA_BAD_QUERY',
    })
  })
})

describe('aggregate() is bounded', () => {
  test(`at most ${MAX_PIPELINE_STAGES} stages, $facet sub-pipelines included`, async () => {
    const stages = Array.from({ length: MAX_PIPELINE_STAGES }, () => ({ $skip: 0 }))
    assert.equal((await run(stages)).length, 2)
    assert.throws(() => items.aggregate([...stages, { $skip: 0 }]), { code: 'WEFT_DATA_QUERY_TOO_LARGE' })
    assert.throws(() => items.aggregate([{ $facet: { a: stages } }]), { code: 'WEFT_DATA_QUERY_TOO_LARGE' })
  })

  test('nesting and list sizes are bounded without overflowing the stack', () => {
    let deep: unknown = 1
    for (let i = 0; i < 10_000; i++) deep = { $add: [deep] }
    assert.throws(() => items.aggregate([{ $project: { x: deep } }]), { code: 'WEFT_DATA_QUERY_TOO_LARGE' })
    const long = Array.from({ length: 10_001 }, () => 1)
    assert.throws(() => items.aggregate([{ $project: { x: { $add: long } } }]), {
      code: 'WEFT_DATA_QUERY_TOO_LARGE',
    })
  })

  test('$regex in $match and $regexMatch run in linear time and are length-limited', async () => {
    const evil = `^(a|a)*${'$'}`
    const started = Date.now()
    await items.insertOne({ _id: 3, name: `${'a'.repeat(40)}!` })
    assert.deepEqual(await run([{ $match: { name: { $regex: evil } } }]), [])
    const matched = await run([{ $project: { m: { $regexMatch: { input: '$name', regex: evil } } } }])
    assert.deepEqual(
      matched.map((doc) => doc.m),
      [false, false, false],
    )
    assert.ok(Date.now() - started < 2000, 'a catastrophic pattern must not backtrack')
    await items.deleteOne({ _id: 3 })
    assert.throws(
      () =>
        items.aggregate([{ $project: { m: { $regexMatch: { input: '$name', regex: 'a'.repeat(300) } } } }]),
      {
        code: 'WEFT_DATA_BAD_REGEX',
      },
    )
    assert.throws(() => items.aggregate([{ $match: { name: { $regex: '(a)\\1' } } }]), {
      code: 'WEFT_DATA_BAD_REGEX',
    })
  })
})

describe('aggregate() and operator injection', () => {
  test('$match follows the filter rule: an operator object in a value position is refused', () => {
    const body = JSON.parse('{ "password": { "$ne": null } }')
    assert.throws(() => items.aggregate([{ $match: { name: 'ann', password: { $eq: body.password } } }]), {
      code: 'WEFT_DATA_OPERATOR_INJECTION',
    })
  })

  test('untrusted input may bring neither operators nor field references', async () => {
    const stage = untrusted(JSON.parse('{ "$match": { "password": { "$ne": null } } }'))
    assert.throws(() => items.aggregate([stage]), { code: 'WEFT_DATA_OPERATOR_INJECTION' })
    const fields = untrusted(JSON.parse('{ "leak": "$password" }'))
    assert.throws(() => items.aggregate([{ $addFields: fields }]), { code: 'WEFT_DATA_OPERATOR_INJECTION' })
    const plain = untrusted(JSON.parse('{ "name": "ann" }'))
    assert.deepEqual(
      (await run([{ $match: plain }, { $project: { name: 1 } }])).map((doc) => doc.name),
      ['ann'],
    )
  })

  test('allowOperators accepts operators from input on purpose', async () => {
    const stage = untrusted(JSON.parse('{ "$match": { "password": { "$ne": null } } }'))
    assert.equal((await run([stage], { allowOperators: true })).length, 2)
  })
})
