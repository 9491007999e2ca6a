import { HttpError, weft } from 'weftjs'
import { z } from 'zod'

/** The server the client tests call; its type is what `client<typeof app>()` reads. */
export const app = weft({ logger: false })
  .get('/users/:id', (ctx) => {
    if (ctx.params.id !== '1')
      throw new HttpError(404, `No user ${ctx.params.id}`, { code: 'USER_NOT_FOUND' })
    return { id: '1', name: 'ada' }
  })
  .post('/users', { body: z.object({ name: z.string().min(1) }) }, (ctx) =>
    ctx.json({ id: '2', ...ctx.body }, 201),
  )
