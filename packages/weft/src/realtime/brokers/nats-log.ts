// The shared replay window on NATS JetStream: one stream (on the server's disk) holds every channel's
// messages for the window, at most `messages` per channel (max_age and
// max_msgs_per_subject), and numbers them. A channel's seq is the stream's sequence: it
// grows, with gaps where other channels' messages sit. Each instance follows a channel
// with an ordered consumer, so it receives only what the stream stored, in order.
import type {
  JetStreamClient,
  JetStreamManager,
  JetStreamSubscription,
  NatsConnection,
  StoredMsg,
} from 'nats'
import type { ChannelLog } from './broker.js'

type Nats = typeof import('nats')

/**
 * Bytes of appends waiting for the server's answer. Past it an append fails at once (the
 * instance serves its own clients alone): a server that stopped answering, before the
 * client has noticed, must not gather every message sent meanwhile.
 */
const MAX_IN_FLIGHT = 4 * 1024 * 1024
/** Direct gets (allow_direct): served by any replica, the manager has them though its type omits them. */
type DirectQuery = { seq: number; next_by_subj?: string } | { last_by_subj: string }
type WithDirect = JetStreamManager & {
  direct: { getMessage(stream: string, query: DirectQuery): Promise<StoredMsg> }
}

/** Creates (or adopts) the stream; null when the server has no JetStream. */
export async function natsLog(
  nats: Nats,
  nc: NatsConnection,
  { window, messages }: { window: number; messages: number },
  namespace: string,
  /** Whether the connection is up now: offline, appends fail at once instead of waiting. */
  online: () => boolean,
): Promise<ChannelLog | null> {
  let jsm: WithDirect
  const name = `${namespace.replace(/[^A-Za-z0-9_-]/g, '_')}_replay`
  const config = {
    name,
    subjects: [`${namespace}.log.>`],
    max_age: nats.nanos(window),
    max_msgs_per_subject: messages,
    storage: nats.StorageType.File, // survives a server restart with its numbering
    discard: nats.DiscardPolicy.Old,
    allow_direct: true,
  }
  let created: number
  try {
    jsm = (await nc.jetstreamManager()) as WithDirect
    await jsm.streams.add(config).catch(() => jsm.streams.update(name, config))
    created = await creationTime(jsm, name)
  } catch {
    return null
  }
  const js: JetStreamClient = nc.jetstream()
  const encoder = new TextEncoder()
  const decoder = new TextDecoder()
  // A recreated stream numbers afresh: its creation time names the epoch.
  const epoch = `js${created.toString(36)}`
  const subjectOf = (channel: string) => `${namespace}.log.${channel.replaceAll('.', '%2E')}`
  let inFlight = 0
  const following = new Map<string, { subscription?: JetStreamSubscription }>()
  const stored = (query: DirectQuery) => jsm.direct.getMessage(name, query).catch(() => null)

  return {
    contiguous: false,
    append(channel, _subject, json) {
      if (!online() || inFlight + json.length > MAX_IN_FLIGHT) return Promise.resolve(false)
      inFlight += json.length
      const settled = (numbered: boolean) => {
        inFlight -= json.length
        return numbered
      }
      return js.publish(subjectOf(channel), encoder.encode(json), { timeout: 2000 }).then(
        () => settled(true),
        () => settled(false),
      )
    },
    async position(channel) {
      const last = await stored({ last_by_subj: subjectOf(channel) })
      if (last) return { epoch, seq: last.seq }
      // An empty mark, so every instance and every client counts from one held position.
      const ack = await js.publish(subjectOf(channel), new Uint8Array())
      return { epoch, seq: ack.seq }
    },
    async after(channel, since) {
      const subject = subjectOf(channel)
      // Held entirely when the last message the client saw still is: older ones go first.
      const seen = since.epoch === epoch ? await stored({ seq: since.seq }) : null
      if (!seen || seen.subject !== subject) return null
      const missed: { seq: number; json: string }[] = []
      for (let seq = since.seq + 1; missed.length <= messages; ) {
        const next = await stored({ seq, next_by_subj: subject })
        if (!next) break
        if (next.data.length > 0) missed.push({ seq: next.seq, json: decoder.decode(next.data) })
        seq = next.seq + 1
      }
      return missed
    },
    follow(channel, seq, handler) {
      const options = nats
        .consumerOpts()
        .orderedConsumer()
        .startSequence(seq + 1)
      const mine: { subscription?: JetStreamSubscription } = {}
      following.get(channel)?.subscription?.unsubscribe()
      following.set(channel, mine)
      void js.subscribe(subjectOf(channel), options).then(
        async (subscription) => {
          if (following.get(channel) !== mine) return subscription.unsubscribe()
          mine.subscription = subscription
          for await (const message of subscription) {
            if (message.data.length > 0) handler(epoch, message.seq, decoder.decode(message.data))
          }
        },
        () => {},
      )
    },
    unfollow(channel) {
      following.get(channel)?.subscription?.unsubscribe()
      following.delete(channel)
    },
  }
}

/**
 * When the stream was created, in ms. Read back, not taken from add()'s answer: the server
 * lists a stream it is creating before it sets the time, so while another instance creates
 * it, add() and info() answer Go's zero time (year 1). That instance would number in an
 * epoch of its own, so the time is read again until it is real.
 */
async function creationTime(jsm: JetStreamManager, name: string): Promise<number> {
  for (let tries = 1; ; tries++) {
    const created = Date.parse((await jsm.streams.info(name)).created)
    if (created > 0) return created
    if (tries === 100) throw new Error(`stream ${name} has no creation time`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
