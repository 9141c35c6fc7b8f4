// Plain JavaScript ops: the last-resort backend, available everywhere. Handles are Float32Arrays.
import { geluErf, geluTanh } from './mathf.js';

export function createJsOps() {
  return {
    upload: a => Float32Array.from(a),
    uploadWeight: (name, a) => a,
    download: async (h, count) => h.slice(0, count),
    free: () => {},
    freeWeight: () => {},
    sizeBytes: h => h.byteLength,

    matmul(a, b, bias, M, K, N) {
      const c = new Float32Array(M * N);
      for (let i = 0; i < M; ++i) {
        const row = c.subarray(i * N, (i + 1) * N);
        if (bias) row.set(bias.subarray(0, N));
        const ai = i * K;
        for (let p = 0; p < K; ++p) {
          const x = a[ai + p];
          const bp = p * N;
          for (let j = 0; j < N; ++j) row[j] += x * b[bp + j];
        }
      }
      return c;
    },

    layerNorm(x, gamma, beta, rows, cols, eps) {
      const y = new Float32Array(rows * cols);
      for (let r = 0; r < rows; ++r) {
        const o = r * cols;
        let sum = 0;
        for (let i = 0; i < cols; ++i) sum += x[o + i];
        const mean = sum / cols;
        let v = 0;
        for (let i = 0; i < cols; ++i) { const d = x[o + i] - mean; v += d * d; }
        const inv = 1 / Math.sqrt(v / cols + eps);
        for (let i = 0; i < cols; ++i) y[o + i] = (x[o + i] - mean) * inv * gamma[i] + beta[i];
      }
      return y;
    },

    gelu(x, count, exact) {
      const y = new Float32Array(count);
      const f = exact ? geluErf : geluTanh;
      for (let i = 0; i < count; ++i) y[i] = f(x[i]);
      return y;
    },

    add(a, b, count) {
      const y = new Float32Array(count);
      for (let i = 0; i < count; ++i) y[i] = a[i] + b[i];
      return y;
    },

    softmax(x, rows, cols) {
      const y = new Float32Array(rows * cols);
      for (let r = 0; r < rows; ++r) {
        const o = r * cols;
        let m = -Infinity;
        for (let i = 0; i < cols; ++i) m = Math.max(m, x[o + i]);
        let sum = 0;
        for (let i = 0; i < cols; ++i) { const e = Math.exp(x[o + i] - m); y[o + i] = e; sum += e; }
        for (let i = 0; i < cols; ++i) y[o + i] /= sum;
      }
      return y;
    },

    attention(qkv, seq, heads, dim, causal) {
      const e = heads * dim;
      const stride = 3 * e;
      const out = new Float32Array(seq * e);
      const scores = new Float64Array(seq);
      const scale = 1 / Math.sqrt(dim);
      for (let h = 0; h < heads; ++h) {
        for (let s = 0; s < seq; ++s) {
          const q = s * stride + h * dim;
          const visible = causal ? s + 1 : seq;
          let m = -Infinity;
          for (let t = 0; t < visible; ++t) {
            const k = t * stride + e + h * dim;
            let dot = 0;
            for (let d = 0; d < dim; ++d) dot += qkv[q + d] * qkv[k + d];
            scores[t] = dot * scale;
            if (scores[t] > m) m = scores[t];
          }
          let sum = 0;
          for (let t = 0; t < visible; ++t) { scores[t] = Math.exp(scores[t] - m); sum += scores[t]; }
          const o = s * e + h * dim;
          for (let t = 0; t < visible; ++t) {
            const p = scores[t] / sum;
            const v = t * stride + 2 * e + h * dim;
            for (let d = 0; d < dim; ++d) out[o + d] += p * qkv[v + d];
          }
        }
      }
      return out;
    },

    embedding(ids, wte, wpe, tte, seq, hidden) {
      const out = new Float32Array(seq * hidden);
      for (let s = 0; s < seq; ++s) {
        const w = ids[s] * hidden;
        for (let i = 0; i < hidden; ++i) {
          out[s * hidden + i] = wte[w + i] + wpe[s * hidden + i] + (tte ? tte[i] : 0);
        }
      }
      return out;
    },
  };
}
