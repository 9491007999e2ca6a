import { Weft } from '../../http/app.js'
import { DEFAULT_LIMITS } from '../../http/limits.js'
import { dispatch, headCheck } from './dispatch.js'

// `app.fetch` and `app.request` are the Fetch adapter's, not the core's: the core knows only
// `app.handle(ctx)`. The package entry ('weftjs') imports this file, which gives every app
// them as own properties (`deno serve` accepts only an own `fetch`), bound, since runtimes
// call them detached (Bun calls a default export's fetch on its server object).
Weft.extend((app) => {
  const check = headCheck(app.limits, DEFAULT_LIMITS)
  const fetch = (request: Request): Promise<Response> => {
    const response = dispatch(app, request, check)
    return response instanceof Promise ? response : Promise.resolve(response)
  }
  const request = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    fetch(input instanceof Request ? input : new Request(new URL(input, 'http://localhost'), init))
  // `bun app.ts` serves a default export as `Bun.serve(app)`, which reads `hostname` off it:
  // Weft's default, 127.0.0.1, unless the app sets another. `deno serve` decides by `--host`.
  Object.assign(app, { fetch, request, hostname: '127.0.0.1' })
})
