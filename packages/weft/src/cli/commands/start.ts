import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { exitCodeOf, startChild, stopChild } from '../child.js'
import { CliError } from '../output.js'
import { readProject, runtimeCommand } from '../project.js'

export const startHelp = `Usage: weft start [--runtime node|deno|bun]

Runs the build (dist/server.js, made by \`weft build\`) with production defaults:
NODE_ENV=production, so error answers carry no detail. PORT and .env are passed on.
`

export async function start(_: string[], flags: { runtime?: string }): Promise<number> {
  const project = readProject(process.cwd(), { runtime: flags.runtime })
  const server = join(project.dir, 'dist/server.js')
  if (!existsSync(server)) {
    throw new CliError('there is no build in dist/', 'run `weft build` first (`npm start` runs it for you)')
  }
  const { command, args } = runtimeCommand(project, 'dist/server.js')
  const child = startChild(command, args, project.dir, { NODE_ENV: 'production' })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void stopChild(child, 15_000))
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(exitCodeOf(code, signal))))
}
