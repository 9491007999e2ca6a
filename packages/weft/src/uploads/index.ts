import { type FileHandle, open, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { FileStorage } from '../http/multipart.js'

/** An uploaded file written to disk by `diskStorage()`: what the parsed body holds for it. */
export interface StoredFile {
  /** Where it was written: a random name inside `dir`, never the client's file name. */
  path: string
  /** The client's file name (last path segment only): show it, never use it as a path. */
  filename: string
  type: string
  size: number
}

/**
 * Streams uploaded files to a folder as they arrive, each under a random name; a file
 * cut off by a limit or a broken upload is deleted. Node, Deno (`--allow-write` of the
 * folder) and Bun.
 * @example app.post('/avatar', { body: schema, accepts: ['multipart'], multipart: { storage: diskStorage({ dir: './uploads' }) } }, handler)
 */
export function diskStorage(options: { dir: string }): FileStorage {
  const dir = resolve(options.dir)
  return async (info) => {
    const path = join(dir, crypto.randomUUID())
    const handle: FileHandle = await open(path, 'wx')
    let size = 0
    return {
      async write(chunk) {
        size += chunk.byteLength
        await handle.write(chunk)
      },
      async close(): Promise<StoredFile> {
        await handle.close()
        return { path, filename: info.filename, type: info.type, size }
      },
      async abort() {
        await handle.close().catch(() => {})
        await rm(path, { force: true })
      },
    }
  }
}
