import type { BatteryCase } from '../battery.ts'
import { bodies } from './bodies.ts'
import { data } from './data.ts'
import { multipartBombs } from './multipart.ts'
import { realtime } from './realtime.ts'
import { slowClients } from './slow-clients.ts'
import { smuggling } from './smuggling.ts'
import { urls } from './urls.ts'

/** Every case of the bad-input battery, in the order of the published table. */
export const battery: BatteryCase[] = [
  ...smuggling,
  ...slowClients,
  ...bodies,
  ...multipartBombs,
  ...urls,
  ...data,
  ...realtime,
]
