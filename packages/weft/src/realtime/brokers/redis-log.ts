// The shared replay window on Redis: per channel, a hash holding its epoch and last
// sequence number, and a stream holding its messages (XADD, trimmed by MAXLEN and MINID,
// read back with XREVRANGE). Each operation is one Lua script, so numbering, keeping and
// publishing a message are one atomic step: every instance receives messages in
// numbering order through pub/sub.
import type { Redis as RedisClient } from 'ioredis'
import { type BrokerOptions, type ChannelLog, newEpoch } from './broker.js'

/**
 * The head outlives the stream (a few windows): while a channel's subscribers are idle
 * longer than the window its numbering stays, so a message then does not renumber it.
 */
const HEAD_TTL_FACTOR = 30

// KEYS: head hash, stream. ARGV: json, new epoch, max messages, oldest id (ms), window ms, subject.
const APPEND = `
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[2]
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'seq', 0)
  redis.call('DEL', KEYS[2])
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[3], '*', 's', seq, 'd', ARGV[1])
redis.call('XTRIM', KEYS[2], 'MINID', ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('PEXPIRE', KEYS[1], ${HEAD_TTL_FACTOR} * tonumber(ARGV[5]))
redis.call('PUBLISH', ARGV[6], epoch .. ' ' .. seq .. ' ' .. ARGV[1])
return seq`

// KEYS: head hash, stream. ARGV: new epoch, window ms.
const POSITION = `
if redis.call('HSETNX', KEYS[1], 'epoch', ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], 'seq', 0)
  redis.call('DEL', KEYS[2])
end
redis.call('PEXPIRE', KEYS[1], ${HEAD_TTL_FACTOR} * tonumber(ARGV[2]))
return redis.call('HMGET', KEYS[1], 'epoch', 'seq')`

// KEYS: head hash, stream. ARGV: epoch, seq, oldest id (ms). The entries after seq, newest
// first, or false when the epoch differs or some of them are gone.
const AFTER = `
local head = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
if head[1] ~= ARGV[1] then return false end
local want = tonumber(head[2]) - tonumber(ARGV[2])
if want < 0 then return false end
if want == 0 then return {} end
local entries = redis.call('XREVRANGE', KEYS[2], '+', ARGV[3], 'COUNT', want)
if #entries < want then return false end
return entries`

type Scripted = RedisClient & {
  weftAppend(...args: (string | number)[]): Promise<number>
  weftPosition(...args: (string | number)[]): Promise<[string, string]>
  weftAfter(...args: (string | number)[]): Promise<[string, string[]][] | null>
}

export function redisLog(
  client: RedisClient,
  { window, messages }: { window: number; messages: number },
  { namespace = 'weft' }: Pick<BrokerOptions, 'namespace'>,
): ChannelLog {
  const redis = client as Scripted
  redis.defineCommand('weftAppend', { numberOfKeys: 2, lua: APPEND })
  redis.defineCommand('weftPosition', { numberOfKeys: 2, lua: POSITION })
  redis.defineCommand('weftAfter', { numberOfKeys: 2, lua: AFTER })
  // Hash tags keep a channel's two keys in one cluster slot.
  const keys = (channel: string) => [`${namespace}:head:{${channel}}`, `${namespace}:log:{${channel}}`]
  const oldest = () => String(Date.now() - window)

  return {
    contiguous: true,
    append(channel, subject, json) {
      if (redis.status !== 'ready') return Promise.resolve(false)
      return redis.weftAppend(...keys(channel), json, newEpoch(), messages, oldest(), window, subject).then(
        () => true,
        () => false,
      )
    },
    async position(channel) {
      const [epoch, seq] = await redis.weftPosition(...keys(channel), newEpoch(), window)
      return { epoch, seq: Number(seq) }
    },
    async after(channel, since) {
      const entries = await redis.weftAfter(...keys(channel), since.epoch, since.seq, oldest())
      if (!entries) return null
      return entries.reverse().map(([, fields]) => ({ seq: Number(fields[1]), json: fields[3]! }))
    },
  }
}
