export { NodeContext } from './context.js'
export { serveNode } from './serve.js'
export { onShutdownSignal } from './signals.js'
