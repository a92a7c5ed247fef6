import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.js';

// The local profile in real Chromium: IndexedDB, tabs, consent, retention, erasure, automatic tracking.
const MODEL = '/test/fixtures/planted-model/';

async function open(page: Page, options: Record<string, unknown> = {}, path = '/test/pages/blank.html') {
  if (!page.url().endsWith(path)) await page.goto(path);
  await page.evaluate(async ({ model, options }) => {
    (window as any).v = await window.vitrine.createVitrine({ model, backend: 'cpu', ...options });
  }, { model: MODEL, options });
}
const profile = (page: Page) => page.evaluate(() => (window as any).v.profile());
const databases = (page: Page) => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));

test('track stores an event durably, with its session and list, and ranking reads it', async ({ page }) => {
  await open(page);
  const ranked = await page.evaluate(async () => {
    const v = (window as any).v;
    await v.track({ type: 'click', item: 'item-18', list: 'home-grid' });
    await v.track({ type: 'add_to_cart', item: 'item-19', dwell: 1200 });
    return (await v.rank(['item-50', 'item-10', 'item-33'])).map((r: { id: string }) => r.id);
  });
  expect(ranked[0]).toBe('item-10'); // the planted successor of item-19, from the stored profile
  const p = await profile(page);
  expect(p.events).toEqual([
    { item: 'item-18', type: 'click', list: 'home-grid', time: expect.any(Number), session: expect.any(String) },
    { item: 'item-19', type: 'add_to_cart', dwell: 1200, time: expect.any(Number), session: p.events[0].session },
  ]);
  expect(p.storage).toEqual({ kind: 'indexeddb', corruptedSkipped: 0, droppedForQuota: 0 });
  expect(p.consent).toEqual({ state: 'granted', globalPrivacyControl: false, persistent: true });
  expect(p.retention).toEqual({ days: 30, maxEvents: 1000 });
  await page.reload();
  await open(page);
  expect((await profile(page)).events.map((e: { item: string }) => e.item)).toEqual(['item-18', 'item-19']);
});

test('a malformed event is refused, naming the field, and stored nowhere', async ({ page }) => {
  await open(page);
  const errors = await page.evaluate(async () => {
    const v = (window as any).v;
    const tries = [{ type: 'love', item: 'a' }, { type: 'click', item: '' }, { type: 'click', item: 'x'.repeat(300) }, { type: 'click', item: 'a', time: 'now' }, { type: 'click', item: 'a', list: '<b>' }, { type: 'click', item: 'a', url: '/p?q=secret' }];
    const out = [];
    for (const t of tries) out.push(await v.track(t).then(() => 'stored', (e: Error) => `${e.name}: ${e.message}`));
    return out;
  });
  expect(errors).toEqual([
    'TypeError: vitrine.track: type must be one of view, click, add_to_cart, purchase, like, dislike, dismiss, got "love"',
    'TypeError: vitrine.track: item must be an id of 1 to 256 characters, got ""',
    expect.stringMatching(/^TypeError: vitrine\.track: item must be an id of 1 to 256 characters, got "x{77}\.\.\."$/),
    'TypeError: vitrine.track: time must be milliseconds since 1970, got "now"',
    "TypeError: vitrine.track: list must be a list name of 1 to 64 letters, digits, '_', '-', '.' or ':', got \"<b>\"",
    'TypeError: vitrine.track: unknown field "url"; an event has type, item, list, time and dwell',
  ]);
  expect((await profile(page)).events).toEqual([]);
});

test('an event tracked right before the page closes is there on the next visit', async ({ context }) => {
  const first = await context.newPage();
  await open(first);
  await first.evaluate(() => void (window as any).v.track({ type: 'purchase', item: 'item-7' })); // not awaited
  await first.close();
  const second = await context.newPage();
  await open(second);
  expect((await profile(second)).events.map((e: { item: string; type: string }) => `${e.type}:${e.item}`)).toEqual(['purchase:item-7']);
});

