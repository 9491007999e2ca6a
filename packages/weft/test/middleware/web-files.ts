import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'

/** The folder the web fixture serves: `public/` holds the files, `outside/` what must never leak. */
export interface WebFiles {
  dir: string
  big: Uint8Array
  remove(): void
}

export const SECRET = 'TOP SECRET, outside the root'
export const CSS = 'body { color: rebeccapurple }\n'.repeat(40)

export function makeWebFiles(): WebFiles {
  const dir = mkdtempSync(join(tmpdir(), 'weft-web-'))
  const pub = join(dir, 'public')
  mkdirSync(join(pub, 'sub'), { recursive: true })
  mkdirSync(join(dir, 'outside'))
  mkdirSync(join(dir, 'uploads'))
  writeFileSync(join(dir, 'outside', 'secret.txt'), SECRET)
  writeFileSync(join(dir, 'public-secret.txt'), SECRET)
  writeFileSync(join(pub, 'hello.txt'), 'hello world')
  writeFileSync(join(pub, 'empty.txt'), '')
  writeFileSync(join(pub, 'page.html'), '<h1>page</h1>')
  writeFileSync(join(pub, 'app.js'), 'export {}')
  writeFileSync(join(pub, 'logo.png'), new Uint8Array([137, 80, 78, 71]))
  writeFileSync(join(pub, 'data.unknownext'), 'x')
  writeFileSync(join(pub, 'style.css'), CSS)
  writeFileSync(join(pub, 'style.css.br'), brotliCompressSync(CSS))
  writeFileSync(join(pub, 'style.css.gz'), gzipSync(CSS))
  writeFileSync(join(pub, 'sub', 'index.html'), '<h1>sub index</h1>')
  writeFileSync(join(pub, '.env'), `SECRET=${SECRET}`)
  const big = new Uint8Array(1024 * 1024).map((_, i) => (i * 7) % 251)
  writeFileSync(join(pub, 'big.bin'), big)
  symlinkSync(join(dir, 'outside', 'secret.txt'), join(pub, 'link-out.txt'))
  symlinkSync(join(dir, 'outside'), join(pub, 'dir-out'))
  symlinkSync(join(pub, 'hello.txt'), join(pub, 'link-in.txt'))
  writeViews(join(dir, 'views'))
  return { dir, big, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Templates for the views cases: Eta at the top, Handlebars under hbs/. */
function writeViews(views: string): void {
  mkdirSync(join(views, 'layouts'), { recursive: true })
  mkdirSync(join(views, 'partials'))
  mkdirSync(join(views, 'hbs', 'partials'), { recursive: true })
  const files: Record<string, string> = {
    'hello.eta': '<p>Hello <%= it.name %></p>',
    'layouts/main.eta': '<html><title><%= it.title %></title><body><%~ it.body %></body></html>',
    'list.eta':
      '<ul><% for (const label of it.labels) { %><%~ include("partials/item", { label }) %><% } %></ul>',
    'partials/item.eta': '<li><%= it.label %></li>',
    'state.eta': '<p><%= it.who %> <%= it.name %></p>',
    'broken.eta': '<p>one</p>\n<p>two</p>\n<p><%= it.missing.deep %></p>\n',
    'unclosed.eta': '<p>one</p>\n<p><%= it.name </p>\n',
    'badjs.eta': '<p>one</p>\n<p>two</p>\n<% if (it.x { %>\n<p>x</p>\n<% } %>\n',
    'hbs/hello.hbs': '<p>Hello {{name}}</p>{{#each labels}}{{> item label=this}}{{/each}}',
    'hbs/partials/item.hbs': '<li>{{label}}</li>',
    'hbs/layout.hbs': '<main>{{{body}}}</main>',
    'hbs/broken.hbs': '<p>one</p>\n{{#each labels}}\n<p>{{/if}}</p>\n',
  }
  for (const [name, text] of Object.entries(files)) writeFileSync(join(views, name), text)
}
