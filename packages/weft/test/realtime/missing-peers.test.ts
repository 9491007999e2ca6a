import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))

test('a missing optional peer is named by the start-up check and by the broker; nothing loads until named', () => {
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
  // Start-up (serve) names every missing package at once, before listening.
  assert.match(errors.startup, /^WEFT_MISSING_PACKAGES: /)
  assert.match(errors.startup, /- ws, for WebSocket routes on Node \(app\.ws\)/)
  assert.match(errors.startup, /- ioredis, for weftjs\/realtime \(a redis:\/\/ broker\)/)
  assert.match(errors.startup, /- nats, for weftjs\/realtime \(a nats:\/\/ broker\)/)
  assert.match(errors.startup, /Install them: npm install ioredis nats ws/)
  assert.match(errors.redis, /^WEFT_MISSING_PEER: .*"ioredis" package\. Install it: npm install ioredis/)
  assert.match(errors.nats, /^WEFT_MISSING_PEER: .*"nats" package\. Install it: npm install nats/)
  assert.match(errors.unknown, /^WEFT_BAD_BROKER: no broker for "kafka:" URLs/)
})
