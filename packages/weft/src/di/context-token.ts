import type { Context } from '../http/context.js'
import { currentRequestContext } from './resolver.js'
import { Token } from './token.js'
import { type Binding, type Graph, State } from './types.js'

/**
 * The current request's Context, for request-scoped providers: the counterpart of
 * NestJS's `REQUEST`. @example class CurrentUser { ctx = inject(CONTEXT) }
 */
export const CONTEXT: Token<Context<any>> = new Token<Context<any>>('CONTEXT')

/** One per app: request-scoped, so a singleton that injects it fails at start-up. */
export function contextBinding(graph: Graph): Binding {
  return {
    key: CONTEXT,
    name: 'CONTEXT',
    owner: { name: 'weft', graph } as Binding['owner'],
    scope: 'request',
    build: currentRequestContext,
    deps: [],
    owned: false,
    parts: null,
    state: State.Unbuilt,
    value: undefined,
    pending: null,
  }
}
