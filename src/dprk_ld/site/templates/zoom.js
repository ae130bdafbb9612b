/* Zoom and pan for the relations picture (relations.html): buttons (+, −, reset), Ctrl/⌘ + wheel or a
   double click to zoom at the pointer, drag to pan; + - 0 and the arrow keys when the picture has focus.
   It only moves the SVG's viewBox, so the picture stays vector (labels grow sharp), every edge and state
   stays a link (a drag does not follow one), and without this script the whole picture is shown as drawn.
   No library: the layout is drawn on the server (docs/search.md says why). */
(function () {
  "use strict";
  var svg = document.querySelector("figure svg.relations");
  if (!svg || !svg.viewBox || !svg.viewBox.baseVal || !svg.viewBox.baseVal.width) return;
  var base = svg.viewBox.baseVal, home = { x: base.x, y: base.y, w: base.width, h: base.height };
  var view = { x: home.x, y: home.y, w: home.w, h: home.h }, MIN = 1 / 8;

  function set(v) {
    var w = Math.min(home.w, Math.max(home.w * MIN, v.w)), h = w * home.h / home.w;
    var x = v.x, y = v.y;
    x = Math.min(home.x + home.w - w / 2, Math.max(home.x - w / 2, x));
    y = Math.min(home.y + home.h - h / 2, Math.max(home.y - h / 2, y));
    view = { x: x, y: y, w: w, h: h };
    svg.setAttribute("viewBox", [x, y, w, h].map(function (n) { return +n.toFixed(2); }).join(" "));
    svg.setAttribute("data-zoom", (home.w / w).toFixed(2));
    if (level) level.textContent = Math.round(100 * home.w / w) + "%";
  }
  function point(ev, ctm) {  /* a pointer position in the picture's coordinates */
    var p = svg.createSVGPoint();
    p.x = ev.clientX; p.y = ev.clientY;
    return p.matrixTransform((ctm || svg.getScreenCTM()).inverse());
  }
  function zoom(factor, at) {
    var c = at || { x: view.x + view.w / 2, y: view.y + view.h / 2 };
    var w = Math.min(home.w, Math.max(home.w * MIN, view.w / factor)), k = w / view.w;
    set({ x: c.x - (c.x - view.x) * k, y: c.y - (c.y - view.y) * k, w: w });
  }
  function pan(dx, dy) { set({ x: view.x + dx * view.w, y: view.y + dy * view.h, w: view.w }); }

  var bar = document.createElement("div"), level = document.createElement("span");
  bar.className = "zoom-bar";
  bar.setAttribute("role", "group");
  bar.setAttribute("aria-label", "Zoom the picture");
  [["+", "Zoom in", function () { zoom(1.5); }], ["\u2212", "Zoom out", function () { zoom(1 / 1.5); }],
   ["Reset", "Show the whole picture", function () { set(home); }]].forEach(function (b) {
    var button = document.createElement("button");
    button.type = "button"; button.textContent = b[0]; button.title = b[1];
    button.className = "zoom-" + (b[0] === "+" ? "in" : b[0] === "Reset" ? "reset" : "out");
    button.addEventListener("click", b[2]);
    bar.appendChild(button);
  });
  level.className = "zoom-level";
  bar.appendChild(level);
  var hint = document.createElement("span");
  hint.className = "muted";
  hint.textContent = "drag to move; Ctrl + wheel or double-click to zoom";
  bar.appendChild(hint);
  svg.parentNode.insertBefore(bar, svg);
  svg.setAttribute("tabindex", "0");
  svg.classList.add("zoomable");
  set(home);

  svg.addEventListener("wheel", function (ev) {
    if (!ev.ctrlKey && !ev.metaKey) return;  /* a plain wheel scrolls the page */
    ev.preventDefault();
    zoom(Math.pow(1.0015, -ev.deltaY), point(ev));
  }, { passive: false });
  svg.addEventListener("dblclick", function (ev) { ev.preventDefault(); zoom(ev.shiftKey ? 1 / 2 : 2, point(ev)); });

  var drag = null, moved = false;
  svg.addEventListener("pointerdown", function (ev) {
    if (ev.button !== 0) return;
    drag = { ctm: svg.getScreenCTM(), x: ev.clientX, y: ev.clientY, view: view, id: ev.pointerId };
    drag.start = point(ev, drag.ctm);
    moved = false;
  });
  svg.addEventListener("pointermove", function (ev) {
    if (!drag || ev.pointerId !== drag.id) return;
    if (!moved && Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) < 4) return;
    if (!moved) { moved = true; svg.setPointerCapture(ev.pointerId); svg.classList.add("panning"); }
    var now = point(ev, drag.ctm);
    set({ x: drag.view.x - (now.x - drag.start.x), y: drag.view.y - (now.y - drag.start.y), w: drag.view.w });
  });
  function end(ev) {
    if (drag && ev.pointerId === drag.id) { drag = null; svg.classList.remove("panning"); }
  }
  svg.addEventListener("pointerup", end);
  svg.addEventListener("pointercancel", end);
  svg.addEventListener("click", function (ev) {  /* the click that ends a drag does not follow a link */
    if (moved) { ev.preventDefault(); ev.stopPropagation(); moved = false; }
  }, true);
  svg.addEventListener("keydown", function (ev) {
    var step = 0.1, keys = { "+": function () { zoom(1.5); }, "=": function () { zoom(1.5); },
      "-": function () { zoom(1 / 1.5); }, "0": function () { set(home); },
      ArrowLeft: function () { pan(-step, 0); }, ArrowRight: function () { pan(step, 0); },
      ArrowUp: function () { pan(0, -step); }, ArrowDown: function () { pan(0, step); } };
    if (keys[ev.key] && !ev.ctrlKey && !ev.metaKey && !ev.altKey) { ev.preventDefault(); keys[ev.key](); }
  });
})();
