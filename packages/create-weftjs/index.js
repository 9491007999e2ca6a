#!/usr/bin/env node
// `npm create weftjs@latest my-app` runs this: the same as `npx weftjs new my-app`, so
// the templates live in one place, weftjs's own `weft new`.
import { run } from 'weftjs/cli'

process.exitCode = await run(['new', ...process.argv.slice(2)])
