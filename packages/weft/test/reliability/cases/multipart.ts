import assert from 'node:assert/strict'
import { ask, type BatteryCase, describeAnswer, expectAnswer } from '../battery.ts'

const group = 'multipart'
const boundary = 'battery-boundary'

/** A multipart body of `parts`, each `[headers, content]`; `closed: false` leaves off the last boundary. */
function multipart(parts: [string, string][], closed = true) {
  const body = parts.map(([headers, content]) => `--${boundary}\r\n${headers}\r\n\r\n${content}\r\n`).join('')
  return closed ? `${body}--${boundary}--\r\n` : body
}

const field = (name: string) => `Content-Disposition: form-data; name="${name}"`
const file = (name: string) =>
  `Content-Disposition: form-data; name="${name}"; filename="f.txt"\r\nContent-Type: text/plain`

function postForm(target: Parameters<typeof ask>[0], body: string) {
  return ask(target, '/form', {
    method: 'POST',
    body,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  })
}

export const multipartBombs: BatteryCase[] = [
  {
    group,
    name: '10,000 tiny fields',
    expected: '413 WEFT_TOO_MANY_FIELDS (default 100)',
    run: async (target) => {
      const parts = Array.from({ length: 10_000 }, (_, i): [string, string] => [field(`f${i}`), 'x'])
      return expectAnswer(await postForm(target, multipart(parts)), 413, 'WEFT_TOO_MANY_FIELDS')
    },
  },
  {
    group,
    name: '1,000 empty files',
    expected: '413 WEFT_TOO_MANY_FILES (default 10)',
    run: async (target) => {
      const parts = Array.from({ length: 1000 }, (_, i): [string, string] => [file(`f${i}`), ''])
      return expectAnswer(await postForm(target, multipart(parts)), 413, 'WEFT_TOO_MANY_FILES')
    },
  },
  {
    group,
    name: 'one 900 KiB field',
    expected: '413 WEFT_FIELD_TOO_LARGE (default 64 KiB)',
    run: async (target) =>
      expectAnswer(
        await postForm(target, multipart([[field('big'), 'a'.repeat(900 * 1024)]])),
        413,
        'WEFT_FIELD_TOO_LARGE',
      ),
  },
  {
    group,
    name: 'a part with 60,000 header lines (900 KiB)',
    expected: 'answered at once: part headers count against the body limit',
    run: async (target) => {
      const headers = `${field('a')}\r\n${Array.from({ length: 60_000 }, (_, i) => `X-${i}: v`).join('\r\n')}`
      const started = Date.now()
      const answer = await postForm(target, multipart([[headers, 'x']]))
      const took = Date.now() - started
      assert.ok([200, 400, 413].includes(answer.status), answer.text.slice(0, 300))
      assert.ok(took < 3000, `took ${took} ms`)
      return `${describeAnswer(answer.status, answer.text)} in ${took} ms`
    },
  },
  {
    group,
    name: 'a body that never closes its boundary',
    expected: '400 WEFT_BAD_MULTIPART',
    run: async (target) =>
      expectAnswer(await postForm(target, multipart([[field('a'), 'x']], false)), 400, 'WEFT_BAD_MULTIPART'),
  },
  {
    group,
    name: 'a __proto__ field',
    expected: '400',
    run: async (target) => {
      const answer = await postForm(target, multipart([[field('__proto__'), 'x']]))
      return expectAnswer(answer, 400)
    },
  },
]
