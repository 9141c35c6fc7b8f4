// Register-blocked f32 matmul, no shared memory, no barriers: each invocation computes 16 rows x
// 16 columns of C in 16 mat4x4 accumulators (column j of acc<i> is C[r0+i, 4(cb+j) .. 4(cb+j)+3]),
// with the k loop unrolled by 4. The fast kernel on CPU adapters (SwiftShader), where workgroup
// memory and barriers are expensive and every storage load is a per-lane gather: a 16x16 block
// does 256 multiply-adds per 32 loaded floats (the previous 4x4 block: 16 per 8).
// Variants timed side by side in one page (SwiftShader, headless Chromium 156, 2 cores shared with
// builds at load 11-16, so only same-run ratios mean much), GFLOP/s at 256/512/1024, median of 5-6:
//   rows x cols per invocation, workgroup      run A            run B
//   4x4 (the former kernel), 8x8               0.69/0.60/0.52   0.62/0.36/0.43
//   8x16, A scalar, 4x4                        1.58/1.45/1.18
//   16x16, A scalar, 8x4                       1.21/2.05/1.83   0.77/1.40/1.29 (main_unaligned)
//   16x16, A vec4, 8x4                         1.22/2.38/1.81   0.99/1.43/1.38 (main; best 1.22/2.59/2.64)
//   16x16 shared-memory tiles (matmul_tiled)                    0.02/0.03/0.04
// Earlier runs: 4x8 and 8x8 blocks reached ~1.0-1.5; 1-D workgroups (64x1) and workgroups of 16
// or 64 instead of 32 were no better; unrolling k alone on the 4x4 block stayed within the noise.
// C[M,N] (+)= A[M, aOff : aOff+K] @ B[K, Np] (+ bias); B and bias are padded to Np = 4*N4 columns.
// Entry points: `main` needs lda and aOff to be multiples of 4 (A rows read as vec4);
// `main_unaligned` takes any A layout (A read one float at a time).
// Rows past M are clamped (computed, never stored), columns past N4 likewise.
// Dispatch: x = ceil(ceil(N4 / 4) / 8), y = ceil(ceil(M / 16) / 4).
// flags: 1 = add bias, 2 = accumulate into C (split weights: one dispatch per row part).
// The 16 rows are spelled out (no arrays, no inner loops) so the compiler keeps them in registers.
struct Params { M: u32, K: u32, N: u32, N4: u32, lda: u32, aOff: u32, flags: u32, pad: u32 };
@group(0) @binding(0) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

// Element i of A (any alignment).
fn loadA(i: u32) -> f32 { return A[i >> 2u][i & 3u]; }
// Row k of B at the 4 vec4 columns c (clamped to N4 - 1: the extra columns are never stored).
fn loadB(k: u32, c: vec4<u32>) -> mat4x4<f32> {
  let r = k * p.N4;
  return mat4x4<f32>(B[r + c.x], B[r + c.y], B[r + c.z], B[r + c.w]);
}
// Adds the bias (flags & 1) and writes (or adds to C, flags & 2) the block, skipping rows >= M and
// columns >= N.
// (Dynamic indices go through function variables: every WGSL implementation allows that.)
fn finish(r0: u32, cb: u32, c: vec4<u32>, accIn: array<mat4x4<f32>, 16>) {
  var acc = accIn;
  var bv = mat4x4<f32>();
  if ((p.flags & 1u) != 0u) { bv = mat4x4<f32>(bias[c.x], bias[c.y], bias[c.z], bias[c.w]); }
  for (var i = 0u; i < 16u; i = i + 1u) {
    let row = r0 + i;
    if (row >= p.M) { return; }
    var v = acc[i] + bv;
    for (var j = 0u; j < 4u; j = j + 1u) {
      for (var e = 0u; e < 4u; e = e + 1u) {
        let col = (cb + j) * 4u + e;
        if (col < p.N) {
          let idx = row * p.N + col;
          if ((p.flags & 2u) != 0u) { C[idx] = C[idx] + v[j][e]; } else { C[idx] = v[j][e]; }
        }
      }
    }
  }
}

