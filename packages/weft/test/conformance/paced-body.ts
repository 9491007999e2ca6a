import type { Weft } from 'weftjs'

/**
 * GET /big: 25 MiB streamed in 64 KiB chunks, each produced only when the client reads
 * (highWaterMark 1); GET /big/produced tells how many chunks were made, so a test can see
 * that a slow or gone reader held production back.
 */
export function servePacedBody(app: Weft<any>): void {
  let produced = 0
  const chunk = new Uint8Array(64 * 1024).fill(97)
  app.get('/big', () => {
    produced = 0
    return new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (produced >= 400) return controller.close()
          produced++
          controller.enqueue(chunk)
        },
      },
      { highWaterMark: 1 },
    )
  })
  app.get('/big/produced', () => ({ produced }))
}
