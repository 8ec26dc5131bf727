/* Your own filter (chapter 2): type a 3×3 filter, pick an image, see the feature map and the sum
 * behind one output cell. Convolution is lenet.js's conv2d (cross-correlation, as cnnlab's).
 * cnnlabFilterPad.init(id) wires the pad whose container has that id; its data (images,
 * presets, the teaching messages for stride/padding that do not fit, labels) is the JSON in the
 * container's <script class="fp-data">. No library, no request.
 */
(function () {
  "use strict";
  if (window.cnnlabFilterPad) return;
  var NET = window.cnnlabLeNet;

  function fmt(v) {
    var s = Math.abs(v - Math.round(v)) < 1e-9 ? String(Math.round(v)) : v.toFixed(2).replace(/0+$/, "").replace(/\.$/, "");
    if (s === "-0") s = "0";
    return s.replace("-", "−");
  }
  function paren(v) { var s = fmt(v); return s.charAt(0) === "−" ? "(" + s + ")" : s; }

  function heat(v, vmax) {
    var t = Math.min(1, Math.abs(v) / (vmax || 1));
    return v >= 0 ? [255, Math.round(255 - 200 * t), Math.round(255 - 210 * t)]
                  : [Math.round(255 - 210 * t), Math.round(255 - 160 * t), 255];
  }

  /* draw values (h, w) into a canvas: grey for the input, red/blue for the feature map */
  function paint(canvas, m, signed) {
    var img = canvas.getContext("2d").createImageData(m.w, m.h), vmax = 1e-9, k;
    for (k = 0; k < m.data.length; k++) vmax = Math.max(vmax, Math.abs(m.data[k]));
    for (k = 0; k < m.data.length; k++) {
      var rgb = signed ? heat(m.data[k], vmax) : [0, 0, 0].map(function () {
        return Math.round(255 * (1 - Math.max(0, Math.min(1, m.data[k]))));
      });
      img.data.set([rgb[0], rgb[1], rgb[2], 255], 4 * k);
    }
    canvas.width = m.w; canvas.height = m.h;
    canvas.getContext("2d").putImageData(img, 0, 0);
  }

  function Pad(root) {
    var data = JSON.parse(root.querySelector("script.fp-data").textContent), self = this;
    this.root = root; this.data = data; this.L = data.labels; this.sel = [0, 0];
    this.cells = Array.prototype.slice.call(root.querySelectorAll("input.fp-w"));
    this.image = null;
    var q = function (s) { return root.querySelector(s); };
    q("select.fp-preset").addEventListener("change", function (ev) {
      var w = data.presets[ev.target.value];
      if (w) self.cells.forEach(function (c, k) { c.value = fmt(w[k]).replace("−", "-"); });
      self.update();
    });
    this.cells.forEach(function (c) { c.addEventListener("input", function () { q("select.fp-preset").value = ""; self.update(); }); });
    ["select.fp-image", "select.fp-stride", "select.fp-pad"].forEach(function (s) {
      q(s).addEventListener("change", function () { self.sel = [0, 0]; self.update(); });
    });
    var pen = q("canvas.fp-draw"), drawing = false;
    function paintAt(ev) {
      var r = pen.getBoundingClientRect(), img = data.images.drawing;
      var row = Math.floor((ev.clientY - r.top) / r.height * img.h);
      var col = Math.floor((ev.clientX - r.left) / r.width * img.w);
      for (var a = -1; a <= 1; a++) {
        for (var b = -1; b <= 1; b++) {
          var rr = row + a, cc = col + b, k = rr * img.w + cc;
          if (rr >= 0 && cc >= 0 && rr < img.h && cc < img.w) img.data[k] = Math.min(1, img.data[k] + (a || b ? 0.35 : 1));
        }
      }
      self.update();
    }
    pen.addEventListener("pointerdown", function (ev) { ev.preventDefault(); drawing = true; pen.setPointerCapture(ev.pointerId); paintAt(ev); });
    pen.addEventListener("pointermove", function (ev) { if (drawing) { ev.preventDefault(); paintAt(ev); } });
    pen.addEventListener("pointerup", function () { drawing = false; });
    q("button.fp-clear").addEventListener("click", function () { data.images.drawing.data.fill(0); self.update(); });
    var out = q("canvas.fp-out");
    function pick(ev) {
      var r = out.getBoundingClientRect();
      self.sel = [Math.floor((ev.clientY - r.top) / r.height * out.height), Math.floor((ev.clientX - r.left) / r.width * out.width)];
      self.update();
    }
    out.addEventListener("pointerdown", pick);
    out.addEventListener("keydown", function (ev) {
      var d = {ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1]}[ev.key];
      if (!d) return;
      ev.preventDefault();
      self.sel = [self.sel[0] + d[0], self.sel[1] + d[1]];
      self.update();
    });
    this.update();
  }

  Pad.prototype.filter = function () {
    var bad = [], w = this.cells.map(function (c, k) {
      var v = parseFloat(c.value.replace("−", "-"));
      c.classList.toggle("fp-bad", !isFinite(v));
      if (!isFinite(v)) bad.push(k);
      return isFinite(v) ? v : 0;
    });
    return {w: w, bad: bad};
  };

  /* the current image: one of the data's images, or one set by setImage (tests, drawings) */
  Pad.prototype.currentImage = function () {
    var key = this.root.querySelector("select.fp-image").value;
    return this.image && key === "custom" ? this.image : this.data.images[key];
  };

  Pad.prototype.setImage = function (h, w, values) {
    this.image = {h: h, w: w, data: values};
    var sel = this.root.querySelector("select.fp-image");
    sel.querySelector('option[value="custom"]').hidden = false;
    sel.value = "custom";
    this.sel = [0, 0];
    this.update();
  };

  Pad.prototype.update = function () {
    var root = this.root, L = this.L, q = function (s) { return root.querySelector(s); };
    var img = this.currentImage(), f = this.filter();
    var S = +q("select.fp-stride").value, P = +q("select.fp-pad").value;
    var x = {c: 1, h: img.h, w: img.w, data: Float32Array.from(img.data)};
    var inCanvas = q("canvas.fp-in"), outCanvas = q("canvas.fp-out"), box = q(".fp-window");
    var live = q(".fp-live"), sum = q(".fp-sum"), msg = q(".fp-message");
    paint(inCanvas, x, false);
    var isDrawing = q("select.fp-image").value === "drawing";
    q(".fp-drawbox").hidden = !isDrawing;
    if (isDrawing) paint(q("canvas.fp-draw"), x, false);
    var bad = ["h", "w"].map(function (a) {
      var key = img[a] + "," + S + "," + P;
      return (img[a] + 2 * P - 3) % S !== 0 ? (this.data.messages[key] || L.noFit) : null;
    }, this).filter(Boolean);
    if (f.bad.length) bad.unshift(L.notNumber);
    if (bad.length) {
      msg.hidden = false; msg.textContent = bad[0];
      outCanvas.hidden = true; box.hidden = true; sum.textContent = "";
      live.textContent = bad[0];
      this.result = null;
      return;
    }
    msg.hidden = true; outCanvas.hidden = false;
    var wmap = {shape: [1, 1, 3, 3], data: Float32Array.from(f.w)};
    var y = NET.conv2d(x, wmap, null, S, P);
    this.result = y;
    paint(outCanvas, y, true);
    var i = Math.max(0, Math.min(this.sel[0], y.h - 1)), j = Math.max(0, Math.min(this.sel[1], y.w - 1));
    this.sel = [i, j];
    var scaleIn = parseFloat(getComputedStyle(inCanvas).width) / img.w;
    var scaleOut = parseFloat(getComputedStyle(outCanvas).width) / y.w;
    box.hidden = false;
    box.style.left = ((j * S - P) * scaleIn) + "px"; box.style.top = ((i * S - P) * scaleIn) + "px";
    box.style.width = box.style.height = (3 * scaleIn) + "px";
    var mark = q(".fp-mark");
    mark.style.left = (j * scaleOut) + "px"; mark.style.top = (i * scaleOut) + "px";
    mark.style.width = mark.style.height = scaleOut + "px";
    var terms = [];
    for (var u = 0; u < 3; u++) {
      for (var v = 0; v < 3; v++) {
        var r = i * S + u - P, c = j * S + v - P;
        var xv = r < 0 || c < 0 || r >= img.h || c >= img.w ? 0 : x.data[r * img.w + c];
        terms.push(paren(f.w[u * 3 + v]) + "·" + paren(xv));
      }
    }
    var value = y.data[i * y.w + j];
    sum.textContent = "y[" + i + ", " + j + "] = " + terms.join(" + ") + " = " + fmt(value);
    live.textContent = L.summary.replace("{h}", y.h).replace("{w}", y.w).replace("{i}", i)
      .replace("{j}", j).replace("{value}", fmt(value));
  };

  function init(id) {
    var root = document.getElementById(id);
    if (!root || root.dataset.ready) return;
    root.dataset.ready = "1";
    window.cnnlabFilterPads = window.cnnlabFilterPads || {};
    window.cnnlabFilterPads[id] = new Pad(root);
  }

  window.cnnlabFilterPad = {init: init};
})();
