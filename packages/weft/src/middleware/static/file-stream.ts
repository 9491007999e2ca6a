import { type FileHandle, open } from 'node:fs/promises'

/** Bytes read per pull; a file (or range) no larger than this is read whole instead of streamed. */
export const CHUNK = 64 * 1024

/**
 * Bytes `start`..`end` (inclusive) of a file as a Web stream. It is pull-based: a chunk is
 * read only when the consumer asks for one, so a slow client holds one chunk in memory,
 * not the file. The file opens on the first pull, so a HEAD answer (never read) opens
 * nothing, and it closes at the end, on an error or when the client goes away.
 */
export function fileStream(path: string, start: number, end: number): ReadableStream<Uint8Array> {
  let handle: FileHandle | undefined
  let position = start
  const close = () => {
    const open = handle
    handle = undefined
    return open?.close().catch(() => {})
  }
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          handle ??= await open(path, 'r')
          const length = Math.min(CHUNK, end - position + 1)
          const { bytesRead, buffer } = await handle.read(new Uint8Array(length), 0, length, position)
          if (bytesRead > 0) {
            position += bytesRead
            controller.enqueue(bytesRead === length ? buffer : buffer.subarray(0, bytesRead))
          }
          // A file that shrank while being sent ends early rather than hanging. The stream
          // closes before the file does: Bun keeps Content-Length only for a body that has
          // ended by the time its first chunk is taken.
          if (position > end || bytesRead === 0) {
            controller.close()
            await close()
          }
        } catch (error) {
          await close()
          controller.error(error)
        }
      },
      cancel: close,
    },
    { highWaterMark: 0 },
  )
}

/** Bytes `start`..`end` (inclusive) in one read: for small files, where a stream costs more than it saves. */
export async function readRange(path: string, start: number, end: number): Promise<Uint8Array> {
  const handle = await open(path, 'r')
  try {
    const length = end - start + 1
    const { bytesRead, buffer } = await handle.read(new Uint8Array(length), 0, length, start)
    return bytesRead === length ? buffer : buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}
