export { onShutdownSignal, serveBun } from './serve.js'
