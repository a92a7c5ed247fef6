import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { expect, test } from 'vitest';

// The published types compile in a strict browser app that checks library types too (skipLibCheck: false)
// and has no Node types: nothing of Node's (NodeJS.Timeout, Buffer) may leak into them.
test('dist/types compiles in a strict consumer with skipLibCheck false and no Node types', () => {
  const types = join(import.meta.dirname, '../../dist/types/index.d.ts');
  expect(existsSync(types), 'dist/types is missing: run `npm run build` first').toBe(true);
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-types-'));
  const app = join(dir, 'app.ts');
  writeFileSync(
    app,
    `import { createVitrine, startVitrine, type Vitrine, type RankOptions } from ${JSON.stringify(types.replace(/\.d\.ts$/, '.js'))};
const options: RankOptions = { pinned: ['a'], categories: new Map([['a', ['Shoes']]]) };
export async function go(): Promise<string[]> {
  const v: Vitrine = await createVitrine({ model: '/m/' });
  const s = await startVitrine({ model: '/m/', loadModel: 'idle' });
  await s.loaded;
  return (await v.rank(['a', 'b'], options)).map((r) => r.id);
}
`,
  );
  const program = ts.createProgram([app], {
    strict: true,
    skipLibCheck: false,
    types: [],
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    noEmit: true,
  });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(problems).toEqual([]);
}, 60_000);
