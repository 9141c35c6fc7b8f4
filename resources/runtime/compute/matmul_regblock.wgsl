// Register-blocked f32 matmul, no shared memory, no barriers: each invocation computes 4 rows x
// 4 columns (one vec4) of C. The fast kernel on CPU adapters (SwiftShader), where workgroup
// memory and barriers are expensive.
// C[M,N] (+)= A[M, aOff : aOff+K] @ B[K, Np] (+ bias); B and bias are padded to Np = 4*N4 columns.
struct Params { M: u32, K: u32, N: u32, N4: u32, lda: u32, aOff: u32, flags: u32, pad: u32 };
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

fn store(row: u32, c4: u32, v: vec4<f32>) {
  if (row >= p.M) { return; }
  for (var j = 0u; j < 4u; j = j + 1u) {
    let col = c4 * 4u + j;
    if (col < p.N) {
      let idx = row * p.N + col;
      if ((p.flags & 2u) != 0u) { C[idx] = C[idx] + v[j]; } else { C[idx] = v[j]; }
    }
  }
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c4 = gid.x;
  let r0 = gid.y * 4u;
  if (c4 >= p.N4 || r0 >= p.M) { return; }
  let last = p.M - 1u;
  let a0 = r0 * p.lda + p.aOff;
  let a1 = min(r0 + 1u, last) * p.lda + p.aOff;
  let a2 = min(r0 + 2u, last) * p.lda + p.aOff;
  let a3 = min(r0 + 3u, last) * p.lda + p.aOff;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k = 0u; k < p.K; k = k + 1u) {
    let b = B[k * p.N4 + c4];
    acc0 = acc0 + A[a0 + k] * b;
    acc1 = acc1 + A[a1 + k] * b;
    acc2 = acc2 + A[a2 + k] * b;
    acc3 = acc3 + A[a3 + k] * b;
  }
  if ((p.flags & 1u) != 0u) {
    let bv = bias[c4];
    acc0 = acc0 + bv;
    acc1 = acc1 + bv;
    acc2 = acc2 + bv;
    acc3 = acc3 + bv;
  }
  store(r0, c4, acc0);
  store(r0 + 1u, c4, acc1);
  store(r0 + 2u, c4, acc2);
  store(r0 + 3u, c4, acc3);
}
