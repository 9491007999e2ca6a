// The data workload every subject runs: the same 100k documents, the same four
// operations, each timed the same way. A subject is an object with
// { name, open(), insertMany(docs), findByEmail(email), rangeTop(lo, hi), incScore(id), close() }.

export const DOCS = Number(process.env.BENCH_DATA_DOCS ?? 100_000)
export const BATCH = 1000
export const OP_MS = Number(process.env.BENCH_DATA_MS ?? (process.env.BENCH_QUICK ? 300 : 2000))

/** Document i, identical for every subject. */
export function makeDoc(i) {
  return {
    _id: `u${i}`,
    email: `user${i}@example.com`,
    name: `User ${i}`,
    age: i % 100,
    score: i % 1000,
    tags: ['alpha', 'beta'],
    profile: { city: `city${i % 50}`, active: i % 3 === 0 },
  }
}

// A cheap deterministic sequence, so every subject asks the same questions.
export function* sequence(seed) {
  let x = seed
  for (;;) {
    x = (x * 1103515245 + 12345) & 0x7fffffff
    yield x
  }
}

const operations = {
  [`insert ${DOCS / 1000}k (batches of ${BATCH})`]: null,
  'find by indexed field': (subject, n) => subject.findByEmail(`user${n % DOCS}@example.com`),
  'range + sort + limit 10': (subject, n) => {
    const lo = n % 95
    return subject.rangeTop(lo, lo + 5)
  },
  'update by id ($inc)': (subject, n) => subject.incScore(`u${n % DOCS}`),
}

export const OPERATION_NAMES = Object.keys(operations)

const ROUNDS = Number(process.env.BENCH_DATA_ROUNDS ?? 5)

/**
 * Runs every operation on every subject of a group, interleaved: the insert batches
 * alternate between subjects, and each query runs in ROUNDS short turns per subject, so
 * that load from elsewhere on the machine falls on all of them alike.
 * Returns [{ operation: ops per second }] in the order of `subjects`.
 */
export async function measureGroup(subjects) {
  const results = subjects.map(() => ({}))
  for (const subject of subjects) await subject.open()
  const insertMs = subjects.map(() => 0)
  for (let i = 0; i < DOCS; i += BATCH) {
    const docs = []
    for (let j = i; j < Math.min(i + BATCH, DOCS); j++) docs.push(makeDoc(j))
    for (const [k, subject] of subjects.entries()) {
      const started = performance.now()
      await subject.insertMany(structuredClone(docs))
      insertMs[k] += performance.now() - started
    }
  }
  for (const k of subjects.keys()) results[k][OPERATION_NAMES[0]] = DOCS / (insertMs[k] / 1000)
  for (const subject of subjects) await subject.afterInsert?.()
  for (const name of OPERATION_NAMES.slice(1)) {
    const run = operations[name]
    for (const subject of subjects) await check(subject, name, run)
    const rates = await timeInterleaved(subjects.map((subject) => (n) => run(subject, n)))
    for (const k of subjects.keys()) results[k][name] = rates[k]
  }
  for (const subject of subjects) await subject.close()
  return results
}

/**
 * Operations per second of each of `runs`, each called with the numbers of one
 * deterministic sequence (the same for all): ROUNDS short turns per run, interleaved, so
 * that load from elsewhere on the machine falls on all of them alike. Warm them up first.
 * `batch` calls run between two clock reads: 8 for calls of microseconds, 1 for slow ones
 * (a turn then overshoots by one call at most).
 */
export async function timeInterleaved(runs, { ms = OP_MS, batch = 8 } = {}) {
  const counts = runs.map(() => 0)
  const spent = runs.map(() => 0)
  const numbers = runs.map(() => sequence(42))
  for (let round = 0; round < ROUNDS; round++) {
    for (const [k, run] of runs.entries()) {
      const began = performance.now()
      const until = began + ms / ROUNDS
      while (performance.now() < until) {
        for (let n = 0; n < batch; n++) await run(numbers[k].next().value)
        counts[k] += batch
      }
      spent[k] += performance.now() - began
    }
  }
  return runs.map((_, k) => counts[k] / (spent[k] / 1000))
}

async function check(subject, name, run) {
  const numbers = sequence(7)
  const found = await run(subject, numbers.next().value)
  if (name !== 'update by id ($inc)' && (!Array.isArray(found) || found.length === 0)) {
    throw new Error(`${subject.name}: "${name}" found nothing; the subject is wrong`)
  }
  // Warm-up.
  const until = performance.now() + Math.min(300, OP_MS / 4)
  while (performance.now() < until) await run(subject, numbers.next().value)
}
