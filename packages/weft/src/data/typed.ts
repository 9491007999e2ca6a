// Filters and updates typed from a collection's document type: a wrong field name or a
// value of the wrong type is a compile error. `Filter<T>` and `Update<T>` know dotted
// paths (`'author.name'`, `'items.price'` through arrays, `'items.0.price'`). Without a
// document type (`Record<string, unknown>`, the default) they accept any filter, as before.

import type { DocId } from './store.js'

type Doc = Record<string, unknown>
type Primitive = string | number | boolean | bigint | symbol | null | undefined | Date | RegExp | Uint8Array
type Prev = [never, 0, 1, 2, 3, 4]

/** True when T has no fixed fields (`Record<string, unknown>` and the like). */
type IsLoose<T> = string extends keyof T ? true : false

type Element<V> = V extends readonly (infer E)[] ? E : never

/** An array position in a path; updates also take `$`, `$[]` and `$[name]`. */
type Position = `${number}`
type UpdatePosition = Position | '$' | '$[]' | `$[${string}]`

/** Every dotted path into T, up to 4 levels, stepping into arrays of documents. */
export type Path<T, D extends number = 4, I extends string = Position> = [D] extends [never]
  ? never
  : T extends Primitive
    ? never
    : T extends readonly (infer E)[]
      ? I | `${I}.${Path<E, Prev[D], I>}` | Path<E, Prev[D], I>
      : {
          [K in keyof T & string]-?:
            | K
            | (NonNullable<T[K]> extends Primitive ? never : `${K}.${Path<NonNullable<T[K]>, Prev[D], I>}`)
        }[keyof T & string]

/** The type at a dotted path (through arrays: the element's field). */
export type PathValue<T, P extends string> = T extends readonly (infer E)[]
  ? P extends UpdatePosition
    ? E
    : P extends `${UpdatePosition}.${infer Rest}`
      ? PathValue<E, Rest>
      : PathValue<E, P>
  : P extends keyof T
    ? T[P]
    : P extends `${infer K}.${infer Rest}`
      ? K extends keyof T
        ? PathValue<NonNullable<T[K]>, Rest>
        : never
      : never

type Comparable<V> = V extends readonly unknown[] ? Element<V> | V : V

/** Operators on one field whose type is V. */
export interface FieldOperators<V> {
  $eq?: Comparable<V> | null
  $ne?: Comparable<V> | null
  $gt?: Comparable<V>
  $gte?: Comparable<V> | null
  $lt?: Comparable<V>
  $lte?: Comparable<V> | null
  $in?: readonly (Comparable<V> | null | (V extends string ? RegExp : never))[]
  $nin?: readonly (Comparable<V> | null | (V extends string ? RegExp : never))[]
  $exists?: boolean
  $type?: string | number | readonly (string | number)[]
  $regex?: NonNullable<V> extends string | readonly string[] ? string | RegExp : never
  $options?: string
  $not?: FieldOperators<V> | RegExp
  $all?: V extends readonly unknown[] ? readonly (Element<V> | ElementMatch<Element<V>>)[] : never
  $elemMatch?: V extends readonly unknown[] ? ElementMatch<Element<V>> : never
  $size?: V extends readonly unknown[] ? number : never
  $mod?: V extends number ? readonly [number, number] : never
}

type ElementMatch<E> = E extends Primitive ? FieldOperators<E> : Filter<E> | FieldOperators<E>

/** A condition on a field: a value to equal (an element, for arrays), a RegExp, or operators. */
export type Condition<V> =
  | Comparable<V>
  | null
  | FieldOperators<V>
  | (V extends string ? RegExp : V extends readonly string[] ? RegExp : never)

type TypedFilter<T> = {
  [P in Path<T>]?: Condition<PathValue<T, P>>
} & {
  _id?: Condition<DocId>
  $and?: readonly Filter<T>[]
  $or?: readonly Filter<T>[]
  $nor?: readonly Filter<T>[]
  $comment?: string
}

/** A filter on documents of type T; any filter when T has no fixed fields. */
export type Filter<T = Doc> = IsLoose<T> extends true ? Doc : TypedFilter<T>

/** Paths an update may write: positions may also be `$`, `$[]` or `$[name]`. */
type UPath<T> = Path<T, 4, UpdatePosition>
type PathsOf<T, V> = { [P in UPath<T>]: PathValue<T, P> extends V ? P : never }[UPath<T>]
type ArrayPaths<T> = {
  [P in UPath<T>]: NonNullable<PathValue<T, P>> extends readonly unknown[] ? P : never
}[UPath<T>]
type ElementAt<T, P extends string> = Element<NonNullable<PathValue<T, P>>>

type Fields<K extends string, V> = { [P in K]?: V }
type Each<E> = {
  $each: readonly E[]
  $position?: number
  $slice?: number
  $sort?: 1 | -1 | Record<string, 1 | -1>
}

type TypedUpdate<T> = {
  $set?: { [P in UPath<T>]?: PathValue<T, P> }
  $setOnInsert?: { [P in UPath<T>]?: PathValue<T, P> }
  $unset?: Fields<UPath<T>, '' | 1 | true>
  $inc?: Fields<PathsOf<T, number | null | undefined>, number>
  $mul?: Fields<PathsOf<T, number | null | undefined>, number>
  $min?: { [P in UPath<T>]?: PathValue<T, P> }
  $max?: { [P in UPath<T>]?: PathValue<T, P> }
  $rename?: Fields<UPath<T>, string>
  $currentDate?: Fields<PathsOf<T, Date | null | undefined>, true | { $type: 'date' }>
  $push?: { [P in ArrayPaths<T>]?: ElementAt<T, P> | Each<ElementAt<T, P>> }
  $addToSet?: { [P in ArrayPaths<T>]?: ElementAt<T, P> | { $each: readonly ElementAt<T, P>[] } }
  $pull?: { [P in ArrayPaths<T>]?: Condition<ElementAt<T, P>> | Filter<ElementAt<T, P>> }
  $pullAll?: { [P in ArrayPaths<T>]?: readonly ElementAt<T, P>[] }
  $pop?: Fields<ArrayPaths<T>, 1 | -1>
}

/** An update of documents of type T; any update when T has no fixed fields. */
export type Update<T = Doc> = IsLoose<T> extends true ? Doc : TypedUpdate<T>
