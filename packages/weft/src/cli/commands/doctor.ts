import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { bold, CliError, green, log, red } from '../output.js'
import { isInstalled, type Project, readProject } from '../project.js'
import { hasNodeSqlite } from '../templates/project-files.js'

export const doctorHelp = `Usage: weft doctor

Prints which optional packages the app needs and whether each is installed: the database
driver for DATABASE_URL (from the environment, .env or .env.example), swagger-ui-dist for
weftjs/docs, esbuild for weft dev and weft build, TypeScript for weft check.
Exit code 0 when nothing is missing, 1 otherwise.
`

interface Need {
  package: string
  why: string
  present: boolean
}

export async function doctor(): Promise<number> {
  const project = readProject(process.cwd())
  const needs = needsOf(project)
  log(
    bold(
      `weft doctor — ${project.runtime} ${project.runtime === 'node' ? process.versions.node : ''}`.trim(),
    ),
  )
  for (const need of needs) {
    log(`  ${need.present ? green('✓') : red('✗')} ${need.package.padEnd(22)} ${need.why}`)
  }
  const missing = [...new Set(needs.filter((n) => !n.present).map((n) => n.package))]
  if (missing.length === 0) {
    log(green('nothing is missing'))
    return 0
  }
  throw new CliError(
    `${missing.length} package${missing.length === 1 ? ' is' : 's are'} missing`,
    `npm install ${missing.join(' ')}`,
  )
}

function needsOf(project: Project): Need[] {
  const has = (name: string) => isInstalled(project.dir, name)
  const needs: Need[] = []
  const url = databaseUrl(project.dir)
  const scheme = url?.split(':')[0]?.toLowerCase()
  if (scheme === 'postgres' || scheme === 'postgresql')
    needs.push({ package: 'pg', why: 'weftjs/data on PostgreSQL (DATABASE_URL)', present: has('pg') })
  else if (scheme === 'mongodb' || scheme === 'mongodb+srv')
    needs.push({ package: 'mongodb', why: 'weftjs/data on MongoDB (DATABASE_URL)', present: has('mongodb') })
  else if (
    (scheme === 'sqlite' || scheme === 'file' || usesData(project.dir)) &&
    project.runtime === 'node' &&
    !hasNodeSqlite()
  ) {
    needs.push({
      package: 'better-sqlite3',
      why: 'weftjs/data on SQLite (Node < 22.5 has no node:sqlite)',
      present: has('better-sqlite3'),
    })
  }
  const sources = sourceText(join(project.dir, 'src'))
  if (sources.includes("'weftjs/docs'"))
    needs.push({
      package: 'swagger-ui-dist',
      why: 'the API page of weftjs/docs',
      present: has('swagger-ui-dist'),
    })
  if (/from 'valibot'/.test(sources) && sources.includes("'weftjs/docs'")) {
    needs.push({
      package: '@valibot/to-json-schema',
      why: 'OpenAPI from valibot schemas',
      present: has('@valibot/to-json-schema'),
    })
  }
  if (project.runtime === 'node') {
    needs.push({ package: 'esbuild', why: 'weft dev and weft build', present: has('esbuild') })
    needs.push({ package: 'typescript', why: 'weft check (typecheck)', present: has('typescript') })
  } else {
    needs.push({ package: 'esbuild', why: 'weft build', present: has('esbuild') })
  }
  return needs
}

function databaseUrl(dir: string): string | undefined {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL
  for (const file of ['.env', '.env.example']) {
    const path = join(dir, file)
    if (!existsSync(path)) continue
    const match = /^\s*DATABASE_URL\s*=\s*["']?([^"'\s#]+)/m.exec(readFileSync(path, 'utf8'))
    if (match) return match[1]
  }
  return undefined
}

function usesData(dir: string): boolean {
  return sourceText(join(dir, 'src')).includes("'weftjs/data'")
}

/** Every TypeScript and JavaScript source under `dir`, concatenated: enough to see which subpaths it imports. */
function sourceText(dir: string): string {
  if (!existsSync(dir)) return ''
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.[cm]?[jt]sx?$/.test(entry.name))
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
    .join('\n')
}
