/* Filters for the relations picture (relations.html): class, stance and years hide edges, recount them and
   carry the filter into each edge's link to the claim list; the filters are in the URL (filterstate.js).
   The picture works without this script. */
(function () {
  "use strict";
  var form = document.getElementById("relations-filter");
  if (!form) return;
  Array.prototype.forEach.call(form.querySelectorAll(".needs-js"), function (el) { el.hidden = false; });
  var edges = Array.prototype.slice.call(document.querySelectorAll("svg.relations a.edge"));
  var items = edges.map(function (a) {
    return (a.getAttribute("data-items") || "").split(";").filter(Boolean).map(function (item) {
      var parts = item.split("|");
      return { stances: parts[0] ? parts[0].split(",") : [], years: parts.slice(1).map(Number) };
    });
  });
  function width(n) { return n > 0 ? (1.5 + 1.6 * Math.log2(n)).toFixed(1) : "0"; }
  function apply() {
    var classes = [], stances = [];
    Array.prototype.forEach.call(form.querySelectorAll("input[name=class]:checked"), function (i) { classes.push(i.value); });
    Array.prototype.forEach.call(form.querySelectorAll("input[name=stance]:checked"), function (i) { stances.push(i.value); });
    var from = form.elements.from ? form.elements.from.value : "", to = form.elements.to ? form.elements.to.value : "";
    edges.forEach(function (a, k) {
      var n = items[k].filter(function (c) {
        if (stances.length && !c.stances.some(function (s) { return stances.indexOf(s) >= 0; })) return false;
        if (from || to) {
          if (!c.years.length) return false;
          if (from && c.years[c.years.length - 1] < +from) return false;
          if (to && c.years[0] > +to) return false;
        }
        return true;
      }).length;
      var visible = n > 0 && classes.indexOf(a.getAttribute("data-class")) >= 0;
      a.style.display = visible ? "" : "none";
      a.querySelector("path").setAttribute("stroke-width", width(n));
      a.querySelector("text").textContent = String(n);
      var href = a.getAttribute("data-filter-href");
      stances.forEach(function (s) { href += "&stance=" + encodeURIComponent(s); });
      if (from) href += "&from=" + encodeURIComponent(from);
      if (to) href += "&to=" + encodeURIComponent(to);
      a.setAttribute("href", href);
    });
  }
  window.dprkFilterState(form, apply);  /* filterstate.js: the filters in the URL */
})();
