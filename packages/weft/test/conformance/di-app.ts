// An app with modules and no `dev` option: what `export default app` (deno serve, bun)
// and the defaults checks serve. Its one singleton starts asynchronously, so a request
// answered before start-up finished would show it.
import { weft } from 'weftjs'
import { module } from 'weftjs/di'

class Clock {
  started = false

  async onInit(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 50))
    this.started = true
  }
}

const main = module({
  name: 'main',
  providers: [Clock],
  routes: (r) => {
    r.get('/started', (ctx) => ({ started: ctx.get(Clock).started }))
    r.get('/crash', () => {
      throw new Error('database password is hunter2')
    })
  },
})

const app = weft({ logger: false, modules: [main] })
export default app
