// 16x16 shared-memory tiled f32 matmul: the fast kernel on real GPUs. Same contract as
// matmul_regblock.wgsl (B and bias padded to Np = 4*N4 columns, read here as scalars).
struct Params { M: u32, K: u32, N: u32, N4: u32, lda: u32, aOff: u32, flags: u32, pad: u32 };
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

const TILE = 16u;
var<workgroup> tileA: array<array<f32, 16>, 16>;
var<workgroup> tileB: array<array<f32, 16>, 16>;

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let col = gid.x;
  let row = gid.y;
  let np = p.N4 * 4u;
  var acc = 0.0;
  let tiles = (p.K + TILE - 1u) / TILE;
  for (var t = 0u; t < tiles; t = t + 1u) {
    let ka = t * TILE + lid.x;
    let kb = t * TILE + lid.y;
    tileA[lid.y][lid.x] = select(0.0, A[row * p.lda + p.aOff + ka], row < p.M && ka < p.K);
    tileB[lid.y][lid.x] = select(0.0, B[kb * np + col], kb < p.K && col < np);
    workgroupBarrier();
    for (var k = 0u; k < TILE; k = k + 1u) {
      acc = acc + tileA[lid.y][k] * tileB[k][lid.x];
    }
    workgroupBarrier();
  }
  if (row < p.M && col < p.N) {
    if ((p.flags & 1u) != 0u) { acc = acc + bias[col]; }
    let idx = row * p.N + col;
    if ((p.flags & 2u) != 0u) { C[idx] = C[idx] + acc; } else { C[idx] = acc; }
  }
}
