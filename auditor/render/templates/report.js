/* Report interactivity: findings filters/pagination and the lazy source view.
   Every piece of report data reaches the DOM through textContent / text nodes,
   never through innerHTML. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("report-data").textContent);
  var PAGE = 100;
  var SEV_CLASS = ["sev-error", "sev-warning", "sev-info", "sev-other"];
  var FILTERS = ["story", "source", "kind", "sev"];
  var findings = DATA.findings;
  var sources = DATA.sources;
  var form = document.getElementById("filters");
  var state = { story: "", source: "", kind: "", sev: "", q: "", sort: "severity" };
  var starts = {};

  findings.forEach(function (f, i) { f.i = i; f.srcName = sources[f.src].id; });

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
  function sourceLink(src, finding, label) {
    if (DATA.texts[src] === null) { return el("span", { class: "src", text: label }); }
    return el("a", { class: "src", href: "#source-" + src + (finding === null ? "" : ":" + finding), text: label });
  }

  function findingRow(f) {
    var cls = sevClass(f);
    var head = el("div", { class: "f-head" },
      el("span", { class: "sev " + cls, text: f.sev }),
      el("span", { class: "kind", text: f.kind + (f.sub ? " · " + f.sub : "") }),
      sourceLink(f.src, f.i, f.srcName),
      el("span", { class: "line", text: lineLabel(f.line, f.end) }),
      f.check ? el("code", { class: "check", text: f.check }) : null,
      DATA.stories.length > 1 ? el("span", { class: "f-story", text: "story: " + DATA.stories[f.story] }) : null);
    var body;
    if (f.rel.length) {
      body = el("div", { class: "side" }, sideColumn("flagged", f.src, f.i, f, cls));
      f.rel.slice(0, 5).forEach(function (r) { body.append(sideColumn(r.src === f.src ? "same source" : "other source", r.src, f.i, r, "rel")); });
      if (f.rel.length > 5) { body.append(el("div", { class: "muted", text: "+" + (f.rel.length - 5) + " more related locations" })); }
    } else {
      body = snippet(f.src, f.span, f.ctx, f.ev, cls);
    }
    return el("article", { class: "finding " + cls + (f.sup ? " is-sup" : ""), "data-kind": f.kind, "data-finding": f.i },
      head, el("p", { class: "msg", text: f.msg }), body);
  }

  function sideColumn(role, src, fi, loc, cls) {
    var label = el("div", { class: "side-label" }, el("span", { class: "role", text: role }),
      sourceLink(src, fi, sources[src].id), " · " + lineLabel(loc.line, loc.end));
    return el("div", { class: "side-col" }, label, snippet(src, loc.span, loc.ctx, loc.ev, cls));
  }

  function matches(f, skip) {
    if (skip !== "story" && state.story !== "" && f.story !== +state.story) { return false; }
    if (skip !== "source" && state.source !== "" && f.src !== +state.source) { return false; }
    if (skip !== "kind" && state.kind !== "" && f.kind !== state.kind) { return false; }
    if (skip !== "sev" && state.sev !== "" && f.sev !== state.sev) { return false; }
    if (state.q) {
      if (f.hay === undefined) { f.hay = (f.msg + "\n" + f.ev + "\n" + f.check + "\n" + f.srcName + "\n" + f.kind).toLowerCase(); }
      if (f.hay.indexOf(state.q) === -1) { return false; }
    }
    return true;
  }

  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  var SORTS = {
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
    this.shown = this.items.filter(function (f) { return matches(f, null); }).sort(SORTS[state.sort] || SORTS.severity);
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
  function range(n) { var out = []; for (var i = 0; i < n; i++) { out.push(i); } return out; }
  var sourceOrder = range(sources.length).sort(function (a, b) { return cmp(sources[a].id, sources[b].id); });

  function refreshControls() {
    fillSelect("story", range(DATA.stories.length), function (i) { return DATA.stories[i]; },
      facetCounts("story", function (f) { return f.story; }));
    fillSelect("source", sourceOrder, function (i) { return sources[i].id; },
      facetCounts("source", function (f) { return f.src; }), true);
    fillSelect("kind", DATA.kinds, function (k) { return k; }, facetCounts("kind", function (f) { return f.kind; }));
    fillSelect("sev", ["error", "warning", "info"].concat(otherSeverities()), function (s) { return s; },
      facetCounts("sev", function (f) { return f.sev; }));
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

  function update() {
    lists.forEach(function (list) { list.update(true); });
    refreshControls();
  }
  form.addEventListener("change", function (event) {
    var name = event.target.name;
    if (!(name in state)) { return; }
    state[name] = name === "q" ? event.target.value.trim().toLowerCase() : event.target.value;
    if (name === "story" && state.source !== "" && sources[+state.source].story !== +state.story && state.story !== "") { state.source = ""; }
    update();
  });
  var typing = null;
  form.elements.q.addEventListener("input", function (event) {
    clearTimeout(typing);
    typing = setTimeout(function () { state.q = event.target.value.trim().toLowerCase(); update(); }, 200);
  });
  form.addEventListener("reset", function () {
    setTimeout(function () { FILTERS.forEach(function (k) { state[k] = ""; }); state.q = ""; state.sort = "severity"; update(); }, 0);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-filter-source]");
    if (!button) { return; }
    FILTERS.forEach(function (k) { state[k] = ""; });
    state.source = button.getAttribute("data-filter-source");
    update();
    document.getElementById("findings").scrollIntoView({ block: "start" });
  });

  /* ---------- source view (built on demand) ---------- */
  var drawer = document.getElementById("source-view");
  var backdrop = document.getElementById("backdrop");
  var svBody = document.getElementById("sv-body");

  function markClass(tags) {
    var best = 9, primary = 0, sup = true;
    tags.forEach(function (t) {
      if (t >= 0) { primary++; best = Math.min(best, findings[t].rank); if (!findings[t].sup) { sup = false; } }
    });
    var cls = primary === 0 ? "rel" : sup ? "sup" : SEV_CLASS[best];
    return tags.length > 1 ? cls + " multi" : cls;
  }

  function notesFor(src) {
    var byLine = {};
    function add(line, note) { (byLine[line] = byLine[line] || []).push(note); }
    findings.forEach(function (f) {
      if (f.src === src) {
        var endLine = f.span ? lineOf(src, Math.max(f.span[0], f.span[1] - 1)) : f.end;
        add(endLine, el("div", { class: "note " + sevClass(f) + (f.sup ? " is-sup" : ""), id: "note-" + f.i },
          el("b", { text: f.sev + (f.sup ? " (suppressed)" : "") }), el("b", { text: f.kind }), f.msg,
          f.check ? el("code", { class: "muted", text: " " + f.check }) : null));
      }
      f.rel.forEach(function (r) {
        if (r.src === src && r.span && !(f.src === src && f.span && r.span[0] === f.span[0])) {
          add(lineOf(src, Math.max(r.span[0], r.span[1] - 1)), el("div", { class: "note rel" },
            el("b", { text: "related" }), el("b", { text: f.kind }), f.msg + " — flagged in ",
            sourceLink(f.src, f.i, f.srcName)));
        }
      });
    });
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
    return box;
  }

  function openSource(src, focus) {
    var meta = sources[src];
    if (!meta) { return; }
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

  function closeSource() {
    drawer.hidden = true;
    backdrop.hidden = true;
    if (/^#source-/.test(location.hash)) {
      try { history.replaceState(null, "", location.href.split("#")[0]); } catch (err) { location.hash = "#findings"; }
    }
  }

  function route() {
    var m = /^#source-(\d+)(?::(\d+))?$/.exec(location.hash);
    if (m) { openSource(+m[1], m[2] === undefined ? null : +m[2]); } else if (!drawer.hidden) { closeSource(); }
  }
  svBody.addEventListener("click", function (event) {
    var mark = event.target.closest("mark[data-f]");
    if (!mark) { return; }
    var t = +mark.getAttribute("data-f").split(" ")[0];
    var note = document.getElementById("note-" + (t < 0 ? -t - 1 : t));
    if (note) { note.scrollIntoView({ block: "nearest" }); }
  });
  document.getElementById("sv-close").addEventListener("click", closeSource);
  backdrop.addEventListener("click", closeSource);
  document.addEventListener("keydown", function (event) { if (event.key === "Escape" && !drawer.hidden) { closeSource(); } });
  window.addEventListener("hashchange", route);

  update();
  route();
})();