test('a click on a marked item before the profile has opened is recorded, with the time it happened', async ({ page }) => {
  // The click comes in the task that ran Vitrine's script (its load event follows the evaluation at once),
  // before any later task, where the profile (IndexedDB) opens.
  await page.addInitScript(() => {
    const mo = new MutationObserver(() => {
      const script = document.querySelector('script[src$="vitrine.min.js"]');
      if (!script) return;
      mo.disconnect();
      script.addEventListener('load', () => {
        const button = Object.assign(document.createElement('button'), { textContent: 'Add' });
        button.dataset.vitrineItem = '1';
        button.dataset.vitrineEvent = 'add_to_cart';
        document.head.append(button);
        (window as unknown as { __clicked: number }).__clicked = Date.now();
        button.click();
      });
    });
    mo.observe(document, { childList: true, subtree: true });
  });
  await page.goto('/test/pages/article.html');
  await expect.poll(async () => (await page.evaluate(() => window.vitrine.profile())).events.map((e) => `${e.type}:${e.item}`)).toContain('add_to_cart:1');
  const { clicked, time } = await page.evaluate(async () => ({
    clicked: (window as unknown as { __clicked: number }).__clicked,
    time: (await window.vitrine.profile()).events.find((e) => e.type === 'add_to_cart')!.time,
  }));
  // The event's own time, not the profile's opening (a task or more later): within 50 ms, as the event's
  // clock (timeOrigin + timeStamp) and Date.now() drift apart by tens of ms on a busy machine (28 seen).
  expect(Math.abs(time - clicked)).toBeLessThanOrEqual(50);
});

test('two tabs tracking at once lose nothing, and each hears the other', async ({ context }) => {
  const [a, b] = [await context.newPage(), await context.newPage()];
  await open(a);
  await open(b);
  await b.evaluate(() => {
    (window as any).heard = 0;
    (window as any).v.onProfileChange(() => (window as any).heard++);
  });
  const burst = (page: Page, prefix: string) =>
    page.evaluate(async (prefix) => {
      const v = (window as any).v;
      await Promise.all(Array.from({ length: 150 }, (_, i) => v.track({ type: 'view', item: `${prefix}-${i}` })));
    }, prefix);
  await Promise.all([burst(a, 'a'), burst(b, 'b')]);
  const c = await context.newPage();
  await open(c);
  const items: string[] = (await profile(c)).events.map((e: { item: string }) => e.item);
  expect(items).toHaveLength(300);
  expect(new Set(items).size).toBe(300);
  await expect.poll(() => b.evaluate(() => (window as any).heard)).toBeGreaterThanOrEqual(300); // its own 150 and a's 150
  expect((await profile(b)).events).toHaveLength(300);
});

test('without IndexedDB the profile lives in memory for the page, and ranking still uses it', async ({ page }) => {
  await page.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined }));
  const warnings: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  await open(page);
  const top = await page.evaluate(async () => {
    const v = (window as any).v;
    await v.track({ type: 'click', item: 'item-19' });
    return (await v.rank(['item-50', 'item-10']))[0].id;
  });
  expect(top).toBe('item-10');
  expect((await profile(page)).storage.kind).toBe('memory');
  expect(warnings).toContain('vitrine: IndexedDB is unavailable; keeping the profile in memory for this page');
});

