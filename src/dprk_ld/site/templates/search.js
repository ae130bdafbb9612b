/* Full-text search and a faceted claim browser over window.dprkSearch (search-index.js).
   No dependencies, no network: works from file://, from any static host and under dprk-ld serve.
   The state lives in the URL (?q=&class=&party=&stance=&modality=&rank=&source=&review=&from=&to=&page=),
   so every filter state is a link. Without script the page shows the plain claim list instead. */
(function () {
  "use strict";
  var data = window.dprkSearch;
  var root = document.getElementById("browser");
  if (!data || !root) return;
  var PAGE = 25;
  var pattern = root.getAttribute("data-href") || "id/__ID__.html";
  var MULTI_AND = { party: true };  // a claim must involve every chosen party; other facets: any chosen value

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function words(text) { return fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean); }
  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function label(key) { var l = data.labels[key]; return l ? l[0] : key; }
  function href(id) { return pattern.replace("__ID__", id); }

  // the index in parts (site/search.py index_files): per claim, its facet values (numbers into data.values)
  // and years; its id, labels, date, gloss and quotes are in search-text/N.js, loaded when a search has
  // words or when a claim is on the page shown. Claims come in the default order (first date, then id).
  var text = data.text, textAt = root.getAttribute("data-text-src") || "search-text";
  var asked = {}, loaded = 0, failed = 0, redraw = null;
  window.dprkSearchText = window.dprkSearchText || {};
  data.claims = data.claims.map(function (row, n) {
    var c = { _n: n, _text: false, _fields: [], id: "", t: [], d: "", g: "", q: [] };
    data.columns.forEach(function (key, i) {
      if (key === "y") { if (row[i].length) c.y = row[i]; }
      else c[key] = row[i].map(function (v) { return data.values[v]; });
    });
    return c;
  });
  data.entities.forEach(function (e) { e._fields = [[words(e.t.join(" ")), 3]]; });
  function attach(k) {
    (window.dprkSearchText[k] || []).forEach(function (r, i) {
      var c = data.claims[k * text.size + i];
      if (!c) return;
      c.id = r[0]; c.t = r[1]; c.d = r[2]; c.g = r[3]; c.q = r[4]; c._text = true;
      c._fields = [[words(c.t.join(" ")), 3], [words(c.g), 1.5], [words(c.q.join(" ")), 1]];  // by weight
    });
  }
  function need(parts) {  // load text parts (each once); the list is drawn again when they arrive
    parts.forEach(function (k) {
      if (asked[k]) return;
      asked[k] = true;
      var script = document.createElement("script");
      script.src = textAt + "/" + k + ".js";
      script.onload = function () { attach(k); loaded++; later(); };
      script.onerror = function () { failed++; later(); };
      document.body.appendChild(script);
    });
  }
  function later() {
    if (!redraw) redraw = setTimeout(function () { redraw = null; render(state); }, 20);
  }
  function allParts() { var all = []; for (var k = 0; k < text.parts; k++) all.push(k); return all; }

  function score(rec, terms) {
    if (!terms.length) return 1;
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var best = 0;
      for (var f = 0; f < rec._fields.length; f++) {
        var list = rec._fields[f][0], weight = rec._fields[f][1];
        for (var w = 0; w < list.length; w++) {
          if (list[w] === terms[i]) { best = Math.max(best, weight * 2); }
          else if (list[w].indexOf(terms[i]) === 0) { best = Math.max(best, weight); }
        }
      }
      if (!best) return 0;
      total += best;
    }
    return total;
  }

  function readState() {
    var params = new URLSearchParams(window.location.search);
    var state = { q: params.get("q") || "", from: params.get("from") || "", to: params.get("to") || "",
                  page: Math.max(1, parseInt(params.get("page") || "1", 10) || 1), sel: {} };
    data.facets.forEach(function (f) { state.sel[f[0]] = params.getAll(f[0]); });
    return state;
  }
  function writeState(state, push) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    data.facets.forEach(function (f) { state.sel[f[0]].forEach(function (v) { params.append(f[0], v); }); });
    if (state.from) params.set("from", state.from);
    if (state.to) params.set("to", state.to);
    if (state.page > 1) params.set("page", String(state.page));
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "");
    (push ? history.pushState : history.replaceState).call(history, null, "", url);
  }

  function passes(c, state, skip) {
    for (var f = 0; f < data.facets.length; f++) {
      var key = data.facets[f][0], chosen = state.sel[key];
      if (key === skip || !chosen.length) continue;
      var values = c[key] || [];
      if (MULTI_AND[key]) {
        for (var i = 0; i < chosen.length; i++) if (values.indexOf(chosen[i]) < 0) return false;
      } else if (!chosen.some(function (v) { return values.indexOf(v) >= 0; })) return false;
    }
    if (skip !== "year" && (state.from || state.to)) {
      if (!c.y) return false;
      if (state.from && c.y[1] < +state.from) return false;
      if (state.to && c.y[0] > +state.to) return false;
    }
    return true;
  }

  var els = {
    form: document.getElementById("search-form"), q: document.getElementById("q"),
    facets: document.getElementById("facets"), summary: document.getElementById("summary"),
    entities: document.getElementById("entity-hits"), results: document.getElementById("results"),
    pager: document.getElementById("pager"),
  };

  function render(state) {
    var terms = words(state.q);
    var scored = [];
    data.claims.forEach(function (c) { var s = score(c, terms); if (s) scored.push([s, c]); });
    var hits = scored.filter(function (p) { return passes(p[1], state, null); });
    hits.sort(function (a, b) {
      return b[0] - a[0] || a[1]._n - b[1]._n;  // the index's order: first date, then id
    });
    // facets: counts among the claims matching the text and every *other* facet
    var html = "";
    data.facets.forEach(function (f) {
      var key = f[0], counts = {};
      scored.forEach(function (p) {
        if (!passes(p[1], state, MULTI_AND[key] ? null : key)) return;
        (p[1][key] || []).forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
      });
      state.sel[key].forEach(function (v) { if (!(v in counts)) counts[v] = 0; });
      var values = Object.keys(counts).sort(function (a, b) {
        return counts[b] - counts[a] || label(a).localeCompare(label(b));
      });
      if (!values.length) return;
      html += '<fieldset class="facet" data-facet="' + esc(key) + '"><legend>' + esc(f[1]) + "</legend>";
      values.forEach(function (v, i) {
        var on = state.sel[key].indexOf(v) >= 0;
        html += '<label' + (i >= 8 && !on ? ' class="more"' : "") + '><input type="checkbox" name="' + esc(key) +
          '" value="' + esc(v) + '"' + (on ? " checked" : "") + "> " + esc(label(v)) +
          ' <span class="count">' + counts[v] + "</span></label>";
      });
      if (values.length > 8) html += '<button type="button" class="show-more">all ' + values.length + "</button>";
      html += "</fieldset>";
    });
    var years = [];
    data.claims.forEach(function (c) { if (c.y) years.push(c.y[0], c.y[1]); });
    var lo = Math.min.apply(null, years), hi = Math.max.apply(null, years);
    var dated = scored.filter(function (p) { return p[1].y && passes(p[1], state, "year"); }).length;
    html += '<fieldset class="facet" data-facet="year"><legend>Years</legend>' +
      '<label>from <input type="number" name="from" min="' + lo + '" max="' + hi + '" value="' + esc(state.from) +
      '" placeholder="' + lo + '"></label> <label>to <input type="number" name="to" min="' + lo + '" max="' + hi +
      '" value="' + esc(state.to) + '" placeholder="' + hi + '"></label> <span class="count">' + dated +
      " dated</span></fieldset>";
    els.facets.innerHTML = html;

    var ents = terms.length ? data.entities.filter(function (e) { return score(e, terms); }) : [];
    els.entities.innerHTML = ents.slice(0, 12).map(function (e) {
      return '<li><a href="' + esc(href(e.id)) + '">' + esc(e.t[0]) + "</a> <small>" + esc(label(e.k)) +
        (e.t.length > 1 ? " · " + esc(e.t.slice(1).join(", ")) : "") + '</small> · <a class="claims-of" href="?party=' +
        encodeURIComponent(e.id) + '">claims</a></li>';
    }).join("");

    var pages = Math.max(1, Math.ceil(hits.length / PAGE));
    if (state.page > pages) state.page = pages;
    var shown = hits.slice((state.page - 1) * PAGE, state.page * PAGE);
    if (terms.length) need(allParts());
    need(shown.map(function (p) { return Math.floor(p[1]._n / text.size); }));
    var pending = terms.length && loaded + failed < text.parts ||
      failed === 0 && shown.some(function (p) { return !p[1]._text; });
    els.summary.textContent = hits.length + " of " + data.claims.length + " claims" +
      (state.q ? ' matching "' + state.q + '"' : "") + (pages > 1 ? " · page " + state.page + " of " + pages : "") +
      (pending ? " · loading the text index (" + loaded + " of " + text.parts + " parts)…" : "") +
      (failed ? " · " + failed + " part(s) of the text index did not load" : "");
    els.summary.setAttribute("data-pending", pending ? "true" : "false");
    els.results.innerHTML = shown.map(function (p) {
      var c = p[1];
      if (!c._text) return '<li class="hit-pending" aria-busy="true">…</li>';
      var quote = c.q.find(function (q) { return terms.some(function (t) { return fold(q).indexOf(t) >= 0; }); });
      return '<li class="hit"><a href="' + esc(href(c.id)) + '">' + esc(c.t[0]) + "</a>" +
        '<div class="meta">' + esc(label(c["class"][0])) + (c.d ? " · " + esc(c.d) : "") + " · " +
        c.party.map(function (x) { return esc(label(x)); }).join(", ") + " · " +
        c.stance.map(function (x) { return esc(label(x)); }).join(", ") + "</div>" +
        (c.g ? '<div class="gloss">' + esc(c.g) + "</div>" : "") +
        (quote ? '<blockquote lang="id">' + esc(quote) + "</blockquote>" : "") + "</li>";
    }).join("");
    var nav = "";
    for (var i = 1; i <= pages; i++) {
      nav += i === state.page ? " <strong>" + i + "</strong>" : ' <a href="#" data-page="' + i + '">' + i + "</a>";
    }
    els.pager.innerHTML = pages > 1 ? "Pages:" + nav : "";
    if (document.activeElement !== els.q) els.q.value = state.q;
  }

  var state = readState();
  function update(push) { writeState(state, push); render(state); }

  els.form.addEventListener("submit", function (ev) {
    ev.preventDefault(); state.q = els.q.value.trim(); state.page = 1; update(true);
  });
  els.q.addEventListener("input", function () { state.q = els.q.value.trim(); state.page = 1; update(false); });
  els.facets.addEventListener("change", function (ev) {
    var t = ev.target;
    if (t.name === "from" || t.name === "to") { state[t.name] = t.value; }
    else {
      var list = state.sel[t.name];
      if (t.checked) { if (list.indexOf(t.value) < 0) list.push(t.value); }
      else { state.sel[t.name] = list.filter(function (v) { return v !== t.value; }); }
    }
    state.page = 1; update(true);
  });
  els.facets.addEventListener("click", function (ev) {
    if (ev.target.classList.contains("show-more")) { ev.target.parentNode.classList.add("open"); ev.target.remove(); }
  });
  els.pager.addEventListener("click", function (ev) {
    var page = ev.target.getAttribute && ev.target.getAttribute("data-page");
    if (page) { ev.preventDefault(); state.page = +page; update(true); window.scrollTo(0, 0); }
  });
  window.addEventListener("popstate", function () { state = readState(); render(state); });
  root.hidden = false;
  var plain = document.getElementById("plain-list");
  if (plain) plain.hidden = true;
  render(state);
})();
