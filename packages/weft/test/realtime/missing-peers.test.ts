import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))

test('a missing optional peer fails with the package to install; nothing loads until named', () => {
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      join(here, 'hide-peers.mjs'),
      '--conditions=source',
      join(here, 'missing-peer.ts'),
    ],
    { encoding: 'utf8', cwd: join(here, '../..') },
  )
  assert.equal(run.status, 0, run.stderr)
  const errors = JSON.parse(run.stdout.trim().split('\n').pop()!)
  assert.match(errors.ws, /^WEFT_MISSING_PEER: .*"ws" package\. Install it: npm install ws/)
  assert.match(errors.redis, /^WEFT_MISSING_PEER: .*"ioredis" package\. Install it: npm install ioredis/)
  assert.match(errors.nats, /^WEFT_MISSING_PEER: .*"nats" package\. Install it: npm install nats/)
  assert.match(errors.unknown, /^WEFT_BAD_BROKER: no broker for "kafka:" URLs/)
})
