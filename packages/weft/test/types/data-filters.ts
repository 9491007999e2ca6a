// Type tests for weftjs/data filters and updates, checked by `tsc --noEmit`: every
// expect-error directive below fails the check if a wrong field or value stops being an error.
import { connect, type Filter, type Update } from 'weftjs/data'
import { z } from 'zod'

const Post = z.object({
  title: z.string(),
  views: z.number(),
  draft: z.boolean(),
  tags: z.array(z.string()),
  author: z.object({ name: z.string(), age: z.number().optional() }),
  comments: z.array(z.object({ by: z.string(), likes: z.number() })),
  publishedAt: z.date().nullable(),
})

const db = await connect('memory:')
const posts = db.collection('posts', Post)

// Fields, dotted paths, paths through arrays and positions.
await posts.find({ title: 'a', 'author.name': 'Ann', 'comments.likes': { $gt: 3 }, 'comments.0.by': 'x' })
await posts.find({ tags: 'a' }) // an element of an array field
await posts.find({ tags: ['a', 'b'] }) // the whole array
await posts.find({ tags: { $all: ['a'] }, views: { $in: [1, 2] }, title: /^a/ })
await posts.find({ $or: [{ draft: true }, { views: { $gte: 10 } }], _id: { $in: ['x', 1] } })
await posts.find({ publishedAt: null, 'author.age': { $exists: false } })
await posts.find({ comments: { $elemMatch: { by: 'ann', likes: { $gt: 1 } } } })

// @ts-expect-error no such field
await posts.find({ titel: 'a' })
// @ts-expect-error views is a number
await posts.find({ views: 'many' })
// @ts-expect-error a dotted path to a missing field
await posts.find({ 'author.nam': 'Ann' })
// @ts-expect-error likes is a number, through the array
await posts.find({ 'comments.likes': { $gt: 'x' } })
// @ts-expect-error $regex only on strings
await posts.find({ views: { $regex: '^1' } })
// @ts-expect-error $size only on arrays
await posts.find({ title: { $size: 1 } })
// @ts-expect-error inside $or too
await posts.find({ $or: [{ draft: 'yes' }] })

// Updates.
await posts.updateOne({ title: 'a' }, { $set: { 'author.name': 'Bo', views: 1 }, $inc: { views: 1 } })
await posts.updateOne({}, { $push: { tags: 'new', comments: { by: 'x', likes: 0 } }, $pull: { tags: 'old' } })
await posts.updateOne(
  {},
  { $push: { tags: { $each: ['a', 'b'], $slice: 10 } }, $currentDate: { publishedAt: true } },
)
await posts.updateMany({}, { $unset: { 'author.age': '' }, $addToSet: { tags: 'x' }, $pop: { comments: -1 } })

// @ts-expect-error views is a number
await posts.updateOne({}, { $set: { views: 'x' } })
// @ts-expect-error $inc only on numbers
await posts.updateOne({}, { $inc: { title: 1 } })
// @ts-expect-error tags holds strings
await posts.updateOne({}, { $push: { tags: 1 } })
// @ts-expect-error $push only on arrays
await posts.updateOne({}, { $push: { title: 'x' } })
// @ts-expect-error no such field
await posts.updateOne({}, { $set: { nope: 1 } })

// Standalone types, e.g. to build a filter step by step.
const filter: Filter<z.output<typeof Post>> = {}
filter.draft = false
// @ts-expect-error draft is a boolean
filter.draft = 'no'
const update: Update<z.output<typeof Post>> = { $set: { title: 'x' } }

// Without a schema, anything goes, as before.
const loose = db.collection('loose')
await loose.find({ anything: { $gt: 1 }, 'a.b.c': 'x' })
await loose.updateOne({ a: 1 }, { $set: { whatever: [1] } })

await posts.updateOne(filter, update)
await db.close()

// Positional updates: $, $[] and $[name] stand for array positions.
await posts.updateOne({ 'comments.by': 'ann' }, { $inc: { 'comments.$.likes': 1 } })
await posts.updateMany(
  {},
  { $set: { 'comments.$[].likes': 0, 'tags.$[t]': 'x' } },
  { arrayFilters: [{ t: 'old' }] },
)
// @ts-expect-error likes is a number, at any position
await posts.updateOne({}, { $set: { 'comments.$[c].likes': 'x' } }, { arrayFilters: [{ 'c.by': 'a' }] })
