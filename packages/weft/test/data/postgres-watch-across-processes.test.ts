import assert from 'node:assert/strict'
import { test } from 'node:test'
import { withPostgres } from './postgres-env.ts'
import { readLines, spawnScript } from './run-child.ts'

test('PostgreSQL: watch() sees inserts (single and batched), updates and deletes another process makes, in order', async (t) => {
  await withPostgres(t, 'watch', async (db, env) => {
    const notes = db.collection('notes')
    const feed = notes.watch()
    const filtered = notes.watch({ text: 'hello again' })
    const child = spawnScript('./watch-child.ts', [env.url])
    const lines: string[] = []
    assert.equal(await readLines(child, (line) => lines.push(line)), 0)
    assert.deepEqual(lines, ['done'])

    const events = []
    for (let i = 0; i < 4; i++) events.push((await feed.next()).value)
    assert.deepEqual(
      events.map((event) => [event?.type, event?.id]),
      [
        ['insert', 'w1'],
        ['update', 'w1'],
        ['insert', 'w2'],
        ['delete', 'w1'],
      ],
    )
    assert.deepEqual(events[0]?.type === 'insert' && events[0].doc, { _id: 'w1', text: 'hello' })
    assert.deepEqual(events[1]?.type === 'update' && events[1].doc, { _id: 'w1', text: 'hello again' })
    assert.equal(events[2]?.type === 'insert' && (events[2].doc.text as string).length, 20_000)

    const batch = []
    for (let i = 0; i < 300; i++) batch.push((await feed.next()).value)
    assert.deepEqual(
      batch.map((event) => (event?.type === 'insert' ? event.doc.n : null)),
      Array.from({ length: 300 }, (_, i) => i),
    )

    // A filtered feed: the update that matches, and the delete of the document that matched.
    const first = (await filtered.next()).value
    const second = (await filtered.next()).value
    assert.deepEqual([first?.type, second?.type], ['update', 'delete'])
    await feed.return?.()
    await filtered.return?.()
  })
})
