"""The player's CSS and JavaScript, inlined into every page (no network: a file opened anywhere works).

The script reads the frames (JSON in the page, see `frames.py`) and, at each step, does what
`player.paint` does to the SVG in Python for the first picture: highlights the current node, writes
every grad field and marks it unreached/partial/final, and greys out the edges no gradient has
flowed along yet. Everything it touches is found inside its own player, so several can share a page
(a notebook); `__ID__` is replaced by the player's id.
"""

CSS = """
.cr-player{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;font-size:14px;color:#222;
  outline:none;margin:4px 0}
.cr-player .cr-controls{display:flex;align-items:center;gap:8px;margin:4px 0 8px;flex-wrap:wrap}
.cr-player .cr-controls button{font:inherit;padding:3px 12px;border:1px solid #999;border-radius:4px;background:#f6f6f6;
  cursor:pointer}
.cr-player .cr-controls button:disabled{opacity:.4;cursor:default}
.cr-player .cr-slider{flex:1 1 200px;max-width:420px}
.cr-player .cr-position{font-variant-numeric:tabular-nums;color:#444;min-width:11em}
.cr-player .cr-body{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
.cr-player .cr-graph{overflow:auto;max-width:100%}
.cr-player .cr-graph svg{display:block;max-width:100%;height:auto}
.cr-player pre.cr-text{flex:1 1 420px;margin:0;padding:8px 10px;background:#f7f7f7;border-left:3px solid #cc00cc;
  font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre;overflow:auto;color:#222}
.cr-player .cr-legend{margin-top:6px;font-size:12px;color:#555}
.cr-player .cr-legend span{margin-right:14px;white-space:nowrap}
.cr-player .cr-legend .cr-swatch{display:inline-block;width:18px;height:9px;border:3px solid #cc00cc;
  vertical-align:middle;margin-right:4px}
.cr-player g.current polygon,.cr-player g.current polyline,.cr-player g.current ellipse{stroke:#cc00cc;
  stroke-width:3px}
.cr-player text.grad.final{font-weight:bold;fill:#000}
.cr-player text.grad.partial{font-style:italic;fill:#777}
.cr-player text.grad.unreached{fill:#999}
.cr-player g.edge.pending path{stroke:#c8c8c8;stroke-width:1px}
.cr-player g.edge.pending polygon{fill:#c8c8c8;stroke:#c8c8c8}
.cr-player g.edge.pending text{display:none}
"""

JS = """
(function () {
  var box = document.getElementById(__ID__);
  if (!box || box.getAttribute("data-ready")) return;
  box.setAttribute("data-ready", "1");
  var data = JSON.parse(box.querySelector("script.cr-data").textContent);
  var n = data.steps.length, at = data.position, timer = null;
  function q(selector) { return box.querySelector(selector); }
  function all(selector) { return Array.prototype.slice.call(box.querySelectorAll(selector)); }
  var slider = q(".cr-slider"), play = q(".cr-play"), next = q(".cr-next"), back = q(".cr-back");
  function show(p) {
    at = Math.max(0, Math.min(n, p));
    var grads = Object.assign({}, data.start);
    for (var k = 0; k < at; k++) data.steps[k][2].forEach(function (c) { grads[c[0]] = c[1]; });
    var current = at ? data.steps[at - 1][0] : data.root;
    all("g.node").forEach(function (g) {
      var name = g.getAttribute("data-node");
      g.classList.toggle("current", name === current || name === current + "op");
    });
    all("text.grad").forEach(function (t) {
      var name = t.getAttribute("data-node");
      t.textContent = grads[name];
      var state = at < data.reached[name] ? "unreached" : at < data.final[name] ? "partial" : "final";
      ["unreached", "partial", "final"].forEach(function (s) { t.classList.toggle(s, s === state); });
    });
    all("g.edge").forEach(function (g) {
      var step = data.applied[g.getAttribute("data-to")];
      g.classList.toggle("pending", step !== undefined && step > at);
    });
    q(".cr-text").textContent = at ? data.steps[at - 1][1] : data.intro;
    q(".cr-position").textContent = at + " of " + n + " steps applied";
    slider.value = String(at);
    back.disabled = at === 0;
    next.disabled = at === n;
    box.setAttribute("data-position", String(at));
  }
  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    play.textContent = "\\u25b6 play";
    box.setAttribute("data-playing", "0");
  }
  function start() {
    if (at === n) show(0);
    play.textContent = "\\u23f8 pause";
    box.setAttribute("data-playing", "1");
    timer = setInterval(function () { if (at >= n) stop(); else show(at + 1); }, data.interval);
  }
  next.addEventListener("click", function () { stop(); show(at + 1); });
  back.addEventListener("click", function () { stop(); show(at - 1); });
  play.addEventListener("click", function () { if (timer === null) start(); else stop(); });
  slider.addEventListener("input", function () { stop(); show(parseInt(slider.value, 10)); });
  box.addEventListener("keydown", function (e) {
    if (e.target !== box) return;
    if (e.key === "ArrowRight") { stop(); show(at + 1); }
    else if (e.key === "ArrowLeft") { stop(); show(at - 1); }
    else if (e.key === " ") { if (timer === null) start(); else stop(); }
    else return;
    e.preventDefault();
  });
  show(at);
})();
"""
