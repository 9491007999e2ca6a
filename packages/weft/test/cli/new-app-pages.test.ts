import assert from 'node:assert/strict'
import { once } from 'node:events'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { realtimeClient } from 'weftjs/client'
import { WebSocket } from 'ws'
import { PROTOCOL_VERSION, SUBPROTOCOL, tokenProtocol } from '../../src/shared/realtime-protocol.ts'
import { browserSkip, launchBrowser } from '../helpers/browser.ts'
import { eventually } from '../realtime/helpers.ts'
import { Background, freePort, runIn } from './app-process.ts'
import { nodeWithSqlite, type ScaffoldedApp, scaffoldApp } from './packed-weftjs.ts'

// The templates with pages, as a user gets them: scaffolded and installed from the packed
// weftjs, checked with the app's own typecheck, linter and tests, then served and used in
// Chromium. One full install per template; the --db and --runtime variants are checked
// from the sources in usage.test.ts.
const nodeDir = nodeWithSqlite()
const skip = nodeDir
  ? browserSkip('the fullstack and realtime templates in a browser')
  : 'no Node >= 22.5 here'

/** The page's text of `selector` once `accept` takes it. */
async function textOf(page: Page, selector: string, accept: (text: string) => boolean): Promise<string> {
  let last = ''
  for (let waited = 0; waited < 15_000; waited += 50) {
    last = (await page.locator(selector).textContent()) ?? ''
    if (accept(last)) return last
    await page.waitForTimeout(50)
  }
  assert.fail(`${selector} never matched; last: ${JSON.stringify(last)}`)
}

describe('weft new --template fullstack', { skip }, () => {
  let scaffolded: ScaffoldedApp
  let browser: Browser
  const weft = (...args: string[]) =>
    runIn(scaffolded.app, scaffolded.env, join(scaffolded.app, 'node_modules/.bin/weft'), args)

  before(async () => {
    scaffolded = scaffoldApp(nodeDir!, 'pages-app', ['--template', 'fullstack'])
    assert.match(scaffolded.output, /Created pages-app \(fullstack, sqlite, node/)
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    if (scaffolded) rmSync(scaffolded.root, { recursive: true, force: true })
  })

  test('weft check passes: strict TypeScript, the linter, and its tests (which build first)', () => {
    const result = weft('check')
    assert.equal(result.status, 0, result.output)
    assert.match(result.output, /dist\/client\/main-[A-Z0-9]{8}\.js/)
    assert.match(result.output, /pass 3/)
    assert.match(result.output, /✓ test/)
  })

  test('weft start serves the page; its hashed script, read from the manifest, adds a note in Chromium', async () => {
    const built = weft('build')
    assert.equal(built.status, 0, built.output)
    const manifest = JSON.parse(readFileSync(join(scaffolded.app, 'dist/client/manifest.json'), 'utf8'))
    assert.match(manifest['client/main.ts'], /^main-[A-Z0-9]{8}\.js$/)
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const server = new Background(
      scaffolded.app,
      { ...scaffolded.env, PORT: String(port) },
      join(scaffolded.app, 'node_modules/.bin/weft'),
      ['start'],
    )
    const page = await browser.newPage()
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(String(error)))
    // Scripts that throw, and what the Content-Security-Policy blocks, would show here.
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/.test(message.text())) problems.push(message.text())
    })
    try {
      await server.waitFor(/pages-app on http:\/\/127\.0\.0\.1:\d+/)
      const script = page.waitForResponse(
        (res) => res.url() === `${url}/assets/${manifest['client/main.ts']}`,
      )
      await page.goto(url)
      assert.equal((await script).status(), 200)
      await page.fill('#new-note input', '<i>From the browser</i>')
      await page.click('#new-note button')
      await textOf(page, '#notes', (text) => text.includes('<i>From the browser</i>'))

      // An invalid note shows the server's message and stores nothing.
      await page.fill('#new-note input', '   ')
      await page.click('#new-note button')
      assert.match(await textOf(page, '#error', (text) => text !== ''), /\S/)

      // The server kept it: rendered by the view, escaped, after a reload.
      await page.reload()
      assert.equal(await page.locator('#notes li').count(), 1)
      assert.equal(await page.locator('#notes li').textContent(), '<i>From the browser</i>')
      assert.deepEqual(problems, [], 'no script error, no blocked resource (secure headers on)')
    } finally {
      await page.close()
      assert.equal(await server.stop(), 0, server.output)
    }
  })
})

