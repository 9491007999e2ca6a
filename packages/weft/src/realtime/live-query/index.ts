// Live queries: a `weftjs/data` cursor followed as the data changes, with one change feed
// per collection per instance. The publications of `Live` observe through `LiveQueryHub`.

export type { DocId } from '../../data/store.js'
export { LiveQueryHub, type LiveQueryHubOptions } from './hub.js'
export type { LiveHandle, LiveObserver } from './observer.js'
