// A visitor with a history: three clicks queued on the stub before the script (a first visit keeps the
// page's order, and loads the engine only once the page has painted: it has no personalised order to time).
export const HISTORY = () => {
  const w = window as any;
  w.vitrine = w.vitrine || Object.assign((...a: unknown[]) => (w.vitrine.q = w.vitrine.q || []).push(a), {});
  for (const item of ['318', '296', '356']) w.vitrine('track', { type: 'click', item });
};
