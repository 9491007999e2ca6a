import assert from 'node:assert/strict'
import { uploadUntilAnswered } from '../../conformance/client.ts'
import { type BatteryCase, expectAnswer, postJson, sendRaw } from '../battery.ts'

const group = 'bodies'

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)

export const bodies: BatteryCase[] = [
  {
    group,
    name: 'JSON nested 10,000 deep',
    expected: '400 WEFT_BODY_TOO_DEEP',
    run: async (target) =>
      expectAnswer(await postJson(target, '/parse', nested(10_000)), 400, 'WEFT_BODY_TOO_DEEP'),
  },
  {
    group,
    name: 'JSON nested 1,000,000 deep (route limit 4 MiB)',
    expected: '400 WEFT_BODY_TOO_DEEP',
    run: async (target) =>
      expectAnswer(await postJson(target, '/parse-big', nested(1_000_000)), 400, 'WEFT_BODY_TOO_DEEP'),
  },
  {
    group,
    name: 'an array of 1,000,000 items (route limit 4 MiB)',
    expected: '200, parsed',
    run: async (target) => {
      const answer = await postJson(target, '/parse-big', `[${'0,'.repeat(999_999)}0]`)
      assert.equal(JSON.parse(answer.text).size, 1_000_000)
      return expectAnswer(answer, 200)
    },
  },
  {
    group,
    name: 'an object with 100,000 keys (route limit 4 MiB)',
    expected: '200, parsed',
    run: async (target) => {
      const keys = Array.from({ length: 100_000 }, (_, i) => `"k${i}":0`)
      const answer = await postJson(target, '/parse-big', `{${keys.join(',')}}`)
      assert.equal(JSON.parse(answer.text).size, 100_000)
      return expectAnswer(answer, 200)
    },
  },
  {
    group,
    name: 'JSON with invalid UTF-8',
    expected: '400',
    run: async (target) => {
      const bytes = new Uint8Array([...Buffer.from('{"a":"'), 0xff, 0xfe, 0xc0, 0xaf, ...Buffer.from('"}')])
      const answer = await postJson(target, '/parse', bytes)
      assert.equal(answer.status, 400, answer.text)
      return `400 ${answer.code}`
    },
  },
  {
    group,
    name: 'prototype keys at every depth',
    expected: '400 WEFT_PROTOTYPE_POLLUTION at each depth',
    run: async (target, scale) => {
      const depths = scale.full ? 250 : 20
      for (let depth = 0; depth < depths; depth++) {
        for (const poison of [
          '{"__proto__":{"polluted":1}}',
          '{"constructor":{"prototype":{"polluted":1}}}',
        ]) {
          const body = '{"a":'.repeat(depth) + poison + '}'.repeat(depth)
          const inArray = `[${'[{"a":'.repeat(depth)}${poison}${'}]'.repeat(depth)}]`
          for (const json of depth * 2 + 2 < 256 ? [body, inArray] : [body]) {
            expectAnswer(await postJson(target, '/parse', json), 400, 'WEFT_PROTOTYPE_POLLUTION')
          }
        }
      }
      return `400 WEFT_PROTOTYPE_POLLUTION at depths 0-${depths - 1}`
    },
  },
  {
    group,
    name: 'past the 1 MiB limit, content-length announced',
    expected: '413 before the body is sent',
    run: async (target) => {
      const head = `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: ${8 * 1024 * 1024}\r\n\r\n`
      const answer = await sendRaw(target, head, 3000)
      assert.equal(answer.status, 413, answer.text.slice(0, 300))
      return '413 WEFT_BODY_TOO_LARGE, before the body'
    },
  },
  {
    group,
    name: 'past the 1 MiB limit, chunked without content-length',
    expected: '413 while streaming',
    run: async (target) => {
      const { status, sent } = await uploadUntilAnswered(target, '/upload', 64 * 1024, 64)
      assert.equal(status, 413)
      assert.ok(sent < 4 * 1024 * 1024, `read all ${sent} bytes before answering`)
      return `413 after ${Math.round(sent / 1024)} KiB of 4096`
    },
  },
]
