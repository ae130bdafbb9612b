/* The filter state of a picture's form (relations.html, timeline.html) in the page's URL, like the claim
   browser's facets: ?class=…&stance=…&from=…&to=… — a link to the filtered picture can be shared, reloaded,
   and back/forward step through the filters. Classes are all ticked by default: the URL names them only when
   some are not (an empty class= when none is). Exposes window.dprkFilterState(form, apply). */
(function () {
  "use strict";
  function boxes(form, name) { return Array.prototype.slice.call(form.querySelectorAll("input[name=" + name + "]")); }
  function ticked(form, name) {
    return boxes(form, name).filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
  }
  function read(form) {
    var params = new URLSearchParams(window.location.search), classes = params.getAll("class"),
        stances = params.getAll("stance");
    boxes(form, "class").forEach(function (i) { i.checked = !params.has("class") || classes.indexOf(i.value) >= 0; });
    boxes(form, "stance").forEach(function (i) { i.checked = stances.indexOf(i.value) >= 0; });
    ["from", "to"].forEach(function (name) {
      if (form.elements[name]) form.elements[name].value = params.get(name) || "";
    });
  }
  function write(form, push) {
    var params = new URLSearchParams(), on = ticked(form, "class");
    if (on.length < boxes(form, "class").length) {
      if (on.length) on.forEach(function (v) { params.append("class", v); }); else params.append("class", "");
    }
    ticked(form, "stance").forEach(function (v) { params.append("stance", v); });
    ["from", "to"].forEach(function (name) {
      if (form.elements[name] && form.elements[name].value) params.set(name, form.elements[name].value);
    });
    var query = params.toString(), url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (url === window.location.pathname + window.location.search + window.location.hash) return;
    try { (push ? history.pushState : history.replaceState).call(history, null, "", url); }
    catch (e) { /* a browser that refuses history on file:// keeps the filters, not the URL */ }
  }
  window.dprkFilterState = function (form, apply) {
    read(form);
    apply();
    form.addEventListener("change", function () { apply(); write(form, true); });
    form.addEventListener("input", function (ev) { if (ev.target.type === "number") { apply(); write(form, false); } });
    window.addEventListener("popstate", function () { read(form); apply(); });
  };
})();
