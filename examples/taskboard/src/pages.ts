import { fileURLToPath } from 'node:url'
import type { Weft } from 'weftjs'
import { csrf } from 'weftjs/csrf'
import { secureHeaders } from 'weftjs/secure-headers'
import { session, sessionOf } from 'weftjs/session'
import { serveStatic } from 'weftjs/static'
import { z } from 'zod'
import { TaskRepo } from './modules/tasks.ts'

export const viewsDir = fileURLToPath(new URL('../views', import.meta.url))
const publicDir = fileURLToPath(new URL('../public', import.meta.url))

// Without SESSION_SECRET, a secret made at start-up: safe, but sessions end on restart.
const secret = process.env.SESSION_SECRET ?? `${crypto.randomUUID()}${crypto.randomUUID()}`

const NewTask = z.object({ title: z.string().trim().min(1).max(200), _csrf: z.string() })

/**
 * The server-rendered board: Eta views in a layout, the stylesheet from public/, helmet's
 * headers on every answer, and a cookie session with CSRF protection on the form pages.
 */
export function mountPages(app: Weft<any>): void {
  app.use(secureHeaders())
  app.use(serveStatic({ root: publicDir, prefix: '/assets', maxAge: 3600 }))
  app.use('/board', session({ secret }))
  app.use('/board', csrf())

  app.get('/board', async (ctx) => {
    const tasks = await ctx.get(TaskRepo).list({ limit: 100 })
    const added = sessionOf(ctx).get<string>('added')
    if (added) sessionOf(ctx).delete('added')
    return ctx.render('board', { title: 'Tasks', tasks, added }, { layout: 'layout' })
  })

  // The live board: the page is static, its script (public/live-board.js) does the rest.
  app.get('/live-board', (ctx) => ctx.render('live', { title: 'Live tasks' }, { layout: 'layout' }))

  // A plain form post: redirect after POST, so a reload does not post twice.
  app.post('/board/tasks', { body: NewTask, accepts: ['form'] }, async (ctx) => {
    await ctx.get(TaskRepo).tasks.insertOne({ title: ctx.body.title, done: false, tags: [] })
    sessionOf(ctx).set('added', ctx.body.title)
    return ctx.redirect('/board', 303)
  })
}
