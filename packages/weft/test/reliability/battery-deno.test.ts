import { runBatterySuite } from './suite.ts'

runBatterySuite('deno')
