import assert from 'node:assert/strict'
import { ask, type BatteryCase, describeAnswer, expectAnswer, expectStatus, sendRaw } from '../battery.ts'

const group = 'URLs'

const rawGet = (target: Parameters<typeof sendRaw>[0], path: string) =>
  sendRaw(target, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)

const query = (count: number) => Array.from({ length: count }, (_, i) => `p${i}=1`).join('&')

export const urls: BatteryCase[] = [
  {
    group,
    name: '1,000 query parameters',
    expected: '200, all parsed',
    run: async (target) => {
      const answer = await ask(target, `/keys?${query(1000)}`)
      assert.equal(JSON.parse(answer.text).count, 1000)
      return expectAnswer(answer, 200)
    },
  },
  {
    group,
    name: '10,000 query parameters (88 KB request line)',
    expected: '431 or 414: past the 16 KiB head (Deno: 400 from its own parser)',
    run: async (target) =>
      expectStatus(
        await rawGet(target, `/keys?${query(10_000)}`),
        target.runtime === 'deno' ? [400] : [414, 431],
        '10k params',
      ),
  },
  {
    group,
    name: 'a 15,000-character path parameter',
    expected: '200, the parameter whole',
    run: async (target) => {
      const answer = await ask(target, `/users/${'a'.repeat(15_000)}`)
      assert.equal(JSON.parse(answer.text).id.length, 15_000)
      return expectAnswer(answer, 200)
    },
  },
  {
    group,
    name: 'bad percent-encoding in path and query',
    expected: '400 for each',
    run: async (target) => {
      const answers = []
      for (const path of [
        '/ok%',
        '/users/%zz',
        '/users/%E0%A4%A',
        '/users/%C0%AE',
        '/keys?a=%',
        '/keys?%E0=1',
      ]) {
        const answer = await rawGet(target, path)
        answers.push(expectStatus(answer, [400], path))
      }
      return [...new Set(answers)].join(', ')
    },
  },
  {
    group,
    name: 'traversal forms',
    expected: 'never outside the route: dot segments resolved (404) or kept as data',
    run: async (target) => {
      const seen: string[] = []
      for (const path of [
        '/files/../../etc/passwd',
        '/files/%2e%2e/%2e%2e/etc/passwd',
        '/files/..%2f..%2fetc%2fpasswd',
        '/files/..%5c..%5cwindows',
        '/files/%00/x',
      ]) {
        const answer = await rawGet(target, path)
        assert.ok([200, 400, 404].includes(answer.status), `${path}: ${answer.text.slice(0, 200)}`)
        if (answer.status === 200) {
          // Encoded separators reach the route as data inside its own wildcard.
          const rest = JSON.parse(answer.text.slice(answer.text.indexOf('\r\n\r\n') + 4)).rest as string
          assert.ok(!rest.startsWith('/'), `${path} -> ${rest}`)
        }
        seen.push(`${path.slice(7, 15)}… ${describeAnswer(answer.status, answer.text)}`)
      }
      return [...new Set(seen.map((s) => s.split(' ').pop()))].join(', ')
    },
  },
  {
    group,
    name: 'unicode: NFC and NFD stay distinct, overlong forms refused',
    expected: 'two different params; 400 for overlong UTF-8',
    run: async (target) => {
      const nfc = JSON.parse((await ask(target, '/users/caf%C3%A9')).text).id as string
      const nfd = JSON.parse((await ask(target, '/users/cafe%CC%81')).text).id as string
      assert.equal(nfc, 'caf\u00e9')
      assert.equal(nfd, 'cafe\u0301')
      expectStatus(await rawGet(target, '/users/%C0%AE%C0%AE'), [400], 'overlong')
      return '200 as sent, 400 overlong'
    },
  },
]
