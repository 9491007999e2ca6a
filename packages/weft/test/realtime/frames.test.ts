// Every client frame the server answers (docs/protocol.md), over a real socket: what each
// one answers, its error frames, the limits it enforces, token renewal, and that the frames
// of one connection are handled in order even while one of them waits.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { connect, type Db } from 'weftjs/data'
import { realtime } from 'weftjs/realtime'
import { z } from 'zod'
import { type RawClient, rawClient, type Served, serveLive } from './helpers.ts'

interface User {
  id?: string | number
  exp?: number
}

/** Tokens: "bad" and "nobody" are refused, "boom" throws, "n:7" has a numeric id, "exp:<seconds>" expires, "none" has no id. */
function userOf(token: string | undefined): User | null {
  if (token === 'bad') return null
  if (token === 'boom') throw new Error('authenticate broke')
  if (token === 'nobody') return undefined as unknown as null
  if (token === undefined || token === 'none') return {}
  if (token.startsWith('n:')) return { id: Number(token.slice(2)) }
  if (token.startsWith('exp:')) return { id: 'expiring', exp: Number(token.slice(4)) }
  return { id: token }
}

// A schema that answers asynchronously (as some validation libraries do), and transforms.
const doubled = {
  '~standard': {
    version: 1 as const,
    vendor: 'test',
    validate: async (value: unknown) => {
      const n = (value as { n?: unknown } | null)?.n
      return typeof n === 'number'
        ? { value: { n: n * 2 } }
        : { issues: [{ message: 'n must be a number', path: ['n'] }] }
    },
  },
}

/** Error entries the realtime logger wrote: its fields and message. */
const logged: { fields: Record<string, unknown>; message?: string }[] = []
const keepErrors = {
  error: (fields: object, message?: string) => void logged.push({ fields: { ...fields }, message }),
  warn() {},
  info() {},
}

function makeLive(db: Db, dev: boolean) {
  const tasks = db.collection<{ _id: string; title: string }>('tasks')
  return realtime<User>({
    logger: keepErrors,
    dev,
    limits: { channels: 3 },
    authenticate: (_ctx, token) => userOf(token),
  })
    .channel('chat/:room', {
      presence: { meta: (_conn, { room }) => ({ room }) },
      message: z.object({ text: z.string().trim().min(1) }),
    })
    .channel('news', {})
    .channel('plain/:room', { presence: true })
    .channel('keyed', { presence: { key: (conn) => `key-${String(conn.user.id)}` } })
    .channel('gate/:room', {
      authorize: async (_conn, { room }) => {
        await delay(20) // an authorize that waits, as a database lookup would
        if (room === 'boom') throw new Error('authorize broke')
        return room !== 'closed'
      },
      message: z.object({ text: z.string() }),
    })
    .channel('async', { message: doubled })
    .publish('tasks', {}, () => tasks.find({}, { sort: { _id: 1 } }))
    .method('whoami', {}, (conn) => conn.user)
    .method('slow', {}, async () => {
      await delay(50)
      return 'slow'
    })
    .method('fast', {}, () => 'fast')
    .method('add', { args: z.object({ id: z.string() }) }, async (_conn, { id }) => {
      await tasks.insertOne({ _id: id, title: id })
      return id
    })
}

/** The fields of an error frame a client reads. */
function errorFields(frame: Record<string, any>) {
  const { msg, status, code, detail, id, channel } = frame
  return { msg, status, code, detail, id, channel }
}

/** Every frame answered so far has arrived: a ping sent now is answered after them. */
async function settle(client: RawClient, id: string): Promise<void> {
  client.send({ msg: 'ping', id })
  await client.next('pong', (frame) => frame.id === id)
}

function withToken(served: Served, token: string) {
  return rawClient(`${served.url}?token=${encodeURIComponent(token)}`)
}

