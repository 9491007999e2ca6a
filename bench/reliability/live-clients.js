// The realtime half of the soak: clients on the taskboard's live board, each subscribed to
// the `tasks` live query and present in the `board` channel, as open browser tabs would
// be. Every HTTP write reaches all of them as a change; some writes arrive as method calls.
// Counts what arrived so the soak can report it per second.
import { realtimeClient } from 'weftjs/client'

export async function liveClients(port, count) {
  const counts = { changes: 0, calls: 0, callErrors: 0, callMs: [] }
  const clients = []
  for (let i = 0; i < count; i++) {
    const rt = realtimeClient(`ws://127.0.0.1:${port}/live`)
    const sub = rt.subscribe('tasks', {})
    sub.on('change', () => counts.changes++)
    rt.join('board')
    clients.push({ rt, sub })
  }
  await Promise.all(clients.map(({ sub }) => sub.ready))
  let made = 0
  const added = []
  return {
    counts,
    /**
     * One write as a method call from a random client: mark a listed task done, or add a
     * task, or delete one it added once 50 are out (the database keeps a steady size).
     */
    call() {
      const { rt, sub } = clients[Math.floor(Math.random() * clients.length)]
      const listed = sub.docs
      const started = performance.now()
      const call =
        listed.length > 50 && Math.random() < 0.5
          ? rt.call('setDone', { id: listed[Math.floor(Math.random() * listed.length)]._id, done: true })
          : added.length >= 50
            ? rt.call('deleteTask', { id: added.shift() })
            : rt.call('addTask', { title: `live ${made++}` }).then((id) => added.push(id))
      call.then(
        () => {
          counts.calls++
          counts.callMs.push(performance.now() - started)
        },
        () => counts.callErrors++,
      )
    },
    /** What arrived since the last call, then reset. */
    take() {
      const taken = { ...counts, callMs: counts.callMs.sort((a, b) => a - b) }
      counts.changes = 0
      counts.calls = 0
      counts.callErrors = 0
      counts.callMs = []
      return taken
    },
    close() {
      for (const { rt } of clients) rt.close()
    },
  }
}
