// taskproof dashboard: board filters, graph zoom and focus, live updates.
// Loaded from the site itself (Content-Security-Policy: script-src 'self');
// it only reads the page and the server's GET endpoints, and builds DOM
// with textContent, never with markup from data.
(function () {
  "use strict";

  var body = document.body;
  var base = body.getAttribute("data-base") || "";
  var live = body.hasAttribute("data-live") && typeof EventSource === "function";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function setStatus(text, cls) {
    var s = $("#live-status");
    if (!s) return;
    s.textContent = text;
    s.className = "live-status " + (cls || "");
  }

  // ---------------------------------------------------------------- board
  function initBoard() {
    var chips = $$("#state-filter .chip");
    if (!chips.length) return;
    var group = $("#group-filter"), text = $("#text-filter"), count = $("#filter-count");
    var params = new URLSearchParams(location.search);
    var states = {};
    (params.get("state") || "").split(",").forEach(function (s) { if (s) states[s] = true; });
    chips.forEach(function (c) {
      if (states[c.dataset.state]) c.setAttribute("aria-pressed", "true");
      c.addEventListener("click", function () {
        var on = c.getAttribute("aria-pressed") !== "true";
        c.setAttribute("aria-pressed", on ? "true" : "false");
        apply();
      });
    });
    if (params.get("group")) group.value = params.get("group");
    if (params.get("q")) text.value = params.get("q");
    group.addEventListener("change", apply);
    text.addEventListener("input", apply);

    function apply() {
      var want = {}, any = false;
      chips.forEach(function (c) {
        if (c.getAttribute("aria-pressed") === "true") { want[c.dataset.state] = true; any = true; }
      });
      var g = group.value, q = text.value.trim().toLowerCase();
      var shown = 0, seen = {}, total = {};
      $$("section.group").forEach(function (sec) {
        var rows = $$("tr.task", sec), visible = 0;
        rows.forEach(function (tr) {
          total[tr.dataset.path] = true;
          var ok = (!any || want[tr.dataset.state]) &&
            (!g || (tr.dataset.groups || "").split("\u001f").indexOf(g) >= 0) &&
            (!q || tr.dataset.search.indexOf(q) >= 0);
          tr.hidden = !ok;
          if (ok) { visible++; if (!seen[tr.dataset.path]) { seen[tr.dataset.path] = true; shown++; } }
        });
        sec.hidden = rows.length > 0 && visible === 0;
      });
      var n = Object.keys(total).length;
      count.textContent = (any || g || q) ? shown + " of " + n + " task files shown" : n + " task files";
      var nm = $("#no-match");
      if (nm) nm.hidden = shown > 0;
      var p = new URLSearchParams();
      if (any) p.set("state", Object.keys(want).join(","));
      if (g) p.set("group", g);
      if (q) p.set("q", q);
      var qs = p.toString();
      history.replaceState(null, "", qs ? "?" + qs : location.pathname);
    }
    apply();
    if (live) boardLive();
  }

  function boardLive() {
    var es = new EventSource(base + "events");
    es.onopen = function () { setStatus("live", "on"); };
    es.onerror = function () { setStatus("reconnecting…", "off"); };
    es.addEventListener("runs", function (ev) {
      var runs = JSON.parse(ev.data);
      var box = $("#live-runs"), list = $("#live-runs ul");
      list.textContent = "";
      $$(".running-chip").forEach(function (c) { c.hidden = true; });
      runs.forEach(function (r) {
        var li = el("li");
        var a = el("a", "", (r.kind === "prove" ? "prove " + r.task : r.command));
        a.href = base + "runs/live-" + r.id + ".html";
        li.appendChild(a);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", "verdict v-" + (r.state === "running" ? "running" : verdictClass(r.verdict)), r.state === "running" ? "running" : r.verdict));
        li.appendChild(el("span", "muted small", " " + r.progress));
        list.appendChild(li);
        if (r.task && r.state === "running") {
          $$('tr.task[data-id="' + cssEscape(r.task) + '"] .running-chip').forEach(function (c) {
            c.hidden = false; c.textContent = "proving · " + r.progress;
          });
        }
      });
      box.hidden = runs.length === 0;
    });
    es.addEventListener("board", function (ev) {
      var st = JSON.parse(ev.data);
      Object.keys(st.counts).forEach(function (s) {
        var b = $('[data-count="' + s + '"]');
        if (b) b.textContent = st.counts[s];
      });
      st.tasks.forEach(function (t) {
        $$('tr.task[data-path="' + cssEscape(t.path) + '"]').forEach(function (tr) {
          if (tr.dataset.state !== t.state) tr.classList.add("changed");
          tr.dataset.state = t.state;
          var cell = $('[data-role="state"]', tr);
          cell.textContent = "";
          cell.appendChild(el("span", "badge s-" + t.state, t.state));
          $('[data-role="summary"]', tr).textContent = t.summary;
          $(".c-status", tr).firstChild.textContent = t.status;
        });
      });
      st.groups.forEach(function (g) {
        var sec = document.getElementById(g.anchor);
        if (!sec) return;
        var d = $(".bar-done", sec), p = $(".bar-proven", sec);
        if (d) d.setAttribute("width", g.done_w);
        if (p) p.setAttribute("width", g.proven_w);
        var nd = $(".n-done", sec), np = $(".n-proven", sec);
        if (nd) nd.textContent = "Done " + g.done + "/" + g.total + " (" + Math.round(100 * g.done / Math.max(g.total, 1)) + "%)";
        if (np) np.textContent = "proven " + g.proven;
      });
    });
  }

  function cssEscape(s) { return window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/["\\]/g, "\\$&"); }
  function verdictClass(v) {
    v = (v || "").toLowerCase();
    if (v === "pass" || v === "passed" || v === "proven") return "good";
    if (!v || v === "unproven") return "none";
    if (v === "running") return "running";
    if (v === "skipped" || v === "not_run" || v === "abandoned") return "warn";
    return "bad";
  }

  // ---------------------------------------------------------------- graph
  function initGraph() {
    var svg = $("svg#graph");
    if (!svg) return;
    var wrap = $("#graph-wrap");
    var W = +svg.getAttribute("width"), H = +svg.getAttribute("height");
    var vb = { x: 0, y: 0, w: W, h: H };
    svg.removeAttribute("width");
    svg.removeAttribute("height");

    var nodes = {}, edges = $$(".edge", svg);
    $$(".node", svg).forEach(function (g) { nodes[g.dataset.id] = g; });

    function fit(box) {
      var r = wrap.getBoundingClientRect();
      if (r.width < 10 || r.height < 10) return; // not laid out (yet)
      var aspect = r.width / r.height;
      // Never magnify more than 1.6 times: a small graph stays readable size.
      var w = Math.max(box.w, r.width / 1.6), h = Math.max(box.h, r.height / 1.6);
      if (w / h > aspect) h = w / aspect; else w = h * aspect;
      vb = { x: box.x - (w - box.w) / 2, y: box.y - (h - box.h) / 2, w: w, h: h };
      draw();
    }
    function draw() { svg.setAttribute("viewBox", vb.x + " " + vb.y + " " + vb.w + " " + vb.h); }
    function bbox(ids) {
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      ids.forEach(function (id) {
        var r = nodes[id] && $("rect", nodes[id]);
        if (!r) return;
        var x = +r.getAttribute("x"), y = +r.getAttribute("y");
        x0 = Math.min(x0, x); y0 = Math.min(y0, y);
        x1 = Math.max(x1, x + (+r.getAttribute("width"))); y1 = Math.max(y1, y + (+r.getAttribute("height")));
      });
      if (x0 === Infinity) return { x: 0, y: 0, w: W, h: H };
      var m = 40;
      return { x: x0 - m, y: y0 - m, w: x1 - x0 + 2 * m, h: y1 - y0 + 2 * m };
    }

    // A static export cannot lay out a focus on the server: dim everything
    // outside the neighbourhood instead, and zoom to it.
    var params = new URLSearchParams(location.search);
    if (params.get("blocking") && !svg.dataset.focus && !svg.closest("[data-served]")) svg.classList.add("hide-soft");
    var focus = (params.get("focus") || "").trim().toUpperCase();
    var ids = Object.keys(nodes);
    if (focus && !svg.dataset.focus) {
      // Show the request in the form, as the server would have.
      var f = $("#focus"), d = $("#depth"), bl = $("#blocking");
      if (f) f.value = focus;
      if (d && params.get("depth")) d.value = params.get("depth");
      if (bl) bl.checked = !!params.get("blocking");
    }
    if (focus && !svg.dataset.focus && nodes[focus]) {
      var depth = Math.max(1, Math.min(6, +(params.get("depth") || 1)));
      var nb = {};
      edges.forEach(function (e) {
        if (params.get("blocking") && e.classList.contains("soft")) return;
        (nb[e.dataset.from] = nb[e.dataset.from] || []).push(e.dataset.to);
        (nb[e.dataset.to] = nb[e.dataset.to] || []).push(e.dataset.from);
      });
      var keep = {}; keep[focus] = true;
      var frontier = [focus];
      for (var d = 0; d < depth; d++) {
        var next = [];
        frontier.forEach(function (x) { (nb[x] || []).forEach(function (y) { if (!keep[y]) { keep[y] = true; next.push(y); } }); });
        frontier = next;
      }
      svg.classList.add("focusing");
      ids.forEach(function (id) { nodes[id].classList.toggle("dim", !keep[id]); });
      nodes[focus].classList.add("focus");
      edges.forEach(function (e) { e.classList.toggle("dim", !(keep[e.dataset.from] && keep[e.dataset.to])); });
      ids = Object.keys(keep);
    }
    fit(bbox(svg.dataset.focus || focus ? ids : Object.keys(nodes)));
    var resizeTimer = 0;
    window.addEventListener("resize", function () {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(function () { fit(vb); }, 100);
    });

    // Zoom on the wheel around the pointer; pan by dragging.
    svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var r = svg.getBoundingClientRect();
      var px = vb.x + (ev.clientX - r.left) / r.width * vb.w;
      var py = vb.y + (ev.clientY - r.top) / r.height * vb.h;
      var k = Math.exp(ev.deltaY * 0.0015);
      k = Math.max(Math.min(k, 4), 0.25);
      var w = Math.min(Math.max(vb.w * k, 80), W * 4 + 400);
      k = w / vb.w;
      vb = { x: px - (px - vb.x) * k, y: py - (py - vb.y) * k, w: vb.w * k, h: vb.h * k };
      draw();
    }, { passive: false });
    var drag = null, moved = false;
    svg.addEventListener("pointerdown", function (ev) {
      drag = { x: ev.clientX, y: ev.clientY, vb: { x: vb.x, y: vb.y, w: vb.w, h: vb.h } };
      moved = false;
    });
    window.addEventListener("pointermove", function (ev) {
      if (!drag) return;
      var r = svg.getBoundingClientRect();
      var dx = (ev.clientX - drag.x) / r.width * drag.vb.w, dy = (ev.clientY - drag.y) / r.height * drag.vb.h;
      if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) > 4) { moved = true; wrap.classList.add("dragging"); }
      vb = { x: drag.vb.x - dx, y: drag.vb.y - dy, w: drag.vb.w, h: drag.vb.h };
      draw();
    });
    window.addEventListener("pointerup", function () { drag = null; wrap.classList.remove("dragging"); });
    // A drag that ends on a task must not open it.
    svg.addEventListener("click", function (ev) { if (moved) { ev.preventDefault(); moved = false; } }, true);

    // Hovering a task lights up its edges and neighbours.
    ids.forEach(function (id) {
      var g = nodes[id];
      g.addEventListener("mouseenter", function () {
        svg.classList.add("hl");
        g.classList.add("hl");
        edges.forEach(function (e) {
          if (e.dataset.from === id || e.dataset.to === id) {
            e.classList.add("hl");
            var o = e.dataset.from === id ? e.dataset.to : e.dataset.from;
            if (nodes[o]) nodes[o].classList.add("hl");
          }
        });
      });
      g.addEventListener("mouseleave", function () {
        svg.classList.remove("hl");
        $$(".hl", svg).forEach(function (x) { x.classList.remove("hl"); });
      });
    });
  }

  // ------------------------------------------------------------ live run
  function initRun() {
    var art = $("article[data-live-run]");
    if (!art || !live) return;
    var key = art.dataset.key;
    var runBase = base + "runs/" + key;
    function cursors() {
      return $$(".console[data-step]").map(function (c) {
        return c.dataset.step + ":" + c.dataset.bytes + ":" + c.dataset.lines + ":" + c.dataset.marks;
      }).join(",");
    }
    var pending = {}; // marks whose line has not arrived yet, by anchor
    var refresh = {};
    function refreshTimeline(step) {
      if (refresh[step]) return;
      refresh[step] = setTimeout(function () {
        refresh[step] = 0;
        fetch(runBase + "/timeline/" + step, { cache: "no-store" }).then(function (r) {
          return r.ok ? r.text() : null;
        }).then(function (html) {
          var old = $('.timeline[data-step="' + step + '"]');
          if (!html || !old) return;
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.querySelector(".timeline");
          if (fresh) old.replaceWith(document.adoptNode(fresh));
        });
      }, 250);
    }
    function lineEl(l) {
      var div = el("div", "ln fresh " + (l.cls || ""));
      div.id = l.anchor;
      var a = el("a", "no", String(l.n));
      a.href = "#" + l.anchor;
      div.appendChild(a);
      div.appendChild(el("span", "tx", l.text));
      if (l.note) div.appendChild(el("span", "note", l.note));
      return div;
    }
    function applyMark(m) {
      var div = document.getElementById(m.anchor);
      if (!div) { pending[m.anchor] = m; return; }
      div.classList.remove("near");
      div.classList.add(m.cls);
      var note = $(".note", div);
      if (!note) { note = el("span", "note"); div.appendChild(note); }
      note.textContent = m.note;
    }
    function stepSection(n, then) {
      var sec = document.getElementById("step-" + n);
      if (sec) { then(sec); return; }
      fetch(runBase + "/step/" + n, { cache: "no-store" }).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
        if (!html || document.getElementById("step-" + n)) { then(document.getElementById("step-" + n)); return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var s = doc.querySelector("section.step");
        if (!s) return;
        var after = $$("section.step", art).pop() || $("#why", art);
        after.after(document.adoptNode(s));
        then(document.getElementById("step-" + n));
      });
    }
    var es = new EventSource(runBase + "/events?at=" + encodeURIComponent(cursors()));
    es.onopen = function () { setStatus("live", "on"); };
    es.onerror = function () { setStatus("reconnecting…", "off"); };
    es.addEventListener("console", function (ev) {
      var d = JSON.parse(ev.data);
      stepSection(d.step, function (sec) {
        var con = sec && $(".console", sec);
        if (!con) return;
        d.lines.forEach(function (l) {
          if (document.getElementById(l.anchor)) return;
          con.appendChild(lineEl(l));
          if (pending[l.anchor]) { applyMark(pending[l.anchor]); delete pending[l.anchor]; }
        });
        var last = d.lines[d.lines.length - 1];
        if (last) con.dataset.lines = last.n;
        var ids = (ev.lastEventId || "").split(",");
        ids.forEach(function (c) {
          var f = c.split(":");
          if (+f[0] === d.step) { con.dataset.bytes = f[1]; con.dataset.lines = f[2]; }
        });
      });
    });
    es.addEventListener("mark", function (ev) {
      var m = JSON.parse(ev.data);
      stepSection(m.step, function (sec) {
        applyMark(m);
        var con = sec && $(".console", sec);
        if (con) con.dataset.marks = (+con.dataset.marks || 0) + 1;
        $$("tr.check", sec).forEach(function (tr) {
          if (tr.dataset.marker !== m.marker) return;
          var cnt = $(".cnt", tr), parts = cnt.textContent.split("/");
          var n = (+parts[0] || 0) + 1;
          cnt.textContent = n + "/" + parts[1];
          if (n >= +parts[1]) { tr.classList.remove("missing"); tr.classList.add("ok"); $(".msg", tr).textContent = ""; }
          var where = $(".where", tr);
          if (!where.firstChild) {
            var a = el("a", "", "line " + m.line);
            a.href = "#" + m.anchor;
            where.appendChild(a);
            $(".at", tr).textContent = m.at;
          }
        });
        refreshTimeline(m.step);
      });
    });
    es.addEventListener("step", function (ev) {
      var s = JSON.parse(ev.data);
      stepSection(s.step, function (sec) {
        if (!sec) return;
        var v = $(".step-verdict", sec);
        if (v && s.verdict) { v.textContent = ""; v.appendChild(el("span", "verdict v-" + verdictClass(s.verdict), s.verdict)); }
        if (s.state !== "running") $$(".pulse", sec).forEach(function (p) { p.remove(); });
        refreshTimeline(s.step);
      });
    });
    es.addEventListener("end", function (ev) {
      es.close();
      var e = JSON.parse(ev.data);
      setStatus(e.state, "");
      // Swap in the finished page (verdict, why, items) without a reload.
      fetch(location.pathname, { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("main");
        if (fresh) {
          var main = $("main");
          main.replaceWith(document.adoptNode(fresh));
          if (location.hash) { var t = document.getElementById(location.hash.slice(1)); if (t) t.scrollIntoView(); }
        }
      });
    });
  }

  // ------------------------------------------------------------ runs list
  function initRuns() {
    if (!live || !$("#live-list")) return;
    var es = new EventSource(base + "events"), pending = 0;
    es.onopen = function () { setStatus("live", "on"); };
    es.onerror = function () { setStatus("reconnecting…", "off"); };
    function refresh() {
      if (pending) return;
      pending = setTimeout(function () {
        pending = 0;
        fetch(location.pathname, { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          ["#live-list", "#ledger-list"].forEach(function (sel) {
            var fresh = doc.querySelector(sel), old = $(sel);
            if (fresh && old) old.replaceWith(document.adoptNode(fresh));
          });
        });
      }, 300);
    }
    es.addEventListener("runs", refresh);
    es.addEventListener("board", refresh);
  }

  initBoard();
  initGraph();
  initRun();
  initRuns();
  if (live && !$("#state-filter") && !$("article[data-live-run]") && !$("#live-list")) setStatus("live", "on");
})();
