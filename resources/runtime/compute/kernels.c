/* Wasm compute kernels of the Accelerate runtime: float32, row-major, SIMD128.
 * Built without libc: clang --target=wasm32 -msimd128 -nostdlib -ffreestanding -O3, linked with
 * wasm-ld --no-entry --export-dynamic. Memory is owned by JavaScript (wasm-ops.js): it places
 * every tensor in the exported linear memory above __heap_base and passes byte offsets here.
 * Semantics match core/model/ReferenceOps (the native oracle); matmul adds k in the same order.
 */
#include <wasm_simd128.h>

#define EXPORT __attribute__((visibility("default")))

typedef unsigned int u32;

static inline float as_float(u32 bits)
{
    union {
        u32 u;
        float f;
    } v = {bits};
    return v.f;
}

/* e^x with |rel err| < 2e-7 on the range used (degree-7 polynomial after ln2 range reduction). */
static inline float exp_f(float x)
{
    if (x < -87.0f) {
        return 0.0f;
    }
    if (x > 88.0f) {
        x = 88.0f;
    }
    const float n = __builtin_floorf(x * 1.4426950408889634f + 0.5f);
    const float r = x - n * 0.693145751953125f - n * 1.428606765330187e-06f;
    const float p =
        1.0f +
        r * (1.0f + r * (0.5f + r * (0.16666667f + r * (0.041666668f + r * (0.008333334f + r * (0.0013888889f + r * 0.00019841270f))))));
    return p * as_float((u32)((int)n + 127) << 23);
}

static inline float tanh_f(float x)
{
    if (x > 15.0f) {
        return 1.0f;
    }
    if (x < -15.0f) {
        return -1.0f;
    }
    if (x > -0.01f && x < 0.01f) { /* avoid cancellation: x - x^3/3 + 2x^5/15 */
        const float x2 = x * x;
        return x * (1.0f - x2 * (0.33333334f - x2 * 0.13333334f));
    }
    return 1.0f - 2.0f / (exp_f(2.0f * x) + 1.0f);
}

/* erf from the Numerical Recipes erfc Chebyshev fit (fractional error < 1.2e-7). */
static inline float erf_f(float x)
{
    const float z = x < 0 ? -x : x;
    const float t = 1.0f / (1.0f + 0.5f * z);
    const float r =
        t * exp_f(-z * z - 1.26551223f +
                  t * (1.00002368f +
                       t * (0.37409196f +
                            t * (0.09678418f +
                                 t * (-0.18628806f +
                                      t * (0.27886807f +
                                           t * (-1.13520398f + t * (1.48851587f + t * (-0.82215223f + t * 0.17087277f)))))))));
    return x >= 0 ? 1.0f - r : r - 1.0f;
}

/* C[M,N] = A[M,K] @ B[K,N] (+ bias[N]). Blocks of 4 rows x 8 columns keep 8 f32x4 accumulators in
 * registers; each B load feeds 4 rows. Column panels outermost so a K x 8 panel of B stays cached
 * while every row block streams past it. */
EXPORT void matmul(const float *A, const float *B, const float *bias, float *C, int M, int K, int N)
{
    int j = 0;
    for (; j + 8 <= N; j += 8) {
        int i = 0;
        const v128_t bias0 = bias ? wasm_v128_load(bias + j) : wasm_f32x4_splat(0.0f);
        const v128_t bias1 = bias ? wasm_v128_load(bias + j + 4) : wasm_f32x4_splat(0.0f);
        for (; i + 4 <= M; i += 4) {
            v128_t c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1;
            v128_t c20 = bias0, c21 = bias1, c30 = bias0, c31 = bias1;
            const float *a0 = A + (long)i * K;
            const float *a1 = a0 + K;
            const float *a2 = a1 + K;
            const float *a3 = a2 + K;
            const float *b = B + j;
            for (int k = 0; k < K; ++k, b += N) {
                const v128_t b0 = wasm_v128_load(b);
                const v128_t b1 = wasm_v128_load(b + 4);
                const v128_t x0 = wasm_f32x4_splat(a0[k]);
                const v128_t x1 = wasm_f32x4_splat(a1[k]);
                const v128_t x2 = wasm_f32x4_splat(a2[k]);
                const v128_t x3 = wasm_f32x4_splat(a3[k]);
                c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x0, b0));
                c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x0, b1));
                c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x1, b0));
                c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x1, b1));
                c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(x2, b0));
                c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(x2, b1));
                c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(x3, b0));
                c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(x3, b1));
            }
            float *c = C + (long)i * N + j;
            wasm_v128_store(c, c00);
            wasm_v128_store(c + 4, c01);
            wasm_v128_store(c + N, c10);
            wasm_v128_store(c + N + 4, c11);
            wasm_v128_store(c + 2 * N, c20);
            wasm_v128_store(c + 2 * N + 4, c21);
            wasm_v128_store(c + 3 * N, c30);
            wasm_v128_store(c + 3 * N + 4, c31);
        }
        for (; i < M; ++i) {
            v128_t c0 = bias0, c1 = bias1;
            const float *a = A + (long)i * K;
            const float *b = B + j;
            for (int k = 0; k < K; ++k, b += N) {
                const v128_t x = wasm_f32x4_splat(a[k]);
                c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(x, wasm_v128_load(b)));
                c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(x, wasm_v128_load(b + 4)));
            }
            wasm_v128_store(C + (long)i * N + j, c0);
            wasm_v128_store(C + (long)i * N + j + 4, c1);
        }
    }
    for (; j + 4 <= N; j += 4) {
        const v128_t bias0 = bias ? wasm_v128_load(bias + j) : wasm_f32x4_splat(0.0f);
        for (int i = 0; i < M; ++i) {
            v128_t c0 = bias0;
            const float *a = A + (long)i * K;
            const float *b = B + j;
            for (int k = 0; k < K; ++k, b += N) {
                c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(wasm_f32x4_splat(a[k]), wasm_v128_load(b)));
            }
            wasm_v128_store(C + (long)i * N + j, c0);
        }
    }
    for (; j < N; ++j) {
        for (int i = 0; i < M; ++i) {
            float s = bias ? bias[j] : 0.0f;
            const float *a = A + (long)i * K;
            for (int k = 0; k < K; ++k) {
                s += a[k] * B[(long)k * N + j];
            }
            C[(long)i * N + j] = s;
        }
    }
}

