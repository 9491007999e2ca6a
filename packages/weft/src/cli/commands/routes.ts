import type { RouteOptions } from '../../http/types.js'
import { loadApp } from '../load-app.js'
import { bold, dim, log } from '../output.js'
import { readProject } from '../project.js'

export const routesHelp = `Usage: weft routes [--app src/app.ts] [--json]

Prints every route of the app: method, path, the weftjs/di module that declared it ("-"
for routes on the app itself), the schemas it validates (params, query, body, headers,
response). The app file's default export is the app (or a function
returning it); it is imported, not served.

  --app            the app file (default: "weft.app" in package.json, or src/app.ts)
  --json           one JSON array instead of the table
`

const SCHEMA_KEYS = ['params', 'query', 'body', 'headers', 'response'] as const

export async function routes(_: string[], flags: { app?: string; json?: boolean }): Promise<number> {
  const project = readProject(process.cwd())
  const app = await loadApp(project, flags.app)
  const rows = app.routeList().map((route) => ({
    method: route.method === '*' ? 'ALL' : route.method,
    path: route.path,
    module: route.module ?? null,
    schemas: schemasOf(route.options),
  }))
  if (flags.json) {
    log(JSON.stringify(rows, null, 2))
    return 0
  }
  const header = { method: 'METHOD', path: 'PATH', module: 'MODULE', schemas: 'SCHEMAS' }
  const cells = rows.map((r) => ({ ...r, module: r.module ?? '-' }))
  const width = (key: 'method' | 'path' | 'module') =>
    Math.max(...[header, ...cells].map((r) => r[key].length))
  const widths = { method: width('method'), path: width('path'), module: width('module') }
  const line = (r: typeof header) =>
    `${r.method.padEnd(widths.method)}  ${r.path.padEnd(widths.path)}  ${r.module.padEnd(widths.module)}  ${r.schemas}`.trimEnd()
  log(bold(line(header)))
  for (const row of cells) log(line(row))
  log(dim(`${rows.length} route${rows.length === 1 ? '' : 's'}`))
  return 0
}

function schemasOf(options: RouteOptions): string {
  const present = SCHEMA_KEYS.filter((key) => (options as Record<string, unknown>)[key] !== undefined)
  return present.length ? present.join(',') : '-'
}
