// The live board in a real browser: two pages see each other's changes at once, first on
// one server (SQLite), then on two server processes behind one PostgreSQL and one Redis.
import { dirname, join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { type Server, serve } from 'weftjs'
import { type PostgresEnv, postgresEnv } from '../../../packages/weft/test/data/postgres-env.ts'
import { browserSkip, launchBrowser } from '../../../packages/weft/test/helpers/browser.ts'
import { type ListeningProgram, startListening } from '../../../packages/weft/test/helpers/program.ts'
import { type BrokerServer, startBrokerServer } from '../../../packages/weft/test/realtime/broker-servers.ts'
import { createApp } from '../src/app.ts'

const skip = browserSkip('the live board browser test')
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const WAIT = { timeout: 10_000 }

async function openBoard(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage()
  page.setDefaultTimeout(WAIT.timeout)
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(String(error)))
  await page.goto(`${url}/live-board`)
  await page
    .locator('#tasks[data-state="open"]')
    .waitFor({ state: 'attached' })
    .catch((error) => {
      throw new Error(`the board did not connect: ${errors.join('; ') || error}`)
    })
  return page
}

/** Adds, completes and deletes a task in `a`; `b` shows each change without a reload. */
async function seeEachOther(a: Page, b: Page, title: string): Promise<void> {
  await a.locator('#add input[name="title"]').fill(title)
  await a.locator('#add button').click()
  const inB = b.locator('#tasks li', { hasText: title })
  await inB.waitFor()
  await a.getByLabel(`Done: ${title}`).check()
  await b.locator('#tasks li.done', { hasText: title }).waitFor()
  await b.getByLabel(`Done: ${title}`).uncheck()
  await a.locator('#tasks li:not(.done)', { hasText: title }).waitFor()
  await a.getByLabel(`Delete: ${title}`).click()
  await inB.waitFor({ state: 'detached' })
}

describe('the live board in two browser pages', { skip }, () => {
  let browser: Browser
  before(async () => {
    browser = await launchBrowser()
  })
  after(() => browser?.close())

  test('one server on SQLite: each page sees the other’s changes at once', async () => {
    const server: Server = await serve(createApp('sqlite::memory:'), { port: 0 })
    try {
      const a = await openBoard(browser, server.url)
      const b = await openBoard(browser, server.url)
      await b.locator('#presence', { hasText: '2 boards open' }).waitFor()
      await seeEachOther(a, b, 'Ship the live board')
    } finally {
      await server.close()
    }
  })

  describe('two server processes behind one PostgreSQL and one Redis', () => {
    let env: PostgresEnv | string
    let redis: BrokerServer
    const instances: ListeningProgram[] = []
    before(async () => {
      env = await postgresEnv('taskboard')
      redis = await startBrokerServer('redis')
    })
    after(async () => {
      await Promise.all(instances.map((instance) => instance.stop()))
      if (typeof env !== 'string') await env.drop()
      await redis?.stop()
    })

    test('a page on each instance sees the other’s changes at once', async (t) => {
      if (typeof env === 'string') return t.skip(env)
      for (let i = 0; i < 2; i++) {
        instances.push(
          await startListening(process.execPath, ['--import', 'tsx', '--conditions=source', 'src/main.ts'], {
            cwd: root,
            env: { PORT: '0', DATABASE_URL: env.url, BROKER_URL: redis.url },
          }),
        )
      }
      const [one, two] = instances as [ListeningProgram, ListeningProgram]
      const a = await openBoard(browser, one.url)
      const b = await openBoard(browser, two.url)
      // Presence crosses instances through Redis; the tasks through PostgreSQL's change feed.
      await a.locator('#presence', { hasText: '2 boards open' }).waitFor()
      await seeEachOther(a, b, 'Across two instances')
      await seeEachOther(b, a, 'And back again')
    })
  })
})
