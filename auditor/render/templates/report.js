/* Report interactivity: findings filters (kept in the URL), pagination, permalinks by finding id,
   ticking findings into a baseline file, CSV export and the lazy source view (a modal dialog).
   Every piece of report data reaches the DOM through textContent / text nodes, never through innerHTML. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("report-data").textContent);
  var PAGE = 100;
  var SEV_CLASS = ["sev-error", "sev-warning", "sev-info", "sev-other"];
  var FILTERS = ["story", "source", "kind", "sev", "change"];
  var DEFAULT_SORT = "overview";
  var findings = DATA.findings;
  var sources = DATA.sources;
  var order = DATA.order || { story: [], source: [] };
  var form = document.getElementById("filters");
  var state = { story: "", source: "", kind: "", sev: "", change: "", q: "", sort: DEFAULT_SORT };
  var starts = {};
  var sourceByName = {};
  var findingById = {};
  var ticked = {};

  sources.forEach(function (s, i) { if (!(s.id in sourceByName)) { sourceByName[s.id] = i; } });
  findings.forEach(function (f, i) {
    f.i = i;
    f.srcName = sources[f.src].id;
    f.storyName = DATA.stories[f.story];
    f.real = f.id.charAt(0) !== "#";  /* "#n": the finding had no id; it cannot be accepted or linked */
    if (f.real && !(f.id in findingById)) { findingById[f.id] = i; }
  });

  /* ---------- DOM helpers ---------- */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    var key;
    for (key in attrs || {}) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) { continue; }
      if (key === "class") { node.className = value; }
      else if (key === "text") { node.textContent = value; }
      else { node.setAttribute(key, String(value)); }
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child !== null && child !== undefined) { node.append(child); }
    }
    return node;
  }
  function plural(n, word) { return n.toLocaleString("en") + " " + word + (n === 1 ? "" : "s"); }
  function sevClass(f) { return SEV_CLASS[f.rank]; }

  /* ---------- text geometry ---------- */
  function lineStarts(src) {
    if (!starts[src]) {
      var text = DATA.texts[src] || "";
      var out = [0];
      for (var p = text.indexOf("\n"); p !== -1; p = text.indexOf("\n", p + 1)) { out.push(p + 1); }
      starts[src] = out;
    }
    return starts[src];
  }
  function lineOf(src, offset) {
    var s = lineStarts(src), lo = 0, hi = s.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (s[mid] <= offset) { lo = mid + 1; } else { hi = mid; } }
    return lo;
  }

  /* Render text[from, to) as numbered lines; segs = sorted disjoint [start, end, tags]. */
  function renderCode(text, from, to, firstLine, segs, makeMark, afterLine) {
    var box = el("div", { class: "code" });
    var line = firstLine, pos = from, si = 0;
    while (si < segs.length && segs[si][1] <= from) { si++; }
    for (;;) {
      var nl = text.indexOf("\n", pos);
      var end = (nl === -1 || nl > to) ? to : nl;
      var tx = el("span", { class: "tx" });
      if (pos === from && from > 0 && text.charAt(from - 1) !== "\n") { tx.append("…"); }
      var p = pos;
      while (si < segs.length && segs[si][0] < end) {
        var seg = segs[si], a = Math.max(seg[0], p), b = Math.min(seg[1], end);
        if (a > p) { tx.append(text.slice(p, a)); }
        if (b > a) { tx.append(makeMark(text.slice(a, b), seg[2], a)); p = b; }
        if (seg[1] <= end) { si++; } else { break; }
      }
      if (p < end) { tx.append(text.slice(p, end)); }
      if (end === to && to < text.length && text.charAt(to) !== "\n") { tx.append("…"); }
      box.append(el("div", { class: "ln", "data-line": line }, el("span", { class: "no", text: String(line) }), tx));
      if (afterLine) { afterLine(box, line); }
      if (end >= to) { break; }
      pos = end + 1;
      line++;
    }
    return box;
  }

  function snippet(src, span, ctx, evidence, cls) {
    var text = DATA.texts[src];
    if (text === null || !span || !ctx) {
      return el("div", { class: "code" }, el("div", { class: "ln" }, el("span", { class: "no", text: "" }),
        el("span", { class: "tx" }, el("mark", { class: cls, text: evidence || "(no evidence)" }))));
    }
    return renderCode(text, ctx[0], ctx[1], ctx[2], [[span[0], span[1], [0]]],
      function (part) { return el("mark", { class: cls, text: part }); });
  }

  function lineLabel(line, end) {
    if (line === null || line === undefined) { return "no line"; }
    return (end && end !== line) ? "lines " + line + "–" + end : "line " + line;
  }

  /* ---------- findings list ---------- */
  function sourceHref(src, fi) {
    return "#source-" + encodeURIComponent(sources[src].id) +
      (fi === null || !findings[fi].real ? "" : ":" + encodeURIComponent(findings[fi].id));
  }
  function sourceLink(src, fi, label) {
    if (DATA.texts[src] === null) { return el("span", { class: "src", text: label }); }
    return el("a", { class: "src", href: sourceHref(src, fi), text: label });
  }

  function tickBox(f) {
    if (!f.real) { return null; }
    var box = el("input", { type: "checkbox", class: "tick", "data-id": f.id, "aria-label": "Accept finding " + f.id });
    box.checked = !!ticked[f.id];
    return box;
  }

  function findingRow(f) {
    var cls = sevClass(f);
    var head = el("div", { class: "f-head" },
      tickBox(f),
      el("span", { class: "sev " + cls, text: f.sev }),
      f.st === "new" ? el("span", { class: "new-badge", text: "new" }) : null,
      el("span", { class: "kind", text: f.kind + (f.sub ? " · " + f.sub : "") }),
      sourceLink(f.src, f.i, f.srcName),
      el("span", { class: "line", text: lineLabel(f.line, f.end) }),
      f.check ? el("code", { class: "check", text: f.check }) : null,
      DATA.stories.length > 1 ? el("span", { class: "f-story", text: "story: " + f.storyName }) : null,
      f.real ? el("a", { class: "fid", href: "#finding-" + encodeURIComponent(f.id), title: "permalink to this finding",
        text: "#" + f.id }) : null);
    var body;
    if (f.rel.length) {
      body = el("div", { class: "side" }, sideColumn("flagged", f.src, f.i, f, cls));
      f.rel.slice(0, 5).forEach(function (r) { body.append(relColumn(f, r)); });
      if (f.rel.length > 5) { body = el("div", {}, body, moreRelated(f)); }
    } else {
      body = snippet(f.src, f.span, f.ctx, f.ev, cls);
    }
    var row = el("article", { class: "finding " + cls + (f.sup ? " is-sup" : ""), "data-kind": f.kind,
      "data-finding": f.i, "data-id": f.id, tabindex: "-1" }, head, el("p", { class: "msg", text: f.msg }), body);
    if (f.real && findingById[f.id] === f.i) { row.id = "finding-" + f.id; }
    return row;
  }

  function relColumn(f, r) {
    return sideColumn(r.src === f.src ? "same source" : "other source", r.src, f.i, r, "rel");
  }

  /* The related locations past the first five, built when the reader opens them. */
  function moreRelated(f) {
    var rest = f.rel.slice(5);
    var box = el("div", { class: "side" });
    var more = el("details", { class: "more-rel" },
      el("summary", { text: "Show " + rest.length + " more related location" + (rest.length === 1 ? "" : "s") }), box);
    more.addEventListener("toggle", function () {
      if (more.open && !box.firstChild) { rest.forEach(function (r) { box.append(relColumn(f, r)); }); }
    });
    return more;
  }

  function sideColumn(role, src, fi, loc, cls) {
    var label = el("div", { class: "side-label" }, el("span", { class: "role", text: role }),
      sourceLink(src, fi, sources[src].id), " · " + lineLabel(loc.line, loc.end));
    return el("div", { class: "side-col" }, label, snippet(src, loc.span, loc.ctx, loc.ev, cls));
  }

  function matches(f, skip) {
    if (skip !== "story" && state.story !== "" && f.storyName !== state.story) { return false; }
    if (skip !== "source" && state.source !== "" && f.srcName !== state.source) { return false; }
    if (skip !== "kind" && state.kind !== "" && f.kind !== state.kind) { return false; }
    if (skip !== "sev" && state.sev !== "" && f.sev !== state.sev) { return false; }
    if (skip !== "change" && state.change !== "" && f.st !== state.change) { return false; }
    if (state.q) {
      if (f.hay === undefined) {
        f.hay = (f.msg + "\n" + f.ev + "\n" + f.check + "\n" + f.srcName + "\n" + f.kind + "\n" + f.id).toLowerCase();
      }
      if (f.hay.indexOf(state.q) === -1) { return false; }
    }
    return true;
  }

  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  function rankOf(list, index) { var r = list[index]; return r === undefined ? 1e9 : r; }
  var SORTS = {
    overview: function (a, b) {
      return rankOf(order.story, a.story) - rankOf(order.story, b.story) || a.rank - b.rank ||
        rankOf(order.source, a.src) - rankOf(order.source, b.src) || (a.line || 0) - (b.line || 0) || a.i - b.i;
    },
    severity: function (a, b) { return a.rank - b.rank || cmp(a.srcName, b.srcName) || (a.line || 0) - (b.line || 0) || a.i - b.i; },
    source: function (a, b) { return cmp(a.srcName, b.srcName) || (a.line || 0) - (b.line || 0) || a.rank - b.rank || a.i - b.i; },
    kind: function (a, b) { return cmp(a.kind, b.kind) || a.rank - b.rank || cmp(a.srcName, b.srcName) || a.i - b.i; },
    line: function (a, b) { return (a.line || 0) - (b.line || 0) || cmp(a.srcName, b.srcName) || a.i - b.i; }
  };

  function FindingList(prefix, suppressed, noun) {
    this.items = findings.filter(function (f) { return f.sup === suppressed; });
    this.list = document.getElementById(prefix + "-list");
    this.pager = document.getElementById(prefix + "-pager");
    this.count = document.getElementById(prefix + "-count");
    this.noun = noun;
    this.page = 0;
    this.shown = [];
  }
  FindingList.prototype.update = function (resetPage) {
    this.shown = this.items.filter(function (f) { return matches(f, null); }).sort(SORTS[state.sort] || SORTS[DEFAULT_SORT]);
    if (resetPage) { this.page = 0; }
    this.page = Math.max(0, Math.min(this.page, Math.ceil(this.shown.length / PAGE) - 1));
    this.render();
  };
  FindingList.prototype.render = function () {
    var first = this.page * PAGE, rows = this.shown.slice(first, first + PAGE);
    var frag = document.createDocumentFragment();
    rows.forEach(function (f) { frag.append(findingRow(f)); });
    if (!rows.length) { frag.append(el("p", { class: "empty", text: "No " + this.noun + " match the filters." })); }
    this.list.replaceChildren(frag);
    var total = this.items.length, n = this.shown.length;
    this.count.textContent = n === total ? plural(total, this.noun.replace(/s$/, "")) :
      n.toLocaleString("en") + " of " + plural(total, this.noun.replace(/s$/, "")) + " match";
    this.renderPager(first, rows.length);
  };
  FindingList.prototype.show = function (f) {
    var at = this.shown.indexOf(f);
    if (at === -1) { return null; }
    this.page = Math.floor(at / PAGE);
    this.render();
    return this.list.querySelector('[data-finding="' + f.i + '"]');
  };
  FindingList.prototype.renderPager = function (first, count) {
    var self = this, pages = Math.ceil(this.shown.length / PAGE);
    if (pages <= 1) { this.pager.replaceChildren(); return; }
    function go(page) {
      return function () { self.page = page; self.render(); self.list.scrollIntoView({ block: "start" }); };
    }
    var prev = el("button", { type: "button", class: "btn", "data-page": "prev", disabled: this.page === 0 }, "‹ Prev");
    var next = el("button", { type: "button", class: "btn", "data-page": "next", disabled: this.page >= pages - 1 }, "Next ›");
    prev.addEventListener("click", go(this.page - 1));
    next.addEventListener("click", go(this.page + 1));
    this.pager.replaceChildren(prev, el("span", { text: "Page " + (this.page + 1) + " of " + pages +
      " · showing " + (first + 1) + "–" + (first + count) + " of " + this.shown.length.toLocaleString("en") }), next);
  };

  var lists = [new FindingList("f", false, "findings"), new FindingList("s", true, "suppressed findings")];

  /* ---------- filter controls with live counts ---------- */
  function facetCounts(facet, key) {
    var counts = {};
    lists[0].items.forEach(function (f) { if (matches(f, facet)) { var k = key(f); counts[k] = (counts[k] || 0) + 1; } });
    return counts;
  }
  /* sparse: list only values with matches (used for the long source list). */
  function fillSelect(name, values, label, counts, sparse) {
    var select = form.elements[name], current = state[name];
    var frag = document.createDocumentFragment();
    var total = 0, k;
    for (k in counts) { total += counts[k]; }
    frag.append(el("option", { value: "", text: "All (" + total + ")" }));
    values.forEach(function (v) {
      var n = counts[v] || 0;
      if (n || String(v) === current || !sparse) { frag.append(el("option", { value: v, text: label(v) + " (" + n + ")" })); }
    });
    select.replaceChildren(frag);
    select.value = current;
  }
  function identity(v) { return v; }
  function byRank(names, ranks) {
    return names.map(function (n, i) { return i; }).sort(function (a, b) {
      return rankOf(ranks, a) - rankOf(ranks, b) || cmp(names[a], names[b]);
    }).map(function (i) { return names[i]; });
  }
  var storyNames = byRank(DATA.stories, order.story);
  var sourceNames = byRank(sources.map(function (s) { return s.id; }), order.source);

  function refreshControls() {
    fillSelect("story", storyNames, identity, facetCounts("story", function (f) { return f.storyName; }));
    fillSelect("source", sourceNames, identity, facetCounts("source", function (f) { return f.srcName; }), true);
    fillSelect("kind", DATA.kinds, identity, facetCounts("kind", function (f) { return f.kind; }));
    fillSelect("sev", ["error", "warning", "info"].concat(otherSeverities()), identity,
      facetCounts("sev", function (f) { return f.sev; }));
    if (form.elements.change) { form.elements.change.value = state.change; }
    form.elements.sort.value = state.sort;
    form.elements.q.value = state.q;
    var sev = { error: 0, warning: 0, info: 0 };
    lists[0].shown.forEach(function (f) { if (f.sev in sev) { sev[f.sev]++; } });
    document.getElementById("f-sev").replaceChildren(
      el("li", { class: "sev-error" }, el("b", { text: String(sev.error) }), " errors"),
      el("li", { class: "sev-warning" }, el("b", { text: String(sev.warning) }), " warnings"),
      el("li", { class: "sev-info" }, el("b", { text: String(sev.info) }), " info"));
  }
  function otherSeverities() {
    var seen = {};
    findings.forEach(function (f) { if (f.rank === 3) { seen[f.sev] = true; } });
    return Object.keys(seen).sort();
  }

  /* ---------- filters in the URL (?story=…&kind=…), restored on load ---------- */
  function readQuery() {
    var params = new URLSearchParams(location.search);
    FILTERS.concat(["q", "sort"]).forEach(function (k) { if (params.has(k)) { state[k] = params.get(k); } });
    state.q = state.q.trim().toLowerCase();
    if (!(state.sort in SORTS)) { state.sort = DEFAULT_SORT; }
    if (state.story !== "" && DATA.stories.indexOf(state.story) === -1) { state.story = ""; }
    if (state.source !== "" && !(state.source in sourceByName)) { state.source = ""; }
  }
  function writeQuery() {
    var params = new URLSearchParams();
    FILTERS.concat(["q"]).forEach(function (k) { if (state[k] !== "") { params.set(k, state[k]); } });
    if (state.sort !== DEFAULT_SORT) { params.set("sort", state.sort); }
    var query = params.toString();
    try { history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash); } catch (err) { /* file: may refuse */ }
  }

  function update() {
    lists.forEach(function (list) { list.update(true); });
    refreshControls();
    refreshTicks();
    writeQuery();
  }
  function clearFilters() { FILTERS.forEach(function (k) { state[k] = ""; }); state.q = ""; }
  form.addEventListener("change", function (event) {
    var name = event.target.name;
    if (!(name in state)) { return; }
    state[name] = name === "q" ? event.target.value.trim().toLowerCase() : event.target.value;
    if (name === "story" && state.source !== "" && state.story !== "" &&
        DATA.stories[sources[sourceByName[state.source]].story] !== state.story) { state.source = ""; }
    update();
  });
  var typing = null;
  form.elements.q.addEventListener("input", function (event) {
    clearTimeout(typing);
    typing = setTimeout(function () { state.q = event.target.value.trim().toLowerCase(); update(); }, 200);
  });
  form.addEventListener("reset", function () {
    setTimeout(function () { clearFilters(); state.sort = DEFAULT_SORT; update(); }, 0);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-filter-source], [data-filter-story]");
    if (!button) { return; }
    clearFilters();
    if (button.hasAttribute("data-filter-source")) { state.source = button.getAttribute("data-filter-source"); }
    else { state.story = button.getAttribute("data-filter-story"); }
    update();
    if (button.tagName !== "A") { document.getElementById("findings").scrollIntoView({ block: "start" }); }
  });

  /* ---------- accept: tick findings, download a baseline file; CSV export ---------- */
  var tickedCount = document.getElementById("f-ticked");
  var baselineButton = document.getElementById("f-baseline");
  var untickButton = document.getElementById("f-untick");
  function tickedIds() { return Object.keys(ticked).sort(); }
  function refreshTicks() {
    var n = tickedIds().length;
    tickedCount.textContent = plural(n, "finding") + " ticked";
    baselineButton.disabled = n === 0;
    untickButton.disabled = n === 0;
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("tick")) { return; }
    var id = box.getAttribute("data-id");
    if (box.checked) { ticked[id] = true; } else { delete ticked[id]; }
    document.querySelectorAll("input.tick").forEach(function (other) {
      if (other.getAttribute("data-id") === id) { other.checked = box.checked; }
    });
    refreshTicks();
  });
  function setTicks(value) {
    document.querySelectorAll("#f-list input.tick").forEach(function (box) {
      box.checked = value;
      if (value) { ticked[box.getAttribute("data-id")] = true; }
    });
    if (!value) { ticked = {}; document.querySelectorAll("input.tick").forEach(function (box) { box.checked = false; }); }
    refreshTicks();
  }
  document.getElementById("f-tick-page").addEventListener("click", function () { setTicks(true); });
  untickButton.addEventListener("click", function () { setTicks(false); });

  function download(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var link = el("a", { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }
  /* The same shape as `auditor baseline` writes: {version, created, findings: [{id, kind, source, evidence}]}. */
  function baselineText() {
    var entries = tickedIds().filter(function (id) { return id in findingById; }).map(function (id) {
      var f = findings[findingById[id]];
      return { id: f.id, kind: f.kind, source: f.srcName, evidence: f.ev };
    });
    var created = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    return JSON.stringify({ version: 1, created: created, findings: entries }, null, 2) + "\n";
  }
  baselineButton.addEventListener("click", function () { download("baseline.json", "application/json", baselineText()); });

  var CSV_COLUMNS = ["id", "severity", "kind", "check", "story", "source", "line", "end_line", "change", "message", "evidence"];
  function csvCell(value) {
    var text = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) { text = "'" + text; }  /* no formulas when opened in a spreadsheet */
    return '"' + text.replace(/"/g, '""') + '"';
  }
  function csvText() {
    var rows = [CSV_COLUMNS.join(",")];
    lists[0].shown.forEach(function (f) {
      rows.push([f.real ? f.id : "", f.sev, f.kind + (f.sub ? "." + f.sub : ""), f.check, f.storyName, f.srcName,
        f.line, f.end, f.st, f.msg, f.ev].map(csvCell).join(","));
    });
    return rows.join("\r\n") + "\r\n";
  }
  document.getElementById("f-csv").addEventListener("click", function () { download("findings.csv", "text/csv", csvText()); });

  /* ---------- source view (built on demand, a modal dialog) ---------- */
  var drawer = document.getElementById("source-view");
  var backdrop = document.getElementById("backdrop");
  var svBody = document.getElementById("sv-body");
  var closeButton = document.getElementById("sv-close");
  var returnFocus = null;

  function markClass(tags) {
    var best = 9, primary = 0, sup = true;
    tags.forEach(function (t) {
      if (t >= 0) { primary++; best = Math.min(best, findings[t].rank); if (!findings[t].sup) { sup = false; } }
    });
    var cls = primary === 0 ? "rel" : sup ? "sup" : SEV_CLASS[best];
    return tags.length > 1 ? cls + " multi" : cls;
  }

  /* Notes under each line, identical notes (same line, kind, message, flagged place) shown once with a count. */
  function notesFor(src) {
    var byLine = {}, seen = {}, noteOf = {};
    function add(line, key, fi, make) {
      var fullKey = line + "\u0000" + key;
      var note = seen[fullKey];
      if (note) {
        note.count++;
        note.counter.textContent = " ×" + note.count;
      } else {
        note = seen[fullKey] = make();
        note.count = 1;
        note.counter = el("span", { class: "count" });
        note.append(note.counter);
        (byLine[line] = byLine[line] || []).push(note);
      }
      if (!(fi in noteOf)) { noteOf[fi] = note; }
    }
    findings.forEach(function (f) {
      if (f.src === src) {
        var endLine = f.span ? lineOf(src, Math.max(f.span[0], f.span[1] - 1)) : f.end;
        add(endLine, [f.sev, f.sup, f.kind, f.msg, f.check].join("\u0000"), f.i, function () {
          return el("div", { class: "note " + sevClass(f) + (f.sup ? " is-sup" : "") },
            el("b", { text: f.sev + (f.sup ? " (suppressed)" : "") }), el("b", { text: f.kind }), f.msg,
            f.check ? el("code", { class: "check", text: " " + f.check }) : null);
        });
      }
      f.rel.forEach(function (r) {
        if (r.src === src && r.span && !(f.src === src && f.span && r.span[0] === f.span[0])) {
          add(lineOf(src, Math.max(r.span[0], r.span[1] - 1)), ["rel", f.kind, f.msg, f.src].join("\u0000"), f.i, function () {
            return el("div", { class: "note rel" }, el("b", { text: "related" }), el("b", { text: f.kind }),
              f.msg + " — flagged in ", sourceLink(f.src, f.i, f.srcName));
          });
        }
      });
    });
    byLine.noteOf = noteOf;
    return byLine;
  }

  function renderSource(src) {
    var text = DATA.texts[src];
    if (text === null) { return el("p", { class: "empty", text: "The text of this source is not in the report." }); }
    var firstMark = {};
    var notes = notesFor(src);
    function makeMark(part, tags) {
      var mark = el("mark", { class: markClass(tags), "data-f": tags.join(" "), title: tags.map(function (t) {
        var f = findings[t < 0 ? -t - 1 : t];
        return (t < 0 ? "related: " : "") + f.sev + " · " + f.kind + ": " + f.msg;
      }).join("\n") }, part);
      tags.forEach(function (t) { var k = t < 0 ? -t - 1 : t; if (!(k in firstMark)) { firstMark[k] = mark; } });
      return mark;
    }
    var last = text.length > 0 && text.charAt(text.length - 1) === "\n" ? text.length - 1 : text.length;
    var box = renderCode(text, 0, last, 1, DATA.marks[src] || [], makeMark, function (container, line) {
      (notes[line] || []).forEach(function (note) { container.append(note); });
    });
    box.firstMark = firstMark;
    box.noteOf = notes.noteOf;
    return box;
  }

  function setInert(value) {
    document.querySelectorAll("body > header, body > nav, body > main, body > footer").forEach(function (node) {
      if (value) { node.setAttribute("inert", ""); } else { node.removeAttribute("inert"); }
    });
  }

  function openSource(src, focus) {
    var meta = sources[src];
    if (!meta) { return; }
    if (drawer.hidden) {
      var active = document.activeElement;
      returnFocus = active && active !== document.body && !drawer.contains(active) ? active : null;
    }
    document.getElementById("sv-title").textContent = meta.title || meta.id;
    var bits = [meta.id, "story: " + DATA.stories[meta.story]];
    if (meta.outlet) { bits.push(meta.outlet); }
    if (meta.published) { bits.push(meta.published); }
    if (meta.path) { bits.push(meta.path); }
    if (meta.url) { bits.push("url: " + meta.url); }
    var metaLine = document.getElementById("sv-meta");
    metaLine.replaceChildren(bits.join(" · "));
    if (meta.score !== null && meta.score !== undefined) {
      metaLine.prepend(el("span", { class: "pill band-" + meta.band, text: meta.score.toFixed(1) + " " + (meta.grade || "") }), " ");
    }
    if (drawer.getAttribute("data-source") !== String(src)) {
      svBody.replaceChildren(renderSource(src));
      drawer.setAttribute("data-source", String(src));
    }
    drawer.hidden = false;
    backdrop.hidden = false;
    setInert(true);
    drawer.focus({ preventScroll: true });
    focusFinding(focus);
  }

  function focusFinding(fi) {
    svBody.querySelectorAll("mark.focus").forEach(function (m) { m.classList.remove("focus"); });
    var box = svBody.firstChild;
    if (fi === null || !box || !box.firstMark) { svBody.scrollTop = 0; return; }
    svBody.querySelectorAll("mark[data-f]").forEach(function (m) {
      var tags = m.getAttribute("data-f").split(" ");
      if (tags.indexOf(String(fi)) !== -1 || tags.indexOf(String(-fi - 1)) !== -1) { m.classList.add("focus"); }
    });
    var target = box.firstMark[fi];
    if (target) { target.scrollIntoView({ block: "center" }); }
  }

  function clearHash() {
    try { history.replaceState(null, "", location.pathname + location.search); } catch (err) { location.hash = "#findings"; }
  }

  function closeSource() {
    if (drawer.hidden) { return; }
    drawer.hidden = true;
    backdrop.hidden = true;
    setInert(false);
    if (/^#source-/.test(location.hash)) { clearHash(); }
    if (returnFocus && document.contains(returnFocus)) { returnFocus.focus({ preventScroll: true }); }
    returnFocus = null;
  }

  /* Keep Tab inside the open dialog. */
  drawer.addEventListener("keydown", function (event) {
    if (event.key !== "Tab") { return; }
    var focusable = Array.prototype.filter.call(drawer.querySelectorAll("a[href], button, [tabindex='0'], summary"),
      function (node) { return node.offsetParent !== null; });
    if (!focusable.length) { return; }
    var first = focusable[0], last = focusable[focusable.length - 1];
    if (event.shiftKey && (document.activeElement === first || document.activeElement === drawer)) {
      event.preventDefault(); last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault(); first.focus();
    }
  });

  /* ---------- cards of folded stories: built from DATA.cards when the story is opened ---------- */
  function fmtScore(v) { return v === null || v === undefined ? "\u2013" : v.toFixed(1); }
  function fmtPoints(v) { return v === null || v === undefined ? "\u2013" : String(Math.round(v * 1e6) / 1e6); }
  function sevCountsNode(sev, suppressed) {
    var names = [["error", sev[0], sev[0] === 1 ? " error" : " errors"],
      ["warning", sev[1], sev[1] === 1 ? " warning" : " warnings"], ["info", sev[2], " info"]];
    var list = el("ul", { class: "sev-counts" });
    names.forEach(function (n) {
      list.append(el("li", { class: "sev-" + n[0] + (n[1] ? "" : " zero") }, el("b", { text: String(n[1]) }), n[2]));
    });
    if (suppressed) { list.append(el("li", { class: "sev-sup" }, el("b", { text: String(suppressed) }), " suppressed")); }
    return list;
  }
  function deltaNode(c) {
    if (c.delta === null || c.delta === undefined) { return null; }
    var dir = c.delta > 0 ? "up" : c.delta < 0 ? "down" : "same";
    var sign = c.delta > 0 ? "\u25b2 +" : c.delta < 0 ? "\u25bc \u2212" : "= ";
    return el("span", { class: "delta " + dir, title: "previous score " + fmtScore(c.prev) },
      sign + fmtScore(Math.abs(c.delta)), el("span", { class: "sr", text: " points since the last run" }));
  }
  function changesNode(c) {
    if (!DATA.compared || !(c["new"] || c.fixed)) { return null; }
    return el("span", { class: "changes" },
      c["new"] ? el("span", { class: "new-badge", text: c["new"] + " new" }) : null,
      c.fixed ? el("span", { class: "fixed-badge", text: c.fixed + " fixed" }) : null,
      DATA.since ? " since " + DATA.since : null);
  }
  function pointsText(comp) { return comp[6] ? fmtPoints(comp[1]) + "/" + fmtPoints(comp[2]) : "not assessed"; }
  function componentsNode(c) {
    if (!c.comp.length) { return null; }
    var summary = el("summary");
    var body = el("tbody");
    c.comp.forEach(function (comp) {
      summary.append(el("span", { class: "comp" }, el("span", { class: "comp-name", text: comp[0] }),
        el("span", { class: "bar" }, el("span", { class: "fill band-" + comp[4], style: "width: " + comp[3] + "%" })),
        el("span", { class: "comp-pts", text: pointsText(comp) })));
      body.append(el("tr", {}, el("td", { text: comp[0] }), el("td", { class: "num", text: pointsText(comp) }),
        el("td", { text: comp[5] || "no deduction" })));
    });
    summary.append(el("span", { class: "more-link", text: "Score breakdown" }));
    var head = el("thead", {}, el("tr", {}, el("th", { text: "Component" }), el("th", { class: "num", text: "Points" }),
      el("th", { text: "How it was scored" })));
    return el("details", { class: "components" }, summary, el("table", { class: "breakdown" }, head, body));
  }
  function kindsNode(c) {
    if (!c.kinds.length) { return null; }
    var box = el("div", { class: "kinds" });
    c.kinds.slice(0, 4).forEach(function (k) { box.append(el("span", { class: "chip", text: k[0] + " \u00d7" + k[1] })); });
    if (c.kinds.length > 4) { box.append(el("span", { class: "chip more", text: "+" + (c.kinds.length - 4) + " kinds" })); }
    return box;
  }
  function buildCard(c, weakest) {
    var m = sources[c.i];
    var meta = el("div", { class: "card-meta" }, el("code", { text: m.id }));
    if (m.outlet) { meta.append(" \u00b7 " + m.outlet); }
    if (m.published) { meta.append(" \u00b7 " + m.published); }
    if (m.language) { meta.append(" \u00b7 ", el("span", { class: "lang", title: "detected language", text: m.language })); }
    var title = el("div", { class: "card-title" }, el("h3", { title: m.title || m.id, text: m.title || m.id }), meta,
      m.not_assessed && m.not_assessed.length ? el("div", { class: "card-meta not-assessed",
        text: "Not applied (" + (m.language || "") + "): " + m.not_assessed.join(", ") }) : null,
      deltaNode(c), changesNode(c));
    var foot = el("footer", { class: "card-foot" },
      DATA.texts[c.i] !== null ? el("a", { class: "btn", href: "#source-" + encodeURIComponent(m.id), text: "View source" }) : null,
      el("button", { type: "button", class: "btn", "data-filter-source": m.id, text: "Findings" }),
      m.path ? el("span", { class: "path", title: m.path, text: m.path }) : null);
    return el("article", { class: "card band-" + m.band + (weakest ? " is-weakest" : ""), id: "card-" + c.i },
      weakest ? el("div", { class: "ribbon", text: "Weakest in story" }) : null,
      el("header", { class: "card-head" }, el("div", { class: "score-badge band-" + m.band },
        el("span", { class: "score", text: fmtScore(m.score) }), el("span", { class: "grade", text: m.grade || "\u2013" })), title),
      sevCountsNode(c.sev, c.sup), componentsNode(c), kindsNode(c), foot);
  }
  function buildCallout(c) {
    var m = sources[c.i];
    var label = "Weakest source" + (c.gap !== null && c.gap !== undefined ? " \u2014 " + fmtScore(c.gap) + " points below the next" : "");
    return el("div", { class: "callout band-" + m.band },
      el("div", { class: "score-badge big band-" + m.band }, el("span", { class: "score", text: fmtScore(m.score) }),
        el("span", { class: "grade", text: m.grade || "\u2013" })),
      el("div", { class: "callout-body" }, el("div", { class: "callout-label", text: label }),
        el("div", { class: "callout-title" }, (m.title || m.id) + " ", el("code", { text: m.id })),
        deltaNode(c), changesNode(c), sevCountsNode(c.sev, c.sup), c.msg ? el("p", { class: "callout-msg", text: c.msg }) : null),
      el("div", { class: "callout-actions" },
        DATA.texts[c.i] !== null ? el("a", { class: "btn primary", href: "#source-" + encodeURIComponent(m.id), text: "View source" }) : null,
        el("button", { type: "button", class: "btn", "data-filter-source": m.id, text: "Its findings" })));
  }
  /* Fill a folded story's card box (once): the first cards, the rest in a "show all" block built when opened. */
  function buildStoryCards(box) {
    var key = box.getAttribute("data-lazy-cards");
    var cards = (DATA.cards || {})[key];
    if (!cards) { return; }
    box.removeAttribute("data-lazy-cards");
    var open = DATA.cards_open || 12, weakest = box.hasAttribute("data-weakest");
    if (weakest) { box.before(buildCallout(cards[0])); }
    cards.slice(0, open).forEach(function (c, i) { box.append(buildCard(c, weakest && i === 0)); });
    var rest = cards.slice(open);
    if (!rest.length) { return; }
    var inner = el("div", { class: "cards" });
    rest.forEach(function (c) { inner.append(buildCard(c, false)); });
    box.after(el("details", { class: "more-cards" },
      el("summary", { text: "Show the other " + rest.length + " sources" }), inner));
  }
  function ensureStory(details) {
    var box = details && details.querySelector(":scope > [data-lazy-cards]");
    if (box) { buildStoryCards(box); }
  }
  document.addEventListener("toggle", function (event) {
    var node = event.target;
    if (node.classList && node.classList.contains("story") && node.open) { ensureStory(node); }
  }, true);

  /* ---------- stories table: rows past the first ones built from DATA.rows by "Show all" ---------- */
  function buildRow(r) {
    var name = DATA.stories[r[0]], w = r[1] === null ? null : sources[r[1]];
    var tr = el("tr", {}, el("td", { class: "story-name" }, el("a", { href: "#story-" + r[0], text: name })));
    if (w) {
      tr.append(el("td", {}, el("a", { href: "#card-" + r[1], class: "weak-link" }, el("span", { class: "dot band-" + w.band }),
        w.title || w.id), " ", el("code", { class: "muted", text: w.id })),
        el("td", { class: "num" }, el("span", { class: "pill band-" + w.band, text: fmtScore(w.score) + " " + (w.grade || "") }),
          deltaNode({ delta: r[2], prev: r[3] })));
    } else {
      tr.append(el("td", { class: "muted", text: "\u2013" }), el("td", { class: "num", text: "\u2013" }));
    }
    tr.append(el("td", { class: "num" }, el("a", { href: "#findings", "data-filter-story": name, text: String(r[4]) })));
    if (DATA.compared) {
      tr.append(el("td", { class: "num" }, r[5] ? el("span", { class: "new-badge", text: String(r[5]) }) : null),
        el("td", { class: "num opt", text: r[6] ? String(r[6]) : "" }));
    }
    [r[7], r[8], r[9]].forEach(function (v) { tr.append(el("td", { class: "num opt", text: String(v) })); });
    tr.append(el("td", { class: "num opt", text: r[10] ? String(r[10]) : "" }), el("td", { class: "num opt", text: fmtScore(r[11]) }));
    return tr;
  }
  var showAllStories = document.getElementById("show-all-stories");
  function showAllRows() {
    var rows = DATA.rows || [];
    DATA.rows = [];
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.append(buildRow(r)); });
    document.getElementById("story-rows").append(frag);
    if (showAllStories) { showAllStories.parentElement.remove(); showAllStories = null; }
  }
  if (showAllStories) { showAllStories.addEventListener("click", showAllRows); }

  /* ---------- routes: #source-<id>[:<finding id>], #finding-<id>, #story-n / #card-n ---------- */
  function decode(part) { try { return decodeURIComponent(part); } catch (err) { return part; } }
  function findingIn(src, id) {
    for (var i = 0; i < findings.length; i++) {
      var f = findings[i];
      if (f.id === id && (f.src === src || f.rel.some(function (r) { return r.src === src; }))) { return i; }
    }
    return id in findingById ? findingById[id] : null;
  }
  function showFinding(id) {
    var f = findings[findingById[id]];
    var list = lists[f.sup ? 1 : 0];
    if (!matches(f, null)) { clearFilters(); update(); }
    if (f.sup) { document.getElementById("s-details").open = true; }
    var row = list.show(f);
    if (row) {
      row.classList.add("target");
      row.scrollIntoView({ block: "start" });
      row.focus({ preventScroll: true });
    }
  }
  function openAncestors(node) {
    for (var d = node && node.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) { d.open = true; }
  }
  function route() {
    var hash = location.hash;
    var m = /^#source-([^:]*)(?::(.*))?$/.exec(hash);
    if (m) {
      var src = sourceByName[decode(m[1])];
      if (src === undefined && /^\d+$/.test(m[1])) { src = +m[1]; }  /* the old positional form */
      if (src !== undefined) { openSource(src, m[2] === undefined ? null : findingIn(src, decode(m[2]))); }
      return;
    }
    if (!drawer.hidden) { closeSource(); }
    m = /^#finding-(.+)$/.exec(hash);
    if (m && decode(m[1]) in findingById) { showFinding(decode(m[1])); return; }
    if (/^#(story|card)-\d+$/.test(hash)) {
      var n = +hash.replace(/^#\w+-/, "");
      var story = /^#card/.test(hash) ? (sources[n] ? sources[n].story : -1) : n;
      ensureStory(document.getElementById("story-" + story));
      var target = document.getElementById(hash.slice(1));
      if (target && !target.open) { openAncestors(target.tagName === "DETAILS" ? target.parentElement : target); }
      if (target && target.tagName === "DETAILS") { target.open = true; }
      if (target) { target.scrollIntoView({ block: "start" }); }
    }
  }
  svBody.addEventListener("click", function (event) {
    var mark = event.target.closest("mark[data-f]");
    var box = svBody.firstChild;
    if (!mark || !box || !box.noteOf) { return; }
    var t = +mark.getAttribute("data-f").split(" ")[0];
    var note = box.noteOf[t < 0 ? -t - 1 : t];
    if (note) { note.scrollIntoView({ block: "nearest" }); }
  });
  closeButton.addEventListener("click", closeSource);
  backdrop.addEventListener("click", closeSource);
  document.addEventListener("keydown", function (event) { if (event.key === "Escape" && !drawer.hidden) { closeSource(); } });
  window.addEventListener("hashchange", route);

  readQuery();
  update();
  route();
})();
