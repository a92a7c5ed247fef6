// The backends Vitrine runs on, each with only the kernels its ranking path dispatches (tfjs's
// size-optimised build: the backends' base modules and hand-picked kernel configs, in place of every
// kernel of every backend). test/unit/kernels.test.ts records what the engine dispatches and fails when
// a kernel is not registered here for every backend.
import { env, getKernel, registerKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu/dist/base';
import '@tensorflow/tfjs-backend-webgl/dist/base';
export { setWasmPaths } from '@tensorflow/tfjs-backend-wasm/dist/base';
import { addConfig as cpuAdd } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Add';
import { argMaxConfig as cpuArgMax } from '@tensorflow/tfjs-backend-cpu/dist/kernels/ArgMax';
import { batchMatMulConfig as cpuBatchMatMul } from '@tensorflow/tfjs-backend-cpu/dist/kernels/BatchMatMul';
import { gatherV2Config as cpuGatherV2 } from '@tensorflow/tfjs-backend-cpu/dist/kernels/GatherV2';
import { reshapeConfig as cpuReshape } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Reshape';
import { topKConfig as cpuTopK } from '@tensorflow/tfjs-backend-cpu/dist/kernels/TopK';
import { transposeConfig as cpuTranspose } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Transpose';
import { addConfig as webglAdd } from '@tensorflow/tfjs-backend-webgl/dist/kernels/Add';
import { argMaxConfig as webglArgMax } from '@tensorflow/tfjs-backend-webgl/dist/kernels/ArgMax';
import { batchMatMulConfig as webglBatchMatMul } from '@tensorflow/tfjs-backend-webgl/dist/kernels/BatchMatMul';
import { gatherV2Config as webglGatherV2 } from '@tensorflow/tfjs-backend-webgl/dist/kernels/GatherV2';
import { reshapeConfig as webglReshape } from '@tensorflow/tfjs-backend-webgl/dist/kernels/Reshape';
import { topKConfig as webglTopK } from '@tensorflow/tfjs-backend-webgl/dist/kernels/TopK';
import { transposeConfig as webglTranspose } from '@tensorflow/tfjs-backend-webgl/dist/kernels/Transpose';
import { addConfig as wasmAdd } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Add';
import { argMaxConfig as wasmArgMax } from '@tensorflow/tfjs-backend-wasm/dist/kernels/ArgMax';
import { batchMatMulConfig as wasmBatchMatMul } from '@tensorflow/tfjs-backend-wasm/dist/kernels/BatchMatMul';
import { gatherV2Config as wasmGatherV2 } from '@tensorflow/tfjs-backend-wasm/dist/kernels/GatherV2';
import { reshapeConfig as wasmReshape } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Reshape';
import { topKConfig as wasmTopK } from '@tensorflow/tfjs-backend-wasm/dist/kernels/TopK';
import { transposeConfig as wasmTranspose } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Transpose';

const cpu: KernelConfig[] = [cpuAdd, cpuArgMax, cpuBatchMatMul, cpuGatherV2, cpuReshape, cpuTopK, cpuTranspose];
const webgl: KernelConfig[] = [webglAdd, webglArgMax, webglBatchMatMul, webglGatherV2, webglReshape, webglTopK, webglTranspose];
const wasm: KernelConfig[] = [wasmAdd, wasmArgMax, wasmBatchMatMul, wasmGatherV2, wasmReshape, wasmTopK, wasmTranspose];

// Skipped where already there: an app that imports tfjs itself has registered them (tfjs warns twice over).
for (const config of [...cpu, ...webgl, ...wasm]) if (!getKernel(config.kernelName, config.backendName)) registerKernel(config);

// One WASM thread: the script tag's build leaves the multi-threaded binary out (rollup.config.mjs). Only
// there: in the npm build tfjs is the app's, and its flags stay as the app set them.
if (__VITRINE_OWN_TFJS__) env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
