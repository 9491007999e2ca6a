// The durability check shared by the SQL stores: a child inserts and acknowledges, the
// parent SIGKILLs it mid-stream, and after reopening every acknowledged document is there.

import assert from 'node:assert/strict'
import { connect } from 'weftjs/data'
import { readLines, spawnScript } from './run-child.ts'

/**
 * Returns the number of acknowledged writes checked. `afterKill` runs between the kill
 * and the check (to crash and restart the database server too).
 */
export async function killAndCheck(
  url: string,
  acksBeforeKill = 400,
  afterKill?: () => Promise<void>,
): Promise<number> {
  const child = spawnScript('./durability-child.ts', [url])
  const acked: number[] = []
  const exited = readLines(child, (line) => {
    const match = /^ack (\d+)$/.exec(line)
    if (!match) return
    acked.push(Number(match[1]))
    if (acked.length === acksBeforeKill) child.kill('SIGKILL')
  })
  const code = await exited
  assert.equal(code, null, 'the child was killed, not exited')
  assert.ok(acked.length >= acksBeforeKill, `only ${acked.length} acknowledged writes before the child ended`)
  await afterKill?.()

  await checkAcknowledged(url, acked)
  return acked.length
}

/** Reopens the store and checks every acknowledged write: each insert, and the update of each even one. */
export async function checkAcknowledged(url: string, acked: readonly number[]): Promise<void> {
  const db = await connect(url)
  try {
    const docs = db.collection('durability')
    const found = new Map((await docs.find({}).toArray()).map((doc) => [doc._id, doc]))
    for (const id of acked) {
      const doc = found.get(id)
      assert.ok(doc, `acknowledged document ${id} is missing after SIGKILL`)
      if (id % 2 === 0) assert.equal(doc.updated, true, `acknowledged update of ${id} is missing`)
    }
  } finally {
    await db.close()
  }
}
