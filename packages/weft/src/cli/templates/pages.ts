// What the fullstack and realtime templates share: Eta views in a layout, the stylesheet
// in public/, and src/assets.ts, which links the browser code `weft build` (or `weft dev`)
// bundled from client/*.ts, through the manifest.
import type { Files, TemplateOptions } from './options.js'

export function pageFiles(options: TemplateOptions): Files {
  return {
    'src/assets.ts': ASSETS_TS,
    'views/layout.eta': layoutEta(options),
    'public/style.css': STYLE_CSS,
    'client/lib/dom.ts': DOM_TS,
  }
}

/** The lines of app.ts that serve the built browser code and public/. */
export const SERVE_ASSETS = `  // The browser code: hashed file names, so browsers may keep each file for a year.
  app.use(serveStatic({ root: clientDir, prefix: '/assets', maxAge: 31_536_000, immutable: true }))
  app.use(serveStatic({ root: 'public', prefix: '/static', maxAge: 3600 }))`

const ASSETS_TS = `import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Where the browser code is: \`weft build\` bundles client/*.ts into dist/client/ with hashed
 * names; \`weft dev\` keeps it built in .weft/dev/client/ and says so in CLIENT_DIR.
 */
export const clientDir = process.env.CLIENT_DIR ?? 'dist/client'

const production = process.env.NODE_ENV === 'production'
let manifest: Record<string, string> | undefined

/** The URL of a client entry's bundle: \`assetUrl('client/main.ts')\` -> \`/assets/main-5XQ2LK7D.js\`. */
export function assetUrl(entry: string): string {
  // Read once in production; in development each page reads the latest build.
  if (!production || !manifest) manifest = readManifest()
  const file = manifest[entry]
  if (!file) {
    throw new Error(\`\${entry} is not in \${clientDir}/manifest.json: is it a file directly in client/?\`)
  }
  return \`/assets/\${file}\`
}

function readManifest(): Record<string, string> {
  try {
    return JSON.parse(readFileSync(join(clientDir, 'manifest.json'), 'utf8'))
  } catch {
    throw new Error(\`no \${clientDir}/manifest.json: run \\\`weft build\\\` (npm start does), or use \\\`weft dev\\\`\`)
  }
}
`

function layoutEta(options: TemplateOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title><%= it.title %> · ${options.name}</title>
  <link rel="stylesheet" href="/static/style.css">
  <script type="module" src="<%= it.script %>"></script>
</head>
<body>
  <main><%~ it.body %></main>
</body>
</html>
`
}

const STYLE_CSS = `body {
  font-family: system-ui, sans-serif;
  line-height: 1.5;
  margin: 0;
  background: #f6f6f4;
  color: #222;
}
main {
  max-width: 40rem;
  margin: 2rem auto;
  padding: 0 1rem;
}
form {
  display: flex;
  gap: 0.5rem;
  margin: 1rem 0;
}
input {
  flex: 1;
  padding: 0.4rem 0.6rem;
  font: inherit;
}
button {
  padding: 0.4rem 1rem;
  font: inherit;
  cursor: pointer;
}
[role="alert"] {
  color: #b00020;
}
`

/** Shared by the page's entries: modules in client/'s subfolders are bundled into them, not built alone. */
const DOM_TS = `/** The element \`selector\` finds; a page without it is a bug worth a clear message. */
export function $<T extends HTMLElement = HTMLElement>(selector: string): T {
  const element = document.querySelector<T>(selector)
  if (!element) throw new Error(\`the page has no \${selector}\`)
  return element
}

/** Appends an item; textContent, so what people type never becomes HTML. */
export function addItem(list: HTMLElement, text: string, where: 'append' | 'prepend' = 'append'): void {
  const item = document.createElement('li')
  item.textContent = text
  list[where](item)
}
`
