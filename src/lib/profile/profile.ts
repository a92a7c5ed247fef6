import type { ConsentState, ProfileExport, TrackEvent } from '../../types/index.js';
import { checkEvent, expired, readRecord, sessionFor, type StoredEvent } from './events.js';
import type { IDBPDatabase } from 'idb';
import { IdbStore, MemoryStore, type Store } from './store.js';

export interface ProfileOptions {
  consent: ConsentState;
  honorGpc: boolean;
  retentionDays: number;
  maxEvents: number;
  sessionTimeoutMs: number;
  storageName: string;
}

interface Pending {
  event: StoredEvent;
  done: () => void;
}

/** Share of events dropped, oldest first, when the storage quota is exceeded. */
const QUOTA_DROP = 0.2;

const newId = () => (typeof crypto !== 'undefined' && crypto.randomUUID ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);
const gpcOn = () => typeof navigator !== 'undefined' && (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true;

/**
 * A write-ahead journal in sessionStorage: an event is written there synchronously before its IndexedDB
 * transaction starts, and removed once the transaction completes. A click on a link navigates away at once
 * and may end the page before the transaction does; the next page of the tab replays what the journal holds.
 */
class Journal {
  constructor(private readonly _prefix: string) {}

  private _try(f: () => void): void {
    try {
      f();
    } catch {
      // No sessionStorage (some private modes) or it is full: the transaction alone has to do.
    }
  }

  // One key per event: adding and removing cost the same however many are pending (a burst of thousands).
  add(event: StoredEvent): void {
    this._try(() => sessionStorage.setItem(this._prefix + identity(event), JSON.stringify(event)));
  }

  remove(done: readonly StoredEvent[]): void {
    this._try(() => done.forEach((e) => sessionStorage.removeItem(this._prefix + identity(e))));
  }

  private _keys(): string[] {
    const keys: string[] = [];
    this._try(() => {
      for (let i = 0; i < sessionStorage.length; i++) {
        const k = sessionStorage.key(i);
        if (k?.startsWith(this._prefix)) keys.push(k);
      }
    });
    return keys;
  }

  /** What an earlier page journaled, then forgets it. */
  take(): StoredEvent[] {
    const events: StoredEvent[] = [];
    for (const k of this._keys()) {
      this._try(() => {
        const e = readRecord(JSON.parse(sessionStorage.getItem(k) ?? 'null'));
        if (e) events.push(e);
        sessionStorage.removeItem(k);
      });
    }
    return events.sort((a, b) => a.time - b.time);
  }

  clear(): void {
    for (const k of this._keys()) this._try(() => sessionStorage.removeItem(k));
  }
}

const identity = (e: StoredEvent) => `${e.time}|${e.type}|${e.item}|${e.session}`;

async function databaseExists(name: string): Promise<boolean> {
  try {
    return typeof indexedDB !== 'undefined' && typeof indexedDB.databases === 'function' && (await indexedDB.databases()).some((d) => d.name === name);
  } catch {
    return false;
  }
}

/**
 * The visitor's profile: an in-memory mirror that ranking reads, written through to a store (IndexedDB,
 * else memory) in batched transactions. Consent decides the store; retention keeps it small; other tabs
 * hear of each event on a BroadcastChannel. Storage failures degrade to memory and are reported, never thrown.
 */
export class Profile {
  /** Every event, oldest first, as ranking reads them. */
  events: StoredEvent[] = [];
  private _store: Store | undefined;
  private _state: ConsentState;
  private _session: { id: string; time: number } | undefined;
  private _queue: Pending[] = [];
  private _flushing: Promise<void> | undefined;
  private _corrupted = 0;
  private _dropped = 0;
  /** Why the profile moved to memory, if it did. */
  private _failure: string | undefined;
  private _channel: BroadcastChannel | undefined;
  private _listeners = new Set<(event: StoredEvent | undefined) => void>();
  private readonly _journal: Journal;

  private constructor(
    private readonly _o: ProfileOptions,
    state: ConsentState,
  ) {
    this._state = state;
    this._journal = new Journal(`vitrine:journal:${_o.storageName}:`);
  }

  static async open(o: ProfileOptions): Promise<Profile> {
    let state = o.consent;
    let opened: Store | undefined;
    if (state !== 'denied' && (await databaseExists(o.storageName))) {
      // A consent the visitor gave on an earlier visit stands.
      opened = (await IdbStore.open(o.storageName)) ?? new MemoryStore();
      if ((await opened.getMeta<ConsentState>('consent').catch(() => undefined)) === 'granted') state = 'granted';
    }
    const profile = new Profile(o, state);
    await profile._use(state, opened);
    if (typeof BroadcastChannel !== 'undefined') {
      profile._channel = new BroadcastChannel(`vitrine:${o.storageName}`);
      profile._channel.onmessage = (m: MessageEvent) => profile._heard(m.data);
    }
    return profile;
  }

  get persistent(): boolean {
    return this._store?.kind === 'indexeddb';
  }

  /**
   * The profile's database while it keeps one (consent granted, IndexedDB open): the engine keeps there,
   * in 'meta' under keys starting with 'kept:', the rows of the visitor's items; erased with the profile.
   */
  get database(): IDBPDatabase | undefined {
    return this._store instanceof IdbStore ? this._store.db : undefined;
  }

  get consentState(): ConsentState {
    return this._state;
  }

  /** Hears every new event, from this tab or another (undefined: the profile was erased or consent changed). */
  onChange(listener: (event: StoredEvent | undefined) => void): () => void {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  }

  /** Records an event; resolves once it is durable in the store. Throws only for a malformed event. */
  async track(input: TrackEvent): Promise<void> {
    const e = checkEvent(input);
    await this.record({ item: e.item, type: e.type, time: e.time ?? Date.now(), list: e.list, dwell: e.dwell });
  }

  /** Records an event already checked (`bounce` comes from here, not from the page). */
  record(e: Omit<StoredEvent, 'session'>): Promise<void> {
    if (this._state === 'denied' || !this._store) return Promise.resolve();
    this._session = sessionFor(this._session, e.time, this._o.sessionTimeoutMs, newId);
    const event: StoredEvent = { item: e.item, type: e.type, time: e.time, session: this._session.id };
    if (e.list !== undefined) event.list = e.list;
    if (e.dwell !== undefined) event.dwell = e.dwell;
    this.events.push(event);
    if (this._store.kind === 'indexeddb') this._journal.add(event);
    this._emit(event);
    return new Promise<void>((done) => {
      this._queue.push({ event, done });
      // The first transaction starts in this very task, so an event tracked as the page closes is kept.
      this._flushing ??= this._flush();
    }).then(() => this._tell({ type: 'event', event }));
  }

  /**
   * Writes the queue in batches. Every pending write settles, whatever throws where: stored, or kept in
   * memory (the mirror) and reported. The flag is cleared in every case, so later writes never wait on a
   * flush that cannot end.
   */
  private async _flush(): Promise<void> {
    try {
      while (this._queue.length > 0) {
        const batch = this._queue.splice(0);
        const events = batch.map((p) => p.event);
        try {
          // What could not be stored stays in the journal: the tab's next page replays it.
          if (await this._add(events)) this._journal.remove(events);
        } finally {
          batch.forEach((p) => p.done());
        }
      }
    } finally {
      this._flushing = undefined;
    }
    try {
      if (this.events.length > this._o.maxEvents + 50) await this._retain();
      if (this._session) await this._store?.setMeta('session', this._session);
    } catch (e) {
      this._toMemory(e);
    }
  }

  /**
   * Adds events (already in the mirror) to the store. On a full disk it drops the oldest events and
   * retries once; any other failure, or a failure while making room, moves the profile to memory. Never
   * rejects; says whether the events reached the store.
   */
  private async _add(events: StoredEvent[]): Promise<boolean> {
    const kind = this._store!.kind;
    try {
      await this._store!.add(events);
      return true;
    } catch (e) {
      if ((e as DOMException)?.name !== 'QuotaExceededError') {
        this._toMemory(e);
        return kind === 'memory';
      }
      try {
        const { events: stored } = await this._store!.all();
        const drop = stored.slice(0, Math.ceil(stored.length * QUOTA_DROP)).map((s) => s.key);
        if (drop.length > 0) {
          await this._store!.delete(drop);
          this._dropped += drop.length;
          this.events.splice(0, Math.min(drop.length, Math.max(0, this.events.length - events.length)));
          console.warn(`vitrine: storage quota exceeded; dropped the ${drop.length} oldest events`);
        }
        await this._store!.add(events);
        return true;
      } catch (again) {
        this._toMemory(again);
        return false;
      }
    }
  }

  /** The store failed: the profile (the mirror, which holds every event) lives in memory for this page. */
  private _toMemory(e: unknown): void {
    if (this._store?.kind === 'memory') return;
    this._failure = `${(e as Error)?.name ?? 'Error'}: ${(e as Error)?.message ?? e}`;
    console.warn(`vitrine: storage failed (${this._failure}); keeping the profile in memory for this page`);
    this._store?.close();
    const memory = new MemoryStore();
    void memory.add(this.events);
    this._store = memory;
  }

  /** Applies retention and skips corrupted records; reloads the mirror from the store. */
  private async _retain(): Promise<void> {
    if (!this._store) return;
    const { events, corrupted } = await this._store.all();
    if (corrupted.length > 0) {
      this._corrupted += corrupted.length;
      console.warn(`vitrine: skipped ${corrupted.length} corrupted profile records`);
    }
    const drop = expired(events.map((e) => ({ key: e.key, time: e.event.time })), Date.now(), this._o.retentionDays, this._o.maxEvents);
    await this._store.delete([...corrupted, ...drop]);
    const gone = new Set(drop);
    this.events = events.filter((e) => !gone.has(e.key)).map((e) => e.event);
  }

  /**
   * Erases what the device keeps: the store in use, the database (another tab may hold it), and the model
   * rows kept for the pages seen (row-source.ts, Cache Storage 'vitrine-rows-…').
   */
  private async _eraseDevice(old: Store | undefined): Promise<void> {
    await old?.erase().catch(() => {});
    if (await databaseExists(this._o.storageName)) await (await IdbStore.open(this._o.storageName))?.erase().catch(() => {});
    if (typeof caches !== 'undefined') for (const k of await caches.keys().catch(() => [])) if (k.startsWith('vitrine-rows-')) await caches.delete(k).catch(() => {});
  }

  /** Opens the store a consent state calls for (or takes one already open), carrying over what memory holds. */
  private async _use(state: ConsentState, opened?: Store): Promise<void> {
    await this._flushing;
    const carried = this.events;
    const old = this._store;
    if (state === 'denied') {
      this._store = undefined;
      this.events = [];
      this._journal.clear();
      await this._eraseDevice(old);
      return;
    }
    const persistent = state === 'granted' && !(this._o.honorGpc && gpcOn());
    if (!persistent) opened?.close();
    if (persistent) {
      this._store = opened ?? (await IdbStore.open(this._o.storageName)) ?? new MemoryStore();
      if (this._store.kind === 'memory') console.warn('vitrine: IndexedDB is unavailable; keeping the profile in memory for this page');
      await this._store.setMeta('consent', 'granted').catch(() => {});
      this._session = await this._store.getMeta<{ id: string; time: number }>('session').catch(() => undefined);
      await this._retain().catch((e) => this._toMemory(e));
      // Events an earlier page of this tab recorded but could not see committed.
      const have = new Set(this.events.map(identity));
      const lost = this._journal.take().filter((e) => !have.has(identity(e)));
      if (lost.length) {
        this.events.push(...lost);
        this.events.sort((a, b) => a.time - b.time);
        await this._add(lost);
      }
      if (old?.kind === 'memory' && carried.length) {
        this.events.push(...carried);
        await this._add(carried);
      }
    } else {
      this._store = new MemoryStore();
      await this._store.add(carried);
      this.events = carried;
    }
    old?.close();
  }

  async consent(state: ConsentState): Promise<void> {
    if (state === this._state) return;
    this._state = state;
    if (state === 'pending' && this._store?.kind === 'indexeddb') {
      // Undecided again: keep what was stored, but store nothing more on disk.
      await this._store.setMeta('consent', 'pending').catch(() => {});
    }
    await this._use(state);
    if (state === 'denied') {
      this._emit(undefined);
      this._tell({ type: 'erased' });
    }
  }

  /**
   * Erases everything: the database (with the consent it remembered), the mirror, the session. For the
   * rest of the page, and in the site's other open tabs, a `granted` consent becomes `pending`: events are
   * kept in memory only until `consent('granted')` is given again. The next page starts from its own
   * `consent` option.
   */
  async forget(): Promise<void> {
    await this._flushing;
    this._journal.clear();
    this.events = [];
    this._session = undefined;
    const old = this._store;
    this._store = undefined;
    await this._eraseDevice(old);
    if (this._state === 'granted') this._state = 'pending';
    if (this._state !== 'denied') await this._use(this._state);
    this._emit(undefined);
    this._tell({ type: 'erased' });
  }

  private _heard(message: unknown): void {
    const m = message as { type?: string; event?: StoredEvent };
    if (m?.type === 'event' && m.event && this._state !== 'denied') {
      this.events.push(m.event);
      this._emit(m.event);
    } else if (m?.type === 'erased') {
      // Another tab erased the profile: this one stops writing to disk too (its database is gone).
      this.events = [];
      this._session = undefined;
      if (this._state === 'granted') {
        this._state = 'pending';
        this._store?.close();
        this._store = new MemoryStore();
      }
      this._emit(undefined);
    }
  }

  /** Tells other tabs; a closed channel (after dispose) tells no one. */
  private _tell(message: unknown): void {
    try {
      this._channel?.postMessage(message);
    } catch {
      // closed
    }
  }

  private _emit(event: StoredEvent | undefined): void {
    for (const l of this._listeners) {
      try {
        l(event);
      } catch (e) {
        console.warn('vitrine: a profile listener threw', e);
      }
    }
  }

  export(interests: ProfileExport['interests']): ProfileExport {
    return {
      events: this.events.map((e) => ({ ...e })),
      interests,
      consent: { state: this._state, globalPrivacyControl: gpcOn(), persistent: this.persistent },
      retention: { days: this._o.retentionDays, maxEvents: this._o.maxEvents },
      storage: { kind: this._store?.kind ?? 'none', corruptedSkipped: this._corrupted, droppedForQuota: this._dropped, ...(this._failure && { failure: this._failure }) },
    };
  }

  dispose(): void {
    this._channel?.close();
    this._listeners.clear();
    this._store?.close();
  }
}
