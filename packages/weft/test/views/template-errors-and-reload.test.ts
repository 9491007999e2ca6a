import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { weft } from 'weftjs'
import { createRenderer, handlebars } from 'weftjs/views'
import { withServer } from '../helpers/server.ts'
import { makeWebFiles } from '../middleware/web-files.ts'

const files = makeWebFiles()
const views = join(files.dir, 'views')
after(() => files.remove())

function appWith(dev: boolean) {
  const app = weft({ logger: false, dev, views: { dir: views } })
  app.get('/:name', (ctx) => ctx.render(ctx.params.name, { name: 'x' }))
  return app
}

describe('template errors name the file and the line', () => {
  test('a runtime error in development: 500 whose detail names broken.eta line 3', async () => {
    await withServer(appWith(true), async ({ url }) => {
      const res = await fetch(`${url}/broken`)
      assert.equal(res.status, 500)
      const problem = await res.json()
      assert.match(problem.detail, /WEFT_VIEW_ERROR: .*broken\.eta:3/)
      assert.match(problem.detail, /it\.missing\.deep/)
    })
  })

  test('a syntax error (an unclosed tag) names the file and line 2', async () => {
    const renderer = createRenderer({ dir: views }, true)
    await assert.rejects(renderer.render('unclosed', { name: 'x' }), (error: Error) => {
      assert.match(error.message, /unclosed\.eta/)
      assert.match(error.message, /line 2/)
      return true
    })
  })

  test('JavaScript that does not parse inside a tag names the file and line 3', async () => {
    const renderer = createRenderer({ dir: views }, true)
    await assert.rejects(renderer.render('badjs', {}), (error: Error) => {
      assert.match(error.message, /badjs\.eta:3: bad template syntax: /)
      return true
    })
  })

  test('a Handlebars parse error names the file and the line', async () => {
    const renderer = createRenderer({ dir: join(views, 'hbs'), engine: handlebars() }, true)
    await assert.rejects(renderer.render('broken', { labels: [] }), (error: Error) => {
      assert.match(error.message, /broken\.hbs: line 2: each doesn't match if/)
      return true
    })
  })

  test('a missing template names the file it looked for', async () => {
    await assert.rejects(createRenderer({ dir: views }, false).render('nope', {}), /nope\.eta/)
  })

  test('ctx.render without views configured says how to configure them', async () => {
    const app = weft({ logger: false, dev: true })
    app.get('/', (ctx) => ctx.render('hello'))
    const problem = await (await app.request('/')).json()
    assert.match(problem.detail, /WEFT_VIEWS_NOT_CONFIGURED: .*weft\(\{ views: \{ dir \} \}\)/)
  })
})

describe('templates are compiled once in production and reloaded in development', () => {
  test('production keeps the first compiled version after the file changes', async () => {
    const file = join(views, 'cached.eta')
    writeFileSync(file, '<p>first</p>')
    await withServer(appWith(false), async ({ url }) => {
      assert.equal(await (await fetch(`${url}/cached`)).text(), '<p>first</p>')
      writeFileSync(file, '<p>second</p>')
      assert.equal(await (await fetch(`${url}/cached`)).text(), '<p>first</p>')
    })
  })

  test('development shows the edit on the next request', async () => {
    const file = join(views, 'reloaded.eta')
    writeFileSync(file, '<p>first</p>')
    await withServer(appWith(true), async ({ url }) => {
      assert.equal(await (await fetch(`${url}/reloaded`)).text(), '<p>first</p>')
      writeFileSync(file, '<p>second</p>')
      assert.equal(await (await fetch(`${url}/reloaded`)).text(), '<p>second</p>')
    })
  })

  test('Handlebars too: cached in production, reloaded in development', async () => {
    const file = join(views, 'hbs', 'edited.hbs')
    for (const [dev, expected] of [
      [false, 'one'],
      [true, 'two'],
    ] as const) {
      writeFileSync(file, 'one')
      const renderer = createRenderer({ dir: join(views, 'hbs'), engine: handlebars() }, dev)
      assert.equal(await renderer.render('edited', {}), 'one')
      writeFileSync(file, 'two')
      assert.equal(await renderer.render('edited', {}), expected)
    }
  })
})
