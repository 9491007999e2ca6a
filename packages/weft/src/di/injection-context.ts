// The one piece of process-wide state in weftjs/di, and why it has to be: `inject(X)` takes
// no container (it is called from constructors, field initialisers and factories), so it
// finds the provider being built here. The frame is set only while a provider's build()
// runs, which is synchronous, so no other request ever sees it; each request's own state
// lives in its RequestScope and reaches the frames explicitly (`Frame.request`).
import type { Frame } from './types.js'

let building: Frame | null = null

/** The provider being built right now, or null outside any build. */
export function buildingFrame(): Frame | null {
  return building
}

/** Runs `build` with `frame` as the provider being built, then restores the outer one. */
export function whileBuilding<T>(frame: Frame, build: () => T): T {
  const outer = building
  building = frame
  try {
    return build()
  } finally {
    building = outer
  }
}
