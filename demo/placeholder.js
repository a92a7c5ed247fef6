// Until the storefront lands: rank a six-item test model from the items clicked on this page.
const grid = document.getElementById('grid');
const history = [];

const v = await window.vitrine.createVitrine({ model: '../test/fixtures/tiny-model/', scoring: { page: 0 } });
document.getElementById('backend').textContent = v.ready ? `${v.backend} (${v.backendReason})` : `nothing: ${v.error.message}`;

async function rerank() {
  const items = [...grid.children];
  const ranked = await v.rank(items.map((li) => li.dataset.item), { history });
  const byId = new Map(items.map((li) => [li.dataset.item, li]));
  for (const { id, score } of ranked) {
    const li = byId.get(id);
    li.querySelector('small')?.remove();
    const small = document.createElement('small');
    small.textContent = `score ${score.toFixed(2)}`;
    li.append(small);
    grid.append(li);
  }
  document.getElementById('history').textContent = history.length ? history.join(', ') : 'nothing yet';
}

grid.addEventListener('click', (e) => {
  const li = e.target.closest('li');
  if (!li) return;
  history.push(li.dataset.item);
  rerank();
});
document.getElementById('reset').addEventListener('click', () => {
  history.length = 0;
  for (const id of ['f', 'e', 'd', 'c', 'b', 'a']) grid.append(grid.querySelector(`[data-item="${id}"]`));
  rerank();
});
