// The Vue pattern (README: Frameworks): `ids` in the visitor's order, as a ref Vue renders. The page's
// order until a ranking arrives (nothing shifts while the model loads); ranked again when the ids change,
// when the model is ready and when the profile changes. `vitrine` is the instance (or a promise of it).
import { onScopeDispose, ref, toValue, watch } from 'vue';

export function useRanked(vitrine, ids, options) {
  const order = ref([...toValue(ids)]);
  let latest = 0;
  let instance;
  const run = async () => {
    instance ??= await vitrine;
    const wanted = [...toValue(ids)];
    const call = ++latest;
    const ranked = await instance.rank(wanted, toValue(options));
    if (call === latest) order.value = ranked.map((r) => r.id);
  };
  watch(
    () => JSON.stringify([toValue(ids), toValue(options) ?? null]),
    () => {
      // Until the new ranking arrives: the last order for the ids still there, new ones in the page's order.
      const wanted = toValue(ids);
      const present = new Set(wanted);
      const kept = order.value.filter((id) => present.has(id));
      const known = new Set(kept);
      order.value = [...kept, ...wanted.filter((id) => !known.has(id))];
      run();
    },
  );
  let stop = () => {};
  let live = true;
  Promise.resolve(vitrine).then((v) => {
    if (!live) return;
    stop = v.onProfileChange(run);
    run();
    v.loaded?.then(() => live && run());
  });
  onScopeDispose(() => {
    live = false;
    stop();
  });
  return order;
}
