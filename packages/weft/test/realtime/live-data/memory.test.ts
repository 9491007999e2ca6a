// Publications and methods over real sockets on the memory store.
import { connect } from 'weftjs/data'
import { liveDataSuite } from './suite.ts'

liveDataSuite('memory', () => connect('memory:'))
