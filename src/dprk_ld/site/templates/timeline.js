/* Filters for the timeline (timeline.html): class, stance and years, like the relations picture, kept in
   the URL (filterstate.js).
   Without this script the timeline lists every dated claim. */
(function () {
  "use strict";
  var form = document.getElementById("timeline-filter");
  if (!form) return;
  form.hidden = false;
  var items = Array.prototype.slice.call(document.querySelectorAll("ol.timeline > li"));
  var counter = document.getElementById("timeline-count");
  function checked(name) {
    return Array.prototype.map.call(form.querySelectorAll("input[name=" + name + "]:checked"), function (i) { return i.value; });
  }
  function apply() {
    var classes = checked("class"), stances = checked("stance");
    var from = form.elements.from.value, to = form.elements.to.value, shown = 0;
    items.forEach(function (li) {
      var year = +li.getAttribute("data-year");
      var mine = (li.getAttribute("data-stance") || "").split(",");
      var ok = classes.indexOf(li.getAttribute("data-class")) >= 0 &&
        (!stances.length || stances.some(function (s) { return mine.indexOf(s) >= 0; })) &&
        (!from || year >= +from) && (!to || year <= +to);
      li.hidden = !ok;
      if (ok) shown++;
    });
    counter.textContent = shown + " of " + items.length + " dates shown";
  }
  window.dprkFilterState(form, apply);  /* filterstate.js: the filters in the URL */
})();
