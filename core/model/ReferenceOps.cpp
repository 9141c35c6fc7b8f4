#include "model/ReferenceOps.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>
#include <vector>

namespace accel::referenceops {

namespace {

constexpr int kBlockN = 256; // columns of C (and B) kept hot: 4 rows x 256 floats = 4 KiB of C
constexpr int kBlockK = 128; // rows of B per pass: 128 x 256 x 4 B = 128 KiB, fits L2

/// Rows [rowBegin, rowEnd) of C. Four rows share each B row load; the inner j loop is a plain
/// saxpy the compiler vectorises.
void matmulRows(const float *a, const float *b, const float *bias, float *c, int rowBegin, int rowEnd, int k,
                int n)
{
    for (int i = rowBegin; i < rowEnd; ++i) {
        float *ci = c + std::int64_t(i) * n;
        if (bias) {
            std::copy(bias, bias + n, ci);
        } else {
            std::fill(ci, ci + n, 0.0f);
        }
    }
    for (int j0 = 0; j0 < n; j0 += kBlockN) {
        const int j1 = std::min(n, j0 + kBlockN);
        for (int p0 = 0; p0 < k; p0 += kBlockK) {
            const int p1 = std::min(k, p0 + kBlockK);
            int i = rowBegin;
            for (; i + 4 <= rowEnd; i += 4) {
                float *c0 = c + std::int64_t(i) * n;
                float *c1 = c0 + n;
                float *c2 = c1 + n;
                float *c3 = c2 + n;
                const float *a0 = a + std::int64_t(i) * k;
                const float *a1 = a0 + k;
                const float *a2 = a1 + k;
                const float *a3 = a2 + k;
                for (int p = p0; p < p1; ++p) {
                    const float *bp = b + std::int64_t(p) * n;
                    const float x0 = a0[p], x1 = a1[p], x2 = a2[p], x3 = a3[p];
                    for (int j = j0; j < j1; ++j) {
                        const float bv = bp[j];
                        c0[j] += x0 * bv;
                        c1[j] += x1 * bv;
                        c2[j] += x2 * bv;
                        c3[j] += x3 * bv;
                    }
                }
            }
            for (; i < rowEnd; ++i) {
                float *ci = c + std::int64_t(i) * n;
                const float *ai = a + std::int64_t(i) * k;
                for (int p = p0; p < p1; ++p) {
                    const float *bp = b + std::int64_t(p) * n;
                    const float x = ai[p];
                    for (int j = j0; j < j1; ++j) {
                        ci[j] += x * bp[j];
                    }
                }
            }
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
