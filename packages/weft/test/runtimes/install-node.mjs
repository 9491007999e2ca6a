// Run by the root postinstall: fetches the pinned Node 24 for the runtime matrix.
import { ensureNode24 } from './runtimes.mjs'

const binary = ensureNode24()
console.log(binary ? `weft: Node 24 for the runtime tests is at ${binary}` : 'weft: Node 24 not installed')
