import assert from 'node:assert/strict'
import type { Case } from '../conformance/client.ts'

const text = async (url: string) => {
  const res = await fetch(url)
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() }
}

export const viewsCases: Case[] = [
  [
    'ctx.render answers HTML from an Eta template, escaping interpolated values',
    async ({ url }) => {
      const res = await text(`${url}/views/hello?name=${encodeURIComponent('<script>alert(1)</script>')}`)
      assert.equal(res.status, 200)
      assert.equal(res.type, 'text/html; charset=utf-8')
      assert.equal(res.body, '<p>Hello &lt;script&gt;alert(1)&lt;/script&gt;</p>')
    },
  ],
  [
    'a layout wraps the page (given as body) and the status option is used',
    async ({ url }) => {
      const res = await text(`${url}/views/page`)
      assert.equal(res.status, 201)
      assert.equal(res.body, '<html><title>&lt;Tasks&gt;</title><body><p>Hello page</p></body></html>')
    },
  ],
  [
    'partials are included with their own data, escaped too',
    async ({ url }) => {
      assert.equal((await text(`${url}/views/list`)).body, '<ul><li>a</li><li>&lt;b&gt;</li></ul>')
    },
  ],
  [
    'ctx.state reaches the template beside the data',
    async ({ url }) => {
      assert.equal((await text(`${url}/views/state`)).body, '<p>from state and data</p>')
    },
  ],
  [
    'a template error answers 500 problem+json without detail in production',
    async ({ url }) => {
      const res = await fetch(`${url}/views/broken`)
      assert.equal(res.status, 500)
      assert.equal(res.headers.get('content-type'), 'application/problem+json')
      assert.doesNotMatch(await res.text(), /broken\.eta|deep/)
    },
  ],
  [
    'template errors name the file and line: a runtime error, an unclosed tag, JavaScript that does not parse',
    async ({ url, runtime }) => {
      const message = async (name: string) => (await text(`${url}/views/error-message/${name}`)).body
      assert.match(await message('broken'), /broken\.eta:3/)
      assert.match(await message('unclosed'), /unclosed\.eta: .*line 2/)
      // Deno's node:vm reports no line for a syntax error: there the file is named alone.
      assert.match(
        await message('badjs'),
        runtime === 'deno' ? /badjs\.eta: Bad template syntax/ : /badjs\.eta:3: bad template syntax/,
      )
    },
  ],
  [
    'a template name that climbs out of the views folder is refused',
    async ({ url }) => {
      const res = await fetch(`${url}/views/escape-attempt`)
      assert.equal(res.status, 500)
      assert.doesNotMatch(await res.text(), /hello world/)
    },
  ],
  [
    'the Handlebars adapter renders with partials, a layout and escaping',
    async ({ url }) => {
      assert.equal(
        (await text(`${url}/views/hbs`)).body,
        '<main><p>Hello &lt;x&gt;</p><li>one</li><li>&lt;two&gt;</li></main>',
      )
    },
  ],
]
