import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const DOC = fileURLToPath(new URL('../../docs/reliability.md', import.meta.url))

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->` in docs/reliability.md. */
export function writeSection(name, lines) {
  const text = readFileSync(DOC, 'utf8')
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from === -1 || to === -1) throw new Error(`docs/reliability.md has no ${start} / ${end} markers`)
  writeFileSync(DOC, `${text.slice(0, from + start.length)}\n${lines.join('\n')}\n${text.slice(to)}`)
}
