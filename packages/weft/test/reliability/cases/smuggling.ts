import assert from 'node:assert/strict'
import { type BatteryCase, expectStatus, sendRaw } from '../battery.ts'

const group = 'request smuggling'
const close = 'Connection: close\r\n'

/**
 * A malformed request every runtime must refuse. `onDeno` lists what Deno answers
 * instead where it differs: it has no head size limit (runtimes.md) and closes the
 * connection on a bad chunk without a status line.
 */
function refused(name: string, payload: string, allowed = [400], onDeno = allowed): BatteryCase {
  return {
    group,
    name,
    expected:
      onDeno === allowed ? allowed.join(' or ') : `${allowed.join(' or ')} (Deno: ${onDeno.join(' or ')})`,
    run: async (target) =>
      expectStatus(await sendRaw(target, payload), target.runtime === 'deno' ? onDeno : allowed, name),
  }
}

export const smuggling: BatteryCase[] = [
  {
    group,
    name: 'content-length and transfer-encoding together',
    expected: '400, or chunked wins and the hidden request is never a second answer',
    run: async (target) => {
      const answer = await sendRaw(
        target,
        'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n' +
          '0\r\n\r\nGET /ok HTTP/1.1\r\nHost: x\r\n\r\n',
      )
      if (answer.status === 400) return '400'
      // RFC 9112 6.3: chunked overrides content-length, and the connection must close
      // after the response, so what follows is never read as a request of its own.
      assert.equal(answer.status, 200, answer.text.slice(0, 300))
      assert.equal(answer.text.match(/HTTP\/1\.1 \d{3}/g)?.length, 1, 'a smuggled second response')
      return '200 once, chunked wins, connection closed'
    },
  },
  refused(
    'two different content-lengths',
    `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n${close}\r\nabcde`,
  ),
  refused(
    'a chunk size that is not hex',
    `POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n${close}\r\nzz\r\nabc\r\n0\r\n\r\n`,
    [400],
    [400, 0],
  ),
  refused(
    'a chunk size past 64 bits',
    `POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n${close}\r\n1ffffffffffffffffff\r\nabc\r\n0\r\n\r\n`,
    [400],
    [400, 0],
  ),
  refused(
    'transfer-encoding other than chunked last',
    `POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n${close}\r\n3\r\nabc\r\n0\r\n\r\n`,
    [400, 501],
  ),
  refused(
    'obs-fold: a header continued on the next line',
    `GET /ok HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n${close}\r\n`,
  ),
  refused('a space before the colon', `GET /ok HTTP/1.1\r\nHost: x\r\nX-A : a\r\n${close}\r\n`),
  refused('a header name with a NUL', `GET /ok HTTP/1.1\r\nHost: x\r\nX\0A: a\r\n${close}\r\n`),
  refused('a header value with a NUL', `GET /ok HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n${close}\r\n`),
  refused('a header value with a bare CR', `GET /ok HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n${close}\r\n`),
  {
    group,
    name: 'bare LF line endings',
    expected: '400 or 505, or the request read as intended',
    run: async (target) => {
      const answer = await sendRaw(target, 'GET /ok HTTP/1.1\nHost: x\nConnection: close\n\n')
      // Bun reads a request line ending in a bare LF as a bad version (505).
      return expectStatus(answer, [400, 505, 200], 'bare LF')
    },
  },
  refused('an unknown HTTP version', `GET /ok HTTP/9.9\r\nHost: x\r\n${close}\r\n`, [400, 505]),
  refused('a request line of garbage', `\x01\x02GARBAGE\r\n\r\n`),
  refused(
    'a 20 KiB method',
    `${'A'.repeat(20 * 1024)} /ok HTTP/1.1\r\nHost: x\r\n${close}\r\n`,
    [400, 414, 431],
    [404, 405],
  ),
  refused(
    'a 20 KiB request target',
    `GET /${'a'.repeat(20 * 1024)} HTTP/1.1\r\nHost: x\r\n${close}\r\n`,
    [400, 414, 431],
    [404, 405],
  ),
]
