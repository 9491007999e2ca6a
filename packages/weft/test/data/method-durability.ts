// The durability check through realtime methods: a child serves a method that writes, the
// parent calls it over a real realtime client (several calls in flight), records every
// `result`, SIGKILLs the child mid-stream, and checks every acknowledged write is stored.

import assert from 'node:assert/strict'
import { realtimeClient } from 'weftjs/client'
import { checkAcknowledged } from './durability.ts'
import type { live } from './method-durability-child.ts'
import { readLines, spawnScript } from './run-child.ts'

/** Calls kept in flight, so the kill lands while some are running on the server. */
const IN_FLIGHT = 4

/** Returns the number of acknowledged calls checked. */
export async function killMethodsAndCheck(url: string, acksBeforeKill = 400): Promise<number> {
  const child = spawnScript('./method-durability-child.ts', [url])
  let listening: (address: string) => void = () => {}
  const served = new Promise<string>((resolve) => (listening = resolve))
  const exited = readLines(child, (line) => {
    if (line.startsWith('listening ')) listening(line.slice('listening '.length))
  })
  const address = await Promise.race([
    served,
    exited.then((code) => Promise.reject(new Error(`the child exited (${code}) before serving`))),
  ])

  const rt = realtimeClient<typeof live>(`${address.replace(/^http/, 'ws')}/live`, { reconnect: false })
  const acked: number[] = []
  let next = 1
  const caller = async () => {
    while (acked.length < acksBeforeKill) {
      const n = next++
      const result = await rt.call('write', { n })
      assert.equal(result, n, 'each call answers its own write')
      acked.push(result)
      if (acked.length === acksBeforeKill) child.kill('SIGKILL')
    }
  }
  // The calls still in flight at the kill fail with the connection: not acknowledged.
  for (let i = 0; i < IN_FLIGHT; i++) caller().catch(() => {})
  const code = await exited
  rt.close()
  assert.equal(code, null, 'the child was killed, not exited')
  assert.ok(acked.length >= acksBeforeKill, `only ${acked.length} acknowledged calls before the child ended`)

  await checkAcknowledged(url, acked)
  return acked.length
}
