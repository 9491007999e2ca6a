import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '../..')

test('an app bundled with esbuild still finds the store connect() picks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bundle-'))
  try {
    const entry = join(dir, 'entry.ts')
    writeFileSync(
      entry,
      `import { connect } from 'weftjs/data'
const db = await connect('memory:')
await db.collection('tasks').insertOne({ title: 'ship' })
console.log(JSON.stringify(await db.collection('tasks').find({}, { projection: { _id: 0 } }).toArray()))
await db.close()
`,
    )
    const outfile = join(dir, 'out', 'app.mjs')
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      conditions: ['source'],
      nodePaths: [join(packageDir, 'node_modules'), join(packageDir, '../../node_modules')],
      // Optional driver packages stay out of the bundle, as in an app that does not use them.
      external: ['pg', 'mongodb', 'better-sqlite3'],
      logLevel: 'silent',
    })
    // Run from a folder holding nothing but the bundle: every module it needs is inside.
    const run = spawnSync(process.execPath, [outfile], { cwd: dirname(outfile), encoding: 'utf8' })
    assert.equal(run.status, 0, run.stderr)
    assert.deepEqual(JSON.parse(run.stdout.trim()), [{ title: 'ship' }])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