@compute @workgroup_size(8, 4)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let cb = gid.x * 4u;
  let r0 = gid.y * 16u;
  if (cb >= p.N4 || r0 >= p.M) { return; }
  let last = p.M - 1u;
  let c = min(vec4<u32>(cb) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(p.N4 - 1u));
  let a0 = (r0 * p.lda + p.aOff) / 4u;
  let a1 = (min(r0 + 1u, last) * p.lda + p.aOff) / 4u;
  let a2 = (min(r0 + 2u, last) * p.lda + p.aOff) / 4u;
  let a3 = (min(r0 + 3u, last) * p.lda + p.aOff) / 4u;
  let a4 = (min(r0 + 4u, last) * p.lda + p.aOff) / 4u;
  let a5 = (min(r0 + 5u, last) * p.lda + p.aOff) / 4u;
  let a6 = (min(r0 + 6u, last) * p.lda + p.aOff) / 4u;
  let a7 = (min(r0 + 7u, last) * p.lda + p.aOff) / 4u;
  let a8 = (min(r0 + 8u, last) * p.lda + p.aOff) / 4u;
  let a9 = (min(r0 + 9u, last) * p.lda + p.aOff) / 4u;
  let a10 = (min(r0 + 10u, last) * p.lda + p.aOff) / 4u;
  let a11 = (min(r0 + 11u, last) * p.lda + p.aOff) / 4u;
  let a12 = (min(r0 + 12u, last) * p.lda + p.aOff) / 4u;
  let a13 = (min(r0 + 13u, last) * p.lda + p.aOff) / 4u;
  let a14 = (min(r0 + 14u, last) * p.lda + p.aOff) / 4u;
  let a15 = (min(r0 + 15u, last) * p.lda + p.aOff) / 4u;
  var acc0 = mat4x4<f32>();
  var acc1 = mat4x4<f32>();
  var acc2 = mat4x4<f32>();
  var acc3 = mat4x4<f32>();
  var acc4 = mat4x4<f32>();
  var acc5 = mat4x4<f32>();
  var acc6 = mat4x4<f32>();
  var acc7 = mat4x4<f32>();
  var acc8 = mat4x4<f32>();
  var acc9 = mat4x4<f32>();
  var acc10 = mat4x4<f32>();
  var acc11 = mat4x4<f32>();
  var acc12 = mat4x4<f32>();
  var acc13 = mat4x4<f32>();
  var acc14 = mat4x4<f32>();
  var acc15 = mat4x4<f32>();
  let K4 = p.K / 4u;
  for (var k4 = 0u; k4 < K4; k4 = k4 + 1u) {
    let k = k4 * 4u;
    let b0 = loadB(k, c);
    let b1 = loadB(k + 1u, c);
    let b2 = loadB(k + 2u, c);
    let b3 = loadB(k + 3u, c);
    { let v = A[a0 + k4]; acc0 = acc0 + v.x * b0 + v.y * b1 + v.z * b2 + v.w * b3; }
    { let v = A[a1 + k4]; acc1 = acc1 + v.x * b0 + v.y * b1 + v.z * b2 + v.w * b3; }
    { let v = A[a2 + k4]; acc2 = acc2 + v.x * b0 + v.y * b1 + v.z * b2 + v.w * b3; }
    { let v = A[a3 + k4]; acc3 = acc3 + v.x * b0 + v.y * b1 + v.z * b2 + v.w * b3; }
    { let v = A[a4 + k4]; acc4 = acc4 + v.x * b0 + v.y * b1 + v.z * b2 + v.w * b3; }
    { let v = A[a5 + k4]; acc5 = acc5 + v.x * b0 + v.y * b1 + v.z * b2 + v.w * b3; }
    { let v = A[a6 + k4]; acc6 = acc6 + v.x * b0 + v.y * b1 + v.z * b2 + v.w * b3; }
    { let v = A[a7 + k4]; acc7 = acc7 + v.x * b0 + v.y * b1 + v.z * b2 + v.w * b3; }
    { let v = A[a8 + k4]; acc8 = acc8 + v.x * b0 + v.y * b1 + v.z * b2 + v.w * b3; }
    { let v = A[a9 + k4]; acc9 = acc9 + v.x * b0 + v.y * b1 + v.z * b2 + v.w * b3; }
    { let v = A[a10 + k4]; acc10 = acc10 + v.x * b0 + v.y * b1 + v.z * b2 + v.w * b3; }
    { let v = A[a11 + k4]; acc11 = acc11 + v.x * b0 + v.y * b1 + v.z * b2 + v.w * b3; }
    { let v = A[a12 + k4]; acc12 = acc12 + v.x * b0 + v.y * b1 + v.z * b2 + v.w * b3; }
    { let v = A[a13 + k4]; acc13 = acc13 + v.x * b0 + v.y * b1 + v.z * b2 + v.w * b3; }
    { let v = A[a14 + k4]; acc14 = acc14 + v.x * b0 + v.y * b1 + v.z * b2 + v.w * b3; }
    { let v = A[a15 + k4]; acc15 = acc15 + v.x * b0 + v.y * b1 + v.z * b2 + v.w * b3; }
  }
  for (var k = K4 * 4u; k < p.K; k = k + 1u) {
    let b = loadB(k, c);
    acc0 = acc0 + A[a0 + K4][k - K4 * 4u] * b;
    acc1 = acc1 + A[a1 + K4][k - K4 * 4u] * b;
    acc2 = acc2 + A[a2 + K4][k - K4 * 4u] * b;
    acc3 = acc3 + A[a3 + K4][k - K4 * 4u] * b;
    acc4 = acc4 + A[a4 + K4][k - K4 * 4u] * b;
    acc5 = acc5 + A[a5 + K4][k - K4 * 4u] * b;
    acc6 = acc6 + A[a6 + K4][k - K4 * 4u] * b;
    acc7 = acc7 + A[a7 + K4][k - K4 * 4u] * b;
    acc8 = acc8 + A[a8 + K4][k - K4 * 4u] * b;
    acc9 = acc9 + A[a9 + K4][k - K4 * 4u] * b;
    acc10 = acc10 + A[a10 + K4][k - K4 * 4u] * b;
    acc11 = acc11 + A[a11 + K4][k - K4 * 4u] * b;
    acc12 = acc12 + A[a12 + K4][k - K4 * 4u] * b;
    acc13 = acc13 + A[a13 + K4][k - K4 * 4u] * b;
    acc14 = acc14 + A[a14 + K4][k - K4 * 4u] * b;
    acc15 = acc15 + A[a15 + K4][k - K4 * 4u] * b;
  }
  finish(r0, cb, c, array<mat4x4<f32>, 16>(acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7, acc8, acc9, acc10, acc11, acc12, acc13, acc14, acc15));
}

