import assert from 'node:assert/strict'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Page } from 'playwright-core'
import { realtime } from 'weftjs/realtime'
import { z } from 'zod'
import { browserSkip, launchBrowser } from '../helpers/browser.ts'
import { serveLive } from './helpers.ts'

const skip = browserSkip('the realtime browser test')

const here = dirname(fileURLToPath(import.meta.url))

/** weftjs/client bundled for the browser, as an app would ship it. */
async function clientBundle(): Promise<string> {
  const result = await build({
    entryPoints: [join(here, '../../src/client/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
  })
  return result.outputFiles[0].text
}

// The page: joins chat/lobby as ?name=, keeps what it sees in window.seen.
const PAGE = `<!doctype html><meta charset="utf-8"><title>chat</title><script type="module">
import { realtimeClient } from '/client.js'
const name = new URLSearchParams(location.search).get('name')
const rt = realtimeClient(location.origin.replace('http', 'ws') + '/live', { token: name, reconnect: { min: 100, max: 400 }, heartbeat: 300 })
const room = rt.join('chat/lobby')
window.seen = { messages: [], presence: {}, states: [] }
rt.on('state', (s) => { window.seen.states.push(s); window.seen.session = rt.session })
room.on('message', (data) => window.seen.messages.push(data))
room.on('presence', (state) => (window.seen.presence = state))
window.say = (text) => room.send({ from: name, text })
</script>`

const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: any }).seen)

describe('the realtime client in a real browser', () => {
  test('two pages see each other’s presence and messages; one goes offline and comes back', {
    skip,
  }, async () => {
    const bundle = await clientBundle()
    // A short idle timeout: the server notices Bob's dead socket in seconds, not 50 s.
    const live = realtime({
      logger: false,
      limits: { idleTimeout: 1000 },
      authenticate: (_ctx, token) => (token ? { id: token } : null),
    }).channel('chat/:room', { presence: true, message: z.object({ from: z.string(), text: z.string() }) })
    const served = await serveLive(live, 0, (app) => {
      app.get('/', (ctx) => ctx.html(PAGE))
      app.get('/client.js', (ctx) => {
        ctx.header('content-type', 'text/javascript; charset=utf-8')
        return bundle
      })
    })
    const browser = await launchBrowser()
    try {
      const context = await browser.newContext()
      const ada = await context.newPage()
      const bob = await (await browser.newContext()).newPage()
      const problems: string[] = []
      for (const page of [ada, bob]) page.on('pageerror', (error) => problems.push(error.message))
      await ada.goto(`${served.server.url}/?name=ada`)
      await bob.goto(`${served.server.url}/?name=bob`)
      const present = (page: Page, who: string[]) =>
        page.waitForFunction((names) => names.every((n: string) => (window as any).seen?.presence[n]), who, {
          timeout: 10_000,
        })
      await present(ada, ['ada', 'bob'])
      await present(bob, ['ada', 'bob'])

      await ada.evaluate(() => (window as any).say('hello from ada'))
      await bob.waitForFunction(
        () => (window as any).seen.messages.some((m: any) => m.text === 'hello from ada'),
        undefined,
        { timeout: 10_000 },
      )

      // Bob goes offline: his client notices the silence and keeps what he says meanwhile.
      const firstSession = (await seen(bob)).session
      await bob.context().setOffline(true)
      await bob.waitForFunction(() => (window as any).seen.states.includes('reconnecting'), undefined, {
        timeout: 10_000,
      })
      await bob.evaluate(() => (window as any).say('said while offline'))
      // Back online: Bob reconnects, rejoins, his buffered message reaches Ada, and Ada
      // sees his new connection in the channel's presence.
      await bob.context().setOffline(false)
      await bob.waitForFunction(
        (first) => (window as any).seen.session !== first && (window as any).seen.states.at(-1) === 'open',
        firstSession,
        { timeout: 10_000 },
      )
      const { session } = await seen(bob)
      await ada.waitForFunction(
        (ref) => (window as any).seen.presence.bob?.some((m: any) => m.ref === ref),
        session,
        { timeout: 10_000 },
      )
      await ada.waitForFunction(
        () => (window as any).seen.messages.some((m: any) => m.text === 'said while offline'),
        undefined,
        { timeout: 10_000 },
      )
      // The abandoned socket is gone too: Bob is one connection again.
      await ada.waitForFunction(() => (window as any).seen.presence.bob?.length === 1, undefined, {
        timeout: 10_000,
      })
      await ada.evaluate(() => (window as any).say('welcome back'))
      await bob.waitForFunction(
        () => (window as any).seen.messages.some((m: any) => m.text === 'welcome back'),
        undefined,
        { timeout: 10_000 },
      )
      assert.deepEqual(problems, [])
    } finally {
      await browser.close()
      await served.close().catch(() => {})
    }
  })
})
