// The `weft` command: parses the command line and runs one command. `run(argv)` is what
// the binary and create-weftjs call; it resolves to the exit code.
import { parseArgs } from 'node:util'
import { build, buildHelp } from './commands/build.js'
import { check, checkHelp } from './commands/check.js'
import { dev, devHelp } from './commands/dev.js'
import { doctor, doctorHelp } from './commands/doctor.js'
import { migrate, migrateHelp } from './commands/migrate.js'
import { create, type NewFlags, newHelp } from './commands/new.js'
import { openapi, openapiHelp } from './commands/openapi.js'
import { routes, routesHelp } from './commands/routes.js'
import { start, startHelp } from './commands/start.js'
import { CliError, EXIT, log, printError } from './output.js'
import { ownVersion } from './templates/index.js'

type Flags = Record<string, string | boolean | undefined>

interface Command {
  summary: string
  help: string
  options: Record<string, { type: 'string' | 'boolean' }>
  run(positionals: string[], flags: Flags): Promise<number>
}

const runtime = { type: 'string' } as const
const appFile = { type: 'string' } as const

const COMMANDS: Record<string, Command> = {
  new: {
    summary: 'create an app',
    help: newHelp,
    options: {
      template: { type: 'string' },
      db: { type: 'string' },
      runtime,
      'no-install': { type: 'boolean' },
      weftjs: { type: 'string' },
    },
    run: (p, f) => create(p, { ...(f as NewFlags), install: !f['no-install'] }),
  },
  dev: {
    summary: 'run the app, restart on change',
    help: devHelp,
    options: { runtime, port: { type: 'string' } },
    run: dev as Command['run'],
  },
  build: {
    summary: 'bundle server and client code into dist/',
    help: buildHelp,
    options: { runtime },
    run: build as Command['run'],
  },
  start: {
    summary: 'run the build with production defaults',
    help: startHelp,
    options: { runtime },
    run: start as Command['run'],
  },
  routes: {
    summary: 'list the routes',
    help: routesHelp,
    options: { app: appFile, json: { type: 'boolean' } },
    run: routes as Command['run'],
  },
  openapi: {
    summary: 'write the OpenAPI document',
    help: openapiHelp,
    options: { app: appFile, out: { type: 'string' } },
    run: openapi as Command['run'],
  },
  migrate: {
    summary: 'run the database migrations not run yet',
    help: migrateHelp,
    options: { dir: { type: 'string' }, db: { type: 'string' } },
    run: migrate as Command['run'],
  },
  check: { summary: 'typecheck, lint and test the app', help: checkHelp, options: {}, run: check },
  doctor: {
    summary: 'list optional packages the app is missing',
    help: doctorHelp,
    options: {},
    run: doctor,
  },
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  return `Usage: weft <command> [options]

${lines.join('\n')}

weft <command> --help shows a command's options. NO_COLOR=1 turns colour off.
`
}

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage())
    return name ? EXIT.ok : EXIT.usage
  }
  if (name === '--version' || name === '-v') {
    log(ownVersion())
    return EXIT.ok
  }
  const command = COMMANDS[name]
  try {
    if (!command)
      throw new CliError(`unknown command "${name}"`, `run \`weft --help\` to see the commands`, EXIT.usage)
    const parsed = parseCommandLine(command, rest)
    if (parsed.values.help) {
      process.stdout.write(command.help)
      return EXIT.ok
    }
    return await command.run(parsed.positionals, parsed.values)
  } catch (error) {
    return printError(error)
  }
}

function parseCommandLine(command: Command, args: string[]) {
  try {
    return parseArgs({
      args,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    })
  } catch (error) {
    const firstLine = command.help.split('\n')[0]
    throw new CliError((error as Error).message, `${firstLine.replace(/^Usage: /, 'usage: ')}`, EXIT.usage)
  }
}
