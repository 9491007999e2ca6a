export interface Runtime {
  name: 'node' | 'node24' | 'deno' | 'bun'
  /** Name and version, e.g. "Deno 2.9.6". */
  label: string
  bin?: string
  /** Arguments before the script path. */
  args?: string[]
  /** Why the runtime cannot be run here. */
  missing?: string
}
export const ROOT: string
export function node24Version(): string | null
export function ensureNode24(options?: { quiet?: boolean }): string | null
export function findRuntimes(options?: { install?: boolean }): Runtime[]
