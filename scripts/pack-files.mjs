// `npm pack` and `npm publish` of packages/weft: the tarball carries the repository's
// README.md and LICENSE, copied into the package folder before packing (prepack). The
// copies are ignored by git, so the repository keeps one of each; they are left in place
// after packing, as two packs at once (the tests) would otherwise remove each other's.
import { copyFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const packageDir = join(root, 'packages', 'weft')

for (const file of ['README.md', 'LICENSE']) copyFileSync(join(root, file), join(packageDir, file))