describe('realtime frames, one by one', () => {
  let db: Db
  let served: Served
  let devServed: Served
  let live: ReturnType<typeof makeLive>
  before(async () => {
    db = await connect('memory:')
    live = makeLive(db, false)
    served = await serveLive(live)
    devServed = await serveLive(makeLive(db, true))
  })
  after(async () => {
    await served.close()
    await devServed.close()
    await db.close()
  })

  test('connect agrees when the client supports the version, or names it as its own', async () => {
    for (const hello of [
      { msg: 'connect', version: '2', support: ['2', '1'] },
      { msg: 'connect', version: '1', support: ['0'] },
    ]) {
      const client = await rawClient(`${served.url}?token=ada`, { connect: false })
      client.send(hello)
      const connected = await client.next('connected')
      assert.equal(connected.version, '1')
      assert.deepEqual(connected.limits, { maxMessage: 1024 * 1024, channels: 3 })
      client.socket.close()
    }
  })

  test('a bare ping answers a bare pong; a pong from the client answers nothing', async () => {
    const client = await withToken(served, 'ada')
    client.send({ msg: 'pong' })
    client.send({ msg: 'ping' })
    assert.deepEqual(await client.next('pong'), { msg: 'pong' })
    await settle(client, 'p')
    assert.deepEqual(client.frames, [])
    client.socket.close()
  })

  test('join answers joined and presence; leave answers left and ends sending', async () => {
    const { client, session } = await connected(served, 'ada')
    client.send({ msg: 'join', id: '1', channel: 'chat/a' })
    const joined = await client.next('joined')
    assert.deepEqual(Object.keys(joined).sort(), ['channel', 'epoch', 'id', 'msg', 'seq'])
    assert.deepEqual([joined.id, joined.channel], ['1', 'chat/a'])
    const presence = await client.next('presence')
    assert.deepEqual(presence, {
      msg: 'presence',
      channel: 'chat/a',
      state: { ada: [{ room: 'a', ref: session }] },
    })

    client.send({ msg: 'leave', id: '2', channel: 'chat/a' })
    assert.deepEqual(await client.next('left'), { msg: 'left', id: '2', channel: 'chat/a' })
    client.send({ msg: 'publish', id: '3', channel: 'chat/a', data: { text: 'hi' } })
    assert.deepEqual(errorFields(await client.next('error')), {
      msg: 'error',
      status: 403,
      code: 'WEFT_FORBIDDEN',
      detail: 'Join "chat/a" before sending to it',
      id: '3',
      channel: 'chat/a',
    })
    await settle(client, 'p')
    assert.deepEqual(client.frames, [], 'no message after leaving')
    client.socket.close()
  })

  test('a channel without presence sends no presence frame', async () => {
    const client = await withToken(served, 'ada')
    client.send({ msg: 'join', id: '1', channel: 'news' })
    await client.next('joined')
    await settle(client, 'p')
    assert.deepEqual(client.frames, [])
    client.socket.close()
  })

  test('join with since resumes: the missed messages, and no resync', async () => {
    const ada = await withToken(served, 'ada')
    ada.send({ msg: 'join', id: '1', channel: 'news' })
    const first = await ada.next('joined')
    ada.send({ msg: 'leave', id: '2', channel: 'news' })
    await ada.next('left')
    await live.broadcast('news', { n: 1 })
    ada.frames.length = 0
    ada.send({ msg: 'join', id: '3', channel: 'news', since: { epoch: first.epoch, seq: first.seq } })
    const rejoined = await ada.next('joined')
    assert.equal(rejoined.seq, first.seq)
    const missed = await ada.next('message')
    assert.deepEqual([missed.seq, missed.data], [first.seq + 1, { n: 1 }])
    await settle(ada, 'p')
    assert.deepEqual(
      ada.frames.filter((frame) => frame.msg === 'resync'),
      [],
    )
    ada.socket.close()
  })

  test('join with a position the channel does not know answers resync at its own position', async () => {
    const client = await withToken(served, 'ada')
    client.send({ msg: 'join', id: '1', channel: 'news', since: { epoch: 'elsewhere', seq: 3 } })
    const joined = await client.next('joined')
    assert.deepEqual(await client.next('resync'), {
      msg: 'resync',
      channel: 'news',
      epoch: joined.epoch,
      seq: joined.seq,
    })
    client.socket.close()
  })

  test('a connection joins at most limits.channels channels; joining one again counts once', async () => {
    const client = await withToken(served, 'ada')
    for (const channel of ['chat/1', 'chat/2', 'news']) {
      client.send({ msg: 'join', id: channel, channel })
      await client.next('joined', (frame) => frame.channel === channel)
    }
    client.send({ msg: 'join', id: 'again', channel: 'chat/1' })
    const again = await client.next('joined', (frame) => frame.id === 'again')
    assert.equal(again.channel, 'chat/1')
    client.send({ msg: 'join', id: 'one-more', channel: 'chat/4' })
    assert.deepEqual(errorFields(await client.next('error')), {
      msg: 'error',
      status: 429,
      code: 'WEFT_TOO_MANY_CHANNELS',
      detail: 'A connection may join 3 channels',
      id: 'one-more',
      channel: 'chat/4',
    })
    client.frames.length = 0
    client.send({ msg: 'publish', channel: 'chat/1', data: { text: 'once' } })
    await client.next('message')
    await settle(client, 'p')
    assert.deepEqual(client.frames, [], 'joined twice, the message still comes once')
    client.socket.close()
  })

  test('an unknown channel answers 404', async () => {
    const client = await withToken(served, 'ada')
    client.send({ msg: 'join', id: '1', channel: 'nowhere' })
    assert.deepEqual(errorFields(await client.next('error')), {
      msg: 'error',
      status: 404,
      code: 'WEFT_NO_SUCH_CHANNEL',
      detail: 'No channel "nowhere"',
      id: '1',
      channel: 'nowhere',
    })
    client.socket.close()
  })

  test('authorize: refused answers 403, thrown answers 500 without its message', async () => {
    const client = await withToken(served, 'ada')
    client.send({ msg: 'join', id: '1', channel: 'gate/closed' })
    assert.deepEqual(errorFields(await client.next('error')), {
      msg: 'error',
      status: 403,
      code: 'WEFT_FORBIDDEN',
      detail: 'Not allowed to join "gate/closed"',
      id: '1',
      channel: 'gate/closed',
    })
    client.send({ msg: 'join', id: '2', channel: 'gate/boom' })
    assert.deepEqual(errorFields(await client.next('error')), {
      msg: 'error',
      status: 500,
      code: 'WEFT_INTERNAL',
      detail: undefined,
      id: '2',
      channel: 'gate/boom',
    })
    const entry = logged.find((e) => (e.fields.err as { message?: string }).message === 'authorize broke')
    assert.deepEqual([entry?.fields.frame, entry?.message], ['join', 'realtime frame failed'])
    client.socket.close()
  })

  test('with dev, an unexpected error frame carries the error message', async () => {
    const client = await withToken(devServed, 'ada')
    client.send({ msg: 'join', id: '2', channel: 'gate/boom' })
    const error = await client.next('error')
    assert.deepEqual([error.status, error.detail, error.id], [500, 'authorize broke', '2'])
    client.socket.close()
  })

  test('a frame sent while a join waits on authorize is handled after it', async () => {
    const client = await withToken(served, 'ada')
    client.send({ msg: 'join', id: '1', channel: 'gate/open' })
    client.send({ msg: 'publish', id: '2', channel: 'gate/open', data: { text: 'right after' } })
    const message = await client.next('message')
    assert.deepEqual(message.data, { text: 'right after' })
    assert.deepEqual(
      client.frames.filter((frame) => frame.msg === 'error'),
      [],
    )
    client.socket.close()
  })

  test('publish: read-only channels refuse, invalid messages list their issues, valid ones go out as the schema returns them', async () => {
    const client = await withToken(served, 'ada')
    for (const channel of ['news', 'chat/p', 'async']) {
      client.send({ msg: 'join', id: channel, channel })
      await client.next('joined', (frame) => frame.channel === channel)
    }
    client.send({ msg: 'publish', id: '1', channel: 'news', data: { text: 'hi' } })
    assert.deepEqual(errorFields(await client.next('error')), {
      msg: 'error',
      status: 403,
      code: 'WEFT_READ_ONLY_CHANNEL',
      detail: '"news" takes no messages from clients',
      id: '1',
      channel: 'news',
    })
    client.send({ msg: 'publish', id: '2', channel: 'chat/p', data: { text: 5 } })
    const invalid = await client.next('error')
    assert.deepEqual(errorFields(invalid), {
      msg: 'error',
      status: 422,
      code: 'WEFT_INVALID_MESSAGE',
      detail: "The message does not match the channel's schema",
      id: '2',
      channel: 'chat/p',
    })
    assert.deepEqual(
      invalid.issues.map((issue: { path: string }) => issue.path),
      ['text'],
    )
    client.send({ msg: 'publish', channel: 'chat/p', data: { text: '  trimmed  ' } })
    assert.deepEqual((await client.next('message')).data, { text: 'trimmed' })

    client.send({ msg: 'publish', id: '3', channel: 'async', data: { n: 'x' } })
    const asyncInvalid = await client.next('error')
    assert.deepEqual(
      [asyncInvalid.status, asyncInvalid.id, asyncInvalid.issues],
      [422, '3', [{ path: 'n', message: 'n must be a number' }]],
    )
    client.send({ msg: 'publish', channel: 'async', data: { n: 2 } })
    assert.deepEqual((await client.next('message')).data, { n: 4 })
    client.socket.close()
  })

  test('presence is keyed by the user id (string or number), else by the session, or by the channel key', async () => {
    const cases: [string, (session: string) => string, string][] = [
      ['ada', () => 'ada', 'plain/r'],
      ['n:7', () => '7', 'plain/r'],
      ['none', (session) => session, 'plain/r'],
      ['ada', () => 'key-ada', 'keyed'],
    ]
    for (const [token, key, channel] of cases) {
      const { client, session } = await connected(served, token)
      client.send({ msg: 'join', id: '1', channel })
      const presence = await client.next('presence')
      const mine = presence.state[key(session)]?.find((meta: { ref: string }) => meta.ref === session)
      assert.deepEqual(mine, { ref: session }, `${token} in ${channel}`)
      client.socket.close()
      await client.closed
    }
  })

  test('auth renews the user: refused tokens answer 401, an expiring one is asked to renew', async () => {
    const client = await withToken(served, 'ada')
    client.send({ msg: 'auth', id: 'a1', token: 'bad' })
    assert.deepEqual(errorFields(await client.next('error')), {
      msg: 'error',
      status: 401,
      code: 'WEFT_UNAUTHENTICATED',
      detail: 'The token was refused',
      id: 'a1',
      channel: undefined,
    })
    client.send({ msg: 'auth', id: 'a1b', token: 'nobody' })
    assert.deepEqual([(await client.next('error')).code, client.frames], ['WEFT_UNAUTHENTICATED', []])
    const past = Math.floor(Date.now() / 1000) - 10
    client.send({ msg: 'auth', id: 'a2', token: `exp:${past}` })
    assert.equal((await client.next('error')).id, 'a2')

    client.send({ msg: 'auth', id: 'a3', token: 'bob' })
    assert.deepEqual(await client.next('authed'), { msg: 'authed', id: 'a3' })
    client.send({ msg: 'method', id: 'm1', name: 'whoami', args: {} })
    assert.deepEqual((await client.next('result')).result, { id: 'bob' })

    // Expires within the default 30 s renewal margin: `reauth` comes at once.
    const soon = Math.floor(Date.now() / 1000) + 20
    client.send({ msg: 'auth', id: 'a4', token: `exp:${soon}` })
    assert.deepEqual(await client.next('authed'), { msg: 'authed', id: 'a4', expiresAt: soon * 1000 })
    assert.deepEqual(await client.next('reauth'), { msg: 'reauth', deadline: soon * 1000 })

    // An hour away: nothing to renew yet.
    const later = Math.floor(Date.now() / 1000) + 3600
    client.send({ msg: 'auth', id: 'a5', token: `exp:${later}` })
    assert.deepEqual(await client.next('authed'), { msg: 'authed', id: 'a5', expiresAt: later * 1000 })
    await settle(client, 'p')
    assert.deepEqual(
      client.frames.filter((frame) => frame.msg === 'reauth'),
      [],
      'no reauth an hour ahead',
    )

    client.send({ msg: 'auth', id: 'a6', token: 'boom' })
    const failed = await client.next('error')
    assert.deepEqual([failed.status, failed.code, failed.id], [500, 'WEFT_INTERNAL', 'a6'])
    client.socket.close()
  })

  test('methods answer in the order they were called, each followed by updated', async () => {
    const client = await withToken(served, 'ada')
    client.send({ msg: 'method', id: 's', name: 'slow', args: {} })
    client.send({ msg: 'method', id: 'f', name: 'fast', args: {} })
    const first = await client.next('result')
    const second = await client.next('result')
    assert.deepEqual([first.id, first.result, second.id, second.result], ['s', 'slow', 'f', 'fast'])
    assert.deepEqual(await client.next('updated', (frame) => frame.methods[0] === 's'), {
      msg: 'updated',
      methods: ['s'],
    })
    await client.next('updated', (frame) => frame.methods[0] === 'f')
    client.socket.close()
  })

  test('with a subscription, updated follows the changes a method made; after unsub none come', async () => {
    const client = await withToken(served, 'ada')
    const seen: Record<string, any>[] = []
    client.socket.on('message', (data) => seen.push(JSON.parse(String(data))))
    client.send({ msg: 'sub', id: 's1', name: 'tasks' })
    await client.next('ready')
    client.send({ msg: 'method', id: 'm1', name: 'add', args: { id: 'sub-1' } })
    await client.next('updated')
    const added = seen.findIndex((frame) => frame.msg === 'added' && frame.id === 'sub-1')
    const updated = seen.findIndex((frame) => frame.msg === 'updated')
    assert.ok(added >= 0 && added < updated, 'the added frame comes before updated')

    client.send({ msg: 'unsub', id: 's1' })
    client.send({ msg: 'method', id: 'm2', name: 'add', args: { id: 'sub-2' } })
    await client.next('updated', (frame) => frame.methods[0] === 'm2')
    assert.equal(
      seen.some((frame) => frame.msg === 'added' && frame.id === 'sub-2'),
      false,
    )
    client.socket.close()
  })
})

