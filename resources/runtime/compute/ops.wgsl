//// layernorm
// One invocation per row. y = (x - mean) / sqrt(var + eps) * gamma + beta.
struct Params { rows: u32, cols: u32, eps: f32, pad: u32 };
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read> Bt: array<f32>;
@group(0) @binding(3) var<storage, read_write> Y: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x;
  if (r >= p.rows) { return; }
  let o = r * p.cols;
  var sum = 0.0;
  for (var i = 0u; i < p.cols; i = i + 1u) { sum = sum + X[o + i]; }
  let mean = sum / f32(p.cols);
  var v = 0.0;
  for (var i = 0u; i < p.cols; i = i + 1u) { let d = X[o + i] - mean; v = v + d * d; }
  let inv = inverseSqrt(v / f32(p.cols) + p.eps);
  for (var i = 0u; i < p.cols; i = i + 1u) { Y[o + i] = (X[o + i] - mean) * inv * G[i] + Bt[i]; }
}
//// gelu
// GELU, tanh approximation (exact = 0) or erf (exact = 1; Numerical Recipes erfc fit).
struct Params { n: u32, exact: u32, pad0: u32, pad1: u32 };
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
fn erf_f(x: f32) -> f32 {
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let r = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
          t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 +
          t * 0.17087277)))))))));
  return select(r - 1.0, 1.0 - r, x >= 0.0);
}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * 65535u * 64u + gid.x;
  if (i >= p.n) { return; }
  let v = X[i];
  if (p.exact == 1u) {
    Y[i] = 0.5 * v * (1.0 + erf_f(v * 0.7071067811865476));
  } else {
    let u = clamp(0.7978845608028654 * (v + 0.044715 * v * v * v), -15.0, 15.0);
    Y[i] = 0.5 * v * (1.0 + tanh(u));
  }
}
//// add
struct Params { n: u32, pad0: u32, pad1: u32, pad2: u32 };
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * 65535u * 64u + gid.x;
  if (i < p.n) { Y[i] = A[i] + B[i]; }
}
//// softmax
struct Params { rows: u32, cols: u32, pad0: u32, pad1: u32 };
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x;
  if (r >= p.rows) { return; }
  let o = r * p.cols;
  var m = X[o];
  for (var i = 1u; i < p.cols; i = i + 1u) { m = max(m, X[o + i]); }
  var sum = 0.0;
  for (var i = 0u; i < p.cols; i = i + 1u) { let e = exp(X[o + i] - m); Y[o + i] = e; sum = sum + e; }
  for (var i = 0u; i < p.cols; i = i + 1u) { Y[o + i] = Y[o + i] / sum; }
}
//// attention
// One invocation per (query position, head): scaled dot-product attention over the fused
// qkv[seq, 3E]; causal masks later positions. Two passes (max, then exp-weighted sum).
struct Params { seq: u32, heads: u32, dim: u32, causal: u32 };
@group(0) @binding(0) var<storage, read> QKV: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let idx = gid.x;
  if (idx >= p.seq * p.heads) { return; }
  let s = idx / p.heads;
  let h = idx % p.heads;
  let e = p.heads * p.dim;
  let stride = 3u * e;
  let q = s * stride + h * p.dim;
  let visible = select(p.seq, s + 1u, p.causal == 1u);
  let scale = 1.0 / sqrt(f32(p.dim));
  var m = -3.0e38;
  for (var t = 0u; t < visible; t = t + 1u) {
    let k = t * stride + e + h * p.dim;
    var dot = 0.0;
    for (var d = 0u; d < p.dim; d = d + 1u) { dot = dot + QKV[q + d] * QKV[k + d]; }
    m = max(m, dot * scale);
  }
  var acc: array<f32, 256>;
  for (var d = 0u; d < p.dim; d = d + 1u) { acc[d] = 0.0; }
  var sum = 0.0;
  for (var t = 0u; t < visible; t = t + 1u) {
    let k = t * stride + e + h * p.dim;
    var dot = 0.0;
    for (var d = 0u; d < p.dim; d = d + 1u) { dot = dot + QKV[q + d] * QKV[k + d]; }
    let w = exp(dot * scale - m);
    sum = sum + w;
    let v = t * stride + 2u * e + h * p.dim;
    for (var d = 0u; d < p.dim; d = d + 1u) { acc[d] = acc[d] + w * QKV[v + d]; }
  }
  let o = s * e + h * p.dim;
  for (var d = 0u; d < p.dim; d = d + 1u) { Y[o + d] = acc[d] / sum; }
}
//// embedding
// out[s, i] = table[id - r0, i] + pos[s, i] (+ type[i]) for tokens whose id lies in this table
// part's rows [r0, r0 + rows); tables are stored with padded rows of hp floats.
struct Params { seq: u32, hidden: u32, hp: u32, r0: u32, rows: u32, hasType: u32, pad0: u32, pad1: u32 };
@group(0) @binding(0) var<storage, read> IDS: array<i32>;
@group(0) @binding(1) var<storage, read> T: array<f32>;
@group(0) @binding(2) var<storage, read> POS: array<f32>;
@group(0) @binding(3) var<storage, read> TT: array<f32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let idx = gid.x;
  if (idx >= p.seq * p.hidden) { return; }
  let s = idx / p.hidden;
  let i = idx % p.hidden;
  let id = u32(IDS[s]);
  if (id < p.r0 || id >= p.r0 + p.rows) { return; }
  var v = T[(id - p.r0) * p.hp + i] + POS[s * p.hp + i];
  if (p.hasType == 1u) { v = v + TT[i]; }
  Y[idx] = v;
}
