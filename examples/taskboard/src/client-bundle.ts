import { fileURLToPath } from 'node:url'
import type { Weft } from 'weftjs'

/**
 * weftjs/client for the browser, as one ES module: esbuild bundles the copy this app
 * resolves (its built files once installed from npm), once, on the first request. The
 * page's own script (public/live-board.js) imports it; no build step for the app.
 */
export function mountClientBundle(app: Weft<any>, path = '/client/weftjs-client.js'): void {
  let bundle: Promise<string> | undefined
  app.get(path, { hidden: true }, async (ctx) => {
    bundle ??= build()
    ctx.header('content-type', 'text/javascript; charset=utf-8')
    ctx.header('cache-control', 'no-cache')
    return bundle
  })
}

async function build(): Promise<string> {
  const { build } = await import('esbuild')
  const result = await build({
    entryPoints: [fileURLToPath(import.meta.resolve('weftjs/client'))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}
