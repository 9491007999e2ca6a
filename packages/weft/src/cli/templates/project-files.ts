// The files every template shares: package.json, tsconfig, README, .gitignore, .env.example,
// the linter's configuration.
import type { Files, TemplateOptions } from './options.js'

// Versions the templates were tested with.
const VERSIONS = {
  zod: '^4.6.7',
  esbuild: '^0.28.2',
  typescript: '^5.9.3',
  tsx: '^4.23.15',
  typesNode: '^20.19.43',
  biome: '2.6.8',
  pg: '^8.23.1',
  betterSqlite3: '^12.6.2',
  mongodb: '^7.9.0',
  eta: '^4.6.0',
  ws: '^8.23.0',
}

const DATABASE_URLS = {
  sqlite: 'sqlite:./data/app.db',
  postgres: 'postgres://postgres@127.0.0.1:5432/app',
  mongodb: 'mongodb://127.0.0.1:27017/app',
}

export const defaultDatabaseUrl = (options: TemplateOptions) => DATABASE_URLS[options.db]

const TEST_SCRIPTS = {
  node: 'node --import tsx --test test/*.test.ts',
  deno: 'deno test --allow-net --allow-env --allow-read --allow-write --allow-sys --allow-ffi',
  bun: 'bun test',
}

/** What runs a package.json script for this runtime's users. */
export const runScript = (options: TemplateOptions, script: string) =>
  options.runtime === 'deno'
    ? `deno task ${script}`
    : options.runtime === 'bun'
      ? `bun run ${script}`
      : `npm run ${script}`

export function projectFiles(options: TemplateOptions): Files {
  return {
    'package.json': `${JSON.stringify(packageJson(options), null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig(options), null, 2)}\n`,
    '.gitignore': ['node_modules/', 'dist/', '.weft/', 'data/', '.env', ''].join('\n'),
    '.env.example': [
      '# Copy to .env and adjust; weft dev and weft start read .env.',
      'PORT=3000',
      `DATABASE_URL=${DATABASE_URLS[options.db]}`,
      ...(options.template === 'realtime'
        ? [
            '# Channels across several instances: redis://127.0.0.1:6379 or nats://127.0.0.1:4222',
            '# BROKER_URL=',
          ]
        : []),
      '',
    ].join('\n'),
    ...(options.runtime === 'deno' ? {} : { 'biome.json': biomeJson() }),
    'README.md': readme(options),
  }
}

function packageJson(options: TemplateOptions) {
  const node = options.runtime === 'node'
  const dependencies: Record<string, string> = { weftjs: options.weftjs, zod: VERSIONS.zod }
  if (options.db === 'postgres') dependencies.pg = VERSIONS.pg
  if (options.db === 'mongodb') dependencies.mongodb = VERSIONS.mongodb
  // SQLite is built into Node from 22.5 (node:sqlite); an app made on an older Node gets
  // better-sqlite3, whose install script (it builds the native addon) npm must be allowed to run.
  const addon = node && options.db === 'sqlite' && !hasNodeSqlite()
  if (addon) dependencies['better-sqlite3'] = VERSIONS.betterSqlite3
  if (hasPages(options)) dependencies.eta = VERSIONS.eta
  // Node's WebSocket server is the ws package; Deno and Bun have their own.
  if (options.template === 'realtime' && node) dependencies.ws = VERSIONS.ws
  const devDependencies: Record<string, string> = {
    '@types/node': VERSIONS.typesNode,
    esbuild: VERSIONS.esbuild,
    typescript: VERSIONS.typescript,
  }
  if (node) devDependencies.tsx = VERSIONS.tsx
  if (options.runtime !== 'deno') devDependencies['@biomejs/biome'] = VERSIONS.biome
  return {
    name: options.name,
    version: '0.1.0',
    private: true,
    type: 'module',
    ...(node ? { engines: { node: options.db === 'sqlite' && !addon ? '>=22.5' : '>=20' } } : {}),
    scripts: {
      dev: 'weft dev',
      build: 'weft build',
      start: 'weft build && weft start',
      // The pages' tests load the browser code that weft build bundles.
      test: hasPages(options)
        ? `weft build && ${TEST_SCRIPTS[options.runtime]}`
        : TEST_SCRIPTS[options.runtime],
      check: 'weft check',
      routes: 'weft routes',
    },
    weft: { runtime: options.runtime, entry: 'src/main.ts', app: 'src/app.ts' },
    dependencies,
    devDependencies: sorted(devDependencies),
    ...(addon ? { allowScripts: { 'better-sqlite3': true } } : {}),
  }
}

