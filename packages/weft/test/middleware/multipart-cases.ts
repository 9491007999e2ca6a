import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import type { Case, Target } from '../conformance/client.ts'

type UploadTarget = Target & { dir: string }
const sum = (bytes: Uint8Array) => bytes.reduce((a, b) => (a + b) % 65521, 0)
const bytesOf = (size: number, seed = 1) => new Uint8Array(size).map((_, i) => (i * seed + 7) % 256)

function form(files: [string, Uint8Array, string][], fields: Record<string, string> = {}): FormData {
  const data = new FormData()
  for (const [name, value] of Object.entries(fields)) data.append(name, value)
  for (const [field, bytes, name] of files)
    data.append(field, new File([bytes as BlobPart], name, { type: 'application/x-test' }))
  return data
}

/**
 * Streams a multipart upload of `total` file bytes in 64 KiB chunks, paced, until the
 * server answers; returns the status and how many bytes had gone out by then.
 */
function streamUpload(target: Target, path: string, total: number) {
  return new Promise<{ status: number; sent: number; body: string }>((resolve, reject) => {
    const boundary = 'weftboundary'
    let sent = 0
    let answered = false
    const req = request(
      {
        port: target.port,
        host: '127.0.0.1',
        path,
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      },
      (res) => {
        answered = true
        let body = ''
        res.on('data', (c) => {
          body += c
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, sent, body }))
      },
    )
    req.on('error', (error) => (answered ? undefined : reject(error)))
    req.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    )
    const chunk = new Uint8Array(64 * 1024).fill(97)
    const pump = () => {
      if (answered || req.destroyed) return
      if (sent >= total) return req.end(`\r\n--${boundary}--\r\n`)
      sent += chunk.length
      req.write(chunk, () => setTimeout(pump, 2))
    }
    pump()
  })
}

/**
 * Posts a form with node:http. The server may answer a refused upload before it has read
 * the whole body and close the connection; fetch can then fail on the unsent rest, where
 * a browser (and this helper) reads the answer.
 */
async function postEarlyAnswered(target: Target, path: string, data: FormData) {
  const encoded = new Response(data)
  const body = new Uint8Array(await encoded.arrayBuffer())
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    let answered = false
    const headers = { 'content-type': encoded.headers.get('content-type')! }
    const req = request({ port: target.port, host: '127.0.0.1', path, method: 'POST', headers }, (res) => {
      answered = true
      let text = ''
      res.on('data', (c) => {
        text += c
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    req.on('error', (error) => (answered ? undefined : reject(error)))
    req.end(body)
  })
}

export const multipartCases: Case[] = [
  [
    'ctx.parseBody reads fields and files (memory storage: Web File objects)',
    async ({ url }) => {
      const a = bytesOf(100_000, 3)
      const res = await fetch(`${url}/upload/memory`, {
        method: 'POST',
        body: form([['doc', a, 'a.bin']], { title: 'hello', tag: 'x' }),
      })
      assert.equal(res.status, 200)
      assert.deepEqual(await res.json(), {
        title: 'hello',
        tag: 'x',
        doc: { name: 'a.bin', type: 'application/x-test', size: 100_000, sum: sum(a) },
      })
    },
  ],
  [
    'repeated fields become arrays; a file name is cut to its last segment',
    async ({ url }) => {
      const res = await fetch(`${url}/upload/memory`, {
        method: 'POST',
        body: form([
          ['f', bytesOf(10), '../../etc/passwd'],
          ['f', bytesOf(20), 'two.txt'],
        ]),
      })
      const body = await res.json()
      assert.deepEqual(
        body.f.map((f: { name: string; size: number }) => [f.name, f.size]),
        [
          ['passwd', 10],
          ['two.txt', 20],
        ],
      )
    },
  ],
  [
    'files stream to disk under random names when diskStorage is chosen',
    async (target) => {
      const { url, dir } = target as UploadTarget
      const bytes = bytesOf(200_000, 5)
      const res = await fetch(`${url}/upload/disk`, {
        method: 'POST',
        body: form([['doc', bytes, 'report.pdf']], { note: 'n' }),
      })
      assert.equal(res.status, 200)
      const body = await res.json()
      assert.equal(body.note, 'n')
      assert.equal(body.doc.filename, 'report.pdf')
      assert.equal(body.doc.size, 200_000)
      assert.ok(body.doc.path.startsWith(join(dir, 'uploads')))
      assert.doesNotMatch(body.doc.path, /report/)
      assert.equal(sum(new Uint8Array(readFileSync(body.doc.path))), sum(bytes))
    },
  ],
  [
    'a file over maxFileSize answers 413 while it is still streaming, and nothing is left on disk',
    async (target) => {
      const { dir } = target as UploadTarget
      const before = readdirSync(join(dir, 'uploads')).length
      const result = await streamUpload(target, '/upload/disk', 8 * 1024 * 1024)
      assert.equal(result.status, 413)
      assert.equal(JSON.parse(result.body).code, 'WEFT_FILE_TOO_LARGE')
      assert.ok(result.sent < 8 * 1024 * 1024, `answered after ${result.sent} bytes`)
      await new Promise((r) => setTimeout(r, 100))
      assert.equal(readdirSync(join(dir, 'uploads')).length, before, 'the partial file was deleted')
    },
  ],
  [
    'the total body limit holds for multipart too (413)',
    async (target) => {
      const res = await fetch(`${target.url}/upload/memory`, {
        method: 'POST',
        body: form(
          [
            ['a', bytesOf(200_000), 'a'],
            ['b', bytesOf(200_000), 'b'],
          ],
          { pad: 'x'.repeat(60_000) },
        ),
      })
      assert.equal(res.status, 200, 'under every limit')
      await res.text()
      const over = await streamUpload(target, '/upload/memory', 4 * 1024 * 1024)
      assert.equal(over.status, 413)
    },
  ],
  [
    'more files than maxFiles answers 413 WEFT_TOO_MANY_FILES',
    async (target) => {
      const files: [string, Uint8Array, string][] = [
        ['a', bytesOf(1), 'a'],
        ['b', bytesOf(1), 'b'],
        ['c', bytesOf(1), 'c'],
      ]
      const res = await postEarlyAnswered(target, '/upload/memory', form(files))
      assert.equal(res.status, 413)
      assert.equal(JSON.parse(res.body).code, 'WEFT_TOO_MANY_FILES')
    },
  ],
  [
    'a malformed multipart body answers 400 and a __proto__ field is refused',
    async (target) => {
      const bad = await fetch(`${target.url}/upload/memory`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
        body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end',
      })
      assert.equal(bad.status, 400)
      assert.equal((await bad.json()).code, 'WEFT_BAD_MULTIPART')
      const data = new FormData()
      data.append('__proto__', 'polluted')
      const proto = await postEarlyAnswered(target, '/upload/memory', data)
      assert.equal(proto.status, 400)
      assert.equal(JSON.parse(proto.body).code, 'WEFT_PROTOTYPE_POLLUTION')
    },
  ],
]
