import { runConformance } from './suite.ts'

runConformance('deno')
