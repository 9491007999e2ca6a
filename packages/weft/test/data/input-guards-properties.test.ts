// Property tests for the two guards of issue #9. (1) However JSON spells an operator
// key (each character literal or a \uXXXX escape, any hex case, at any depth of the
// value), a login route refuses it. (2) Whatever pattern a client sends as `$regex`,
// the query finishes within its bound on adversarial text, or is refused with 400.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { weft } from 'weftjs'
import { connect, DataError } from 'weftjs/data'
import { withServer } from '../helpers/server.ts'

const operators = [
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$regex',
  '$exists',
  '$or',
  '$and',
  '$nor',
  '$not',
  '$where',
  '$expr',
  '$function',
  '$elemMatch',
  '$all',
  '$size',
  '$type',
  '$mod',
  '$eq',
]

/** One character as JSON may write it: itself, or \uXXXX with either hex case. */
const spelledChar = (char: string) =>
  fc.oneof(
    fc.constant(char === '"' || char === '\\' ? `\\${char}` : char),
    fc.boolean().map((upper) => {
      const hex = char.charCodeAt(0).toString(16).padStart(4, '0')
      return `\\u${upper ? hex.toUpperCase() : hex}`
    }),
  )

const spelled = (key: string) => fc.tuple(...[...key].map(spelledChar)).map((chars) => chars.join(''))

const operatorKey = fc.oneof(
  fc.constantFrom(...operators),
  fc.stringMatching(/^[a-z]{1,8}$/).map((name) => `$${name}`),
)

/** `{"<key>":<operand>}`, wrapped in 0-3 levels of objects or arrays. */
const hostileValue = fc
  .tuple(
    operatorKey.chain(spelled),
    fc.constantFrom('null', '""', '"a"', '1', '[]', '["admin"]', '{}', 'true'),
    fc.array(fc.constantFrom('object', 'array'), { maxLength: 3 }),
  )
  .map(([key, operand, wrappers]) =>
    wrappers.reduce(
      (inner, wrapper) => (wrapper === 'array' ? `[${inner}]` : `{"k":${inner}}`),
      `{"${key}":${operand}}`,
    ),
  )

describe('input guards, as properties', () => {
  test('any JSON spelling of an operator key, at any depth, is refused by a login route', async () => {
    const db = await connect('memory:')
    const users = db.collection('users')
    await users.insertOne({ name: 'admin', password: 'correct horse' })
    const app = weft({ logger: false, dev: false })
    app.post('/login', async (ctx) => {
      const b = (await ctx.parseBody()) as { name: unknown; password: unknown }
      return { user: (await users.findOne({ name: b.name, password: b.password }))?.name ?? null }
    })
    await withServer(app, async ({ url }) => {
      await fc.assert(
        fc.asyncProperty(hostileValue, fc.boolean(), async (value, inName) => {
          const body = inName ? `{"name":${value},"password":"x"}` : `{"name":"admin","password":${value}}`
          const res = await fetch(`${url}/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          })
          const answer = await res.json()
          assert.equal(res.status, 400, body)
          assert.match(answer.code, /^WEFT_DATA_(OPERATOR_INJECTION|BAD_OPERATOR)$/, body)
        }),
        {
          numRuns: 300,
          examples: [
            ['{"\\u0024ne":null}', false],
            ['{"\\u0024or":[{}]}', true],
          ],
        },
      )
    })
    await db.close()
  })

  test('any $regex from input finishes within its bound on adversarial text, or is refused with 400', async () => {
    const db = await connect('memory:')
    const docs = db.collection('docs')
    await docs.insertMany([
      { bio: `${'a'.repeat(5_000)}!` },
      { bio: 'ab'.repeat(2_500) },
      { bio: `${'x'.repeat(2_500)}${' '.repeat(2_500)}y` },
    ])
    const token = fc.constantFrom(
      'a',
      'b',
      'x',
      ' ',
      '.',
      '*',
      '+',
      '?',
      '|',
      '(',
      ')',
      '(?:',
      '[ab]',
      '[^x]',
      '^',
      '$',
      '\\d',
      '\\w',
      '\\s',
      '{2}',
      '{1,9}',
      '{3,}',
      '\\1',
      '(?=a)',
    )
    const pattern = fc.array(token, { minLength: 1, maxLength: 24 }).map((parts) => parts.join(''))
    const boundMs = 1_000
    await fc.assert(
      fc.asyncProperty(pattern, async (source) => {
        const started = performance.now()
        try {
          await docs.find({ bio: { $regex: source } }).toArray()
        } catch (error) {
          assert.ok(error instanceof DataError, String(error))
          assert.equal(error.status, 400, `${source}: ${error.message}`)
        }
        const took = performance.now() - started
        assert.ok(took < boundMs, `${source} took ${took.toFixed(0)} ms`)
      }),
      {
        numRuns: 300,
        examples: [
          ['^(a|a)*$'],
          ['(a+)+$'],
          ['(a*)*b'],
          ['(.*a){9}'],
          ['(x+x+)+y'],
          ['(\\s*)*y$'],
          ['^(\\w+\\s?)*$'],
        ],
      },
    )
    await db.close()
  })
})
