// MongoDB's cross-type order (BSON "canonical types"), used by range operators, sorts,
// $min/$max and distinct. Values of different types never compare as equal: a number is
// always below a string, which is always below an object, and so on.

/** Canonical type rank as MongoDB orders them; gaps are kept for types JS lacks. */
export function typeRank(value: unknown): number {
  if (value === undefined || value === null) return 5
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return 10
    case 'string':
      return 15
    case 'boolean':
      return 40
    case 'object':
      return objectRank(value)
    default:
      return 15
  }
}

function objectRank(value: object): number {
  if (Array.isArray(value)) return 25
  if (value instanceof Date) return 45
  if (value instanceof RegExp) return 50
  if (value instanceof Uint8Array) return 30
  if (isObjectIdLike(value)) return 35
  return 20
}

/** A BSON ObjectId from the MongoDB driver, recognised without importing it. */
export function isObjectIdLike(value: unknown): value is { toHexString(): string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { _bsontype?: unknown })._bsontype === 'ObjectId' &&
    typeof (value as { toHexString?: unknown }).toHexString === 'function'
  )
}

/** Total order over values: negative, zero or positive like `Array.prototype.sort` wants. */
export function compareValues(a: unknown, b: unknown): number {
  const rankA = typeRank(a)
  const rankB = typeRank(b)
  if (rankA !== rankB) return rankA - rankB
  switch (rankA) {
    case 5:
      return 0
    case 10:
      return compareNumbers(a as number, b as number)
    case 15:
    case 40:
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1
    case 20:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>)
    case 25:
      return compareArrays(a as unknown[], b as unknown[])
    case 30:
      return compareBytes(a as Uint8Array, b as Uint8Array)
    case 35:
      return compareValues(
        (a as { toHexString(): string }).toHexString(),
        (b as { toHexString(): string }).toHexString(),
      )
    case 45:
      return compareNumbers((a as Date).getTime(), (b as Date).getTime())
    default:
      return compareValues(String(a), String(b))
  }
}

// MongoDB puts NaN below every other number and equal to itself.
function compareNumbers(a: number, b: number): number {
  const nanA = Number.isNaN(a)
  const nanB = Number.isNaN(b)
  if (nanA || nanB) return nanA && nanB ? 0 : nanA ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

// BSON compares documents element by element: value type, then field name, then value;
// the document that runs out first is smaller. So key order matters, as in MongoDB.
function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const keysA = definedKeys(a)
  const keysB = definedKeys(b)
  const shared = Math.min(keysA.length, keysB.length)
  for (let i = 0; i < shared; i++) {
    const valueA = a[keysA[i]]
    const valueB = b[keysB[i]]
    const byType = typeRank(valueA) - typeRank(valueB)
    if (byType !== 0) return byType
    if (keysA[i] !== keysB[i]) return keysA[i] < keysB[i] ? -1 : 1
    const byValue = compareValues(valueA, valueB)
    if (byValue !== 0) return byValue
  }
  return keysA.length - keysB.length
}

function compareArrays(a: unknown[], b: unknown[]): number {
  const shared = Math.min(a.length, b.length)
  for (let i = 0; i < shared; i++) {
    const result = compareValues(a[i], b[i])
    if (result !== 0) return result
  }
  return a.length - b.length
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return 0
}

/** Keys whose value is not `undefined`: an undefined field is absent once stored. */
export function definedKeys(value: Record<string, unknown>): string[] {
  return Object.keys(value).filter((key) => value[key] !== undefined)
}

/** MongoDB equality: numbers by value, documents and arrays field by field in order. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0
}

/** Plain document (not an array, Date, RegExp, bytes or ObjectId). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && typeRank(value) === 20
}
