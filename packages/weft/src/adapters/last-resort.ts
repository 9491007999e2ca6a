/**
 * The answer when even the error answer failed: a bare problem document, the same on
 * every runtime. Nothing of the failure is in it.
 */
export const LAST_RESORT_BODY = JSON.stringify({
  type: 'about:blank',
  title: 'Internal Server Error',
  status: 500,
  code: 'WEFT_INTERNAL',
})

export const PROBLEM_JSON = 'application/problem+json'

export function lastResortResponse(): Response {
  return new Response(LAST_RESORT_BODY, { status: 500, headers: { 'content-type': PROBLEM_JSON } })
}
