import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { weft } from 'weftjs'
import { serveStatic } from 'weftjs/static'
import { withServer } from '../helpers/server.ts'

test('a symlink re-pointed out of the root after it was served is refused on the next request', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-static-swap-'))
  try {
    mkdirSync(join(dir, 'public'))
    writeFileSync(join(dir, 'public', 'real.txt'), 'inside')
    writeFileSync(join(dir, 'secret.txt'), 'outside')
    symlinkSync(join(dir, 'public', 'real.txt'), join(dir, 'public', 'link.txt'))
    const app = weft({ logger: false }).use(serveStatic({ root: join(dir, 'public') }))
    await withServer(app, async ({ url }) => {
      assert.equal(await (await fetch(`${url}/link.txt`)).text(), 'inside')
      unlinkSync(join(dir, 'public', 'link.txt'))
      symlinkSync(join(dir, 'secret.txt'), join(dir, 'public', 'link.txt'))
      const res = await fetch(`${url}/link.txt`)
      assert.equal(res.status, 403)
      assert.doesNotMatch(await res.text(), /outside/)
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('one file under two roots is judged against each root, in either order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-static-roots-'))
  try {
    mkdirSync(join(dir, 'a', 'b'), { recursive: true })
    mkdirSync(join(dir, 'a', 'c'))
    writeFileSync(join(dir, 'a', 'c', 'x.txt'), 'x')
    // a/b/y.txt leads to a/c/x.txt: inside root a, outside root a/b.
    symlinkSync(join(dir, 'a', 'c', 'x.txt'), join(dir, 'a', 'b', 'y.txt'))
    const app = weft({ logger: false })
    app.use(serveStatic({ root: join(dir, 'a'), prefix: '/outer' }))
    app.use(serveStatic({ root: join(dir, 'a', 'b'), prefix: '/inner' }))
    await withServer(app, async ({ url }) => {
      assert.equal(await (await fetch(`${url}/outer/b/y.txt`)).text(), 'x')
      const inner = await fetch(`${url}/inner/y.txt`)
      assert.equal(inner.status, 403)
      await inner.text()
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
