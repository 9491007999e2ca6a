// The code blocks of README.md and docs/*.md that are marked to be run or checked.
//
// The marker is the fenced block's info string:
//   ```ts run                 type-checked, then run with Node; a server is requested once
//   ```ts run file=app.ts     type-checked and saved as app.ts for the `sh run` blocks after it
//   ```ts check file=x.ts     type-checked only (it needs something the test cannot give)
//   ```sh run                 each command line is run where the blocks are saved
// All blocks are saved in one project folder, as a reader's files would be: relative paths
// in commands (`--allow-read=node_modules,data`) mean what they say.
// Port 3000 in a block is swapped for a free port.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface DocBlock {
  /** `README.md` or `docs/di.md`. */
  doc: string
  /** Line of the opening fence, 1-based. */
  line: number
  lang: string
  mode: 'run' | 'check'
  /** The file name the block is saved under: its `file=`, else `docs-di-8.ts` (doc and line). */
  file: string
  /** `file=` was given: the block is run by a later `sh run` block, not by itself. */
  named: boolean
  code: string
}

const FENCE = /^```(\w+)\s+(run|check)\b(.*)$/

export function docBlocks(repoRoot: string): DocBlock[] {
  const docs = [
    'README.md',
    ...readdirSync(join(repoRoot, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ]
  return docs.flatMap((doc) => blocksOf(doc, readFileSync(join(repoRoot, doc), 'utf8')))
}

function blocksOf(doc: string, text: string): DocBlock[] {
  const lines = text.split('\n')
  const blocks: DocBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i])
    if (!open) continue
    const [, lang, mode, rest] = open
    const end = lines.indexOf('```', i + 1)
    if (end === -1) throw new Error(`${doc}:${i + 1}: the block is not closed`)
    const file = /\bfile=(\S+)/.exec(rest)?.[1]
    blocks.push({
      doc,
      line: i + 1,
      lang,
      mode: mode as DocBlock['mode'],
      file: file ?? `${doc.replace(/\.md$/, '').replace(/\W+/g, '-')}-${i + 1}.${lang}`,
      named: file !== undefined,
      code: lines.slice(i + 1, end).join('\n'),
    })
    i = end
  }
  return blocks
}

/** The commands of a `sh` block: one per line, comments and blank lines dropped. */
export function commandsOf(block: DocBlock): string[] {
  return block.code
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line && !line.startsWith('#'))
}
