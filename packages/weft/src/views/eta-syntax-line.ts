import { readFile } from 'node:fs/promises'

interface EtaCompiler {
  compileToString(source: string): string
}

/**
 * The template line of a JavaScript syntax error inside Eta tags, which Eta reports
 * without one. The template is compiled to source again and parsed with node:vm, whose
 * SyntaxError names a line of that source; with `debug` on, Eta writes `__eta.line=N`
 * before each tag, so the last such mark above it is the template's line.
 */
export async function syntaxErrorLine(engine: EtaCompiler, file: string): Promise<number | null> {
  try {
    const source = engine.compileToString(await readFile(file, 'utf8'))
    const { Script } = await import('node:vm')
    try {
      new Script(`(async function (it, options) {\n${source}\n})`, { filename: 'template' })
      return null
    } catch (error) {
      const at = /template:(\d+)/.exec(String((error as Error).stack))
      if (!at) return null
      const lines = `(async function (it, options) {\n${source}`.split('\n').slice(0, Number(at[1]))
      for (let i = lines.length - 1; i >= 0; i--) {
        const mark = /^__eta\.line=(\d+)$/.exec(lines[i].trim())
        if (mark) return Number(mark[1])
      }
      return 1
    }
  } catch {
    return null
  }
}
