import * as tf from '@tensorflow/tfjs-core';
import type { Ranked } from '../types/index.js';
import type { FetchedModel } from './fetch-model.js';
import { orderByScore, rowsOf } from './score.js';

/**
 * Ranks ids with the model's item embeddings, kept resident on the backend (on the GPU for WebGL).
 * One rank is one gather, one matMul and one read back to the CPU.
 */
export class Engine {
  private readonly _embeddings: tf.Tensor2D;
  private readonly _index: Map<string, number>;
  private readonly _unknownRow: number;

  /** Turns fetched files into tensors on the current backend; choose the backend first. */
  constructor({ manifest, items, shards }: FetchedModel) {
    const specs = manifest.weights.flatMap((group) => group.weights);
    const named = tf.io.decodeWeights(shards, specs);
    // An extra zero row scores ids the model does not know as 0, so one gather serves every id.
    this._embeddings = tf.tidy(() => tf.concat([named.item_embeddings as tf.Tensor2D, tf.zeros([1, manifest.dim])]));
    tf.dispose(Object.values(named));
    this._unknownRow = manifest.itemCount;
    this._index = new Map(items.ids.map((id, row) => [id, row]));
  }

  async rank(ids: readonly string[], history: readonly string[]): Promise<Ranked[]> {
    if (ids.length === 0) return [];
    const known = Array.from(rowsOf(history, this._index, -1)).filter((r) => r >= 0);
    const candidates = rowsOf(ids, this._index, this._unknownRow);
    const scores = tf.tidy(() => {
      const dim = this._embeddings.shape[1];
      const query = known.length > 0 ? tf.mean(tf.gather(this._embeddings, known), 0, true) : tf.zeros([1, dim]);
      return tf.reshape(tf.matMul(tf.gather(this._embeddings, candidates), query, false, true), [ids.length]);
    });
    try {
      return orderByScore(ids, await scores.data());
    } finally {
      scores.dispose();
    }
  }

  dispose(): void {
    this._embeddings.dispose();
  }
}
