import { runBatterySuite } from './suite.ts'

runBatterySuite('bun')
