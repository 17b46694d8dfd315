// pidbox flame graph: one component for the page `pidbox profile --html` writes (inlined there) and for the
// console (/static/flamegraph.js). pidboxFlameGraph(container, data, {remember}) draws the profile document
// {title, meta, mode, unit, groups, nodes: [{name, group}], frames: [...], stacks: [[node, count, frame...]]} in
// container, with its own controls: search, matched share, reset zoom, legend, per-node filter. Everything is
// scoped to the container by class; with remember the view (search, zoom path, hidden nodes) is kept in the
// address's fragment, for the standalone page only. Frame and node names are set as text, never as markup.
(function () {
  "use strict";
  var ROW = 18;
  // a change of less than this share (0.02 = 2 points) between the groups is drawn as unchanged
  var NOISE = 0.02;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function pct(x) { return (x * 100).toFixed(2) + "%"; }
  function signed(x) { return (x >= 0 ? "+" : "") + (x * 100).toFixed(2) + " pts"; }
  function hash(s) { var h = 0; for (var i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0; return Math.abs(h); }
  function byName(a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; }

  function flameGraph(container, data, options) {
    options = options || {};
    var remember = !!options.remember;
    var compare = data.groups.length === 2;
    var state = new URLSearchParams(remember ? location.hash.replace(/^#/, "") : "");
    var hidden = state.getAll("hide");
    var selected = data.nodes.map(function (n) { return hidden.indexOf(n.name) < 0; });
    var zoom = state.getAll("zoom");
    var term = state.get("search") || "";

    while (container.firstChild) container.removeChild(container.firstChild);
    container.classList.add("pidbox-fg");
    var controls = el("div", "fg-controls");
    var searchLabel = el("label", null, "Search ");
    var search = el("input", "fg-search");
    search.type = "search";
    search.placeholder = "frame text (case-insensitive)";
    search.value = term;
    searchLabel.appendChild(search);
    var matchedEl = el("span", "fg-matched");
    var reset = el("button", "fg-reset", "Reset zoom");
    reset.type = "button";
    var legend = el("span", "fg-legend");
    controls.appendChild(searchLabel);
    controls.appendChild(matchedEl);
    controls.appendChild(reset);
    controls.appendChild(legend);
    var nodesBox = el("div", "fg-nodes");
    var graph = el("div", "fg-graph");
    var status = el("div", "fg-status", "Click a frame to zoom in, a lower row or Reset zoom to zoom out.");
    container.appendChild(controls);
    container.appendChild(nodesBox);
    container.appendChild(graph);
    container.appendChild(status);

    // per-node filter, grouped
    data.groups.forEach(function (g, gi) {
      var line = el("div", "fg-group");
      line.dataset.group = g;
      line.appendChild(el("span", "fg-group-name", g + ":"));
      data.nodes.forEach(function (n, ni) {
        if (n.group !== gi) return;
        var label = el("label");
        var box = el("input");
        box.type = "checkbox";
        box.checked = selected[ni];
        box.dataset.node = n.name;
        box.addEventListener("change", function () { selected[ni] = box.checked; draw(); });
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + n.name));
        line.appendChild(label);
      });
      nodesBox.appendChild(line);
    });

    if (compare) {
      legend.appendChild(el("span", "fg-swatch fg-grown"));
      legend.appendChild(document.createTextNode("grown in " + data.groups[1]));
      legend.appendChild(el("span", "fg-swatch fg-shrunk"));
      legend.appendChild(document.createTextNode("shrunk"));
    }

    // the tree of the selected nodes' stacks; v[g] is the count of group g
    function build() {
      var root = { name: "all", v: [0, 0], kids: new Map(), parent: null };
      var totals = [0, 0];
      data.stacks.forEach(function (s) {
        var ni = s[0], count = s[1];
        if (!selected[ni]) return;
        var g = data.nodes[ni].group;
        totals[g] += count;
        var node = root;
        node.v[g] += count;
        for (var i = 2; i < s.length; i++) {
          var name = data.frames[s[i]];
          var kid = node.kids.get(name);
          if (!kid) { kid = { name: name, v: [0, 0], kids: new Map(), parent: node }; node.kids.set(name, kid); }
          kid.v[g] += count;
          node = kid;
        }
      });
      return { root: root, totals: totals };
    }

    function share(node, totals, g) { return totals[g] > 0 ? node.v[g] / totals[g] : 0; }
    function weight(node, totals) {
      return compare ? (share(node, totals, 0) + share(node, totals, 1)) / 2 : share(node, totals, 0);
    }
    function change(node, totals) { return share(node, totals, 1) - share(node, totals, 0); }

    function colour(node, totals) {
      if (compare) {
        var d = change(node, totals);
        var k = Math.min(1, Math.abs(d) * 4);
        var base = 235 - Math.round(k * 150);
        return d >= 0 ? "rgb(235," + base + "," + base + ")" : "rgb(" + base + "," + base + ",235)";
      }
      if (node.name.charAt(0) === "[") return "rgb(190,190,190)";
      if (node.name.indexOf("new ") === 0) return "rgb(110,190,230)";
      var h = hash(node.name);
      return "rgb(" + (205 + h % 50) + "," + (90 + (h >> 8) % 110) + "," + (30 + (h >> 16) % 40) + ")";
    }

    function describe(node, totals) {
      var unit = data.unit;
      if (compare) {
        return node.name + "  " + data.groups[0] + ": " + node.v[0] + " " + unit + " (" + pct(share(node, totals, 0)) + ")  "
          + data.groups[1] + ": " + node.v[1] + " " + unit + " (" + pct(share(node, totals, 1)) + ")  change: "
          + signed(change(node, totals));
      }
      return node.name + "  " + node.v[0] + " " + unit + " (" + pct(share(node, totals, 0)) + ")";
    }

    function depthOf(node) { var d = 0; node.kids.forEach(function (k) { d = Math.max(d, depthOf(k) + 1); }); return d; }

    function draw() {
      var t = build();
      var root = t.root, totals = t.totals;
      // follow the zoom path as far as it still exists in this selection
      var path = [root];
      for (var i = 0; i < zoom.length; i++) {
        var next = path[path.length - 1].kids.get(zoom[i]);
        if (!next) break;
        path.push(next);
      }
      zoom = path.slice(1).map(function (n) { return n.name; });
      var focus = path[path.length - 1];
      var maxDepth = path.length - 1 + depthOf(focus);
      var width = graph.clientWidth || 1000;
      graph.textContent = "";
      graph.style.height = ((maxDepth + 1) * ROW) + "px";
      var needle = term.toLowerCase();
      var matched = 0;
      function box(node, depth, x, w, inPath) {
        var d = el("div", "f", node.name);
        d.style.left = x + "px";
        d.style.width = Math.max(w, 1) + "px";
        d.style.top = ((maxDepth - depth) * ROW) + "px";
        d.style.background = colour(node, totals);
        var hit = needle && node.name.toLowerCase().indexOf(needle) >= 0;
        if (hit) d.className += " hit";
        if (inPath && node !== focus) d.className += " dim";
        d.dataset.depth = String(depth);
        d.dataset.share = weight(node, totals).toFixed(4);
        if (compare) {
          var c = change(node, totals);
          d.dataset.delta = c.toFixed(4);
          d.dataset.change = c > NOISE ? "grown" : c < -NOISE ? "shrunk" : "same";
        }
        d.addEventListener("mouseenter", function () { status.textContent = describe(node, totals); });
        d.addEventListener("click", function () {
          var p = []; for (var n = node; n.parent; n = n.parent) p.unshift(n.name);
          zoom = p; draw();
        });
        graph.appendChild(d);
        return hit;
      }
      function layout(node, depth, x, w, underHit) {
        var hit = box(node, depth, x, w, false);
        if (hit && !underHit) matched += weight(node, totals) / Math.max(weight(focus, totals), 1e-12);
        var fw = weight(node, totals);
        var cx = x;
        Array.from(node.kids.values()).sort(byName).forEach(function (k) {
          var kw = fw > 0 ? w * weight(k, totals) / fw : 0;
          if (kw >= 0.5) layout(k, depth + 1, cx, kw, hit || underHit);
          cx += kw;
        });
      }
      for (var p = 0; p < path.length - 1; p++) box(path[p], p, 0, width, true);
      layout(focus, path.length - 1, 0, width, false);
      matchedEl.textContent = needle ? "matched " + pct(matched) + " of the view" : "";
      container.dataset.drawn = String(Number(container.dataset.drawn || 0) + 1);
      if (remember) keep();
    }

    function keep() {
      var p = new URLSearchParams();
      if (term) p.append("search", term);
      zoom.forEach(function (z) { p.append("zoom", z); });
      data.nodes.forEach(function (n, ni) { if (!selected[ni]) p.append("hide", n.name); });
      try { history.replaceState(null, "", "#" + p.toString()); } catch (e) { /* a page without history */ }
    }

    search.addEventListener("input", function () { term = search.value; draw(); });
    reset.addEventListener("click", function () { zoom = []; draw(); });
    var lastWidth = graph.clientWidth;
    function resized() {
      if (!container.isConnected) { window.removeEventListener("resize", resized); return; }
      if (graph.clientWidth !== lastWidth) { lastWidth = graph.clientWidth; draw(); }
    }
    window.addEventListener("resize", resized);
    draw();
    return {
      redraw: draw,
      dispose: function () { window.removeEventListener("resize", resized); }
    };
  }

  window.pidboxFlameGraph = flameGraph;
})();
