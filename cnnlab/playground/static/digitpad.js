/* The digit pad of chapter 5: draw a digit, watch LeNet-5 (lenet.js) read it layer by layer.
 *
 * The drawing is prepared the way MNIST's digits were: the ink's bounding box is scaled to fit
 * a 20×20 box (aspect kept, area-averaged), placed in 28×28 so that its centre of mass sits at
 * the centre, then padded to 32×32 and mapped like cnnlab.models.prepare_digits
 * (background −0.1, ink 1.175). No library, no request.
 * cnnlabDigitPad.init(id) wires the pad whose container has that id; its data (weights,
 * held-out digits, labels) is the JSON in the container's <script class="dp-data">.
 */
(function () {
  "use strict";
  if (window.cnnlabDigitPad) return;
  var NET = window.cnnlabLeNet;
  /* layer, receptive-field size and jump on the 32×32 input (chapter 2's formula) */
  var RF = {C1: [5, 1], S2: [6, 2], C3: [14, 2], S4: [16, 4], C5: [32, 4]};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* ink (Float32Array h·w in [0,1]) -> {box: 20-box patch, img28, input32} or null when empty */
  function prepare(ink, w, h) {
    var top = h, left = w, bottom = -1, right = -1;
    for (var r = 0; r < h; r++) {
      for (var c = 0; c < w; c++) {
        if (ink[r * w + c] > 0.05) {
          if (r < top) top = r; if (r > bottom) bottom = r;
          if (c < left) left = c; if (c > right) right = c;
        }
      }
    }
    if (bottom < 0) return null;
    var bh = bottom - top + 1, bw = right - left + 1, scale = 20 / Math.max(bh, bw);
    var th = Math.max(1, Math.round(bh * scale)), tw = Math.max(1, Math.round(bw * scale));
    var box = new Float32Array(th * tw);
    for (var i = 0; i < th; i++) {
      var r0 = top + Math.floor(i * bh / th), r1 = top + Math.max(Math.floor((i + 1) * bh / th), Math.floor(i * bh / th) + 1);
      for (var j = 0; j < tw; j++) {
        var c0 = left + Math.floor(j * bw / tw), c1 = left + Math.max(Math.floor((j + 1) * bw / tw), Math.floor(j * bw / tw) + 1);
        var s = 0;
        for (var rr = r0; rr < r1; rr++) for (var cc = c0; cc < c1; cc++) s += ink[rr * w + cc];
        box[i * tw + j] = Math.min(1, s / ((r1 - r0) * (c1 - c0)));
      }
    }
    var m = 0, my = 0, mx = 0;
    for (i = 0; i < th; i++) {
      for (j = 0; j < tw; j++) { var v = box[i * tw + j]; m += v; my += v * (i + 0.5); mx += v * (j + 0.5); }
    }
    var oy = Math.round(14 - my / m), ox = Math.round(14 - mx / m);
    oy = Math.min(Math.max(oy, 0), 28 - th); ox = Math.min(Math.max(ox, 0), 28 - tw);
    var img28 = new Float32Array(784);
    for (i = 0; i < th; i++) for (j = 0; j < tw; j++) img28[(oy + i) * 28 + ox + j] = box[i * tw + j];
    return {box: box, boxH: th, boxW: tw, img28: img28, input32: toInput(img28)};
  }

  /* 28×28 in [0,1] -> 32×32 LeNet input: pad 2, background −0.1, ink 1.175 */
  function toInput(img28) {
    var x = new Float32Array(1024).fill(-0.1);
    for (var r = 0; r < 28; r++) for (var c = 0; c < 28; c++) x[(r + 2) * 32 + c + 2] = -0.1 + img28[r * 28 + c] * 1.275;
    return x;
  }

  /* draw a (h, w) block of values as grey (input) or red/blue (signed maps) pixels */
  function paint(canvas, data, h, w, offset, signed) {
    var ctx = canvas.getContext("2d"), img = ctx.createImageData(w, h), vmax = 1e-6;
    for (var k = 0; k < h * w; k++) vmax = Math.max(vmax, Math.abs(data[offset + k]));
    for (k = 0; k < h * w; k++) {
      var v = data[offset + k], t = Math.min(1, Math.abs(v) / vmax), px = k * 4;
      if (!signed) { var g = Math.round(255 * (1 - Math.min(1, Math.max(0, v)))); img.data.set([g, g, g, 255], px); }
      else if (v >= 0) img.data.set([255, Math.round(255 - 200 * t), Math.round(255 - 210 * t), 255], px);
      else img.data.set([Math.round(255 - 210 * t), Math.round(255 - 160 * t), 255, 255], px);
    }
    canvas.width = w; canvas.height = h;
    ctx.putImageData(img, 0, 0);
  }

  function Pad(root) {
    var data = JSON.parse(root.querySelector("script.dp-data").textContent);
    var L = data.labels, W = NET.decodeWeights(data.weights), self = this;
    this.root = root; this.L = L; this.W = W; this.data = data;
    var pad = root.querySelector("canvas.dp-pad"), ctx = pad.getContext("2d");
    var ink = null, drawing = false, last = null;
    ctx.lineCap = "round"; ctx.lineJoin = "round";

    function pos(ev) {
      var r = pad.getBoundingClientRect();
      return [(ev.clientX - r.left) * pad.width / r.width, (ev.clientY - r.top) * pad.height / r.height];
    }
    function stroke(p) {
      ctx.lineWidth = pad.width / 12;
      ctx.strokeStyle = "#000";
      ctx.beginPath(); ctx.moveTo(last[0], last[1]); ctx.lineTo(p[0], p[1]); ctx.stroke();
      last = p;
    }
    pad.addEventListener("pointerdown", function (ev) {
      ev.preventDefault(); drawing = true; last = pos(ev); pad.setPointerCapture(ev.pointerId); stroke(last);
    });
    pad.addEventListener("pointermove", function (ev) {
      if (!drawing) return; ev.preventDefault();
      var evs = ev.getCoalescedEvents ? ev.getCoalescedEvents() : [ev];
      (evs.length ? evs : [ev]).forEach(function (e) { stroke(pos(e)); });
      self.readPad();
    });
    function end() { if (drawing) { drawing = false; self.readPad(); } }
    pad.addEventListener("pointerup", end);
    pad.addEventListener("pointercancel", end);
    root.querySelector("button.dp-clear").addEventListener("click", function () {
      ctx.clearRect(0, 0, pad.width, pad.height); root.querySelector("select.dp-pick").value = ""; self.show(null);
    });
    root.querySelector("select.dp-pick").addEventListener("change", function (ev) {
      ctx.clearRect(0, 0, pad.width, pad.height);
      var k = ev.target.value;
      if (k === "") { self.show(null); return; }
      var img28 = new Float32Array(data.digits.images[+k].map(function (v) { return v / 255; }));
      self.show({img28: img28, input32: toInput(img28), box: null});
    });
    this.readPad = function () {
      var img = ctx.getImageData(0, 0, pad.width, pad.height).data, n = pad.width * pad.height;
      ink = new Float32Array(n);
      for (var k = 0; k < n; k++) ink[k] = img[4 * k + 3] / 255;
      root.querySelector("select.dp-pick").value = "";
      self.show(prepare(ink, pad.width, pad.height));
    };
    this.show(null);
  }

  Pad.prototype.show = function (prep) {
    var root = this.root, L = this.L, t0 = performance.now();
    var live = root.querySelector(".dp-live"), outs = root.querySelectorAll(".dp-out");
    var stages = root.querySelectorAll("canvas.dp-stage");
    if (!prep) {
      outs.forEach(function (o) { o.hidden = true; });
      live.textContent = L.empty;
      stages.forEach(function (c) { c.getContext("2d").clearRect(0, 0, c.width, c.height); });
      return;
    }
    outs.forEach(function (o) { o.hidden = false; });
    /* a held-out digit is MNIST's own: already fitted and centred, so no 20×20 stage */
    stages[0].parentNode.style.visibility = prep.box ? "visible" : "hidden";
    if (prep.box) paint(stages[0], prep.box, prep.boxH, prep.boxW, 0, false);
    paint(stages[1], prep.img28, 28, 28, 0, false);
    var show32 = prep.input32.map(function (v) { return (v + 0.1) / 1.275; });
    paint(stages[2], show32, 32, 32, 0, false);
    var r = NET.forward(this.W, prep.input32);
    this.last = r;
    var self = this;
    ["C1", "S2", "C3", "S4"].forEach(function (name) {
      var m = r[name], cs = root.querySelectorAll('canvas[data-layer="' + name + '"]');
      for (var d = 0; d < m.c; d++) paint(cs[d], m.data, m.h, m.w, d * m.h * m.w, true);
    });
    ["C5", "F6"].forEach(function (name) {
      var m = r[name], c = root.querySelector('canvas[data-layer="' + name + '"]');
      var cols = name === "C5" ? 12 : 12, rows = Math.ceil(m.c / cols), grid = new Float32Array(rows * cols);
      grid.set(m.data);
      paint(c, grid, rows, cols, 0, true);
    });
    var best = 0;
    r.probs.forEach(function (p, k) {
      if (p > r.probs[best]) best = k;
      var bar = root.querySelector('.dp-bar[data-class="' + k + '"]');
      bar.querySelector(".dp-fill").style.width = (100 * p).toFixed(1) + "%";
      bar.querySelector(".dp-pct").textContent = (100 * p).toFixed(1) + " %";
      bar.classList.toggle("dp-best", false);
    });
    root.querySelector('.dp-bar[data-class="' + best + '"]').classList.add("dp-best");
    root.dataset.prediction = String(best);
    var text = L.reads.replace("{digit}", best).replace("{p}", (100 * r.probs[best]).toFixed(0));
    if (live.textContent !== text) live.textContent = text;
    this.ms = performance.now() - t0;
    root.dataset.ms = this.ms.toFixed(2);
    self.hover(null);
  };

  /* outline the receptive field of unit (layer, i, j) on the 32×32 input */
  Pad.prototype.hover = function (unit) {
    var box = this.root.querySelector(".dp-rf"), info = this.root.querySelector(".dp-rf-text");
    if (!unit) { box.hidden = true; info.textContent = this.L.rfHint; return; }
    var rf = RF[unit.layer], size = rf[0], jump = rf[1];
    var top = unit.i * jump, left = unit.j * jump;
    box.hidden = false;
    box.style.top = (100 * top / 32) + "%"; box.style.left = (100 * left / 32) + "%";
    box.style.width = (100 * Math.min(size, 32 - left) / 32) + "%";
    box.style.height = (100 * Math.min(size, 32 - top) / 32) + "%";
    info.textContent = this.L.rf.replace("{layer}", unit.layer).replace("{i}", unit.i).replace("{j}", unit.j)
      .replace(/\{size\}/g, size).replace("{top}", top).replace("{left}", left);
  };

  function unitAt(ev, canvas) {
    var r = canvas.getBoundingClientRect(), layer = canvas.dataset.layer;
    var i = Math.floor((ev.clientY - r.top) / r.height * canvas.height);
    var j = Math.floor((ev.clientX - r.left) / r.width * canvas.width);
    if (layer === "C5") return {layer: "C5", i: 0, j: 0};
    return {layer: layer, i: Math.max(0, Math.min(i, canvas.height - 1)), j: Math.max(0, Math.min(j, canvas.width - 1))};
  }

  function init(id) {
    var root = document.getElementById(id);
    if (!root || root.dataset.ready) return;
    root.dataset.ready = "1";
    var p = new Pad(root);
    root.querySelectorAll("canvas[data-layer]").forEach(function (c) {
      if (c.dataset.layer === "F6") return;
      c.addEventListener("pointermove", function (ev) { p.hover(unitAt(ev, c)); });
      c.addEventListener("pointerdown", function (ev) { p.hover(unitAt(ev, c)); });
      c.addEventListener("pointerleave", function (ev) { if (ev.pointerType === "mouse") p.hover(null); });
    });
    window.cnnlabDigitPads = window.cnnlabDigitPads || {};
    window.cnnlabDigitPads[id] = p;
  }

  window.cnnlabDigitPad = {init: init, prepare: prepare, toInput: toInput};
})();
