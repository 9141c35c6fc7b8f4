#include "model/ReferenceOps.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <thread>
#include <vector>

namespace accel::referenceops {

namespace {

/// Four floats in a register (GCC/Clang vector extension: SSE on x86-64, NEON on ARM).
typedef float Vec4 __attribute__((vector_size(16)));

inline Vec4 load4(const float *p)
{
    Vec4 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

inline void store4(float *p, Vec4 v)
{
    std::memcpy(p, &v, sizeof v);
}

/// Rows [rowBegin, rowEnd) of C. Register-blocked like the Wasm kernel: a 4-row x 8-column block
/// of C stays in eight vector registers for the whole k loop, each B load feeds four rows. Column
/// panels outermost so a K x 8 panel of B stays cached while row blocks stream past it. Each
/// output adds k in order starting from the bias, as the browser kernels do.
void matmulRows(const float *a, const float *b, const float *bias, float *c, int rowBegin, int rowEnd, int k,
                int n)
{
    const Vec4 zero = {0.0f, 0.0f, 0.0f, 0.0f};
    int j = 0;
    for (; j + 8 <= n; j += 8) {
        const Vec4 bias0 = bias ? load4(bias + j) : zero;
        const Vec4 bias1 = bias ? load4(bias + j + 4) : zero;
        int i = rowBegin;
        for (; i + 4 <= rowEnd; i += 4) {
            Vec4 c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1;
            Vec4 c20 = bias0, c21 = bias1, c30 = bias0, c31 = bias1;
            const float *a0 = a + std::int64_t(i) * k;
            const float *a1 = a0 + k;
            const float *a2 = a1 + k;
            const float *a3 = a2 + k;
            const float *bp = b + j;
            for (int p = 0; p < k; ++p, bp += n) {
                const Vec4 b0 = load4(bp);
                const Vec4 b1 = load4(bp + 4);
                c00 += a0[p] * b0;
                c01 += a0[p] * b1;
                c10 += a1[p] * b0;
                c11 += a1[p] * b1;
                c20 += a2[p] * b0;
                c21 += a2[p] * b1;
                c30 += a3[p] * b0;
                c31 += a3[p] * b1;
            }
            float *ci = c + std::int64_t(i) * n + j;
            store4(ci, c00);
            store4(ci + 4, c01);
            store4(ci + n, c10);
            store4(ci + n + 4, c11);
            store4(ci + 2 * n, c20);
            store4(ci + 2 * n + 4, c21);
            store4(ci + 3 * n, c30);
            store4(ci + 3 * n + 4, c31);
        }
        for (; i < rowEnd; ++i) {
            Vec4 c0 = bias0, c1 = bias1;
            const float *ai = a + std::int64_t(i) * k;
            const float *bp = b + j;
            for (int p = 0; p < k; ++p, bp += n) {
                c0 += ai[p] * load4(bp);
                c1 += ai[p] * load4(bp + 4);
            }
            store4(c + std::int64_t(i) * n + j, c0);
            store4(c + std::int64_t(i) * n + j + 4, c1);
        }
    }
    for (; j < n; ++j) {
        for (int i = rowBegin; i < rowEnd; ++i) {
            float sum = bias ? bias[j] : 0.0f;
            const float *ai = a + std::int64_t(i) * k;
            for (int p = 0; p < k; ++p) {
                sum += ai[p] * b[std::int64_t(p) * n + j];
            }
            c[std::int64_t(i) * n + j] = sum;
        }
    }
}

template<typename Fn> void parallelRows(int rows, int threads, double work, Fn fn)
{
    // Threads only pay off above ~2 MFLOP; rows are split into equal contiguous ranges.
    const int useful = std::max(1, std::min({threads, rows / 4, int(work / 2e6) + 1}));
    if (useful <= 1) {
        fn(0, rows);
        return;
    }
    std::vector<std::thread> pool;
    const int per = (rows + useful - 1) / useful;
    for (int t = 1; t < useful; ++t) {
        const int begin = std::min(rows, t * per);
        const int end = std::min(rows, begin + per);
        if (begin < end) {
            pool.emplace_back([=] { fn(begin, end); });
        }
    }
    fn(0, std::min(rows, per));
    for (std::thread &t : pool) {
        t.join();
    }
}

} // namespace

void matmul(const float *a, const float *b, const float *bias, float *c, int m, int k, int n, int threads)
{
    parallelRows(m, threads, 2.0 * m * k * n,
                 [=](int begin, int end) { matmulRows(a, b, bias, c, begin, end, k, n); });
}

void matmulTransposedB(const float *a, const float *b, float *c, int m, int k, int n, int threads)
{
    parallelRows(m, threads, 2.0 * m * k * n, [=](int begin, int end) {
        for (int i = begin; i < end; ++i) {
            const float *ai = a + std::int64_t(i) * k;
            for (int j = 0; j < n; ++j) {
                const float *bj = b + std::int64_t(j) * k;
                float sum = 0.0f;
                for (int p = 0; p < k; ++p) {
                    sum += ai[p] * bj[p];
                }
                c[std::int64_t(i) * n + j] = sum;
            }
        }
    });
}

void layerNorm(const float *x, const float *gamma, const float *beta, float *y, int rows, int cols,
               double eps)
{
    for (int r = 0; r < rows; ++r) {
        const float *xr = x + std::int64_t(r) * cols;
        float *yr = y + std::int64_t(r) * cols;
        double sum = 0.0;
        for (int i = 0; i < cols; ++i) {
            sum += xr[i];
        }
        const double mean = sum / cols;
        double var = 0.0;
        for (int i = 0; i < cols; ++i) {
            const double d = xr[i] - mean;
            var += d * d;
        }
        const double inv = 1.0 / std::sqrt(var / cols + eps);
        for (int i = 0; i < cols; ++i) {
            yr[i] = float((xr[i] - mean) * inv * gamma[i] + beta[i]);
        }
    }
}

void geluTanh(const float *x, float *y, std::int64_t count)
{
    const double k = std::sqrt(2.0 / 3.14159265358979323846);
    for (std::int64_t i = 0; i < count; ++i) {
        const double v = x[i];
        y[i] = float(0.5 * v * (1.0 + std::tanh(k * (v + 0.044715 * v * v * v))));
    }
}

void geluErf(const float *x, float *y, std::int64_t count)
{
    for (std::int64_t i = 0; i < count; ++i) {
        const double v = x[i];
        y[i] = float(0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))));
    }
}