EXPORT void add(const float *a, const float *b, float *y, int n)
{
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        wasm_v128_store(y + i, wasm_f32x4_add(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    }
    for (; i < n; ++i) {
        y[i] = a[i] + b[i];
    }
}

EXPORT void layer_norm(const float *x, const float *gamma, const float *beta, float *y, int rows, int cols, float eps)
{
    for (int r = 0; r < rows; ++r) {
        const float *xr = x + (long)r * cols;
        float *yr = y + (long)r * cols;
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
        const double inv = 1.0 / __builtin_sqrt(var / cols + (double)eps);
        for (int i = 0; i < cols; ++i) {
            yr[i] = (float)((xr[i] - mean) * inv * gamma[i] + beta[i]);
        }
    }
}

EXPORT void gelu_tanh(const float *x, float *y, int n)
{
    for (int i = 0; i < n; ++i) {
        const float v = x[i];
        y[i] = 0.5f * v * (1.0f + tanh_f(0.7978845608028654f * (v + 0.044715f * v * v * v)));
    }
}

EXPORT void gelu_erf(const float *x, float *y, int n)
{
    for (int i = 0; i < n; ++i) {
        const float v = x[i];
        y[i] = 0.5f * v * (1.0f + erf_f(v * 0.7071067811865476f));
    }
}

EXPORT void softmax_rows(const float *x, float *y, int rows, int cols)
{
    for (int r = 0; r < rows; ++r) {
        const float *xr = x + (long)r * cols;
        float *yr = y + (long)r * cols;
        float m = xr[0];
        for (int i = 1; i < cols; ++i) {
            m = xr[i] > m ? xr[i] : m;
        }
        double sum = 0.0;
        for (int i = 0; i < cols; ++i) {
            yr[i] = exp_f(xr[i] - m);
            sum += yr[i];
        }
        const float inv = (float)(1.0 / sum);
        for (int i = 0; i < cols; ++i) {
            yr[i] *= inv;
        }
    }
}

/* out[seq, E] from qkv[seq, 3E]; scratch holds seq floats. */
EXPORT void attention(const float *qkv, float *out, float *scratch, int seq, int heads, int dim, int causal)
{
    const int e = heads * dim;
    const long stride = 3L * e;
    const float scale = 1.0f / __builtin_sqrtf((float)dim);
    for (int h = 0; h < heads; ++h) {
        for (int s = 0; s < seq; ++s) {
            const float *q = qkv + s * stride + h * dim;
            const int visible = causal ? s + 1 : seq;
            float m = -3.0e38f;
            for (int t = 0; t < visible; ++t) {
                const float *k = qkv + t * stride + e + h * dim;
                float dot = 0.0f;
                for (int d = 0; d < dim; ++d) {
                    dot += q[d] * k[d];
                }
                scratch[t] = dot * scale;
                m = scratch[t] > m ? scratch[t] : m;
            }
            float sum = 0.0f;
            for (int t = 0; t < visible; ++t) {
                scratch[t] = exp_f(scratch[t] - m);
                sum += scratch[t];
            }
            const float inv = 1.0f / sum;
            float *o = out + (long)s * e + h * dim;
            for (int d = 0; d < dim; ++d) {
                o[d] = 0.0f;
            }
            for (int t = 0; t < visible; ++t) {
                const float p = scratch[t] * inv;
                const float *v = qkv + t * stride + 2 * e + h * dim;
                for (int d = 0; d < dim; ++d) {
                    o[d] += p * v[d];
                }
            }
        }
    }
}

/* out[s] = table[ids[s]] + positions[s] (+ typeRow). ids are checked by the caller. */
EXPORT void embedding(const int *ids, int seq, const float *table, const float *positions, const float *typeRow,
                      float *out, int hidden)
{
    for (int s = 0; s < seq; ++s) {
        const float *w = table + (long)ids[s] * hidden;
        const float *p = positions + (long)s * hidden;
        float *o = out + (long)s * hidden;
        for (int i = 0; i < hidden; ++i) {
            o[i] = w[i] + p[i] + (typeRow ? typeRow[i] : 0.0f);
        }
    }
}
