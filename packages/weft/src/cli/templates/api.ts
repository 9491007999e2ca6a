// The api template: a notes API in two modules (database, notes) with zod schemas,
// secure headers, and tests that run the app over a real socket on the memory store.
import type { Files, TemplateOptions } from './options.js'
import { defaultDatabaseUrl } from './project-files.js'

export function apiFiles(options: TemplateOptions): Files {
  return {
    'src/main.ts': mainTs(options),
    'src/app.ts': appTs(options),
    'src/database.ts': DATABASE_TS,
    'src/notes.ts': notesTs(false),
    'test/app.test.ts': TEST_TS,
  }
}

export function mainTs(options: TemplateOptions): string {
  const sqlite = options.db === 'sqlite'
  return `${sqlite ? "import { mkdirSync } from 'node:fs'\n" : ''}import { serve } from 'weftjs'
import { createApp } from './app.ts'

const databaseUrl = process.env.DATABASE_URL ?? '${defaultDatabaseUrl(options)}'
${sqlite ? "if (databaseUrl.startsWith('sqlite:./data/')) mkdirSync('data', { recursive: true })\n" : ''}
// serve() connects the database before the first request; SIGTERM and SIGINT let
// in-flight requests finish, then close it.
const server = await serve(createApp(databaseUrl), {
  port: Number(process.env.PORT ?? 3000),
  hostname: process.env.HOST ?? '127.0.0.1',
  shutdownOnSignal: true,
})
console.log(\`${options.name} on \${server.url}\`)
`
}

function appTs(options: TemplateOptions): string {
  const imports = [
    "import { weft } from 'weftjs'",
    "import { secureHeaders } from 'weftjs/secure-headers'",
    "import { databaseModule } from './database.ts'",
    "import { notesModule } from './notes.ts'",
  ]
  return `${imports.join('\n')}

/** The app, without a server: main.ts serves it, the tests serve it on a free port. */
export function createApp(databaseUrl: string) {
  const app = weft({ modules: [databaseModule(databaseUrl), notesModule] })
  app.use(secureHeaders())
  app.get('/', () => ({ name: '${options.name}', notes: '/api/notes' }))
  return app
}

// \`weft routes\` and \`weft openapi\` read the default export; nothing connects until serve().
export default createApp(process.env.DATABASE_URL ?? '${defaultDatabaseUrl(options)}')
`
}

export const DATABASE_TS = `import { connect, type Db } from 'weftjs/data'
import { module, type OnDestroy, token } from 'weftjs/di'

/** The connection: any module may inject it. */
export const DB = token<Db>('DB')

class DbCloser implements OnDestroy {
  constructor(private readonly db: Db) {}
  onDestroy() {
    return this.db.close()
  }
}
const CLOSER = token<DbCloser>('DB_CLOSER')

/** One connection for the whole app, opened at start-up and closed on shutdown. */
export function databaseModule(url: string) {
  return module({
    name: 'database',
    global: true,
    providers: [
      { provide: DB, useFactory: () => connect(url) },
      { provide: CLOSER, useFactory: (db: Db) => new DbCloser(db), inject: [DB] },
    ],
    exports: [DB],
  })
}
`

/** The notes module; `live` adds a broadcast of each new note on the realtime channel "notes". */
export function notesTs(live: boolean): string {
  return `import { HttpError } from 'weftjs'
import { inject, module } from 'weftjs/di'
import { z } from 'zod'
import { DB } from './database.ts'
${live ? "import { LIVE } from './live.ts'\n" : ''}
export const NoteInput = z.object({
  text: z.string().trim().min(1).max(1000),
  done: z.boolean().default(false),
})

const NoteId = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/, 'not a note id') })
const NoteQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) })

/** Notes in the database; the routes below are its only callers. */
export class Notes {
  readonly notes = inject(DB).collection('notes', NoteInput)
${live ? '  readonly live = inject(LIVE)\n' : ''}
  list(limit: number) {
    return this.notes.find({}, { sort: { _id: -1 }, limit }).toArray()
  }

  async get(id: string) {
    const note = await this.notes.findOne({ _id: id })
    if (!note) throw new HttpError(404, \`No note with id \${id}\`)
    return note
  }

  async create(input: z.input<typeof NoteInput>) {
${
  live
    ? `    const note = (await this.notes.insertOne(input)).document
    // Every page on the channel sees it, on every instance once a broker is configured.
    await this.live.broadcast('notes', note)
    return note`
    : '    return (await this.notes.insertOne(input)).document'
}
  }

  async remove(id: string): Promise<void> {
    if ((await this.notes.deleteOne({ _id: id })) === 0) throw new HttpError(404, \`No note with id \${id}\`)
  }
}

export const notesModule = module({
  name: 'notes',
  prefix: '/api/notes',
  providers: [Notes],
  exports: [Notes],
  routes: (r) =>
    r
      .get('/', { query: NoteQuery }, (ctx) => ctx.get(Notes).list(ctx.query.limit))
      .post('/', { body: NoteInput }, async (ctx) => {
        const note = await ctx.get(Notes).create(ctx.body)
        ctx.header('location', \`/api/notes/\${note._id}\`)
        return ctx.json(note, 201)
      })
      .get('/:id', { params: NoteId }, (ctx) => ctx.get(Notes).get(ctx.params.id))
      .delete('/:id', { params: NoteId }, (ctx) => ctx.get(Notes).remove(ctx.params.id)),
})
`
}

const TEST_TS = `import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Server, serve } from 'weftjs'
import { createApp } from '../src/app.ts'

// Each test serves the app on a free port over a real socket, on the in-memory store:
// the same query semantics as SQLite, PostgreSQL and MongoDB, nothing to set up.
async function withServer(run: (url: string) => Promise<void>) {
  const server: Server = await serve(createApp('memory:'), { port: 0 })
  try {
    await run(server.url)
  } finally {
    await server.close()
  }
}

const json = { 'content-type': 'application/json' }

test('a note is created, listed, read and deleted', () =>
  withServer(async (url) => {
    const created = await fetch(\`\${url}/api/notes\`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ text: ' Ship it ' }),
    })
    assert.equal(created.status, 201)
    const note = await created.json()
    assert.equal(note.text, 'Ship it')
    assert.equal(note.done, false)
    assert.equal(created.headers.get('location'), \`/api/notes/\${note._id}\`)

    const listed = await (await fetch(\`\${url}/api/notes\`)).json()
    assert.deepEqual(listed, [note])
    assert.deepEqual(await (await fetch(\`\${url}/api/notes/\${note._id}\`)).json(), note)

    assert.equal((await fetch(\`\${url}/api/notes/\${note._id}\`, { method: 'DELETE' })).status, 204)
    assert.equal((await fetch(\`\${url}/api/notes/\${note._id}\`)).status, 404)
  }))

test('invalid input is refused with a problem document and stores nothing', () =>
  withServer(async (url) => {
    const res = await fetch(\`\${url}/api/notes\`, { method: 'POST', headers: json, body: '{"text":""}' })
    assert.equal(res.status, 422)
    assert.equal(res.headers.get('content-type'), 'application/problem+json')
    assert.equal((await res.json()).errors[0].path, 'text')
    assert.deepEqual(await (await fetch(\`\${url}/api/notes\`)).json(), [])
  }))

test('answers carry secure headers', () =>
  withServer(async (url) => {
    const res = await fetch(url)
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff')
    assert.ok(res.headers.get('content-security-policy'))
  }))
`
