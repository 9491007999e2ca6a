// The raw runtime server: Deno.serve or Bun.serve with hand-written routing, the baseline.
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}
const port = Number(env.PORT ?? 3000)
const TEXT = { 'content-type': 'text/plain; charset=utf-8' }

function handler(request: Request): Response {
  const url = request.url
  const start = url.indexOf('/', url.indexOf('//') + 2)
  const query = url.indexOf('?', start)
  const path = query === -1 ? url.slice(start) : url.slice(start, query)
  if (path === '/') return new Response('Hello World', { headers: TEXT })
  if (path === '/json') return Response.json({ hello: 'world' })
  if (path.startsWith('/users/') && path.indexOf('/', 7) === -1) return Response.json({ id: path.slice(7) })
  return new Response('Not Found', { status: 404 })
}

const runtime = globalThis as unknown as {
  Bun?: { serve(options: object): unknown }
  Deno?: { serve(options: object, handler: (request: Request) => Response): unknown }
}
if (runtime.Bun) runtime.Bun.serve({ port, hostname: '127.0.0.1', fetch: handler })
else runtime.Deno!.serve({ port, hostname: '127.0.0.1', onListen() {} }, handler)
