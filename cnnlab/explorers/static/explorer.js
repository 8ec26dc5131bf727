/* cnnlab explorers, static view: switch between pre-rendered states.
   Each explorer's HTML carries a JSON table {lines, states, interval}: a state is
   a list of line numbers; the key of a state is the selected index of every
   <select>, joined by "."; the range input picks the step within it. */
(function () {
  if (window.cnnlabExplorer) return;
  function init(id) {
    var root = document.getElementById(id);
    if (!root || root.getAttribute("data-ready")) return;
    root.setAttribute("data-ready", "1");
    var data = JSON.parse(root.querySelector("script.cx-data").textContent);
    var view = root.querySelector(".cx-view");
    var selects = root.querySelectorAll("select[data-ctl]");
    var range = root.querySelector("input[data-ctl=step]");
    var text = root.querySelector(".cx-step-text");
    var playBtn = root.querySelector("[data-act=play]");
    var timer = null;
    function key() {
      var k = [];
      for (var i = 0; i < selects.length; i++) k.push(selects[i].selectedIndex);
      return k.join(".");
    }
    function draw() {
      var steps = data.states[key()], s = 0;
      if (range) {
        range.max = steps.length - 1;
        s = Math.min(parseInt(range.value, 10) || 0, steps.length - 1);
        range.value = s;
        range.disabled = steps.length < 2;
        text.textContent = (s + 1) + " / " + steps.length;
      }
      view.innerHTML = steps[s].map(function (i) { return data.lines[i]; }).join("\n");
      root.setAttribute("data-state", key() + "/" + s);
    }
    function move(d) {
      var n = parseInt(range.max, 10) + 1;
      range.value = ((parseInt(range.value, 10) || 0) + d + n) % n;
      draw();
    }
    function stop() {
      if (timer !== null) { clearInterval(timer); timer = null; }
      if (playBtn) playBtn.textContent = "▶ play";
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
        playBtn.textContent = "❚❚ pause";
        timer = setInterval(function () { move(1); }, data.interval);
      });
    }
    draw();
  }
  window.cnnlabExplorer = { init: init };
})();
