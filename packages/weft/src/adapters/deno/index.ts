export { onShutdownSignal, serveDeno } from './serve.js'