describe('realtime frames on an endpoint without authenticate', () => {
  let served: Served
  before(async () => {
    served = await serveLive(realtime({ logger: false }).channel('room', { presence: true }))
  })
  after(() => served.close())

  test('closing frames name their reason: connect first, no common version', async () => {
    const early = await rawClient(served.url, { connect: false })
    early.send({ msg: 'ping' })
    assert.deepEqual(await early.closed, { code: 4002, reason: 'send "connect" first' })
    const old = await rawClient(served.url, { connect: false })
    old.send({ msg: 'connect', version: '0', support: ['0'] })
    assert.deepEqual(await old.closed, { code: 4000, reason: 'no common protocol version' })
  })

  test('publish and unsub before any join or sub answer, and the connection goes on', async () => {
    const client = await rawClient(served.url)
    client.send({ msg: 'unsub', id: 'never' })
    client.send({ msg: 'publish', id: '1', channel: 'room', data: {} })
    assert.equal((await client.next('error')).code, 'WEFT_FORBIDDEN')
    await settle(client, 'p')
    client.socket.close()
  })

  test('auth is refused without authenticate; presence is keyed by the session of an anonymous user', async () => {
    const { client, session } = await connected(served, 'ignored')
    client.send({ msg: 'auth', id: 'a1', token: 'any' })
    assert.equal((await client.next('error')).code, 'WEFT_UNAUTHENTICATED')
    client.send({ msg: 'join', id: '1', channel: 'room' })
    const presence = await client.next('presence')
    assert.deepEqual(presence.state, { [session]: [{ ref: session }] })
    client.socket.close()
  })
})

/** A client connected with `token`, and its session id from the connected frame. */
async function connected(served: Served, token: string): Promise<{ client: RawClient; session: string }> {
  const client = await rawClient(`${served.url}?token=${encodeURIComponent(token)}`, { connect: false })
  client.send({ msg: 'connect', version: '1', support: ['1'] })
  const { session } = await client.next('connected')
  return { client, session }
}
