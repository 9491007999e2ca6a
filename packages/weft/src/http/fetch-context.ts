import { checkDeclaredLength, limitStream, readStream } from './body.js'
import { Context } from './context.js'

/** The context for a Web Request: `app.fetch()`, Deno and Bun. */
export class FetchContext extends Context {
  constructor(
    readonly request: Request,
    bodyLimit: number,
  ) {
    const url = request.url
    // The path starts after "scheme://host"; slicing beats parsing a URL per request.
    const pathStart = url.indexOf('/', url.indexOf('//') + 2)
    const queryStart = url.indexOf('?', pathStart)
    const path = pathStart === -1 ? '/' : url.slice(pathStart, queryStart === -1 ? undefined : queryStart)
    super(request.method, path, queryStart === -1 ? '' : url.slice(queryStart + 1), bodyLimit)
  }

  get secure(): boolean {
    return this.request.url.startsWith('https:')
  }

  headerValue(name: string): string | undefined {
    return this.request.headers.get(name) ?? undefined
  }

  protected allHeaders(): Record<string, string> {
    return Object.fromEntries(this.request.headers)
  }

  protected async readBytes(limit: number): Promise<Uint8Array> {
    checkDeclaredLength(this.request.headers.get('content-length'), limit)
    return readStream(this.request.body, limit)
  }

  protected toRequest(body: ReadableStream<Uint8Array> | undefined): Request {
    // A body not yet read streams through the limit, as on Node: past it the reader gets 413.
    if (body === undefined) {
      if (this.request.body === null) return this.request
      checkDeclaredLength(this.request.headers.get('content-length'), this.bodyLimit)
      body = limitStream(this.request.body, this.bodyLimit)
    }
    return new Request(this.request, { body, duplex: 'half' } as RequestInit)
  }
}
