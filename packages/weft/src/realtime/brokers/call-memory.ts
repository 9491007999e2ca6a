// What a broker may keep for methods: each call's answer, shared by every instance, so a
// call retried on another instance (after a reconnect) runs once (see shared-answers.ts).

/**
 * Method calls remembered in the broker, by a key naming the caller and the call id, so a
 * retry on any instance finds the first run. Each method rejects when the broker is away.
 */
export interface CallMemory {
  /**
   * Claims `key` for a run, held for `lease` ms unless renewed. Answers 'claimed' when the
   * caller is to run the call, 'running' while another run holds it, or the remembered answer.
   */
  claim(key: string, lease: number): Promise<'claimed' | 'running' | { answer: string }>
  /** Holds a claim `lease` ms longer: the run is still going. */
  renew(key: string, lease: number): Promise<void>
  /** Remembers the run's answer under `key`, in place of its claim, for the memory's ttl. */
  settle(key: string, answer: string): Promise<void>
}
