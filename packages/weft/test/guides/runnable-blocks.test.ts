import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'
import { listenOrExit } from '../helpers/program.ts'
import { copyPackages, projectWithTarball, repoRoot } from '../packaging/packed-package.ts'
import { findRuntimes } from '../runtimes/runtimes.mjs'
import { commandsOf, type DocBlock, docBlocks } from './doc-blocks.ts'

// Every block of README.md and docs/*.md marked `run` or `check` (see doc-blocks.ts), in a
// project that installed weftjs from its packed tarball, as a reader would paste them.
const blocks = docBlocks(repoRoot)
const tsx = import.meta.resolve('tsx')
let project: string

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/** Runs a command; a server is asked for `/` once, anything else must exit with 0. */
async function check(where: string, command: string, args: string[], cwd: string) {
  const outcome = await listenOrExit(command, args, {
    cwd,
    env: { PATH: `${join(project, '.bin')}:${process.env.PATH}` },
  })
  if ('code' in outcome) {
    assert.equal(outcome.code, 0, `${where}: \`${[command, ...args].join(' ')}\` failed:\n${outcome.output}`)
    return
  }
  try {
    const res = await fetch(`${outcome.url}/`)
    assert.ok(res.status < 500, `${where}: GET / answered ${res.status}:\n${outcome.output()}`)
  } finally {
    await outcome.stop()
  }
}

function where(block: DocBlock): string {
  return `${block.doc}:${block.line}`
}

describe('the marked code blocks of README.md and docs/', () => {
  before(async () => {
    project = projectWithTarball()
    // What the docs ask a reader to install next to weftjs; Deno and Bun on the PATH.
    copyPackages(project, ['zod', 'swagger-ui-dist', '@scarf/scarf', 'tsx', 'esbuild', '@esbuild/*'])
    // SQLite on Node 20 (Node 22.13+, Deno and Bun have it built in).
    copyPackages(project, ['better-sqlite3', 'bindings', 'file-uri-to-path'])
    mkdirSync(join(project, '.bin'))
    for (const runtime of findRuntimes({ install: false })) {
      if ((runtime.name === 'deno' || runtime.name === 'bun') && runtime.bin)
        symlinkSync(runtime.bin, join(project, '.bin', runtime.name))
    }
    for (const block of blocks) {
      block.code = block.code.replace(/\b3000\b/g, String(await freePort()))
      if (block.lang !== 'sh') writeFileSync(join(project, block.file), `${block.code}\n`)
    }
    const types = join(repoRoot, 'node_modules', '@types')
    const compilerOptions = {
      strict: true,
      noEmit: true,
      module: 'nodenext',
      target: 'es2022',
      lib: ['es2023', 'dom'],
      typeRoots: [types],
      types: ['node'],
    }
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts'] }))
  })

  test('no two blocks are saved under one file name', () => {
    const files = blocks.filter((b) => b.lang !== 'sh').map((b) => b.file)
    assert.deepEqual(
      files.filter((file, i) => files.indexOf(file) !== i),
      [],
    )
  })

  test('there are blocks to run, in README.md and in docs/', () => {
    const docs = new Set(blocks.filter((b) => b.mode === 'run').map((b) => b.doc))
    assert.ok(docs.has('README.md'))
    assert.ok(docs.size >= 4, [...docs].join(', '))
  })

  test('every marked TypeScript block type-checks', () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
    try {
      execFileSync(process.execPath, [tsc, '-p', '.'], { cwd: project, encoding: 'utf8' })
    } catch (error) {
      assert.fail(`tsc:\n${(error as { stdout: string }).stdout}`)
    }
  })

  for (const block of blocks) {
    if (block.mode !== 'run' || block.named) continue
    test(`${where(block)} runs`, async () => {
      if (block.lang === 'sh') {
        for (const command of commandsOf(block))
          await check(where(block), 'bash', ['-c', `exec ${command}`], project)
      } else await check(where(block), process.execPath, ['--import', tsx, block.file], project)
    })
  }
})