test('the schema upgrades from version 1 with its data; corrupted records are skipped and reported', async ({ page }) => {
  await page.goto('/test/pages/blank.html');
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const req = indexedDB.open('vitrine', 1);
        req.onupgradeneeded = () => {
          const store = req.result.createObjectStore('events', { autoIncrement: true });
          store.add({ item: 'item-18', type: 'click', time: Date.now() - 1000, session: 's1' });
          store.add({ item: 42, type: 'click' }); // corrupted
          store.add({ item: 'item-19', type: 'view', time: Date.now(), session: 's1', list: 'rail' });
        };
        req.onsuccess = () => {
          req.result.close();
          resolve();
        };
      }),
  );
  await open(page);
  const p = await profile(page);
  expect(p.events.map((e: { item: string }) => e.item)).toEqual(['item-18', 'item-19']);
  expect(p.storage.corruptedSkipped).toBe(1);
  const version = await page.evaluate(async () => (await indexedDB.databases()).find((d) => d.name === 'vitrine')?.version);
  expect(version).toBe(2);
});

test('an upgrade blocked by an old tab does not hang: this page keeps its profile in memory', async ({ context }) => {
  const old = await context.newPage();
  await old.goto('/test/pages/blank.html');
  // An old tab holding version 1 open and ignoring requests to close.
  await old.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const req = indexedDB.open('vitrine', 1);
        req.onupgradeneeded = () => req.result.createObjectStore('events', { autoIncrement: true });
        req.onsuccess = () => {
          (window as any).held = req.result;
          resolve();
        };
      }),
  );
  const page = await context.newPage();
  const started = Date.now();
  await open(page);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect((await profile(page)).storage.kind).toBe('memory');
  await page.evaluate(() => (window as any).v.track({ type: 'click', item: 'item-1' }));
  expect((await profile(page)).events).toHaveLength(1);
});

test('retention keeps the newest events within the count and the age', async ({ page }) => {
  await open(page, { maxEvents: 5, retentionDays: 30 });
  await page.evaluate(async () => {
    const v = (window as any).v;
    await v.track({ type: 'click', item: 'ancient', time: Date.now() - 40 * 86_400_000 });
    for (let i = 0; i < 8; i++) await v.track({ type: 'click', item: `item-${i}` });
  });
  await page.reload();
  await open(page, { maxEvents: 5, retentionDays: 30 });
  expect((await profile(page)).events.map((e: { item: string }) => e.item)).toEqual(['item-3', 'item-4', 'item-5', 'item-6', 'item-7']);
});

// The arithmetic of making room (the oldest fifth goes, the write is retried and kept), with one synthetic
// quota error: Chromium's real quota override (above) cannot be put on an origin that already stores events.
test('a full disk drops the oldest events, reports it, and keeps the new one', async ({ page }) => {
  await open(page);
  await page.evaluate(async () => {
    const v = (window as any).v;
    for (let i = 0; i < 10; i++) await v.track({ type: 'view', item: `old-${i}` });
    // The next write fails once as a full disk would.
    const add = IDBObjectStore.prototype.add;
    let failed = false;
    IDBObjectStore.prototype.add = function (this: IDBObjectStore, ...args: any[]) {
      if (!failed) {
        failed = true;
        throw new DOMException('quota', 'QuotaExceededError');
      }
      return add.apply(this, args as never);
    } as never;
    await v.track({ type: 'click', item: 'new' });
  });
  const p = await profile(page);
  expect(p.storage.droppedForQuota).toBe(2);
  expect(p.events.map((e: { item: string }) => e.item)).toEqual(['old-2', 'old-3', 'old-4', 'old-5', 'old-6', 'old-7', 'old-8', 'old-9', 'new']);
});

/**
 * A real full disk: Chromium's own quota for the origin, set through the DevTools protocol before the
 * origin's first database opens (Chromium applies the override to a new origin's storage only), so every
 * write transaction aborts with QuotaExceededError. No API is patched.
 */
async function fullDisk(page: Page) {
  await page.goto('/test/pages/blank.html');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize: 1 });
  await open(page);
}

const within = `(p) => Promise.race([p.then(() => 'settled'), new Promise((r) => setTimeout(() => r('hung'), 5000))])`;

