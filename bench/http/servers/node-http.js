// The baseline: node:http with a hand-written router, middleware chain and body check,
// i.e. the least work a framework could do for the same answers.
import { createServer } from 'node:http'

const port = Number(process.env.PORT ?? process.argv[2] ?? 3000)

const noop = async (_req, _res, next) => {
  await next()
}
const chain = [noop, noop, noop, noop, noop]

function runChain(req, res, last) {
  const dispatch = (i) => (i < chain.length ? chain[i](req, res, () => dispatch(i + 1)) : last(req, res))
  return dispatch(0)
}

function sendJson(res, status, value) {
  const body = JSON.stringify(value)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}

function isUser(value) {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof value.name === 'string' &&
    Number.isInteger(value.age) &&
    value.age >= 0
  )
}

function createUser(req, res) {
  const chunks = []
  req.on('data', (chunk) => chunks.push(chunk))
  req.on('end', () => {
    let body
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      return sendJson(res, 400, { error: 'malformed JSON' })
    }
    if (!isUser(body)) return sendJson(res, 400, { error: 'invalid user' })
    sendJson(res, 201, { name: body.name, age: body.age })
  })
}

const server = createServer((req, res) => {
  const q = req.url.indexOf('?')
  const path = q === -1 ? req.url : req.url.slice(0, q)
  if (req.method === 'GET') {
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 11 })
      return res.end('Hello World')
    }
    if (path === '/json') return sendJson(res, 200, { hello: 'world' })
    if (path === '/mw') return runChain(req, res, () => sendJson(res, 200, { hello: 'world' }))
    if (path.startsWith('/users/') && path.indexOf('/', 7) === -1 && path.length > 7) {
      return sendJson(res, 200, { id: decodeURIComponent(path.slice(7)) })
    }
  } else if (req.method === 'POST' && path === '/users') {
    return createUser(req, res)
  }
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 9 })
  res.end('Not Found')
})

server.listen(port, '127.0.0.1')