/** Whether the template has pages: views, public/ and browser code in client/. */
const hasPages = (options: TemplateOptions) => options.template !== 'api'

/** Whether the Node running `weft new` has node:sqlite. */
export function hasNodeSqlite(): boolean {
  const [major, minor] = process.versions.node.split('.').map(Number)
  return major > 22 || (major === 22 && minor >= 5)
}

function tsconfig(options: TemplateOptions) {
  return {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2023', 'DOM', 'DOM.Iterable'],
      types: options.runtime === 'deno' ? [] : ['node'],
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      skipLibCheck: true,
    },
    include: hasPages(options) ? ['src', 'client', 'test'] : ['src', 'test'],
  }
}

/** Written as Biome formats it: the linter checks its own configuration too. */
function biomeJson(): string {
  return `{
  "$schema": "https://biomejs.dev/schemas/${VERSIONS.biome}/schema.json",
  "files": {
    "includes": ["**", "!**/*.json", "!**/*.md", "!**/dist", "!**/node_modules", "!**/.weft", "!**/data"]
  },
  "formatter": { "indentStyle": "space", "indentWidth": 2, "lineWidth": 110 },
  "javascript": { "formatter": { "quoteStyle": "single", "semicolons": "asNeeded" } }
}
`
}

function readme(options: TemplateOptions): string {
  const install =
    options.runtime === 'bun' ? 'bun install' : options.runtime === 'deno' ? 'deno install' : 'npm install'
  const driver = { sqlite: 'SQLite, in data/app.db', postgres: 'PostgreSQL', mongodb: 'MongoDB' }[options.db]
  return `# ${options.name}

A [Weft](https://www.npmjs.com/package/weftjs) ${options.template} on ${runtimeLabel(options)}, data in ${driver}.

\`\`\`sh
${runScript(options, 'dev')}    # http://localhost:3000, restarts when you save a file
${runScript(options, 'test')}   # the tests, over a real socket
\`\`\`

More:

| Command | What |
| --- | --- |
| \`${install}\` | install the dependencies (done by \`weft new\`) |
| \`${runScript(options, 'start')}\` | build into dist/ and run it with production defaults |
| \`${runScript(options, 'check')}\` | typecheck, lint and test |
| \`${runScript(options, 'routes')}\` | list the routes with their modules and schemas |
| \`npx weft openapi --out openapi.json\` | write the OpenAPI document |
| \`npx weft doctor\` | list optional packages the app needs and which are missing |
| \`npx weft migrate\` | run the migrations of migrations/ not run yet (\`new <name>\` creates one) |

${hasPages(options) ? PAGES_README : ''}${options.template === 'realtime' ? REALTIME_README : ''}
Settings come from the environment (or \`.env\`, see \`.env.example\`): \`PORT\`,
\`DATABASE_URL\`${options.template === 'realtime' ? ' and `BROKER_URL` (redis:// or nats://, for several instances)' : ''}.
`
}

const PAGES_README = `
The page is \`views/index.eta\` in \`views/layout.eta\`; its browser code is \`client/main.ts\`.
\`weft build\` bundles each file directly in \`client/\` into \`dist/client/\` with a hashed
name and writes \`dist/client/manifest.json\`, which \`assetUrl()\` in \`src/assets.ts\` reads to
link it; \`weft dev\` rebuilds it as you save. \`public/\` is served at \`/static\`.
`

const REALTIME_README = `
\`src/live.ts\` is the realtime endpoint at \`/live\`: the \`chat/:room\` channels with presence,
and \`notes\`, where the server announces each new note. The page joins them with
\`realtimeClient\` from \`weftjs/client\`, which reconnects and rejoins by itself.
`

const runtimeLabel = (options: TemplateOptions) =>
  ({ node: 'Node.js', deno: 'Deno', bun: 'Bun' })[options.runtime]

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)))
}
