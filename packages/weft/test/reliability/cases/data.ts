import assert from 'node:assert/strict'
import { ask, type BatteryCase, expectAnswer, postJson } from '../battery.ts'

const group = 'data'

const nested = (operator: string, depth: number) =>
  `${`{"${operator}":[`.repeat(depth)}{"name":"ada"}${']}'.repeat(depth)}`

export const data: BatteryCase[] = [
  {
    group,
    name: 'operator injection through the body ($ne, and $ spelled \\u0024)',
    expected: '400 WEFT_DATA_OPERATOR_INJECTION',
    run: async (target) => {
      for (const body of [
        '{"name":"ada","password":{"$ne":null}}',
        '{"name":"ada","password":{"\\u0024ne":null}}',
        '{"name":{"$gt":""},"password":{"$regex":"."}}',
      ]) {
        expectAnswer(await postJson(target, '/d/login', body), 400, 'WEFT_DATA_OPERATOR_INJECTION')
      }
      return '400 WEFT_DATA_OPERATOR_INJECTION'
    },
  },
  {
    group,
    name: 'operator injection through the query',
    expected: '400 WEFT_DATA_OPERATOR_INJECTION ($where: WEFT_DATA_BAD_OPERATOR); plain keys 200',
    run: async (target) => {
      expectAnswer(await ask(target, '/d/users?%24where=1'), 400, 'WEFT_DATA_BAD_OPERATOR')
      expectAnswer(await ask(target, '/d/users?%24or=x'), 400, 'WEFT_DATA_OPERATOR_INJECTION')
      assert.equal(JSON.parse((await ask(target, '/d/users?name=ada')).text).count, 1)
      return '400 WEFT_DATA_OPERATOR_INJECTION'
    },
  },
  {
    group,
    name: 'operator injection through a path parameter',
    expected: '200, matched as a plain string (nothing found)',
    run: async (target) => {
      const answer = await ask(target, `/d/users/${encodeURIComponent('{"$ne":null}')}`)
      assert.deepEqual(JSON.parse(answer.text), { found: false })
      return expectAnswer(answer, 200)
    },
  },
  {
    group,
    name: '$and nested 200 deep (unmarked ctx.req.json())',
    expected: '400 WEFT_DATA_QUERY_TOO_LARGE',
    run: async (target) =>
      expectAnswer(
        await postJson(target, '/d/filter', nested('$and', 200)),
        400,
        'WEFT_DATA_QUERY_TOO_LARGE',
      ),
  },
  {
    group,
    name: '$or nested 10,000 deep',
    expected: '400: too deep for the body, too large for the query',
    run: async (target) => {
      const deep = nested('$or', 10_000)
      expectAnswer(await postJson(target, '/d/login', deep), 400, 'WEFT_BODY_TOO_DEEP')
      return expectAnswer(await postJson(target, '/d/filter', deep), 400, 'WEFT_DATA_QUERY_TOO_LARGE')
    },
  },
  {
    group,
    name: '$in with 20,000 items; 5,000 answered',
    expected: '400 WEFT_DATA_QUERY_TOO_LARGE past 10,000',
    run: async (target) => {
      const tags = (n: number) => JSON.stringify({ tags: Array.from({ length: n }, (_, i) => `t${i}`) })
      assert.equal(JSON.parse((await postJson(target, '/d/tags', tags(5000))).text).count, 0)
      return expectAnswer(await postJson(target, '/d/tags', tags(20_000)), 400, 'WEFT_DATA_QUERY_TOO_LARGE')
    },
  },
  {
    group,
    name: 'catastrophic $regex from input',
    expected: '200 in linear time; lookarounds and long patterns 400',
    run: async (target) => {
      const started = Date.now()
      for (const pattern of ['^(a|a)*$', '^(a+)+$', '^(a|aa)+$', '(.*a){20}']) {
        expectAnswer(await postJson(target, '/d/bio', JSON.stringify({ pattern })), 200)
      }
      const took = Date.now() - started
      assert.ok(took < 5000, `took ${took} ms`)
      expectAnswer(await postJson(target, '/d/bio', '{"pattern":"(?=a)a"}'), 400, 'WEFT_DATA_BAD_REGEX')
      expectAnswer(await postJson(target, '/d/bio', '{"pattern":"(a)\\\\1"}'), 400, 'WEFT_DATA_BAD_REGEX')
      const long = JSON.stringify({ pattern: 'a'.repeat(1000) })
      expectAnswer(await postJson(target, '/d/bio', long), 400, 'WEFT_DATA_BAD_REGEX')
      return `200 in ${took} ms for four; 400 WEFT_DATA_BAD_REGEX`
    },
  },
  {
    group,
    name: '$where, $function, $accumulator, $expr from input',
    expected: '400 WEFT_DATA_BAD_OPERATOR, never run',
    run: async (target) => {
      for (const filter of [
        '{"$where":"while(true){}"}',
        '{"$expr":{"$eq":["$name","ada"]}}',
        '{"name":{"$function":{"body":"function(){return true}","args":[],"lang":"js"}}}',
        '{"name":{"$accumulator":{}}}',
      ]) {
        const answer = await postJson(target, '/d/filter', filter)
        assert.equal(answer.status, 400, `${filter}: ${answer.text}`)
        assert.match(answer.code ?? '', /WEFT_DATA_BAD_OPERATOR|WEFT_DATA_/, filter)
      }
      return '400 WEFT_DATA_BAD_OPERATOR'
    },
  },
]
