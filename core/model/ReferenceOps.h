#pragma once

#include <cstdint>

/// The native float32 kernels behind ReferenceRunner: the correctness oracle for every browser
/// backend and the "native" backend of workers without browsers. Row-major, no aliasing between
/// inputs and outputs unless stated. Sums of LayerNorm and softmax accumulate in double; matmul
/// accumulates in float in the same k order as the browser kernels (the differences stay within
/// ~1e-6 relative for K <= 4096). `threads` <= 1 runs on the caller's thread; more splits rows over
/// std::threads (joined before returning).
namespace accel::referenceops {

/// C[M,N] = A[M,K] @ B[K,N] (+ bias[N] when not null).
void matmul(const float *a, const float *b, const float *bias, float *c, int m, int k, int n,
            int threads = 1);
/// C[M,N] = A[M,K] @ B[N,K]^T: the tied LM head (hidden @ wte^T).
void matmulTransposedB(const float *a, const float *b, float *c, int m, int k, int n, int threads = 1);
/// y = (x - mean) / sqrt(var + eps) * gamma + beta, per row of `cols`. In place allowed (y == x).
void layerNorm(const float *x, const float *gamma, const float *beta, float *y, int rows, int cols,
               double eps);
/// GELU, tanh approximation ("gelu_new") or exact erf ("gelu"). In place allowed.
void geluTanh(const float *x, float *y, std::int64_t count);
void geluErf(const float *x, float *y, std::int64_t count);
/// y = a + b. In place allowed.
void add(const float *a, const float *b, float *y, std::int64_t count);
/// Row-wise numerically stable softmax. In place allowed.
void softmaxRows(const float *x, float *y, int rows, int cols);
/// Multi-head attention over a fused projection qkv[seq, 3E] (Q | K | V, heads contiguous inside
/// each): out[seq, E]. Causal masks future positions (decoder); otherwise bidirectional.
void attention(const float *qkv, float *out, int seqLen, int headCount, int headDim, bool causal);
/// out[s] = table[ids[s]] + positions[s] (+ types[typeIds? 0] row). ids must be in range.
void embedding(const int *ids, int seqLen, const float *table, const float *positions, const float *typeRow,
               float *out, int hidden);

} // namespace accel::referenceops
