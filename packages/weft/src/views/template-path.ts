import { isAbsolute, relative, resolve } from 'node:path'

/**
 * The file of template `name` under `dir`, with the engine's extension added when the name
 * has none. A name that climbs out of the folder is refused: names sometimes come from
 * request data (`ctx.render(ctx.params.page)`).
 */
export function templatePath(dir: string, name: string, extension: string): string {
  const withExtension = /\.[a-z0-9]+$/i.test(name) ? name : `${name}${extension}`
  const file = resolve(dir, withExtension.replace(/^[/\\]+/, ''))
  const inside = relative(dir, file)
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside) || name.includes('\0')) {
    throw new Error(`WEFT_VIEW_OUTSIDE: the template "${name}" is not inside the views folder ${dir}`)
  }
  return file
}
