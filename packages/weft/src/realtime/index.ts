// weftjs/realtime: channels with presence, live queries (publications) and methods over
// WebSockets, across instances through a broker.

export {
  type ErrorFrame,
  type PresenceMeta,
  type PresenceState,
  RealtimeCloseCode,
} from '../shared/realtime-protocol.js'
export type { Broker } from './brokers/broker.js'
export type { CallMemory } from './brokers/call-memory.js'
export { MemoryHub, memoryBroker } from './brokers/memory.js'
export type { ChannelOptions, ChannelParams, PresenceOption } from './channels.js'
export type { Connection } from './connection.js'
export { Live, realtime } from './live.js'
export type { MethodLimits, MethodOptions, MethodType } from './methods.js'
export type { RealtimeLimits, RealtimeOptions } from './options.js'
export type { PresenceOptions } from './presence.js'
export type { PublicationOptions, PublicationType } from './publications.js'
export type { SubscriptionLimits } from './subscriptions.js'
