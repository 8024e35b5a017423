// A reflector-like watcher over HTTP that records every stream it opens, and the checker of those streams against the log.
import { realDelay } from '../../src/clock/real-delay.js';
import { configMaps, observe, type Observed } from './history-support.js';
import { diffStates, type EventLog, type Selection } from './event-log-support.js';
import { openWatch, type HttpClient, type WatchEnd, type WatchEvent } from './http-support.js';

export interface SeenEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  name: string;
  object: Observed;
}

/** One watch request (or the list that starts one): where it started, the state it was handed, what it saw. */
export interface Segment {
  /** The resourceVersion the stream continues from. */
  start: number;
  /** A list (or a watch's initial events) hands over a whole state, which replaces the reflector's. */
  initial?: Map<string, Observed>;
  events: SeenEvent[];
  /** BOOKMARK resourceVersions, each with how many events this segment had delivered before it. */
  bookmarks: { rv: number; after: number }[];
  end?: WatchEnd | 'expired';
}

export type StartMode = 'list' | 'initial-events' | { exactRv: number };

export interface ReflectorSpec {
  name: string;
  selection: Selection;
  start: StartMode;
  bookmarks?: boolean;
}

const initialEventsEnd = 'k8s.io/initial-events-end';

/** What the checker reads of a reflector (a unit test builds one by hand). */
export interface RecordedWatch {
  spec: ReflectorSpec;
  segments: Segment[];
  state: Map<string, Observed>;
  problems: string[];
}

/** How many of the changes up to `rv` the reflector's current stream still owes (0: it has caught up). */
export function owed(reflector: RecordedWatch, log: EventLog, rv: number): number {
  const seg = reflector.segments.at(-1);
  if (!seg) return 1;
  return log.expected(reflector.spec.selection, seg.start, rv).length - seg.events.length;
}

/** Lists then watches, resuming from the last resourceVersion seen after any end, relisting after 410, as client-go does. */
export class Reflector {
  readonly segments: Segment[] = [];
  readonly state = new Map<string, Observed>();
  readonly problems: string[] = [];
  lastRv = 0;
  expiredCount = 0;
  private stopped = false;
  private current?: { stop(): void };
  private running?: Promise<void>;

  constructor(
    private readonly baseUrl: string,
    private readonly http: HttpClient,
    private readonly namespace: string,
    readonly spec: ReflectorSpec,
  ) {}

  /** Resolves once the first list (or watch request) is under way, so writes after it are the watch's to see. */
  async start(): Promise<void> {
    if (this.spec.start !== 'initial-events') await this.relist(typeof this.spec.start === 'object' ? this.spec.start.exactRv : undefined);
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.stop();
    await this.running;
  }

  private query(extra: Record<string, string>): string {
    const q = new URLSearchParams(extra);
    if (this.spec.selection.labelSelector) q.set('labelSelector', this.spec.selection.labelSelector);
    if (this.spec.selection.fieldSelector) q.set('fieldSelector', this.spec.selection.fieldSelector);
    return `${configMaps(this.namespace)}?${q}`;
  }

  private async relist(exactRv?: number): Promise<void> {
    const extra: Record<string, string> = exactRv === undefined ? {} : { resourceVersion: String(exactRv), resourceVersionMatch: 'Exact' };
    const reply = await this.http.request('GET', this.query(extra));
    if (reply.status !== 200) throw new Error(`${this.spec.name}: list answered ${reply.status} ${reply.text.slice(0, 300)}`);
    const initial = new Map<string, Observed>();
    for (const item of reply.body.items as Record<string, any>[]) initial.set(item.metadata.name, observe(item));
    this.lastRv = Number(reply.body.metadata.resourceVersion);
    this.segments.push({ start: this.lastRv, initial, events: [], bookmarks: [], end: 'clean' });
    this.state.clear();
    for (const [name, o] of initial) this.state.set(name, o);
  }

