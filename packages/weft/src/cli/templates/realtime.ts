// The realtime template: the notes API, a realtime endpoint (weftjs/realtime) with a chat
// room that has presence and a feed of new notes, and a page whose browser code joins
// them with realtimeClient from weftjs/client.
// Publications and methods (live.publish, live.method: live queries and RPC) are not in
// weftjs yet; when they are, the notes feed becomes a publication of the notes query.
import { DATABASE_TS, mainTs, notesTs } from './api.js'
import type { Files, TemplateOptions } from './options.js'
import { pageFiles, SERVE_ASSETS } from './pages.js'
import { defaultDatabaseUrl } from './project-files.js'

export function realtimeFiles(options: TemplateOptions): Files {
  return {
    ...pageFiles(options),
    'src/main.ts': mainTs(options),
    'src/app.ts': appTs(options),
    'src/database.ts': DATABASE_TS,
    'src/live.ts': LIVE_TS,
    'src/notes.ts': notesTs(true),
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
import { createLive, liveModule } from './live.ts'
import { notesModule } from './notes.ts'

/** The app, without a server: main.ts serves it, the tests serve it on a free port. */
export function createApp(databaseUrl: string) {
  const live = createLive()
  const app = weft({
    modules: [databaseModule(databaseUrl), liveModule(live), notesModule],
    views: { dir: 'views', layout: 'layout' },
  })
  app.use(secureHeaders())
${SERVE_ASSETS}
  // The realtime endpoint: the page's realtimeClient connects here.
  app.ws('/live', live)
  app.get('/', (ctx) => ctx.render('index', { title: 'Lobby', script: assetUrl('client/main.ts') }))
  return app
}

// \`weft routes\` and \`weft openapi\` read the default export; nothing connects until serve().
export default createApp(process.env.DATABASE_URL ?? '${defaultDatabaseUrl(options)}')
`
}

const LIVE_TS = `import { module, token } from 'weftjs/di'
import { realtime } from 'weftjs/realtime'
import { z } from 'zod'

const Name = z.string().trim().min(1).max(40)

/**
 * The realtime endpoint: chat rooms with presence (who is here), and "notes", where the
 * server announces each new note. BROKER_URL (redis:// or nats://) spreads both across
 * instances; without it they stay in this process.
 */
export function createLive() {
  return realtime({
    broker: process.env.BROKER_URL || undefined,
    // The token the page sends is the visitor's name. Put your sign-in here: a session
    // cookie (ctx.cookies) or a JWT; returning null refuses the connection with 401.
    authenticate: (_ctx, token) => {
      const name = Name.safeParse(token)
      return name.success ? { id: crypto.randomUUID(), name: name.data } : null
    },
  })
    .channel('chat/:room', {
      presence: { meta: (conn) => ({ name: conn.user.name }) },
      // What a page may send: checked here, an invalid message answers an error frame.
      message: z.object({ text: z.string().trim().min(1).max(500) }),
    })
    .channel('notes')
}

export type AppLive = ReturnType<typeof createLive>

/** The endpoint, for any module to broadcast on. */
export const LIVE = token<AppLive>('LIVE')

export function liveModule(live: AppLive) {
  return module({
    name: 'live',
    global: true,
    providers: [{ provide: LIVE, useValue: live }],
    exports: [LIVE],
  })
}
`

const INDEX_ETA = `<h1><%= it.title %></h1>
<form id="join">
  <input name="name" required maxlength="40" placeholder="Your name" autocomplete="off" aria-label="Name">
  <button>Join</button>
</form>
<section id="room" hidden>
  <p>Here now: <span id="here"></span></p>
  <ul id="messages"></ul>
  <form id="say">
    <input name="text" required maxlength="500" autocomplete="off" aria-label="Message">
    <button>Send</button>
  </form>
  <h2>New notes</h2>
  <ul id="notes"></ul>
</section>
`

const CLIENT_TS = `// The page's browser code: joins the lobby and the notes feed with the typed realtime
// client. It reconnects by itself (after a deploy, or each restart of weft dev) and rejoins.
import { realtimeClient } from 'weftjs/client'
import type { AppLive } from '../src/live.ts'
import { $, addItem } from './lib/dom.ts'

const join = $<HTMLFormElement>('#join')

join.addEventListener('submit', (event) => {
  event.preventDefault()
  const name = String(new FormData(join).get('name'))
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  const rt = realtimeClient<AppLive>(\`\${scheme}://\${location.host}/live\`, { token: name })
  const lobby = rt.join('chat/lobby')
  lobby.on('presence', (state) => {
    const names = Object.values(state).flatMap((metas) => metas.map((meta) => String(meta.name)))
    $('#here').textContent = names.sort().join(', ')
  })
  lobby.on('message', (message) => addItem($('#messages'), message.text))
  rt.join('notes').on('message', (note) => addItem($('#notes'), String((note as { text: string }).text)))

  const say = $<HTMLFormElement>('#say')
  say.addEventListener('submit', (sent) => {
    sent.preventDefault()
    lobby.send({ text: String(new FormData(say).get('text')) })
    say.reset()
  })
  join.hidden = true
  $('#room').hidden = false
})
`

const TEST_TS = `import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Server, serve } from 'weftjs'
import { realtimeClient } from 'weftjs/client'
import { createApp } from '../src/app.ts'
import type { AppLive } from '../src/live.ts'

// Each test serves the app on a free port over a real socket, on the in-memory store, and
// connects real WebSocket clients to it.
async function withServer(run: (url: string, live: string) => Promise<void>) {
  const server: Server = await serve(createApp('memory:'), { port: 0 })
  try {
    await run(server.url, \`\${server.url.replace(/^http/, 'ws')}/live\`)
  } finally {
    await server.close()
  }
}

/** Resolves with the first event \`on\` reports that \`accept\` takes. */
function next<T>(
  on: (listener: (value: T) => void) => () => void,
  accept: (value: T) => boolean = () => true,
) {
  return new Promise<T>((resolve) => {
    const off = on((value) => {
      if (!accept(value)) return
      off()
      resolve(value)
    })
  })
}

/** Who a room's presence shows, by name. */
const names = (room: { presence: Record<string, Record<string, unknown>[]> }) =>
  Object.values(room.presence)
    .flatMap((metas) => metas.map((meta) => String(meta.name)))
    .sort()

test('visitors of the lobby see who is there and what the others say', () =>
  withServer(async (_url, live) => {
    const ada = realtimeClient<AppLive>(live, { token: 'Ada' })
    const bob = realtimeClient<AppLive>(live, { token: 'Bob' })
    try {
      const adaLobby = ada.join('chat/lobby')
      await adaLobby.joined
      const bothHere = next(
        (l) => adaLobby.on('presence', l),
        () => names(adaLobby).length === 2,
      )
      const bobLobby = bob.join('chat/lobby')
      await bobLobby.joined
      await bothHere
      assert.deepEqual(names(adaLobby), ['Ada', 'Bob'])

      const heard = next((l) => adaLobby.on('message', l))
      bobLobby.send({ text: ' hello ' })
      assert.deepEqual(await heard, { text: 'hello' })
    } finally {
      ada.close()
      bob.close()
    }
  }))

test('a new note reaches every page on the notes channel', () =>
  withServer(async (url, live) => {
    const page = realtimeClient<AppLive>(live, { token: 'Ada' })
    try {
      const notes = page.join('notes')
      await notes.joined
      const announced = next((l) => notes.on('message', l))
      const created = await fetch(\`\${url}/api/notes\`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'Ship it' }),
      })
      assert.equal(created.status, 201)
      assert.equal(((await announced) as { text: string }).text, 'Ship it')
    } finally {
      page.close()
    }
  }))

test('the page links its browser code and carries secure headers', () =>
  withServer(async (url) => {
    const page = await fetch(url)
    assert.equal(page.status, 200)
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/)
    const script = /<script type="module" src="(\\/assets\\/main-[A-Z0-9]+\\.js)">/.exec(await page.text())?.[1]
    assert.ok(script)
    assert.equal((await fetch(url + script)).status, 200)
  }))
`
