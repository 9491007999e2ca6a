import { weft } from 'weft'
import type { Override } from 'weft/di'
import { databaseModule } from './database.ts'
import { statsModule } from './stats.ts'
import { tasksModule } from './tasks.ts'

/**
 * The taskboard split into modules: database (global), tasks, and stats, which imports
 * tasks. `override` swaps any provider, for tests.
 */
export function createModularApp(url: string, override: Override[] = []) {
  return weft({ modules: [databaseModule(url), tasksModule, statsModule], override })
}
