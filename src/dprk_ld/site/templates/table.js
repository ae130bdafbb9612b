/* Result tables (_table.html): choose the columns shown, and page through long results (50 rows a page).
   Without this script the table shows every column and row, scrolling sideways inside its frame. */
(function () {
  "use strict";
  var PAGE = 50;
  Array.prototype.forEach.call(document.querySelectorAll("table.results-table"), function (table) {
    if (table.getAttribute("data-ready")) return;
    table.setAttribute("data-ready", "1");
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var wrap = table.parentNode;
    var tools = document.createElement("div");
    tools.className = "table-tools";
    wrap.parentNode.insertBefore(tools, wrap);
    var hidden = {};
    if (heads.length > 3) {
      var chooser = document.createElement("details");
      chooser.className = "columns";
      var summary = document.createElement("summary");
      chooser.appendChild(summary);
      heads.forEach(function (th, i) {
        var label = document.createElement("label");
        var box = document.createElement("input");
        box.type = "checkbox"; box.checked = true; box.value = String(i);
        label.appendChild(box); label.appendChild(document.createTextNode(" " + th.textContent));
        chooser.appendChild(label);
      });
      chooser.addEventListener("change", function (ev) { hidden[ev.target.value] = !ev.target.checked; columns(); });
      tools.appendChild(chooser);
      var columns = function () {
        var shown = 0;
        heads.forEach(function (th, i) { th.hidden = !!hidden[i]; if (!hidden[i]) shown++; });
        rows.forEach(function (tr) {
          Array.prototype.forEach.call(tr.cells, function (td, i) { td.hidden = !!hidden[i]; });
        });
        summary.textContent = "Columns: " + shown + " of " + heads.length + " shown";
      };
      columns();
    }
    if (rows.length <= PAGE) return;
    var pages = Math.ceil(rows.length / PAGE), current = 1;
    var pager = document.createElement("nav");
    pager.className = "pager";
    pager.setAttribute("aria-label", "Result pages");
    tools.appendChild(pager);
    function show(page) {
      current = Math.min(Math.max(1, page), pages);
      rows.forEach(function (tr, i) { tr.hidden = Math.floor(i / PAGE) + 1 !== current; });
      var first = (current - 1) * PAGE + 1, last = Math.min(current * PAGE, rows.length);
      var html = "Rows " + first + "–" + last + " of " + rows.length + ": ";
      html += current > 1 ? '<a href="#" data-page="' + (current - 1) + '">previous</a> ' : "";
      for (var p = 1; p <= pages; p++) {
        if (p === 1 || p === pages || Math.abs(p - current) <= 2) {
          html += p === current ? "<strong>" + p + "</strong> " : '<a href="#" data-page="' + p + '">' + p + "</a> ";
        } else if (Math.abs(p - current) === 3) { html += "… "; }
      }
      html += current < pages ? '<a href="#" data-page="' + (current + 1) + '">next</a>' : "";
      pager.innerHTML = html;
    }
    pager.addEventListener("click", function (ev) {
      var page = ev.target.getAttribute && ev.target.getAttribute("data-page");
      if (page) { ev.preventDefault(); show(+page); }
    });
    show(1);
  });
})();
