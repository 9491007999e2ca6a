// The channels this instance has topics for: creating them on a first join, numbering and
// delivering messages (here, or through the broker's shared log), resuming a rejoin from
// the replay window, and dropping a topic once its window has passed without members.
import type { Broker, ChannelLog, LogPosition } from './brokers/broker.js'
import type { Connection } from './connection.js'
import type { ReplayOptions } from './replay.js'
import { Topic } from './topic.js'

/** What a join answers: the position to report, and the frames missed (null: resync). */
export interface Attached {
  topic: Topic
  seq: number
  missed: string[] | null
}

export class Topics {
  private readonly topics = new Map<string, Topic>()
  private generations = 0

  constructor(
    private readonly instance: string,
    private readonly broker: Broker,
    /** Whether other instances may be listening: false for the private in-process broker. */
    private readonly shared: boolean,
    private readonly replay: ReplayOptions | false,
    private readonly subject: (channel: string) => string,
  ) {}

  get(name: string): Topic | undefined {
    return this.topics.get(name)
  }

  /** The shared log, when the broker keeps one and replay is on. */
  private get log(): ChannelLog | undefined {
    return this.replay ? this.broker.log : undefined
  }

  /**
   * Delivers serialised data to local subscribers and, through the broker, to other
   * instances. Resolves once the shared log has numbered it (or it went out here alone), so
   * sends awaited one after another keep their order everywhere, whichever instance sends.
   */
  async send(channel: string, json: string): Promise<void> {
    const log = this.log
    if (log) {
      // Numbered by the log, it comes back to this instance as to every other one.
      if (!(await log.append(channel, this.subject(channel), json))) this.alone(channel, json)
      return
    }
    this.topics.get(channel)?.deliver(json)
    if (this.shared) this.broker.publish(this.subject(channel), `${this.instance} ${json}`)
  }

  /**
   * Opens `name`'s topic, waits until it knows its position, then calls `joined` with what
   * to answer: `since` resumed from this instance's window or the shared log, or null
   * frames (resync). `joined` subscribes and answers in the same tick, so no message slips
   * between the replay and the live ones. Not called when the connection went away meanwhile.
   */
  async attach(
    conn: Connection<any>,
    name: string,
    since: LogPosition | undefined,
    joined: (attached: Attached) => void,
  ): Promise<void> {
    const topic = this.open(name)
    topic.joining++
    let read: { seq: number; json: string }[] | null = null
    try {
      await topic.ready
      const log = this.log
      if (since && log && since.epoch === topic.epoch && !topic.missed(since))
        read = await log.after(name, since).catch(() => null)
    } finally {
      topic.joining--
    }
    if (!conn.connected) return this.release(topic)
    if (!since) return joined({ topic, seq: topic.seq, missed: [] })
    const missed = topic.missed(since) ?? (read && this.joinRead(topic, since, read))
    joined(missed ? { topic, seq: since.seq, missed } : { topic, seq: topic.seq, missed: null })
  }

  /** Removes a connection from a channel; the last one out leaves the topic for the window. */
  detach(conn: Connection<any>, name: string): void {
    const topic = this.topics.get(name)
    if (!topic) return
    topic.subscribers.delete(conn)
    this.release(topic)
  }

  /** Stops the timers; the broker closes its subscriptions. */
  close(): void {
    for (const topic of this.topics.values()) clearTimeout(topic.lingering)
  }

  private open(name: string): Topic {
    let topic = this.topics.get(name)
    if (!topic) {
      topic = new Topic(name, this.localEpoch(), this.replay)
      this.topics.set(name, topic)
      const log = this.log
      if (this.shared && !log?.follow)
        this.broker.subscribe(this.subject(name), (payload) => this.fromBroker(name, payload))
      // Subscribed first, then asked: a message numbered meanwhile is not missed.
      if (log) this.follow(log, topic)
    }
    clearTimeout(topic.lingering)
    topic.lingering = undefined
    return topic
  }

  /** Takes the channel's position from the log, and its messages when the log delivers them. */
  private follow(log: ChannelLog, topic: Topic): void {
    topic.gapless = log.contiguous
    const position = log.position(topic.name)
    topic.follow(position, () => this.localEpoch())
    if (!log.follow) return
    position.then(
      (at) => {
        if (this.topics.get(topic.name) !== topic) return
        log.follow!(topic.name, at.seq, (epoch, seq, json) => topic.deliverAt(epoch, seq, json))
      },
      () => {},
    )
  }

  /**
   * A topic without members keeps numbering and keeping messages for the replay window,
   * so a client that comes back finds what it missed; then it is dropped.
   */
  private release(topic: Topic): void {
    if (topic.subscribers.size > 0 || topic.joining > 0 || topic.lingering !== undefined) return
    if (!this.replay) return this.drop(topic)
    topic.lingering = setTimeout(() => this.drop(topic), this.replay.window)
    ;(topic.lingering as { unref?(): void }).unref?.()
  }

  private drop(topic: Topic): void {
    topic.lingering = undefined
    if (this.topics.get(topic.name) !== topic || topic.subscribers.size > 0 || topic.joining > 0) return
    this.topics.delete(topic.name)
    this.log?.unfollow?.(topic.name)
    if (this.shared) this.broker.unsubscribe(this.subject(topic.name))
  }

  /**
   * What the shared log returned, up to what this topic has sent, then the rest from this
   * instance's window (sent while the log was read); null when the two do not meet.
   */
  private joinRead(topic: Topic, since: LogPosition, read: { seq: number; json: string }[]): string[] | null {
    if (topic.epoch !== since.epoch) return null
    const upTo = read.filter((entry) => entry.seq <= topic.seq)
    const last = upTo.at(-1)?.seq ?? since.seq
    const rest = topic.missed({ epoch: topic.epoch, seq: last })
    return rest && [...upTo.map((entry) => topic.frame(entry.seq, entry.json)), ...rest]
  }

  private fromBroker(name: string, payload: string): void {
    const topic = this.topics.get(name)
    if (!topic) return
    if (this.log) {
      // `<epoch> <seq> <json>`, numbered by the log for every instance.
      const first = payload.indexOf(' ')
      const second = payload.indexOf(' ', first + 1)
      const seq = Number(payload.slice(first + 1, second))
      return topic.deliverAt(payload.slice(0, first), seq, payload.slice(second + 1))
    }
    const space = payload.indexOf(' ')
    if (payload.slice(0, space) === this.instance) return
    topic.deliver(payload.slice(space + 1))
  }

  /** The log is out of reach: this instance's members still get the message, numbered here alone. */
  private alone(channel: string, json: string): void {
    const topic = this.topics.get(channel)
    if (!topic) return
    if (!this.isLocal(topic.epoch)) topic.renumber(this.localEpoch(), 0)
    topic.deliver(json)
  }

  private localEpoch(): string {
    return `${this.instance}.${++this.generations}`
  }

  private isLocal(epoch: string): boolean {
    return epoch.startsWith(`${this.instance}.`)
  }
}