test('a full disk (a real QuotaExceededError aborting the transaction) settles every write, keeps it in memory and says why', async ({ page }) => {
  await fullDisk(page);
  const r = await page.evaluate(async (within) => {
    const settle = eval(within);
    const v = (window as any).v;
    const first = await settle(Promise.all([v.track({ type: 'click', item: 'new-1' }), v.track({ type: 'click', item: 'new-2' })]));
    const later = await settle(v.track({ type: 'click', item: 'new-3' }));
    const p = await v.profile();
    // What could not be stored stays in the tab's journal, for its next page to replay.
    const journaled = Object.keys(sessionStorage).filter((k) => k.startsWith('vitrine:journal:')).length;
    const ranked = (await v.rank(['item-50', 'item-4'])).map((x: { id: string }) => x.id);
    const calls = await settle(Promise.all([v.consent('pending'), v.forget()]));
    return { first, later, calls, ranked, journaled, storage: p.storage, items: p.events.map((e: { item: string }) => e.item) };
  }, within);
  expect(r).toMatchObject({ first: 'settled', later: 'settled', calls: 'settled' });
  expect(r.storage).toMatchObject({ kind: 'memory', failure: expect.stringMatching(/^QuotaExceededError/) });
  expect(r.items).toEqual(['new-1', 'new-2', 'new-3']);
  expect(r.journaled).toBeGreaterThanOrEqual(1); // the batch that failed (later ones are in memory only)
});

test('a failure while making room (reading the old events throws) still settles the write', async ({ page }) => {
  await fullDisk(page);
  const r = await page.evaluate(async (within) => {
    const settle = eval(within);
    const v = (window as any).v;
    // The write aborts with QuotaExceededError; then reading the old events to drop some throws too.
    IDBObjectStore.prototype.openCursor = () => {
      throw new DOMException('the database went away', 'InvalidStateError');
    };
    const first = await settle(v.track({ type: 'click', item: 'new-1' }));
    const later = await settle(v.track({ type: 'click', item: 'new-2' }));
    const consent = await settle(v.consent('denied'));
    return { first, later, consent };
  }, within);
  expect(r).toEqual({ first: 'settled', later: 'settled', consent: 'settled' });
});

test('after forget the profile says what it does: pending and in memory, until consent is given again', async ({ page }) => {
  await open(page);
  await page.evaluate(async () => {
    const v = (window as any).v;
    await v.track({ type: 'click', item: 'item-1' });
    await v.forget();
    await v.track({ type: 'click', item: 'item-2' });
  });
  let p = await profile(page);
  expect(p.consent).toEqual({ state: 'pending', globalPrivacyControl: false, persistent: false });
  expect(p.storage.kind).toBe('memory');
  expect(p.events.map((e: { item: string }) => e.item)).toEqual(['item-2']);
  expect(await databases(page)).not.toContain('vitrine');
  await page.evaluate(async () => {
    const v = (window as any).v;
    await v.consent('granted');
    await v.track({ type: 'click', item: 'item-3' });
  });
  p = await profile(page);
  expect(p.consent).toEqual({ state: 'granted', globalPrivacyControl: false, persistent: true });
  expect(p.storage.kind).toBe('indexeddb');
  await page.reload();
  await open(page, { consent: 'pending' }); // the new grant is remembered
  expect((await profile(page)).events.map((e: { item: string }) => e.item)).toEqual(['item-2', 'item-3']);
});

test('forget in one tab stops the other tab writing to disk as well', async ({ page, context }) => {
  await open(page);
  const other = await context.newPage();
  await open(other);
  await page.evaluate(() => (window as any).v.forget());
  await expect.poll(async () => (await profile(other)).consent.state).toBe('pending');
  await other.evaluate(() => (window as any).v.track({ type: 'click', item: 'item-9' }));
  expect((await profile(other)).storage.kind).toBe('memory');
  expect(await databases(page)).not.toContain('vitrine');
  await other.close();
});