@compute @workgroup_size(8, 4)
fn main_unaligned(@builtin(global_invocation_id) gid: vec3<u32>) {
  let cb = gid.x * 4u;
  let r0 = gid.y * 16u;
  if (cb >= p.N4 || r0 >= p.M) { return; }
  let last = p.M - 1u;
  let c = min(vec4<u32>(cb) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(p.N4 - 1u));
  let a0 = r0 * p.lda + p.aOff;
  let a1 = min(r0 + 1u, last) * p.lda + p.aOff;
  let a2 = min(r0 + 2u, last) * p.lda + p.aOff;
  let a3 = min(r0 + 3u, last) * p.lda + p.aOff;
  let a4 = min(r0 + 4u, last) * p.lda + p.aOff;
  let a5 = min(r0 + 5u, last) * p.lda + p.aOff;
  let a6 = min(r0 + 6u, last) * p.lda + p.aOff;
  let a7 = min(r0 + 7u, last) * p.lda + p.aOff;
  let a8 = min(r0 + 8u, last) * p.lda + p.aOff;
  let a9 = min(r0 + 9u, last) * p.lda + p.aOff;
  let a10 = min(r0 + 10u, last) * p.lda + p.aOff;
  let a11 = min(r0 + 11u, last) * p.lda + p.aOff;
  let a12 = min(r0 + 12u, last) * p.lda + p.aOff;
  let a13 = min(r0 + 13u, last) * p.lda + p.aOff;
  let a14 = min(r0 + 14u, last) * p.lda + p.aOff;
  let a15 = min(r0 + 15u, last) * p.lda + p.aOff;
  var acc0 = mat4x4<f32>();
  var acc1 = mat4x4<f32>();
  var acc2 = mat4x4<f32>();
  var acc3 = mat4x4<f32>();
  var acc4 = mat4x4<f32>();
  var acc5 = mat4x4<f32>();
  var acc6 = mat4x4<f32>();
  var acc7 = mat4x4<f32>();
  var acc8 = mat4x4<f32>();
  var acc9 = mat4x4<f32>();
  var acc10 = mat4x4<f32>();
  var acc11 = mat4x4<f32>();
  var acc12 = mat4x4<f32>();
  var acc13 = mat4x4<f32>();
  var acc14 = mat4x4<f32>();
  var acc15 = mat4x4<f32>();
  let K4 = p.K / 4u;
  for (var k4 = 0u; k4 < K4; k4 = k4 + 1u) {
    let k = k4 * 4u;
    let b0 = loadB(k, c);
    let b1 = loadB(k + 1u, c);
    let b2 = loadB(k + 2u, c);
    let b3 = loadB(k + 3u, c);
    acc0 = acc0 + loadA(a0 + k) * b0 + loadA(a0 + k + 1u) * b1 + loadA(a0 + k + 2u) * b2 + loadA(a0 + k + 3u) * b3;
    acc1 = acc1 + loadA(a1 + k) * b0 + loadA(a1 + k + 1u) * b1 + loadA(a1 + k + 2u) * b2 + loadA(a1 + k + 3u) * b3;
    acc2 = acc2 + loadA(a2 + k) * b0 + loadA(a2 + k + 1u) * b1 + loadA(a2 + k + 2u) * b2 + loadA(a2 + k + 3u) * b3;
    acc3 = acc3 + loadA(a3 + k) * b0 + loadA(a3 + k + 1u) * b1 + loadA(a3 + k + 2u) * b2 + loadA(a3 + k + 3u) * b3;
    acc4 = acc4 + loadA(a4 + k) * b0 + loadA(a4 + k + 1u) * b1 + loadA(a4 + k + 2u) * b2 + loadA(a4 + k + 3u) * b3;
    acc5 = acc5 + loadA(a5 + k) * b0 + loadA(a5 + k + 1u) * b1 + loadA(a5 + k + 2u) * b2 + loadA(a5 + k + 3u) * b3;
    acc6 = acc6 + loadA(a6 + k) * b0 + loadA(a6 + k + 1u) * b1 + loadA(a6 + k + 2u) * b2 + loadA(a6 + k + 3u) * b3;
    acc7 = acc7 + loadA(a7 + k) * b0 + loadA(a7 + k + 1u) * b1 + loadA(a7 + k + 2u) * b2 + loadA(a7 + k + 3u) * b3;
    acc8 = acc8 + loadA(a8 + k) * b0 + loadA(a8 + k + 1u) * b1 + loadA(a8 + k + 2u) * b2 + loadA(a8 + k + 3u) * b3;
    acc9 = acc9 + loadA(a9 + k) * b0 + loadA(a9 + k + 1u) * b1 + loadA(a9 + k + 2u) * b2 + loadA(a9 + k + 3u) * b3;
    acc10 = acc10 + loadA(a10 + k) * b0 + loadA(a10 + k + 1u) * b1 + loadA(a10 + k + 2u) * b2 + loadA(a10 + k + 3u) * b3;
    acc11 = acc11 + loadA(a11 + k) * b0 + loadA(a11 + k + 1u) * b1 + loadA(a11 + k + 2u) * b2 + loadA(a11 + k + 3u) * b3;
    acc12 = acc12 + loadA(a12 + k) * b0 + loadA(a12 + k + 1u) * b1 + loadA(a12 + k + 2u) * b2 + loadA(a12 + k + 3u) * b3;
    acc13 = acc13 + loadA(a13 + k) * b0 + loadA(a13 + k + 1u) * b1 + loadA(a13 + k + 2u) * b2 + loadA(a13 + k + 3u) * b3;
    acc14 = acc14 + loadA(a14 + k) * b0 + loadA(a14 + k + 1u) * b1 + loadA(a14 + k + 2u) * b2 + loadA(a14 + k + 3u) * b3;
    acc15 = acc15 + loadA(a15 + k) * b0 + loadA(a15 + k + 1u) * b1 + loadA(a15 + k + 2u) * b2 + loadA(a15 + k + 3u) * b3;
  }
  for (var k = K4 * 4u; k < p.K; k = k + 1u) {
    let b = loadB(k, c);
    acc0 = acc0 + loadA(a0 + k) * b;
    acc1 = acc1 + loadA(a1 + k) * b;
    acc2 = acc2 + loadA(a2 + k) * b;
    acc3 = acc3 + loadA(a3 + k) * b;
    acc4 = acc4 + loadA(a4 + k) * b;
    acc5 = acc5 + loadA(a5 + k) * b;
    acc6 = acc6 + loadA(a6 + k) * b;
    acc7 = acc7 + loadA(a7 + k) * b;
    acc8 = acc8 + loadA(a8 + k) * b;
    acc9 = acc9 + loadA(a9 + k) * b;
    acc10 = acc10 + loadA(a10 + k) * b;
    acc11 = acc11 + loadA(a11 + k) * b;
    acc12 = acc12 + loadA(a12 + k) * b;
    acc13 = acc13 + loadA(a13 + k) * b;
    acc14 = acc14 + loadA(a14 + k) * b;
    acc15 = acc15 + loadA(a15 + k) * b;
  }
  finish(r0, cb, c, array<mat4x4<f32>, 16>(acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7, acc8, acc9, acc10, acc11, acc12, acc13, acc14, acc15));
}
