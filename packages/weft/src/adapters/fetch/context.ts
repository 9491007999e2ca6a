import { checkDeclaredLength, limitStream, readStream } from '../../http/body.js'
import { Context, type HeadMeasure } from '../../http/context.js'

/** Which head bounds Weft measures itself, because the runtime's own are looser. */
export interface HeadCheck {
  count: boolean
  size: boolean
}

/** The context for a Web Request: `app.fetch()`, Deno and Bun. */
export class FetchContext extends Context {
  constructor(
    readonly request: Request,
    bodyLimit: number,
    private readonly check: HeadCheck,
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

  /**
   * Counting headers means walking `request.headers`, which cost Deno about a fifth of its
   * throughput on a small answer: only the bounds the runtime leaves open are measured.
   */
  head(): HeadMeasure | null {
    const { count, size } = this.check
    if (!count && !size) return null
    const headers = this.request.headers
    // Bun counts headers without iterating; elsewhere one pass counts and sizes at once.
    const fastCount = (headers as { count?: number }).count
    if (fastCount !== undefined && !size) return { count: fastCount, size: 0 }
    const measure = { count: 0, size: size ? this.request.url.length + this.method.length : 0 }
    for (const [name, value] of headers) {
      measure.count++
      if (size) measure.size += name.length + value.length + 4
    }
    return measure
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
