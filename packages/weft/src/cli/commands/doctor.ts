import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { importFromApp, loadApp } from '../load-app.js'
import { bold, CliError, green, log, red } from '../output.js'
import { databaseUrl, isInstalled, type Project, readProject } from '../project.js'
import { hasNodeSqlite } from '../templates/project-files.js'

export const doctorHelp = `Usage: weft doctor

Prints which optional packages the app needs and whether each is installed: what the
app's weftjs records as the app is set up (swagger-ui-dist for weftjs/docs, eta for views,
jose for jwt...), the database driver for DATABASE_URL (from the environment, .env or
.env.example), esbuild for weft dev and weft build, TypeScript for weft check.
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
  for (const recorded of await recordedNeeds(project)) {
    const same = needs.find((need) => need.package === recorded.package)
    if (same) same.present = false
    else needs.push(recorded)
  }
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
  if (project.runtime === 'node') {
    needs.push({ package: 'esbuild', why: 'weft dev and weft build', present: has('esbuild') })
    needs.push({ package: 'typescript', why: 'weft check (typecheck)', present: has('typescript') })
  } else {
    needs.push({ package: 'esbuild', why: 'weft build', present: has('esbuild') })
  }
  return needs
}

/**
 * What the app's weftjs recorded while the app was set up (weftjs/docs, views, jwt...):
 * its own start-up check, `checkPackages()`, run on the app imported without serving it.
 * Database drivers are recorded only when connecting, hence the DATABASE_URL check above.
 */
async function recordedNeeds(project: Project): Promise<Need[]> {
  if (!existsSync(join(project.dir, project.app))) return []
  await loadApp(project)
  const weftjs = (await importFromApp(project.dir, 'weftjs')) as { checkPackages?: () => Promise<void> }
  if (typeof weftjs.checkPackages !== 'function') return []
  try {
    await weftjs.checkPackages()
    return []
  } catch (error) {
    const missing = (error as { missing?: { package: string; neededBy: string }[] }).missing
    if (!missing) throw error
    return missing.map((need) => ({ package: need.package, why: need.neededBy, present: false }))
  }
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
