import { runConformance } from './suite.ts'

runConformance('node')
