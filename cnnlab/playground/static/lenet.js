/* LeNet-5 (modern form, chapter 5) computed in the page: plain JavaScript, no library.
 *
 * The same layers as cnnlab's NumPy kernels, written as the lecture writes them:
 *   conv:  out[n][i][j] = b[n] + Σ_d Σ_u Σ_v w[n][d][u][v] · x[d][i·S+u][j·S+v]  (cross-correlation)
 *   pool:  out[d][i][j] = max of the 2×2 window at (2i, 2j)
 *   dense: out[k] = b[k] + Σ_m w[k][m] · x[m]
 * A map is {c, h, w, data: Float32Array(c·h·w)} in (channel, row, column) order.
 * Exposes window.cnnlabLeNet = {decodeWeights, conv2d, maxPool2, dense, relu, softmax, forward}.
 */
(function () {
  "use strict";
  if (window.cnnlabLeNet) return;

  /* float16 bits -> number (IEEE 754 half precision) */
  function halfToFloat(h) {
    var s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
    if (e === 0) return s * Math.pow(2, -14) * (f / 1024);
    if (e === 31) return f ? NaN : s * Infinity;
    return s * Math.pow(2, e - 15) * (1 + f / 1024);
  }

  /* {data: base64 of little-endian float16, arrays: {key: {shape, offset}}} -> {key: Float32Array} */
  function decodeWeights(packed) {
    var bin = atob(packed.data), n = bin.length >> 1, all = new Float32Array(n);
    for (var i = 0; i < n; i++) {
      all[i] = halfToFloat(bin.charCodeAt(2 * i) | (bin.charCodeAt(2 * i + 1) << 8));
    }
    var out = {};
    Object.keys(packed.arrays).forEach(function (key) {
      var a = packed.arrays[key], size = a.shape.reduce(function (p, q) { return p * q; }, 1);
      out[key] = {shape: a.shape, data: all.subarray(a.offset, a.offset + size)};
    });
    return out;
  }

  function map(c, h, w) { return {c: c, h: h, w: w, data: new Float32Array(c * h * w)}; }

  /* x (D, H, W), w (N, D, F, F), b (N) -> (N, H', W') with H' = (H + 2P − F)/S + 1 */
  function conv2d(x, w, b, stride, pad) {
    stride = stride || 1; pad = pad || 0;
    var N = w.shape[0], D = w.shape[1], F = w.shape[2];
    var Ho = Math.floor((x.h + 2 * pad - F) / stride) + 1;
    var Wo = Math.floor((x.w + 2 * pad - F) / stride) + 1;
    var out = map(N, Ho, Wo), wd = w.data, xd = x.data;
    for (var n = 0; n < N; n++) {
      for (var i = 0; i < Ho; i++) {
        for (var j = 0; j < Wo; j++) {
          var sum = b ? b.data[n] : 0;
          for (var d = 0; d < D; d++) {
            for (var u = 0; u < F; u++) {
              var r = i * stride + u - pad;
              if (r < 0 || r >= x.h) continue;
              for (var v = 0; v < F; v++) {
                var c = j * stride + v - pad;
                if (c < 0 || c >= x.w) continue;
                sum += wd[((n * D + d) * F + u) * F + v] * xd[(d * x.h + r) * x.w + c];
              }
            }
          }
          out.data[(n * Ho + i) * Wo + j] = sum;
        }
      }
    }
    return out;
  }

  /* 2×2 max pooling, stride 2 (floor: a trailing odd row or column is dropped) */
  function maxPool2(x) {
    var Ho = Math.floor(x.h / 2), Wo = Math.floor(x.w / 2), out = map(x.c, Ho, Wo);
    for (var d = 0; d < x.c; d++) {
      for (var i = 0; i < Ho; i++) {
        for (var j = 0; j < Wo; j++) {
          var m = -Infinity;
          for (var u = 0; u < 2; u++) {
            for (var v = 0; v < 2; v++) {
              m = Math.max(m, x.data[(d * x.h + 2 * i + u) * x.w + 2 * j + v]);
            }
          }
          out.data[(d * Ho + i) * Wo + j] = m;
        }
      }
    }
    return out;
  }

  /* x flattened (M), w (K, M), b (K) -> (K, 1, 1) */
  function dense(x, w, b) {
    var K = w.shape[0], M = w.shape[1], out = map(K, 1, 1);
    for (var k = 0; k < K; k++) {
      var sum = b.data[k];
      for (var m = 0; m < M; m++) sum += w.data[k * M + m] * x.data[m];
      out.data[k] = sum;
    }
    return out;
  }

  function relu(x) {
    for (var i = 0; i < x.data.length; i++) if (x.data[i] < 0) x.data[i] = 0;
    return x;
  }

  function softmax(logits) {
    var m = Math.max.apply(null, Array.prototype.slice.call(logits)), s = 0;
    var p = logits.map(function (z) { return Math.exp(z - m); });
    p.forEach(function (v) { s += v; });
    return p.map(function (v) { return v / s; });
  }

  /* input: Float32Array(32·32), prepared like cnnlab.models.prepare_digits */
  function forward(W, input) {
    var x = {c: 1, h: 32, w: 32, data: input};
    var C1 = relu(conv2d(x, W["C1.w"], W["C1.b"]));
    var S2 = maxPool2(C1);
    var C3 = relu(conv2d(S2, W["C3.w"], W["C3.b"]));
    var S4 = maxPool2(C3);
    var C5 = relu(conv2d(S4, W["C5.w"], W["C5.b"]));
    var F6 = relu(dense(C5, W["F6.w"], W["F6.b"]));
    var OUT = dense(F6, W["OUTPUT.w"], W["OUTPUT.b"]);
    return {C1: C1, S2: S2, C3: C3, S4: S4, C5: C5, F6: F6, logits: OUT.data,
            probs: softmax(OUT.data)};
  }

  window.cnnlabLeNet = {decodeWeights: decodeWeights, conv2d: conv2d, maxPool2: maxPool2,
                        dense: dense, relu: relu, softmax: softmax, forward: forward};
})();
