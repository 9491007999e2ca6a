// Run under Deno and Bun: fromExpress must refuse clearly, at startup.
import { fromExpress } from 'weftjs/express'

try {
  fromExpress((_req, _res, next) => next())
  console.log(JSON.stringify({ refused: false }))
} catch (error) {
  console.log(JSON.stringify({ refused: true, message: (error as Error).message }))
}