describe('weft new --template realtime', { skip }, () => {
  let scaffolded: ScaffoldedApp
  let browser: Browser
  const weft = (...args: string[]) =>
    runIn(scaffolded.app, scaffolded.env, join(scaffolded.app, 'node_modules/.bin/weft'), args)

  before(async () => {
    scaffolded = scaffoldApp(nodeDir!, 'live-app', ['--template', 'realtime'])
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    if (scaffolded) rmSync(scaffolded.root, { recursive: true, force: true })
  })

  test('weft check passes: strict TypeScript, the linter, and its tests over real WebSockets', () => {
    const result = weft('check')
    assert.equal(result.status, 0, result.output)
    assert.match(result.output, /pass 3/)
    assert.match(result.output, /✓ test/)
  })

  test('weft routes shows the module of each route: the app’s own (page, WebSocket) have none', () => {
    const routes = weft('routes')
    assert.equal(routes.status, 0, routes.output)
    assert.match(routes.output, /^GET\s+\/live\s+-\s+-$/m)
    assert.match(routes.output, /^POST\s+\/api\/notes\s+notes\s+body$/m)
  })

  test('weft dev: a restart closes sockets with "going away"; the page and a client reconnect and rejoin', {
    timeout: 180_000,
  }, async () => {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const appFile = join(scaffolded.app, 'src/app.ts')
    const original = readFileSync(appFile, 'utf8')
    const dev = new Background(
      scaffolded.app,
      scaffolded.env,
      join(scaffolded.app, 'node_modules/.bin/weft'),
      ['dev', '--port', String(port)],
    )
    const page = await browser.newPage()
    const client = realtimeClient(`ws://127.0.0.1:${port}/live`, {
      token: 'Node',
      WebSocket: WebSocket as never,
      reconnect: { min: 50, max: 250 },
    })
    try {
      await dev.waitFor(/ready in \d+ ms/)
      // The page's script comes from weft dev's own build of client/, through the manifest.
      await page.goto(url)
      await page.fill('#join input', 'Ada')
      await page.click('#join button')
      const lobby = client.join('chat/lobby')
      await lobby.joined
      await textOf(page, '#here', (text) => text === 'Ada, Node')

      // A bare protocol client, to see the close code the restart sends.
      const raw = new WebSocket(`ws://127.0.0.1:${port}/live`, [SUBPROTOCOL, tokenProtocol('Raw')])
      await once(raw, 'open')
      raw.send(JSON.stringify({ msg: 'connect', version: PROTOCOL_VERSION, support: [PROTOCOL_VERSION] }))
      await once(raw, 'message')
      const closed = once(raw, 'close')
      // Recorded from before the restart: the reconnect may be over before the wait below starts.
      const states: string[] = []
      const freshPresence: number[] = []
      client.on('state', (state) => states.push(state))
      lobby.on('presence', (state) => {
        if (states.includes('open')) freshPresence.push(Object.keys(state).length)
      })

      const mark = dev.output.length
      writeFileSync(appFile, original.replace("title: 'Lobby'", "title: 'Lobby, again'"))
      const [code] = (await closed) as [number]
      assert.ok(code === 1001 || code === 1012, `closed with ${code}`)
      await dev.waitFor(/src\/app\.ts changed, restarted in \d+ ms/, mark)

      // The client comes back by itself, rejoins, and is sent the lobby's presence afresh.
      await eventually(() => states.includes('open'), 'the client to reconnect', 20_000)
      assert.equal(states[0], 'reconnecting')
      await eventually(() => freshPresence.some((n) => n >= 2), 'the lobby presence afresh', 20_000)
      assert.equal(await page.locator('#here').textContent(), 'Ada, Node')

      // The page came back too: its message reaches the client through the new server.
      const heard: unknown[] = []
      lobby.on('message', (data) => heard.push(data))
      await page.fill('#say input', 'after the restart')
      await page.click('#say button')
      await eventually(() => heard.length > 0, "the page's message", 20_000)
      assert.deepEqual(heard[0], { text: 'after the restart' })
    } finally {
      client.close()
      await page.close()
      writeFileSync(appFile, original)
      assert.equal(await dev.stop(), 0, dev.output)
    }
  })
})
