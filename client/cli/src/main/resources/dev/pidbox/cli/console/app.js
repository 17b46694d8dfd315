// pidbox console: one page, hash routes, no framework. Everything a remote node sends (names, logger names,
// MBean values) is put on the page as text (textContent, attribute values), never parsed as HTML.
'use strict';
(() => {
  const S = {
    session: null,
    fleet: null,
    known: new Map(),      // node name -> last row seen (kept when a node disappears from a document)
    route: null,
    view: null,            // the current view's hooks: {onFleet, onJournal, onRollout, dispose}
    filter: '',
    groupBy: '',
    sort: { col: 'node', asc: true },
    journal: [],
  };
  window.pidboxRenders = [];

  // ---------- DOM helpers ----------
  function h(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = String(v);
        else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
        else if (k === 'dataset') Object.assign(e.dataset, v);
        else if (k === 'style') Object.assign(e.style, v);
        else if (v === true) e.setAttribute(k, '');
        else e.setAttribute(k, String(v));
      }
    }
    append(e, children);
    return e;
  }
  /** Appends nodes or text (arrays flattened, null and false skipped). */
  function append(e, ...children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
  function $(sel, root) { return (root || document).querySelector(sel); }
  const SVG = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, ...children) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) e.setAttribute(k, String(v));
    for (const c of children.flat()) if (c !== null && c !== undefined) e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }

  // ---------- formatting ----------
  const isNum = (v) => typeof v === 'number' && isFinite(v);
  function bytes(n) {
    if (!isNum(n)) return '-';
    const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (Math.abs(n) >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return (i === 0 ? String(n) : n.toFixed(n < 10 ? 1 : 0)) + ' ' + u[i];
  }
  function duration(ms) {
    if (!isNum(ms)) return '-';
    let sec = Math.floor(ms / 1000);
    if (sec < 60) return sec + 's';
    const d = Math.floor(sec / 86400); sec -= d * 86400;
    const hr = Math.floor(sec / 3600); sec -= hr * 3600;
    const m = Math.floor(sec / 60); sec -= m * 60;
    if (d) return d + 'd ' + hr + 'h';
    if (hr) return hr + 'h ' + m + 'm';
    return m + 'm ' + sec + 's';
  }
  function age(ms) {
    if (!isNum(ms)) return '-';
    return ms < 10000 ? (ms / 1000).toFixed(1) + 's' : duration(ms);
  }
  const pad = (n) => String(n).padStart(2, '0');
  function clock(t) {
    const d = t instanceof Date ? t : new Date(t);
    if (isNaN(d.getTime())) return String(t);
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }
  function pct(v) { return isNum(v) ? v.toFixed(1) + '%' : '-'; }
  function num(v) { return isNum(v) ? String(v) : '-'; }
  function show(v) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return JSON.stringify(v);
  }
  function pretty(v) { return typeof v === 'string' ? v : JSON.stringify(v, null, 2); }

  // ---------- HTTP ----------
  async function request(method, path, body) {
    const opts = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    if (method !== 'GET' && method !== 'HEAD' && S.session) opts.headers['X-Pidbox-Csrf'] = S.session.csrf;
    const res = await fetch(path, opts);
    const text = await res.text();
    let doc = null;
    try { doc = text ? JSON.parse(text) : null; } catch (e) { doc = null; }
    if (!res.ok) {
      const msg = doc && doc.error ? doc.error : (text || res.statusText);
      const err = new Error(res.status + ': ' + msg);
      err.status = res.status;
      throw err;
    }
    return doc;
  }
  const get = (path) => request('GET', path);
  const post = (path, body) => request('POST', path, body);

  /** Calls one node and returns its reply value; a node's {"error"} or no reply is thrown. */
  async function callNode(node, method, args, timeout) {
    const body = { method, arguments: args || {}, to: [node] };
    const ns = nodeNamespace(node);
    if (ns) body.namespace = ns;
    if (timeout) body.timeout = timeout;
    const doc = await post('/api/call', body);
    if (doc.errors && doc.errors[node] !== undefined) throw new Error(node + ': ' + doc.errors[node]);
    if (doc.replies && Object.prototype.hasOwnProperty.call(doc.replies, node)) {
      const v = doc.replies[node];
      if (v && typeof v === 'object' && !Array.isArray(v) && typeof v.error === 'string' && Object.keys(v).length === 1) {
        throw new Error(node + ': ' + v.error);
      }
      return v;
    }
    throw new Error(node + ' did not answer ' + method + ' within the deadline');
  }
  function nodeNamespace(node) {
    const row = S.known.get(node);
    return row && row.namespace ? row.namespace : null;
  }
  const readOnly = () => !S.session || S.session.read_only !== false;

  // ---------- selectors ----------
  /**
   * "a,b  web-*  /re/  env=prod" -> {names, globs, regexes, where}. As with the CLI's --to, --glob, --regex and
   * --where, every part given must hold: the name is one of the names, matches the glob and the regex, and the
   * node has every tag.
   */
  function parseSelector(text) {
    const sel = { names: [], globs: [], regexes: [], where: {} };
    const re = /\/((?:\\.|[^/])+)\/|[^\s,]+/g;
    let m;
    while ((m = re.exec(text || '')) !== null) {
      if (m[1] !== undefined) { sel.regexes.push(m[1]); continue; }
      const w = m[0];
      if (/^[^=*?\[]+=/.test(w)) { const i = w.indexOf('='); sel.where[w.slice(0, i)] = w.slice(i + 1); }
      else if (/[*?\[]/.test(w)) sel.globs.push(w);
      else sel.names.push(w);
    }
    return sel;
  }
  function globRegex(glob) {
    let out = '';
    for (let i = 0; i < glob.length; i++) {
      const c = glob[i];
      if (c === '*') out += '.*';
      else if (c === '?') out += '.';
      else if (c === '[') {
        const j = glob.indexOf(']', i + 1);
        if (j < 0) { out += '\\['; continue; }
        let body = glob.slice(i + 1, j);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        out += '[' + body.replace(/\\/g, '\\\\') + ']';
        i = j;
      } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
    }
    return new RegExp('^' + out + '$');
  }
  function selectorEmpty(sel) {
    return !sel.names.length && !sel.globs.length && !sel.regexes.length && !Object.keys(sel.where).length;
  }
  function matcher(sel) {
    const globs = sel.globs.map(globRegex);
    const regexes = sel.regexes.map((r) => { try { return new RegExp(r); } catch (e) { return /(?!)/; } });
    return (row) => {
      const name = row.node;
      if (sel.names.length && !sel.names.includes(name)) return false;
      if (!globs.every((g) => g.test(name)) || !regexes.every((r) => r.test(name))) return false;
      const tags = row.tags || {};
      return Object.entries(sel.where).every(([k, v]) => String(tags[k]) === v);
    };
  }
  /** The selector as the fields of a call or rollout body (the API takes one glob and one regex). */
  function selectorBody(sel) {
    if (sel.globs.length > 1 || sel.regexes.length > 1) throw new Error('a selection takes one glob and one /regex/ at most');
    const b = {};
    if (sel.names.length) b.to = sel.names;
    if (sel.globs.length) b.glob = sel.globs[0];
    if (sel.regexes.length) b.regex = sel.regexes[0];
    if (Object.keys(sel.where).length) b.where = Object.assign({}, sel.where);
    return b;
  }

  // ---------- fleet state ----------
  /** The console keeps missing nodes in its document (until --forget-after), so the page shows what it sends. */
  function absorb(doc) {
    const next = new Map();
    for (const row of doc.nodes || []) next.set(row.node, row);
    for (const name of Array.isArray(doc.missing) ? doc.missing : []) {
      if (!next.has(name)) next.set(name, Object.assign({}, S.known.get(name) || { node: name, tags: {} }, { state: 'missing' }));
    }
    S.known = next;
    S.fleet = doc;
  }
  function rows() { return Array.from(S.known.values()); }
  function stateOf(row) { return row.state || (row.status === 'ok' ? 'answering' : row.status) || 'missing'; }
  function stateText(row) {
    const st = stateOf(row);
    if (st === 'missing') {
      const since = row.missing_since ? 'missing since ' + clock(row.missing_since) : 'missing';
      return row.last_answer ? since : since + (row.missing_since ? ', never answered' : '');
    }
    if (st === 'error') return 'error' + (row.error ? ': ' + row.error : '');
    if (st === 'slow') return 'slow' + (isNum(row.reply_ms) ? ' (' + row.reply_ms + ' ms)' : '');
    return 'answering';
  }
  function isCelery(row) { return row.kind === 'celery'; }
  function groupKey(row, by) {
    if (!by) return '';
    if (by === 'java') return isCelery(row) ? 'Celery' : (row.java_version || '?');
    if (by === 'namespace') return row.namespace || '?';
    if (by === 'state') return stateOf(row);
    if (by === 'kind') return row.kind || '?';
    if (by.startsWith('tag:')) { const v = (row.tags || {})[by.slice(4)]; return v === undefined ? '(no ' + by.slice(4) + ')' : String(v); }
    return '';
  }

  // ---------- header ----------
  function renderHeader() {
    const ses = S.session;
    if (!ses) return;
    $('#namespaces').textContent = 'namespaces: ' + (ses.namespaces || []).join(', ') + (ses.version ? '  ·  v' + ses.version : '');
    const mode = $('#mode');
    mode.textContent = ses.read_only ? 'read-only' : 'mutations allowed';
    mode.className = 'badge ' + (ses.read_only ? 'ro' : 'rw');
    mode.title = ses.read_only ? 'started without --allow-mutations: only read-only methods can be called'
      : 'started with --allow-mutations';
  }
  function banner(text) {
    const b = $('#banner');
    if (!text) { b.hidden = true; return; }
    b.textContent = text;
    b.hidden = false;
  }
  function setActiveNav(route) {
    for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.route === route);
  }

  // ---------- event stream ----------
  function connect() {
    const es = new EventSource('/api/stream');
    const live = $('#live');
    es.onopen = () => { live.textContent = 'live'; live.className = 'badge on'; };
    es.onerror = () => { live.textContent = 'reconnecting'; live.className = 'badge off'; };
    es.addEventListener('fleet', (ev) => {
      let doc;
      try { doc = JSON.parse(ev.data); } catch (e) { return; }
      absorb(doc);
      if (S.view && S.view.onFleet) S.view.onFleet(doc);
    });
    es.addEventListener('journal', (ev) => {
      let entry;
      try { entry = JSON.parse(ev.data); } catch (e) { return; }
      S.journal.push(entry);
      if (S.journal.length > 2000) S.journal.splice(0, S.journal.length - 2000);
      if (S.view && S.view.onJournal) S.view.onJournal(entry);
    });
    es.addEventListener('rollout', (ev) => {
      let doc;
      try { doc = JSON.parse(ev.data); } catch (e) { return; }
      if (S.view && S.view.onRollout) S.view.onRollout(doc);
    });
  }

  // ---------- router ----------
  const routes = [];
  function route(pattern, render) { routes.push({ pattern, render }); }
  function navigate() {
    const hash = location.hash.replace(/^#/, '') || '/';
    if (S.view && S.view.dispose) S.view.dispose();
    S.view = null;
    const main = clear($('#view'));
    for (const r of routes) {
      const m = hash.match(r.pattern);
      if (m) {
        S.view = r.render(main, ...m.slice(1).map(decodeURIComponent)) || {};
        return;
      }
    }
    main.appendChild(h('p', { text: 'No page at #' + hash }));
  }

  // ================= fleet page =================
  const COLUMNS = [
    ['node', 'Node'], ['tags', 'Tags'], ['java', 'Java'], ['uptime', 'Uptime', 'num'], ['heap', 'Heap used / max'],
    ['threads', 'Threads', 'num'], ['cpu', 'CPU', 'num'], ['gc', 'GC ms', 'num'], ['age', 'Age', 'num'], ['state', 'State'],
  ];
  const SORTERS = {
    node: (r) => r.node,
    tags: (r) => Object.entries(r.tags || {}).map((e) => e.join('=')).join(','),
    java: (r) => isCelery(r) ? 'Celery' : r.java_version || '',
    uptime: (r) => r.uptime_ms, heap: (r) => r.heap_percent, threads: (r) => r.threads,
    cpu: (r) => r.cpu_percent, gc: (r) => r.gc_ms, age: (r) => r.age_ms, state: (r) => stateOf(r),
  };

  route(/^\/?$/, (main) => {
    setActiveNav('fleet');
    const groupSel = h('select', { id: 'group-by', title: 'group the rows by', onchange: () => { S.groupBy = groupSel.value; draw(); } });
    const filter = h('input', {
      id: 'selector', class: 'grow', type: 'search', value: S.filter, spellcheck: 'false',
      placeholder: 'filter: names a,b   glob web-*   /regex/   tags env=prod   (all must hold)',
      oninput: () => { S.filter = filter.value; draw(); },
    });
    const counts = h('div', { class: 'counts', id: 'counts' });
    const meta = h('div', { class: 'muted small', id: 'fleet-meta' });
    const table = h('table', { id: 'fleet' });
    const headRow = h('tr');
    for (const [col, label, cls] of COLUMNS) {
      const th = h('th', { class: 'sortable ' + (cls || ''), dataset: { col }, text: label });
      th.addEventListener('click', () => {
        S.sort = { col, asc: S.sort.col === col ? !S.sort.asc : true };
        draw();
      });
      headRow.appendChild(th);
    }
    table.appendChild(h('thead', null, headRow));
    const tbody = h('tbody');
    table.appendChild(tbody);
    append(main, [
      h('div', { class: 'toolbar' }, counts),
      h('div', { class: 'toolbar' }, filter, h('label', { class: 'muted' }, 'group by ', groupSel), meta),
      h('div', { class: 'table-wrap' }, table),
    ]);

    function groupOptions() {
      const keys = new Set();
      for (const r of rows()) for (const k of Object.keys(r.tags || {})) keys.add(k);
      const wanted = [['', 'nothing'], ['java', 'Java version'], ['namespace', 'namespace'], ['state', 'state'], ['kind', 'kind']]
        .concat(Array.from(keys).sort().map((k) => ['tag:' + k, 'tag ' + k]));
      const have = Array.from(groupSel.options).map((o) => o.value).join('\n');
      if (have === wanted.map((w) => w[0]).join('\n')) return;
      clear(groupSel);
      for (const [v, label] of wanted) groupSel.appendChild(h('option', { value: v, text: label }));
      groupSel.value = wanted.some((w) => w[0] === S.groupBy) ? S.groupBy : '';
    }

    // Rows are kept per node and updated in place (a cell only when what it shows changed), so a refresh does not
    // replace the elements under the pointer, a text selection or a test's reference.
    const cache = new Map();
    function row(r) {
      const st = stateOf(r);
      let entry = cache.get(r.node);
      if (!entry) {
        const tr = h('tr', { dataset: { node: r.node } });
        const tds = {};
        for (const [col, , cls] of COLUMNS) tr.appendChild(tds[col] = h('td', { class: cls || null, dataset: { col } }));
        entry = { tr, tds, sig: {} };
        cache.set(r.node, entry);
      }
      const { tr, tds, sig } = entry;
      const attrs = { state: st, namespace: r.namespace || '', kind: r.kind || '', pid: isNum(r.pid) ? String(r.pid) : '' };
      for (const [k, v] of Object.entries(attrs)) if (tr.dataset[k] !== v) tr.dataset[k] = v;
      const sub = [r.namespace, isNum(r.pid) ? 'pid ' + r.pid : null].filter(Boolean).join(' \u00b7 ');
      const cells = {
        node: [sub, () => [h('a', { href: '#/node/' + encodeURIComponent(r.node), text: r.node }), sub ? h('span', { class: 'sub', text: sub }) : null]],
        tags: [JSON.stringify(r.tags || {}), () => Object.entries(r.tags || {}).map(([k, v]) => h('span', { class: 'tag', text: k + '=' + v }))],
        java: [isCelery(r) + (r.java_version || ''), () => isCelery(r) ? h('span', { class: 'kind celery', text: 'Celery' }) : (r.java_version || '-')],
        uptime: [duration(r.uptime_ms)],
        heap: [[r.heap_used, r.heap_max, r.rss_bytes, r.kind].join(), () => heapBar(r)],
        threads: [num(r.threads)],
        cpu: [pct(r.cpu_percent)],
        gc: [num(r.gc_ms)],
        age: [age(r.age_ms)],
        state: [st + stateText(r), () => [h('span', { class: 'state-dot ' + st }), stateText(r)]],
      };
      const raw = { uptime: r.uptime_ms, threads: r.threads, cpu: r.cpu_percent, gc: r.gc_ms, age: r.age_ms, java: r.java_version,
        heap: r.heap_used };
      for (const [col] of COLUMNS) {
        const [text, build] = cells[col];
        const td = tds[col];
        if (sig[col] !== text) {
          sig[col] = text;
          if (build) append(clear(td), build());
          else td.textContent = text;
        }
        const value = raw[col] === undefined || raw[col] === null ? '' : String(raw[col]);
        if (td.dataset.value !== value) td.dataset.value = value;
        if (col === 'heap') {
          td.dataset.used = isNum(r.heap_used) ? String(r.heap_used) : '';
          td.dataset.max = isNum(r.heap_max) ? String(r.heap_max) : '';
        }
      }
      return tr;
    }
    const groupRows = new Map();
    function groupRow(g, members) {
      let tr = groupRows.get(g);
      if (!tr) {
        tr = h('tr', { class: 'group', dataset: { group: g } }, h('td', { colspan: COLUMNS.length }));
        groupRows.set(g, tr);
      }
      const answering = members.filter((r) => stateOf(r) === 'answering').length;
      const text = g + '  \u00b7  ' + members.length + ' node' + (members.length === 1 ? '' : 's') + ', ' + answering + ' answering';
      if (tr.firstChild.textContent !== text) tr.firstChild.textContent = text;
      return tr;
    }
    /** Puts exactly {@code wanted} in tbody in that order, moving only what is out of place. */
    function arrange(wanted) {
      const keep = new Set(wanted);
      for (const el of Array.from(tbody.children)) if (!keep.has(el)) tbody.removeChild(el);
      wanted.forEach((el, i) => { if (tbody.children[i] !== el) tbody.insertBefore(el, tbody.children[i] || null); });
    }
    const emptyRow = h('tr', null, h('td', { colspan: COLUMNS.length, class: 'muted' }));

    function draw() {
      groupOptions();
      const doc = S.fleet;
      const match = matcher(parseSelector(S.filter));
      const list = rows().filter(match);
      const key = SORTERS[S.sort.col] || SORTERS.node;
      const dir = S.sort.asc ? 1 : -1;
      list.sort((a, b) => {
        const x = key(a); const y = key(b);
        if (x === y) return a.node < b.node ? -1 : 1;
        if (x === undefined || x === null) return 1;
        if (y === undefined || y === null) return -1;
        return (x < y ? -1 : 1) * dir;
      });
      for (const th of headRow.children) {
        th.classList.toggle('sorted', th.dataset.col === S.sort.col);
        th.classList.toggle('asc', th.dataset.col === S.sort.col && S.sort.asc);
      }
      const wanted = [];
      if (S.groupBy) {
        const groups = new Map();
        for (const r of list) {
          const g = groupKey(r, S.groupBy);
          if (!groups.has(g)) groups.set(g, []);
          groups.get(g).push(r);
        }
        for (const g of Array.from(groups.keys()).sort()) {
          wanted.push(groupRow(g, groups.get(g)));
          for (const r of groups.get(g)) wanted.push(row(r));
        }
      } else {
        for (const r of list) wanted.push(row(r));
      }
      for (const name of Array.from(cache.keys())) if (!S.known.has(name)) cache.delete(name);
      if (!list.length) {
        emptyRow.firstChild.textContent = doc ? (rows().length ? 'No node matches the filter.' : 'No node has answered yet.')
          : 'Waiting for the first refresh...';
        wanted.push(emptyRow);
      }
      arrange(wanted);
      drawCounts(list);
      if (doc) {
        meta.textContent = 'refresh ' + doc.refresh + ' at ' + clock(doc.at || Date.now()) + ' · gather ' + num(doc.elapsed_ms)
          + ' ms · every ' + (isNum(doc.interval_ms) ? (doc.interval_ms / 1000) + ' s' : '?');
      }
    }

    function drawCounts(list) {
      const all = rows();
      const by = (st) => all.filter((r) => stateOf(r) === st).length;
      const items = [['total', all.length, 'nodes'], ['answering', by('answering'), 'answering'], ['slow', by('slow'), 'slow'],
        ['error', by('error'), 'error'], ['missing', by('missing'), 'missing']];
      clear(counts);
      for (const [cls, n, label] of items) counts.appendChild(h('div', { class: 'count ' + cls, dataset: { count: cls } }, h('b', { text: n }), h('span', { text: label })));
      if (list.length !== all.length) counts.appendChild(h('div', { class: 'count total' }, h('b', { text: list.length }), h('span', { text: 'shown' })));
    }

    draw();
    return {
      onFleet(doc) {
        draw();
        const renders = window.pidboxRenders;
        renders.push({ refresh: doc.refresh, sent_at_ms: doc.sent_at_ms, rendered_at_ms: Date.now() });
        if (renders.length > 1000) renders.splice(0, renders.length - 1000);
        document.body.dataset.refresh = String(doc.refresh);
      },
    };
  });

  function heapBar(r) {
    let used = r.heap_used; let max = r.heap_max; let label;
    if (isCelery(r) && !isNum(used)) {
      return isNum(r.rss_bytes) ? h('span', { class: 'muted', title: 'resident set size', text: 'rss ' + bytes(r.rss_bytes) }) : '-';
    }
    if (!isNum(used)) return '-';
    const p = isNum(max) && max > 0 ? used / max * 100 : null;
    label = bytes(used) + ' / ' + (isNum(max) ? bytes(max) : '?') + (p !== null ? '  ' + p.toFixed(0) + '%' : '');
    const fill = h('i');
    fill.style.width = (p === null ? 0 : Math.min(100, p)) + '%';
    return h('div', { class: 'bar' + (p >= 90 ? ' bad' : p >= 75 ? ' warn' : ''), title: used + ' / ' + max + ' bytes' }, fill, h('span', { text: label }));
  }

  // ================= charts =================
  /** A line chart of points [{t, ...}] for series [{key, label, color, scale?}], y formatted by fmt. */
  function lineChart(points, series, fmt, opts) {
    opts = opts || {};
    const W = 600; const H = opts.small ? 70 : 150; const L = opts.small ? 4 : 56; const R = 8; const T = 8; const B = opts.small ? 4 : 18;
    const svg = s('svg', { class: 'chart' + (opts.small ? ' small' : ''), viewBox: '0 0 ' + W + ' ' + H, preserveAspectRatio: 'none', role: 'img' });
    const pts = (points || []).filter((p) => isNum(p.t));
    if (pts.length < 2) {
      svg.appendChild(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'collecting history...'));
      return svg;
    }
    const t0 = pts[0].t; const t1 = pts[pts.length - 1].t;
    let ymax = opts.ymax || 0;
    for (const p of pts) for (const se of series) if (isNum(p[se.key])) ymax = Math.max(ymax, p[se.key]);
    if (ymax <= 0) ymax = 1;
    const x = (t) => L + (t - t0) / Math.max(1, t1 - t0) * (W - L - R);
    const y = (v) => T + (1 - v / ymax) * (H - T - B);
    if (!opts.small) {
      for (const f of [0, 0.5, 1]) {
        svg.appendChild(s('line', { class: 'grid-line', x1: L, x2: W - R, y1: y(ymax * f), y2: y(ymax * f) }));
        svg.appendChild(s('text', { x: L - 4, y: y(ymax * f) + 3, 'text-anchor': 'end' }, fmt(ymax * f)));
      }
      svg.appendChild(s('text', { x: L, y: H - 4 }, clock(t0)));
      svg.appendChild(s('text', { x: W - R, y: H - 4, 'text-anchor': 'end' }, clock(t1)));
    }
    svg.appendChild(s('line', { class: 'axis', x1: L, x2: W - R, y1: y(0), y2: y(0) }));
    for (const se of series) {
      const seg = pts.filter((p) => isNum(p[se.key]));
      if (!seg.length) continue;
      const d = seg.map((p, i) => (i ? 'L' : 'M') + x(p.t).toFixed(1) + ' ' + y(p[se.key]).toFixed(1)).join(' ');
      if (se.fill) {
        svg.appendChild(s('path', { class: 'area', fill: se.color, d: d + ' L' + x(seg[seg.length - 1].t).toFixed(1) + ' ' + y(0) + ' L' + x(seg[0].t).toFixed(1) + ' ' + y(0) + ' Z' }));
      }
      svg.appendChild(s('path', { class: 'line', stroke: se.color, d, 'vector-effect': 'non-scaling-stroke' }));
    }
    const last = pts[pts.length - 1];
    svg.appendChild(s('title', null, series.map((se) => se.label + ': ' + fmt(last[se.key])).join(', ')));
    return svg;
  }
  function legend(series) {
    return h('div', { class: 'legend' }, series.map((se) => {
      const i = h('i'); i.style.background = se.color;
      return h('span', null, i, se.label);
    }));
  }

  // ---------- small building blocks ----------
  function kvTable(obj, opts) {
    opts = opts || {};
    const t = h('table', { class: 'kv' });
    const tb = h('tbody');
    for (const [k, v] of Object.entries(obj || {})) {
      tb.appendChild(h('tr', { dataset: { key: k } }, h('td', { class: 'mono', text: k }), h('td', { class: opts.mono ? 'mono' : null, text: show(v) })));
    }
    t.appendChild(tb);
    return t;
  }
  function note(text, kind) { return h('div', { class: 'note ' + (kind || '') }, text); }
  function errorNote(e) { return note(e && e.message ? e.message : String(e), 'error'); }
  /** Runs async fn with a loading note in box; the result (nodes) or the error replaces it. */
  async function load(box, fn) {
    clear(box).appendChild(h('p', { class: 'muted', text: 'Loading...' }));
    try {
      const out = await fn();
      clear(box);
      append(box, [out]);
    } catch (e) {
      clear(box).appendChild(errorNote(e));
    }
  }
  function table(headers, bodyRows, attrs) {
    const t = h('table', attrs || null);
    t.appendChild(h('thead', null, h('tr', null, headers.map((x) => h('th', { class: x.endsWith('#') ? 'num' : null, text: x.replace(/#$/, '') })))));
    t.appendChild(h('tbody', null, bodyRows));
    return h('div', { class: 'table-wrap' }, t);
  }
  function filterInput(placeholder, onInput) {
    return h('input', { type: 'search', class: 'grow', placeholder, spellcheck: 'false', oninput: (e) => onInput(e.target.value.toLowerCase()) });
  }

  window.pidboxUi = { h, s, clear, append, $, bytes, duration, age, clock, pct, num, show, pretty, request, get, post,
    callNode, readOnly, parseSelector, selectorBody, selectorEmpty, matcher, route, setActiveNav, lineChart, legend,
    kvTable, note, errorNote, load, table, filterInput, stateOf, stateText, isCelery, rows, heapBar, S };

  // ---------- start ----------
  async function start() {
    try {
      S.session = await get('/api/session');
    } catch (e) {
      banner('Cannot read the console session: ' + e.message);
      return;
    }
    renderHeader();
    try {
      const doc = await get('/api/nodes');
      if (doc && Array.isArray(doc.nodes)) absorb(doc);
    } catch (e) { /* the stream brings the first document */ }
    try {
      const j = await get('/api/journal');
      if (Array.isArray(j)) S.journal = j;
    } catch (e) { /* journal view reports it */ }
    connect();
    window.addEventListener('hashchange', navigate);
    navigate();
  }
  document.addEventListener('DOMContentLoaded', start);
})();
