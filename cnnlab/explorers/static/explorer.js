/* cnnlab explorers, static view: switch between pre-rendered states.
   Each explorer's HTML carries its state table {lines, states, alts, interval} as
   JSON, or as gzip-compressed JSON in base64 (data-encoding="gzip+base64"),
   unpacked here with the browser's own DecompressionStream (no library, no
   request). A state is a list of line
   numbers; its key is the selected index of every <select>, joined by ".";
   the range input picks the step within it. The status line (aria-live) gets
   the state's text alternative, so screen readers announce every change; the
   drawings are labelled by it (aria-labelledby). */
(function () {
  if (window.cnnlabExplorer) return;
  function unpack(text) {
    var bytes = Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }
  function init(id) {
    var root = document.getElementById(id);
    if (!root || root.getAttribute("data-ready")) return;
    var view = root.querySelector(".cx-view");
    var status = root.querySelector(".cx-status");
    var selects = root.querySelectorAll("select[data-ctl]");
    var range = root.querySelector("input[data-ctl=step]");
    var text = root.querySelector(".cx-step-text");
    var playBtn = root.querySelector("[data-act=play]");
    var data = null, timer = null;
    function key() {
      var k = [];
      for (var i = 0; i < selects.length; i++) k.push(selects[i].selectedIndex);
      return k.join(".");
    }
    function draw() {
      if (data === null) return;  // still unpacking: drawn as soon as it is done
      var k = key(), steps = data.states[k], s = 0;
      if (range) {
        range.max = steps.length - 1;
        s = Math.min(parseInt(range.value, 10) || 0, steps.length - 1);
        range.value = s;
        range.disabled = steps.length < 2;
        range.setAttribute("aria-valuetext", (s + 1) + " of " + steps.length);
        text.textContent = (s + 1) + " / " + steps.length;
      }
      var alt = data.lines[data.alts[k][s]];
      view.innerHTML = steps[s].map(function (i) { return data.lines[i]; }).join("\n");
      var drawings = view.querySelectorAll("[role=img]");
      for (var d = 0; d < drawings.length; d++) drawings[d].setAttribute("aria-labelledby", status.id);
      status.textContent = alt;
      root.setAttribute("data-state", k + "/" + s);
    }
    function move(d) {
      var n = parseInt(range.max, 10) + 1;
      range.value = ((parseInt(range.value, 10) || 0) + d + n) % n;
      draw();
    }
    function stop() {
      if (timer !== null) { clearInterval(timer); timer = null; }
      if (playBtn) { playBtn.textContent = "▶ play"; playBtn.setAttribute("aria-pressed", "false"); }
      status.setAttribute("aria-live", "polite");
    }
    for (var i = 0; i < selects.length; i++) selects[i].addEventListener("change", draw);
    if (range) {
      range.addEventListener("input", draw);
      root.querySelector("[data-act=prev]").addEventListener("click", function () { stop(); move(-1); });
      root.querySelector("[data-act=next]").addEventListener("click", function () { stop(); move(1); });
    }
    if (playBtn) {
      playBtn.addEventListener("click", function () {
        if (timer !== null) { stop(); return; }
        if (data === null) return;
        playBtn.textContent = "❚❚ pause";
        playBtn.setAttribute("aria-pressed", "true");
        status.setAttribute("aria-live", "off");  // no announcement per frame while playing
        timer = setInterval(function () { move(1); }, data.interval);
      });
    }
    var script = root.querySelector("script.cx-data");
    var packed = script.getAttribute("data-encoding") === "gzip+base64";
    if (packed && typeof DecompressionStream === "undefined") {
      status.textContent = "This browser cannot unpack the other states; the drawing shows the first one.";
      root.setAttribute("data-ready", "no");
      return;
    }
    var table = packed ? unpack(script.textContent) : Promise.resolve(JSON.parse(script.textContent));
    table.then(function (table) {
      data = table;
      draw();
      root.setAttribute("data-ready", "1");
    });
  }
  window.cnnlabExplorer = { init: init };
})();
