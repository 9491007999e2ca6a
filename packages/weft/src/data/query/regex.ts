// `$regex` patterns given as strings may come from a request (a search box, or a filter
// sent whole), and a backtracking engine takes exponential time on patterns such as
// `^(a|a)*$`: one request would freeze the process. So a string pattern runs on RE2JS,
// a linear-time engine (RE2 semantics: no backreferences, no lookaround), unless it is a
// plain literal, which the runtime's own engine matches in linear time too and faster.
// A RegExp object can only come from code, and runs natively as written.

import { RE2JS } from 're2js'
import { QueryError } from '../errors.js'

/** What a `$regex` compiles to: a native RegExp, or a linear-time pattern of the same shape. */
export interface TextPattern {
  readonly source: string
  readonly flags: string
  test(text: string): boolean
}

/** Longest `$regex` pattern taken from a string, in characters. */
export const MAX_REGEX_LENGTH = 256
/** Largest count in `{n}`, `{n,m}`: repetition multiplies the size of the compiled program. */
export const MAX_REGEX_REPEAT = 100

/** A literal, optionally anchored: `^abc`, `abc$`, `a\.b`. No quantifier, class or group. */
const LITERAL = /^\^?(?:[^\\^$.|?*+()[\]{}]|\\[\\^$.|?*+()[\]{}/-])*\$?$/
const BACKREFERENCE = /\\(?:[1-9]|k<)/
const REPEAT_COUNT = /\{(\d+)(?:,(\d*))?\}/g

/** Compiles a string pattern with flags from `imsu` to a pattern bounded to linear time. */
export function linearPattern(source: string, flags: string): TextPattern {
  if (source.length > MAX_REGEX_LENGTH) {
    throw unsafe(`$regex patterns are limited to ${MAX_REGEX_LENGTH} characters (got ${source.length}).`)
  }
  // Compiling natively checks the syntax (compiling runs nothing); a literal stays native.
  const native = nativePattern(source, flags)
  if (LITERAL.test(source)) return native
  if (BACKREFERENCE.test(source))
    throw unsafe('$regex does not support backreferences (\\1, \\k<name>): they cannot run in linear time.')
  for (const [, low, high] of source.matchAll(REPEAT_COUNT)) {
    if (Number(low) > MAX_REGEX_REPEAT || (high && Number(high) > MAX_REGEX_REPEAT))
      throw unsafe(`$regex repetition counts are limited to {${MAX_REGEX_REPEAT}}.`)
  }
  let compiled: RE2JS
  try {
    compiled = RE2JS.compile(RE2JS.translateRegExp(source), re2Flags(flags))
  } catch (error) {
    throw unsafe(
      `$regex "${source}" is not supported: ${(error as Error).message}. Patterns use RE2 syntax: ` +
        'no lookahead, lookbehind or backreferences.',
    )
  }
  return {
    source,
    flags,
    test: (text) => compiled.test(text),
  }
}

function nativePattern(source: string, flags: string): TextPattern {
  try {
    return new RegExp(source, flags)
  } catch (error) {
    throw new QueryError(`$regex "${source}" is not a valid regular expression: ${(error as Error).message}`)
  }
}

function re2Flags(flags: string): number {
  let bits = 0
  if (flags.includes('i')) bits |= RE2JS.CASE_INSENSITIVE
  if (flags.includes('m')) bits |= RE2JS.MULTILINE
  if (flags.includes('s')) bits |= RE2JS.DOTALL
  return bits
}

function unsafe(message: string): QueryError {
  return new QueryError(message, 'WEFT_DATA_BAD_REGEX')
}
