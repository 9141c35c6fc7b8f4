// Scalar math shared by the JS backend: erf is not in Math. Same Numerical Recipes erfc fit as the
// Wasm and WGSL kernels (fractional error < 1.2e-7).
export function erf(x) {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 +
    t * 0.17087277)))))))));
  return x >= 0 ? 1 - r : r - 1;
}

export function geluTanh(v) {
  return 0.5 * v * (1 + Math.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));
}

export function geluErf(v) {
  return 0.5 * v * (1 + erf(v * 0.7071067811865476));
}
