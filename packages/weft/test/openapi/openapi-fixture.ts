import { toJsonSchema } from '@valibot/to-json-schema'
import { type } from 'arktype'
import * as v from 'valibot'
import { weft } from 'weftjs'
import 'weftjs/docs'
import type { JsonSchemaConverter } from 'weftjs/docs'
import { z } from 'zod'

/** Converts valibot schemas, which carry no JSON Schema of their own. */
export const valibotConverter: JsonSchemaConverter = (schema) =>
  schema['~standard'].vendor === 'valibot'
    ? (toJsonSchema(schema as v.GenericSchema, { target: 'draft-2020-12' }) as Record<string, unknown>)
    : undefined

export const info = { title: 'Fixture', version: '1.0.0' }

const Task = z.object({ id: z.string(), title: z.string().describe('What to do'), done: z.boolean() })

interface TreeNode {
  name: string
  children: TreeNode[]
}
const Tree: z.ZodType<TreeNode> = z.lazy(() => z.object({ name: z.string(), children: z.array(Tree) }))

/** An app with every kind of route the generator must describe, in all three schema libraries. */
export function fixtureApp() {
  const tasks = weft({ logger: false })
  tasks.get(
    '/',
    {
      query: z.object({
        done: z.enum(['true', 'false']).optional(),
        limit: z.coerce.number().int().max(100),
      }),
      response: z.array(Task),
      summary: 'List tasks',
      tags: ['tasks'],
    },
    () => [],
  )
  tasks.get(
    '/:id',
    {
      params: z.object({ id: z.string().uuid().describe('The task id') }),
      response: { 200: Task, 404: z.object({ title: z.string() }) },
      tags: ['tasks'],
      operationId: 'getTask',
    },
    () => ({}),
  )
  tasks.post(
    '/',
    {
      body: v.object({ title: v.pipe(v.string(), v.minLength(1)), tags: v.optional(v.array(v.string())) }),
      response: { 201: Task },
      summary: 'Create a task',
      description: 'Creates a task. **Markdown** allowed.',
      tags: ['tasks'],
    },
    () => ({}),
  )
  tasks.patch(
    '/:id',
    {
      body: type({ 'title?': 'string', 'done?': 'boolean' }),
      headers: type({ 'if-match': 'string', 'x-trace?': 'string', authorization: 'string' }),
      response: type({ id: 'string', title: 'string', done: 'boolean' }),
      deprecated: true,
      tags: ['tasks'],
    },
    () => ({}),
  )
  tasks.delete('/:id', { tags: ['tasks'], response: { 204: z.undefined() } }, () => undefined)

  const app = weft({ logger: false })
  app.get('/', { summary: 'Home' }, () => 'hello')
  app.get('/health', { response: z.string(), hidden: false }, () => 'ok')
  app.get('/internal', { hidden: true }, () => 'secret')
  app.get('/files/*path', () => 'file')
  app.get('/raw/*', () => 'raw')
  app.post('/tree', { body: Tree, response: Tree }, () => ({ name: 'x', children: [] }))
  app.post('/upload', { accepts: ['bytes'], bodyLimit: 1024 }, () => undefined)
  app.head('/ping', () => undefined)
  app.options('/ping', () => undefined)
  app.all('/echo', () => 'echo')
  app.put('/echo', { body: z.object({ text: z.string() }) }, () => 'put')
  app.route('/tasks', tasks)
  return app
}