void add(const float *a, const float *b, float *y, std::int64_t count)
{
    for (std::int64_t i = 0; i < count; ++i) {
        y[i] = a[i] + b[i];
    }
}

void softmaxRows(const float *x, float *y, int rows, int cols)
{
    for (int r = 0; r < rows; ++r) {
        const float *xr = x + std::int64_t(r) * cols;
        float *yr = y + std::int64_t(r) * cols;
        float maxValue = -std::numeric_limits<float>::infinity();
        for (int i = 0; i < cols; ++i) {
            maxValue = std::max(maxValue, xr[i]);
        }
        double sum = 0.0;
        for (int i = 0; i < cols; ++i) {
            const double e = std::exp(double(xr[i]) - maxValue);
            yr[i] = float(e);
            sum += e;
        }
        for (int i = 0; i < cols; ++i) {
            yr[i] = float(yr[i] / sum);
        }
    }
}

void attention(const float *qkv, float *out, int seqLen, int headCount, int headDim, bool causal)
{
    const int e = headCount * headDim;
    const std::int64_t stride = 3 * std::int64_t(e);
    const double scale = 1.0 / std::sqrt(double(headDim));
    std::vector<double> scores(static_cast<std::size_t>(seqLen));
    for (int h = 0; h < headCount; ++h) {
        for (int s = 0; s < seqLen; ++s) {
            const float *q = qkv + s * stride + h * headDim;
            const int visible = causal ? s + 1 : seqLen;
            double maxValue = -std::numeric_limits<double>::infinity();
            for (int t = 0; t < visible; ++t) {
                const float *kt = qkv + t * stride + e + h * headDim;
                double dot = 0.0;
                for (int d = 0; d < headDim; ++d) {
                    dot += double(q[d]) * kt[d];
                }
                scores[std::size_t(t)] = dot * scale;
                maxValue = std::max(maxValue, scores[std::size_t(t)]);
            }
            double sum = 0.0;
            for (int t = 0; t < visible; ++t) {
                scores[std::size_t(t)] = std::exp(scores[std::size_t(t)] - maxValue);
                sum += scores[std::size_t(t)];
            }
            float *o = out + std::int64_t(s) * e + h * headDim;
            for (int d = 0; d < headDim; ++d) {
                double acc = 0.0;
                for (int t = 0; t < visible; ++t) {
                    acc += scores[std::size_t(t)] * qkv[t * stride + 2 * e + h * headDim + d];
                }
                o[d] = float(acc / sum);
            }
        }
    }
}

void embedding(const int *ids, int seqLen, const float *table, const float *positions, const float *typeRow,
               float *out, int hidden)
{
    for (int s = 0; s < seqLen; ++s) {
        const float *w = table + std::int64_t(ids[s]) * hidden;
        const float *p = positions + std::int64_t(s) * hidden;
        float *o = out + std::int64_t(s) * hidden;
        for (int i = 0; i < hidden; ++i) {
            o[i] = w[i] + p[i] + (typeRow ? typeRow[i] : 0.0f);
        }
    }
}

} // namespace accel::referenceops
