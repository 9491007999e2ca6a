// A PostgreSQL server of the test's own, in a temporary directory on a free port, that the
// test may stop and start at will (the shared server on 5432 serves other tests running
// at the same time and is never stopped). Needs PostgreSQL's initdb and pg_ctl: found
// under PG_BINDIR, else /usr/lib/postgresql/<newest>/bin, else on PATH. Without them the
// tests skip loudly, and fail under CI=true. Run as root, the server runs as `postgres`.

import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { chown, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface TempCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string
  /** `fast` closes every connection, as a restart or failover does; `immediate` is a crash. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>
  /** Resolves once the server accepts connections. */
  start(): Promise<void>
  remove(): Promise<void>
}

/** A fresh server, started; or a skip reason (throws under CI=true). */
export async function tempCluster(): Promise<TempCluster | string> {
  const bin = findBinaries()
  if (!bin) return unavailable('PostgreSQL server binaries (initdb, pg_ctl) are not installed')
  const asRoot = process.getuid?.() === 0
  const owner = asRoot ? await postgresUser() : null
  if (asRoot && !owner)
    return unavailable('running as root but there is no postgres user to run the server as')
  const dir = await mkdtemp(join(tmpdir(), 'weft-pg-'))
  if (owner) await chown(dir, owner.uid, owner.gid)
  const data = join(dir, 'data')
  const as = (cmd: string, args: string[]) =>
    owner ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]) : run(join(bin, cmd), args)
  const port = await freePort()
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`
  try {
    await as('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'])
    await as('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start'])
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  let running = true
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop(mode = 'fast') {
      await as('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop'])
      running = false
    },
    async start() {
      await as('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start'])
      running = true
    },
    async remove() {
      if (running) await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined)
      await rm(dir, { recursive: true, force: true })
    },
  }
}

function unavailable(reason: string): string {
  if (process.env.CI === 'true') throw new Error(`${reason}; CI=true requires them (or set PG_BINDIR).`)
  console.error(`\n*** SKIPPING PostgreSQL outage tests: ${reason}. Set PG_BINDIR to run them. ***\n`)
  return reason
}

function findBinaries(): string | null {
  const candidates: string[] = []
  if (process.env.PG_BINDIR) candidates.push(process.env.PG_BINDIR)
  const debian = '/usr/lib/postgresql'
  if (existsSync(debian)) {
    const versions = readdirSync(debian).sort((a, b) => Number(b) - Number(a))
    candidates.push(...versions.map((version) => join(debian, version, 'bin')))
  }
  candidates.push(...(process.env.PATH ?? '').split(':'))
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) ?? null
}

async function postgresUser(): Promise<{ uid: number; gid: number } | null> {
  try {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim())
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim())
    return { uid, gid }
  } catch {
    return null
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}
