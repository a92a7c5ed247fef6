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
import { concatConfig as cpuConcat } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Concat';
import { expConfig as cpuExp } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Exp';
import { gatherV2Config as cpuGatherV2 } from '@tensorflow/tfjs-backend-cpu/dist/kernels/GatherV2';
import { logConfig as cpuLog } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Log';
import { maxConfig as cpuMax } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Max';
import { multiplyConfig as cpuMultiply } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Multiply';
import { reshapeConfig as cpuReshape } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Reshape';
import { sigmoidConfig as cpuSigmoid } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Sigmoid';
import { sliceConfig as cpuSlice } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Slice';
import { splitVConfig as cpuSplitV } from '@tensorflow/tfjs-backend-cpu/dist/kernels/SplitV';
import { subConfig as cpuSub } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Sub';
import { sumConfig as cpuSum } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Sum';
import { tanhConfig as cpuTanh } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Tanh';
import { topKConfig as cpuTopK } from '@tensorflow/tfjs-backend-cpu/dist/kernels/TopK';
import { transposeConfig as cpuTranspose } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Transpose';
import { addConfig as webglAdd } from '@tensorflow/tfjs-backend-webgl/dist/kernels/Add';
import { argMaxConfig as webglArgMax } from '@tensorflow/tfjs-backend-webgl/dist/kernels/ArgMax';
import { batchMatMulConfig as webglBatchMatMul } from '@tensorflow/tfjs-backend-webgl/dist/kernels/BatchMatMul';
import { concatConfig as webglConcat } from '@tensorflow/tfjs-backend-webgl/dist/kernels/Concat';
import { expConfig as webglExp } from '@tensorflow/tfjs-backend-webgl/dist/kernels/Exp';
import { gatherV2Config as webglGatherV2 } from '@tensorflow/tfjs-backend-webgl/dist/kernels/GatherV2';
import { logConfig as webglLog } from '@tensorflow/tfjs-backend-webgl/dist/kernels/Log';
import { maxConfig as webglMax } from '@tensorflow/tfjs-backend-webgl/dist/kernels/Max';
import { multiplyConfig as webglMultiply } from '@tensorflow/tfjs-backend-webgl/dist/kernels/Multiply';
import { reshapeConfig as webglReshape } from '@tensorflow/tfjs-backend-webgl/dist/kernels/Reshape';
import { sigmoidConfig as webglSigmoid } from '@tensorflow/tfjs-backend-webgl/dist/kernels/Sigmoid';
import { sliceConfig as webglSlice } from '@tensorflow/tfjs-backend-webgl/dist/kernels/Slice';
import { splitVConfig as webglSplitV } from '@tensorflow/tfjs-backend-webgl/dist/kernels/SplitV';
import { subConfig as webglSub } from '@tensorflow/tfjs-backend-webgl/dist/kernels/Sub';
import { sumConfig as webglSum } from '@tensorflow/tfjs-backend-webgl/dist/kernels/Sum';
import { tanhConfig as webglTanh } from '@tensorflow/tfjs-backend-webgl/dist/kernels/Tanh';
import { topKConfig as webglTopK } from '@tensorflow/tfjs-backend-webgl/dist/kernels/TopK';
import { transposeConfig as webglTranspose } from '@tensorflow/tfjs-backend-webgl/dist/kernels/Transpose';
import { addConfig as wasmAdd } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Add';
import { argMaxConfig as wasmArgMax } from '@tensorflow/tfjs-backend-wasm/dist/kernels/ArgMax';
import { batchMatMulConfig as wasmBatchMatMul } from '@tensorflow/tfjs-backend-wasm/dist/kernels/BatchMatMul';
import { concatConfig as wasmConcat } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Concat';
import { expConfig as wasmExp } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Exp';
import { gatherV2Config as wasmGatherV2 } from '@tensorflow/tfjs-backend-wasm/dist/kernels/GatherV2';
import { logConfig as wasmLog } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Log';
import { maxConfig as wasmMax } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Max';
import { multiplyConfig as wasmMultiply } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Multiply';
import { reshapeConfig as wasmReshape } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Reshape';
import { sigmoidConfig as wasmSigmoid } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Sigmoid';
import { sliceConfig as wasmSlice } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Slice';
import { splitVConfig as wasmSplitV } from '@tensorflow/tfjs-backend-wasm/dist/kernels/SplitV';
import { subConfig as wasmSub } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Sub';
import { sumConfig as wasmSum } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Sum';
import { tanhConfig as wasmTanh } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Tanh';
import { topKConfig as wasmTopK } from '@tensorflow/tfjs-backend-wasm/dist/kernels/TopK';
import { transposeConfig as wasmTranspose } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Transpose';

const cpu: KernelConfig[] = [cpuAdd, cpuArgMax, cpuBatchMatMul, cpuConcat, cpuExp, cpuGatherV2, cpuLog, cpuMax, cpuMultiply, cpuReshape, cpuSigmoid, cpuSlice, cpuSplitV, cpuSub, cpuSum, cpuTanh, cpuTopK, cpuTranspose];
const webgl: KernelConfig[] = [webglAdd, webglArgMax, webglBatchMatMul, webglConcat, webglExp, webglGatherV2, webglLog, webglMax, webglMultiply, webglReshape, webglSigmoid, webglSlice, webglSplitV, webglSub, webglSum, webglTanh, webglTopK, webglTranspose];
const wasm: KernelConfig[] = [wasmAdd, wasmArgMax, wasmBatchMatMul, wasmConcat, wasmExp, wasmGatherV2, wasmLog, wasmMax, wasmMultiply, wasmReshape, wasmSigmoid, wasmSlice, wasmSplitV, wasmSub, wasmSum, wasmTanh, wasmTopK, wasmTranspose];

// Skipped where already there: an app that imports tfjs itself has registered them (tfjs warns twice over).
for (const config of [...cpu, ...webgl, ...wasm]) if (!getKernel(config.kernelName, config.backendName)) registerKernel(config);

// One WASM thread: the script tag's build leaves the multi-threaded binary out (rollup.config.mjs). Only
// there: in the npm build tfjs is the app's, and its flags stay as the app set them.
if (__VITRINE_OWN_TFJS__) env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
