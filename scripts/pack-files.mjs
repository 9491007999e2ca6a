// `npm pack` and `npm publish` of packages/weft: the tarball carries the repository's
// README.md and LICENSE, copied into the package folder before packing (prepack) and
// removed after (postpack), so the repository keeps one copy of each.
import { copyFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const packageDir = join(root, 'packages', 'weft')
const files = ['README.md', 'LICENSE']

const action = process.argv[2]
for (const file of files) {
  if (action === 'copy') copyFileSync(join(root, file), join(packageDir, file))
  else if (action === 'remove') rmSync(join(packageDir, file), { force: true })
  else throw new Error(`usage: pack-files.mjs copy|remove (got ${action})`)
}