test('consent: pending keeps memory only, granted persists it, denied records nothing and erases', async ({ page }) => {
  await open(page, { consent: 'pending' });
  await page.evaluate(() => (window as any).v.track({ type: 'click', item: 'item-1' }));
  expect((await profile(page)).storage.kind).toBe('memory');
  expect(await databases(page)).not.toContain('vitrine');
  await page.evaluate(() => (window as any).v.consent('granted'));
  await page.evaluate(() => (window as any).v.track({ type: 'click', item: 'item-2' }));
  await page.reload();
  await open(page, { consent: 'pending' }); // the granted consent is remembered
  const p = await profile(page);
  expect(p.consent.state).toBe('granted');
  expect(p.events.map((e: { item: string }) => e.item)).toEqual(['item-1', 'item-2']);
  await page.evaluate(() => (window as any).v.consent('denied'));
  await page.evaluate(() => (window as any).v.track({ type: 'click', item: 'item-3' }));
  expect((await profile(page)).events).toEqual([]);
  expect(await databases(page)).not.toContain('vitrine');
  const bad = await page.evaluate(() => (window as any).v.consent('maybe').catch((e: Error) => e.message));
  expect(bad).toBe("vitrine.consent: state must be one of 'granted', 'denied', 'pending', got \"maybe\"");
});

test('Global Privacy Control keeps the profile in memory only', async ({ page }) => {
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
  await open(page);
  await page.evaluate(() => (window as any).v.track({ type: 'click', item: 'item-1' }));
  const p = await profile(page);
  expect(p.consent).toEqual({ state: 'granted', globalPrivacyControl: true, persistent: false });
  expect(p.events).toHaveLength(1);
  expect(await databases(page)).not.toContain('vitrine');
});

test('forget erases everything: IndexedDB holds nothing afterwards', async ({ page }) => {
  await open(page);
  await page.evaluate(async () => {
    const v = (window as any).v;
    for (let i = 0; i < 5; i++) await v.track({ type: 'click', item: `item-${i}` });
    await v.forget();
  });
  expect(await databases(page)).not.toContain('vitrine');
  expect((await profile(page)).events).toEqual([]);
  const order = await page.evaluate(async () => (await (window as any).v.rank(['item-50', 'item-1', 'item-2'])).map((r: { id: string }) => r.id));
  expect(order).toEqual(['item-50', 'item-1', 'item-2']); // back to the page's order
});

test('profile() derives interests by category from the model', async ({ page }) => {
  // The tiny planted model has no categories; interests then stay empty rather than invented.
  await open(page);
  await page.evaluate(() => (window as any).v.track({ type: 'purchase', item: 'item-1' }));
  expect((await profile(page)).interests).toEqual([]);
});

test('automatic tracking: clicks, buttons with their event type, views, and dispose removes it all', async ({ page }) => {
  await page.goto('/test/pages/shop.html');
  await open(page, { autoTrack: true }, '/test/pages/shop.html');
  const item4 = page.locator('li[data-vitrine-item="item-4"]');
  await item4.click({ position: { x: 10, y: 10 } });
  await page.getByRole('button', { name: 'Add' }).click();
  await page.getByRole('button', { name: 'Not interested' }).click();
  // Views: the first list is on screen; wait past a second.
  await expect
    .poll(async () => (await profile(page)).events.filter((e: { type: string }) => e.type === 'view').map((e: { item: string }) => e.item).sort(), { timeout: 5000 })
    .toEqual(['item-3', 'item-4', 'item-5']);
  const events = (await profile(page)).events.filter((e: { type: string }) => e.type !== 'view');
  expect(events.map((e: { type: string; item: string; list: string }) => `${e.type}:${e.item}:${e.list}`)).toEqual([
    'click:item-4:home-grid',
    'add_to_cart:item-4:home-grid',
    'dismiss:item-5:home-grid',
  ]);
  const views = (await profile(page)).events.filter((e: { type: string }) => e.type === 'view');
  expect(views.every((e: { dwell: number }) => e.dwell === 1000)).toBe(true);
  await page.evaluate(() => (window as any).v.dispose());
  await item4.click({ position: { x: 10, y: 10 } });
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForTimeout(1500);
  const after = await page.evaluate(async () => {
    const v = await window.vitrine.createVitrine({ model: '/test/fixtures/planted-model/', backend: 'cpu' });
    return (await v.profile()).events.length;
  });
  expect(after).toBe(6); // nothing more after dispose: no click, no view of the footer rail
});

