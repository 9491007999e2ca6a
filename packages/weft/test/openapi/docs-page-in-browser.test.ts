import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import * as v from 'valibot'
import { weft } from 'weftjs'
import { apiDocs } from 'weftjs/docs'
import { z } from 'zod'
import { browserSkip, launchBrowser } from '../helpers/browser.ts'
import { withServer } from '../helpers/server.ts'

const skip = browserSkip('the docs page browser test')

describe('the docs page in a real browser', () => {
  test('renders every operation and requests nothing from another origin', { skip }, async () => {
    const app = weft({ logger: false })
    const tasks = weft({ logger: false })
    tasks.get(
      '/',
      { summary: 'List the tasks', tags: ['tasks'], query: z.object({ done: z.boolean().optional() }) },
      () => [],
    )
    tasks.post(
      '/',
      { summary: 'Create a task', tags: ['tasks'], body: v.object({ title: v.string() }) },
      () => ({}),
    )
    tasks.delete('/:id', { summary: 'Delete a task', tags: ['tasks'] }, () => undefined)
    app.get('/health', { summary: 'Report health' }, () => 'ok')
    app.get('/secret', { summary: 'Hidden one', hidden: true }, () => 'no')
    app.route('/tasks', tasks)
    apiDocs(app, { info: { title: 'Browser Test API', version: '2.0.0' } })

    await withServer(app, async (server) => {
      const origin = new URL(server.url).origin
      const browser = await launchBrowser()
      try {
        const page = await browser.newPage()
        const requested: string[] = []
        const problems: string[] = []
        page.on('request', (request) => requested.push(request.url()))
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(message.text())
        })
        page.on('pageerror', (error) => problems.push(error.message))
        const response = await page.goto(`${origin}/docs`, { waitUntil: 'networkidle' })
        assert.equal(response?.status(), 200)
        await page.waitForSelector('.opblock-summary-path', { timeout: 15000 })
        await page.screenshot({ path: '/tmp/weft-docs.png', fullPage: true })

        const paths = await page.$$eval('.opblock-summary-path', (nodes) =>
          nodes.map((node) => node.getAttribute('data-path') ?? node.textContent?.trim()),
        )
        assert.deepEqual(paths.sort(), ['/health', '/tasks', '/tasks', '/tasks/{id}'])
        const text = await page.textContent('body')
        for (const summary of [
          'List the tasks',
          'Create a task',
          'Delete a task',
          'Report health',
          'Browser Test API',
        ]) {
          assert.ok(text?.includes(summary), `the page shows "${summary}"`)
        }
        assert.ok(!text?.includes('Hidden one'), 'hidden routes stay hidden')

        // Open one operation: its body schema and its problem answers are described.
        await page.click('.opblock-post .opblock-summary')
        await page.waitForSelector('.opblock-post .opblock-body .responses-table', { timeout: 15000 })
        const operation = (await page.textContent('.opblock-post .opblock-body')) ?? ''
        for (const expected of ['application/json', 'title', '422', 'application/problem+json']) {
          assert.ok(operation.includes(expected), `the opened operation shows "${expected}"`)
        }
        await page.screenshot({ path: '/tmp/weft-docs-operation.png', fullPage: true })
        assert.ok(
          requested.some((url) => url.endsWith('/openapi.json')),
          'the page fetched the document',
        )
        const foreign = requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'))
        assert.deepEqual(foreign, [], 'every request went to the same origin')
        assert.deepEqual(problems, [], 'no console errors (a CSP violation would show here)')
      } finally {
        await browser.close()
      }
    })
  })
})
