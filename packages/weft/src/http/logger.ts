/** What Weft logs through: pino's shape, so `weft({ logger: pino() })` just works. */
export interface Logger {
  error(fields: object, message?: string): void
  warn(fields: object, message?: string): void
  info(fields: object, message?: string): void
  /** Client errors (4xx) go here when the logger has it, as pino does; the default has not. */
  debug?(fields: object, message?: string): void
}

/** One JSON line per entry on stderr; enough until an app brings pino. */
export const consoleLogger: Logger = {
  error: (fields, message) => write('error', fields, message),
  warn: (fields, message) => write('warn', fields, message),
  info: (fields, message) => write('info', fields, message),
}

function write(level: string, fields: object, message?: string): void {
  console.error(JSON.stringify({ level, time: Date.now(), msg: message, ...fields }))
}

export const silentLogger: Logger = { error() {}, warn() {}, info() {} }

/** Errors as plain fields: JSON.stringify drops an Error's own message and stack. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) }
  return {
    type: error.name,
    message: error.message,
    stack: error.stack,
    code: (error as { code?: unknown }).code,
  }
}
