import { isMainThread } from 'node:worker_threads';
import { evaluationWorker } from './evaluate-shipped.js';
import { main } from './main.js';

// The CLI, or a thread it started to evaluate on (`vitrine train` runs this same file in a worker).
if (isMainThread) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
} else void evaluationWorker();