  private async loop(): Promise<void> {
    let first = true;
    while (!this.stopped) {
      const withInitialEvents = first && this.spec.start === 'initial-events';
      first = false;
      const params: Record<string, string> = { watch: '1' };
      if (withInitialEvents) Object.assign(params, { sendInitialEvents: 'true', resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: 'true' });
      else params.resourceVersion = String(this.lastRv);
      if (this.spec.bookmarks) params.allowWatchBookmarks = 'true';
      const segment: Segment = { start: this.lastRv, events: [], bookmarks: [] };
      if (withInitialEvents) segment.initial = new Map();
      let pendingInitial = withInitialEvents;
      let expired = false;
      this.segments.push(segment);
      const stream = openWatch(this.baseUrl, this.query(params), (event: WatchEvent) => {
        if (event.type === 'ERROR') {
          if (event.object.code === 410) expired = true;
          else this.problems.push(`${this.spec.name}: ERROR event ${JSON.stringify(event.object).slice(0, 300)}`);
          return;
        }
        const rv = Number(event.object.metadata.resourceVersion);
        if (event.type === 'BOOKMARK') {
          if (pendingInitial && event.object.metadata.annotations?.[initialEventsEnd] === 'true') {
            pendingInitial = false;
            segment.start = rv;
          } else {
            segment.bookmarks.push({ rv, after: segment.events.length });
          }
          this.lastRv = rv;
          return;
        }
        const seen: SeenEvent = { type: event.type, name: event.object.metadata.name, object: observe(event.object) };
        if (pendingInitial) {
          if (seen.type !== 'ADDED') this.problems.push(`${this.spec.name}: ${seen.type} among the initial events`);
          segment.initial!.set(seen.name, seen.object);
        } else {
          segment.events.push(seen);
          this.lastRv = rv;
        }
        if (seen.type === 'DELETED') this.state.delete(seen.name);
        else this.state.set(seen.name, seen.object);
      });
      this.current = stream;
      segment.end = await stream.done;
      if (pendingInitial && withInitialEvents && !expired) {
        // Cut before the initial state was complete: start over with a list, as a client without it would.
        segment.events = [];
        segment.end = 'broken';
        await this.relist();
        continue;
      }
      if (expired) {
        segment.end = 'expired';
        this.expiredCount++;
        if (!this.stopped) await this.relist();
        continue;
      }
      if (!this.stopped) await realDelay(2);
    }
  }
}

const same = (a: { type: string; name: string; object: Observed }, b: { type: string; name: string; object: Observed }) =>
  a.type === b.type && a.name === b.name && a.object.rv === b.object.rv && a.object.uid === b.object.uid && a.object.canonical === b.object.canonical;

const show = (e: { type: string; name: string; object: Observed } | undefined) => (e ? `${e.type} ${e.name}@${e.object.rv}` : 'nothing');

/**
 * Checks a reflector's streams against the log: each list or initial state is the log's state at its resourceVersion;
 * each stream delivers exactly the log's changes for its selection after its start (no duplicate, no gap, in order)
 * up to the last resourceVersion it reported, and every bookmark comes after all changes up to it and never goes
 * backwards; a stream resumes where the previous one left off; the last one reaches `finalRv`; the rebuilt state
 * equals `finalList`.
 */
export function checkReflector(reflector: RecordedWatch, log: EventLog, finalRv: number, finalList: Map<string, Observed>): string[] {
  const { selection, name } = reflector.spec;
  const problems = [...reflector.problems];
  const fail = (m: string) => problems.push(`${name} (${selection.description}): ${m}`);
  let reached = 0;
  let highestBookmark = 0;
  reflector.segments.forEach((seg, i) => {
    if (seg.initial) {
      const diff = diffStates(seg.initial, log.stateAt(seg.start, selection));
      if (diff.length > 0) fail(`segment ${i}: state handed over at rv ${seg.start} differs from the log: ${diff.slice(0, 5).join('; ')}`);
      if (seg.start < reached) fail(`segment ${i}: a relist went back to rv ${seg.start} from rv ${reached}`);
    } else if (i > 0 && seg.start !== reached) {
      fail(`segment ${i}: resumed from rv ${seg.start}, not from the last rv seen (${reached})`);
    }
    const lastSeen = Math.max(seg.start, seg.events.at(-1) ? Number(seg.events.at(-1)!.object.rv) : 0, ...seg.bookmarks.map((b) => b.rv));
    const isLast = i === reflector.segments.length - 1;
    const expected = log.expected(selection, seg.start, isLast ? Math.max(finalRv, lastSeen) : lastSeen);
    const n = Math.max(expected.length, seg.events.length);
    for (let k = 0; k < n; k++) {
      if (!seg.events[k] || !expected[k] || !same(seg.events[k]!, expected[k]!)) {
        fail(`segment ${i} from rv ${seg.start}: event ${k} is ${show(seg.events[k])}, expected ${show(expected[k])} (${seg.events.length} seen, ${expected.length} expected)`);
        break;
      }
    }
    for (const b of seg.bookmarks) {
      if (b.rv < highestBookmark) fail(`segment ${i}: bookmark at rv ${b.rv} after one at rv ${highestBookmark}`);
      highestBookmark = Math.max(highestBookmark, b.rv);
      const before = seg.events[b.after - 1];
      if (before && Number(before.object.rv) > b.rv) fail(`segment ${i}: bookmark at rv ${b.rv} after an event at rv ${before.object.rv}`);
      const owed = log.expected(selection, seg.start, b.rv).length;
      if (owed !== b.after) fail(`segment ${i}: bookmark at rv ${b.rv} after ${b.after} events, but ${owed} changes up to it were due`);
    }
    reached = lastSeen;
  });
  const diff = diffStates(reflector.state, finalList);
  if (diff.length > 0) fail(`rebuilt state differs from the final list: ${diff.slice(0, 5).join('; ')}`);
  return problems;
}
