import { runBatterySuite } from './suite.ts'

runBatterySuite('node')
