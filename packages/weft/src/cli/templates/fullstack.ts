// The fullstack template: the notes API of the api template, and a page rendered with Eta
// whose browser code (client/main.ts) `weft build` bundles into a hashed file.
import { DATABASE_TS, mainTs, notesTs } from './api.js'
import type { Files, TemplateOptions } from './options.js'
import { pageFiles, SERVE_ASSETS } from './pages.js'
import { defaultDatabaseUrl } from './project-files.js'

export function fullstackFiles(options: TemplateOptions): Files {
  return {
    ...pageFiles(options),
    'src/main.ts': mainTs(options),
    'src/app.ts': appTs(options),
    'src/database.ts': DATABASE_TS,
    'src/notes.ts': notesTs(false),
    'views/index.eta': INDEX_ETA,
    'client/main.ts': CLIENT_TS,
    'test/app.test.ts': TEST_TS,
  }
}

function appTs(options: TemplateOptions): string {
  return `import { weft } from 'weftjs'
import { secureHeaders } from 'weftjs/secure-headers'
import { serveStatic } from 'weftjs/static'
import { assetUrl, clientDir } from './assets.ts'
import { databaseModule } from './database.ts'
import { Notes, notesModule } from './notes.ts'

/** The app, without a server: main.ts serves it, the tests serve it on a free port. */
export function createApp(databaseUrl: string) {
  const app = weft({
    modules: [databaseModule(databaseUrl), notesModule],
    views: { dir: 'views', layout: 'layout' },
  })
  app.use(secureHeaders())
${SERVE_ASSETS}
  app.get('/', async (ctx) =>
    ctx.render('index', {
      title: 'Notes',
      notes: await ctx.get(Notes).list(50),
      script: assetUrl('client/main.ts'),
    }),
  )
  return app
}

// \`weft routes\` and \`weft openapi\` read the default export; nothing connects until serve().
export default createApp(process.env.DATABASE_URL ?? '${defaultDatabaseUrl(options)}')
`
}

const INDEX_ETA = `<h1><%= it.title %></h1>
<form id="new-note">
  <input name="text" required maxlength="1000" placeholder="A new note" autocomplete="off" aria-label="Note">
  <button>Add</button>
</form>
<p id="error" role="alert" hidden></p>
<ul id="notes">
<% for (const note of it.notes) { %>
  <li><%= note.text %></li>
<% } %>
</ul>
`

const CLIENT_TS = `// The page's browser code. \`weft build\` bundles each file directly in client/ into
// dist/client/ with a hashed name; views link it through assetUrl('client/main.ts').
import { $, addItem } from './lib/dom.ts'

const form = $<HTMLFormElement>('#new-note')
const error = $('#error')

form.addEventListener('submit', async (event) => {
  event.preventDefault()
  const res = await fetch('/api/notes', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: new FormData(form).get('text') }),
  })
  const answer = await res.json()
  if (!res.ok) {
    // A problem document: what the first invalid field needs, else its title.
    error.textContent = answer.errors?.[0]?.message ?? answer.title
    error.hidden = false
    return
  }
  addItem($('#notes'), answer.text, 'prepend')
  form.reset()
  error.hidden = true
})
`

const TEST_TS = `import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Server, serve } from 'weftjs'
import { createApp } from '../src/app.ts'

// Each test serves the app on a free port over a real socket, on the in-memory store. The
// page links the browser code \`weft build\` made (npm test builds first).
async function withServer(run: (url: string) => Promise<void>) {
  const server: Server = await serve(createApp('memory:'), { port: 0 })
  try {
    await run(server.url)
  } finally {
    await server.close()
  }
}

test('the page lists the notes, escaped, and links the hashed browser code', () =>
  withServer(async (url) => {
    const created = await fetch(\`\${url}/api/notes\`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '<b>bold</b> move' }),
    })
    assert.equal(created.status, 201)
    const page = await fetch(url)
    assert.equal(page.status, 200)
    assert.match(page.headers.get('content-type') ?? '', /^text\\/html/)
    const html = await page.text()
    assert.match(html, /<li>&lt;b&gt;bold&lt;\\/b&gt; move<\\/li>/)
    const script = /<script type="module" src="(\\/assets\\/main-[A-Z0-9]+\\.js)">/.exec(html)?.[1]
    assert.ok(script, html)
    const asset = await fetch(url + script)
    assert.equal(asset.status, 200)
    assert.match(asset.headers.get('content-type') ?? '', /javascript/)
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/)
  }))

test('invalid input is refused with a problem document and stores nothing', () =>
  withServer(async (url) => {
    const res = await fetch(\`\${url}/api/notes\`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":""}',
    })
    assert.equal(res.status, 422)
    assert.equal((await res.json()).errors[0].path, 'text')
    assert.deepEqual(await (await fetch(\`\${url}/api/notes\`)).json(), [])
  }))

test('pages carry secure headers: no inline script may run', () =>
  withServer(async (url) => {
    const res = await fetch(url)
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff')
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/)
  }))
`
