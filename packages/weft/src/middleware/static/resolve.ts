import { realpath, stat } from 'node:fs/promises'
import { resolve, sep } from 'node:path'
import { HttpError } from '../../http/errors.js'

/** What a request path may name under the root; the rest is refused before the disk is touched. */
export interface FileOptions {
  /** `ignore` (default): a dotfile does not exist; `deny`: 403; `allow`: served. */
  dotfiles: 'ignore' | 'deny' | 'allow'
  /** Serve files whose real path (after symlinks) is outside the root. Default false. */
  followSymlinks: boolean
}

export interface FoundFile {
  path: string
  size: number
  mtimeMs: number
}

function forbidden(message: string): HttpError {
  return new HttpError(403, message, { code: 'WEFT_STATIC_FORBIDDEN' })
}

/**
 * The segments of a URL path below the mount prefix, decoded one by one. Decoding per
 * segment is what keeps `%2F` and `%5C` from becoming separators and `%2e%2e` from
 * climbing: every decoded segment is checked, not the string they join into.
 * Returns null when a dotfile should be treated as absent.
 */
export function pathSegments(rest: string, options: FileOptions): string[] | null {
  const segments: string[] = []
  for (const raw of rest.split('/')) {
    if (raw === '') continue
    let segment: string
    try {
      segment = decodeURIComponent(raw)
    } catch {
      throw new HttpError(400, 'The request path has malformed percent-encoding', { code: 'WEFT_BAD_PATH' })
    }
    if (segment.includes('\0'))
      throw new HttpError(400, 'The request path holds a NUL byte', { code: 'WEFT_BAD_PATH' })
    if (segment === '..' || segment === '.' || /[/\\]/.test(segment) || /^[a-zA-Z]:/.test(segment)) {
      throw forbidden('The request path leaves the static root')
    }
    if (segment.startsWith('.') && options.dotfiles !== 'allow') {
      if (options.dotfiles === 'deny') throw forbidden('Dotfiles are not served')
      return null
    }
    segments.push(segment)
  }
  return segments
}

/**
 * Finds a regular file under `root`, or null. Unless symlinks may lead out, the file's
 * real path must still be inside the root's real path: a link to /etc/passwd is refused.
 */
export async function findFile(
  root: Promise<string>,
  segments: string[],
  options: FileOptions,
): Promise<FoundFile | null> {
  const realRoot = await root
  const path = resolve(realRoot, ...segments)
  if (path !== realRoot && !path.startsWith(realRoot + sep))
    throw forbidden('The request path leaves the static root')
  return fileAt(realRoot, path, options)
}

/** The file or directory at `path` (already inside `realRoot` as written), or null. */
export async function fileAt(
  realRoot: string,
  path: string,
  options: FileOptions,
): Promise<FoundFile | null> {
  let info: Awaited<ReturnType<typeof stat>>
  try {
    info = await stat(path)
  } catch {
    return null
  }
  // A link anywhere on the way (file or directory) shows in the real path.
  if (!options.followSymlinks) await checkInside(realRoot, path, info)
  if (info.isDirectory()) return { path, size: -1, mtimeMs: info.mtimeMs }
  if (!info.isFile()) return null
  return { path, size: info.size, mtimeMs: info.mtimeMs }
}

/**
 * Paths (per root) whose real path was found inside the root, with the file they reached. The same
 * device and inode is the same file, already checked; a link re-pointed elsewhere reaches
 * another inode and is checked again. Saves a realpath per request.
 */
const checkedInside = new Map<string, string>()
const MAX_CHECKED = 10_000

async function checkInside(
  realRoot: string,
  path: string,
  info: { dev: number; ino: number },
): Promise<void> {
  const key = `${realRoot}\0${path}`
  const identity = `${info.dev}:${info.ino}`
  if (checkedInside.get(key) === identity) return
  const real = await realpath(path)
  if (real !== realRoot && !real.startsWith(realRoot + sep)) {
    throw forbidden('The file is a link that leads out of the static root')
  }
  if (checkedInside.size >= MAX_CHECKED) checkedInside.clear()
  checkedInside.set(key, identity)
}
