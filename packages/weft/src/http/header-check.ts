import { HttpError } from './errors.js'

/** RFC 9110 token: what a header name may be. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/**
 * Anything outside an RFC 9110 field-value: controls other than tab, DEL, and every
 * character above U+00FF (which no runtime can put on the wire as one byte; Node throws).
 */
const BAD_FIELD_VALUE = /[^\t\x20-\x7e\x80-\xff]/

/** Whether `value` may be sent as a header value. */
export function isFieldValue(value: string): boolean {
  return !BAD_FIELD_VALUE.test(value)
}

/** Throws a 500 `WEFT_HEADER_INJECTION` unless the name is a token and the value a field-value. */
export function checkHeader(name: string, value: string): void {
  if (HEADER_NAME.test(name) && isFieldValue(value)) return
  throw new HttpError(
    500,
    `Refused to send header "${excerptName(name)}": its name or value is not allowed`,
    {
      code: 'WEFT_HEADER_INJECTION',
    },
  )
}

function excerptName(name: string): string {
  return HEADER_NAME.test(name) ? name : name.slice(0, 32).replace(/[^\x20-\x7e]/g, '?')
}