test('an item the page adds just before dispose is never tracked: its records, read a task later, find the tracking stopped', async ({ page }) => {
  await page.goto('/test/pages/shop.html');
  await open(page, { autoTrack: true }, '/test/pages/shop.html');
  await page.evaluate(async () => {
    const li = document.createElement('li');
    li.dataset.vitrineItem = 'item-42';
    li.textContent = 'Item 42';
    document.querySelector('[data-vitrine-list]')!.prepend(li);
    await new Promise<void>((r) => queueMicrotask(r)); // the observer has been told; its records wait for a task
    (window as any).v.dispose();
  });
  await page.waitForTimeout(1500); // past the second on screen that makes a view
  const events = await page.evaluate(async () => {
    const v = await window.vitrine.createVitrine({ model: '/test/fixtures/planted-model/', backend: 'cpu' });
    return (await v.profile()).events.map((e: { type: string; item: string }) => `${e.type}:${e.item}`);
  });
  expect(events).not.toContain('view:item-42');
});

test('a click the visitor comes straight back from is stored as a bounce', async ({ page }) => {
  await page.goto('/test/pages/shop.html');
  await open(page, { autoTrack: true }, '/test/pages/shop.html');
  await page.getByText('Item 3').click();
  await page.waitForURL('**/blank.html');
  await page.goBack();
  await open(page, { autoTrack: true }, '/test/pages/shop.html');
  await expect.poll(async () => (await profile(page)).events.map((e: { type: string; item: string }) => `${e.type}:${e.item}`)).toContain('bounce:item-3');
  expect((await profile(page)).events.map((e: { type: string; item: string }) => `${e.type}:${e.item}`)).toContain('click:item-3');
});

test('a page restored from the back/forward cache soon after the visitor left it through an item stores a bounce', async ({ page }) => {
  await page.goto('/test/pages/shop.html');
  await open(page, { autoTrack: true }, '/test/pages/shop.html');
  // Playwright's Chromium keeps no page in the back/forward cache: the page stays, and the browser's two
  // events of leaving it and showing it again from the cache are dispatched as the browser would.
  await page.evaluate(() => document.addEventListener('click', (e) => e.preventDefault()));
  await page.getByText('Item 3').click();
  await page.evaluate(() => {
    dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
  });
  await expect.poll(async () => (await profile(page)).events.map((e: { type: string; item: string }) => `${e.type}:${e.item}`)).toContain('bounce:item-3');
});

test('an event whose transaction the previous page did not live to see is replayed from the journal', async ({ page }) => {
  await open(page);
  await page.evaluate(async () => {
    const v = (window as any).v;
    await v.track({ type: 'click', item: 'item-1' });
    // What a page leaves behind when it navigates away before its transaction completes.
    const lost = { item: 'item-2', type: 'click', time: Date.now(), session: 's-lost', list: 'home-grid' };
    sessionStorage.setItem(`vitrine:journal:vitrine:${lost.time}|click|item-2|s-lost`, JSON.stringify(lost));
  });
  await page.reload();
  await open(page);
  const p = await profile(page);
  expect(p.events.map((e: { item: string }) => e.item)).toEqual(['item-1', 'item-2']);
  expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('vitrine:journal:')))).toEqual([]);
  await page.reload();
  await open(page);
  expect((await profile(page)).events).toHaveLength(2); // replayed once, not again
});
