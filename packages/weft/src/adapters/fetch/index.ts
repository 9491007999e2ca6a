import './install.js'

export { FetchContext, type HeadCheck } from './context.js'
export { dispatch, headCheck, type RuntimeHeadLimits } from './dispatch.js'
