// Publications and methods over real sockets on SQLite (a file, WAL).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after } from 'node:test'
import { connect } from 'weftjs/data'
import { liveDataSuite } from './suite.ts'

const dir = mkdtempSync(join(tmpdir(), 'weft-live-wire-'))
after(() => rmSync(dir, { recursive: true, force: true }))
liveDataSuite('SQLite', () => connect(`sqlite:${join(dir, 'live.db')}`))
