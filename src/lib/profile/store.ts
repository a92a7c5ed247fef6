import { deleteDB, openDB, type IDBPDatabase } from 'idb';
import { readRecord, type StoredEvent } from './events.js';

/** Where the profile lives: IndexedDB, or memory for the page's life. */
export interface Store {
  readonly kind: 'indexeddb' | 'memory';
  /** Appends events in one transaction; resolves when they are durable. */
  add(events: readonly StoredEvent[]): Promise<void>;
  /** Every stored event in storage order, with its key; malformed records are counted, not returned. */
  all(): Promise<{ events: { key: number; event: StoredEvent }[]; corrupted: number[] }>;
  delete(keys: readonly number[]): Promise<void>;
  getMeta<T>(key: string): Promise<T | undefined>;
  setMeta(key: string, value: unknown): Promise<void>;
  /** Erases everything this store holds (the whole database). */
  erase(): Promise<void>;
  close(): void;
}

export class MemoryStore implements Store {
  readonly kind = 'memory';
  private _events = new Map<number, StoredEvent>();
  private _meta = new Map<string, unknown>();
  private _next = 1;

  async add(events: readonly StoredEvent[]): Promise<void> {
    for (const e of events) this._events.set(this._next++, e);
  }
  async all() {
    return { events: [...this._events].map(([key, event]) => ({ key, event })), corrupted: [] };
  }
  async delete(keys: readonly number[]): Promise<void> {
    for (const k of keys) this._events.delete(k);
  }
  async getMeta<T>(key: string): Promise<T | undefined> {
    return this._meta.get(key) as T | undefined;
  }
  async setMeta(key: string, value: unknown): Promise<void> {
    this._meta.set(key, value);
  }
  async erase(): Promise<void> {
    this._events.clear();
    this._meta.clear();
  }
  close(): void {}
}

/**
 * The schema's versions. 1: an `events` store. 2: a `time` index on events and a `meta` store (consent,
 * the current session). Every upgrade path from an earlier version keeps the events.
 */
export const DB_VERSION = 2;

/** How long an upgrade may wait for an old tab to let go before this page uses memory instead. */
const BLOCKED_MS = 3000;

export class IdbStore implements Store {
  readonly kind = 'indexeddb';
  private constructor(
    /** Open while the profile uses it (the engine keeps rows of the visitor's items in its 'meta' store). */
    readonly db: IDBPDatabase,
    private readonly _name: string,
  ) {}

  /**
   * Opens (and upgrades) the database, or resolves to `undefined` where IndexedDB is missing, refused
   * (some private modes) or held at an older version by another tab for too long.
   */
  static async open(name: string): Promise<IdbStore | undefined> {
    if (typeof indexedDB === 'undefined') return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let late = false;
    const opening = openDB(name, DB_VERSION, {
      upgrade(db, oldVersion, _newVersion, tx) {
        if (oldVersion < 1) db.createObjectStore('events', { autoIncrement: true });
        if (oldVersion < 2) {
          tx.objectStore('events').createIndex('time', 'time');
          db.createObjectStore('meta');
        }
      },
      blocking(_current, _blocked, event) {
        // A newer page wants to upgrade: let it, rather than hold it up.
        (event.target as IDBDatabase).close();
      },
    });
    try {
      const db = await Promise.race([
        opening,
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => {
            late = true;
            resolve(undefined);
          }, BLOCKED_MS);
        }),
      ]);
      if (!db) {
        // Blocked: close it if it opens later, so the other tab is not held up by us either.
        opening.then((d) => late && d.close()).catch(() => {});
        return undefined;
      }
      db.addEventListener('versionchange', () => db.close());
      return new IdbStore(db, name);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  async add(events: readonly StoredEvent[]): Promise<void> {
    const tx = this.db.transaction('events', 'readwrite');
    const store = tx.objectStore('events');
    for (const e of events) store.add(e);
    // Commit now rather than when the requests come back: a page closed right after a click would
    // otherwise take the uncommitted transaction with it.
    tx.commit?.();
    await tx.done;
  }

  async all() {
    const tx = this.db.transaction('events');
    const events: { key: number; event: StoredEvent }[] = [];
    const corrupted: number[] = [];
    for (let cursor = await tx.store.openCursor(); cursor; cursor = await cursor.continue()) {
      const event = readRecord(cursor.value);
      if (event) events.push({ key: cursor.key as number, event });
      else corrupted.push(cursor.key as number);
    }
    await tx.done;
    return { events, corrupted };
  }

  async delete(keys: readonly number[]): Promise<void> {
    if (keys.length === 0) return;
    const tx = this.db.transaction('events', 'readwrite');
    for (const k of keys) tx.store.delete(k);
    await tx.done;
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return (await this.db.get('meta', key)) as T | undefined;
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    await this.db.put('meta', value, key);
  }

  async erase(): Promise<void> {
    this.db.close();
    await deleteDB(this._name);
  }

  close(): void {
    this.db.close();
  }
}
