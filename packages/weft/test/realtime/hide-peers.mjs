// Loaded with --import: makes the optional peers `ws`, `ioredis` and `nats` unresolvable,
// as on an install without them, so the missing-peer errors can be seen for real.
import { register } from 'node:module'

register(
  `data:text/javascript,${encodeURIComponent(`
    const hidden = new Set(['ws', 'ioredis', 'nats'])
    export async function resolve(specifier, context, next) {
      if (hidden.has(specifier)) {
        const error = new Error("Cannot find package '" + specifier + "'")
        error.code = 'ERR_MODULE_NOT_FOUND'
        throw error
      }
      return next(specifier, context)
    }
  `)}`,
)
