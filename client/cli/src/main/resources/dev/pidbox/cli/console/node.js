// pidbox console: the node page (#/node/NAME[/TAB]). Every value from the node is shown as text.
'use strict';
(() => {
  const U = window.pidboxUi;
  const { h, clear, append, bytes, duration, clock, pct, num, show, pretty, get, callNode, readOnly, lineChart, legend,
    kvTable, note, errorNote, load, table, filterInput } = U;

  const JAVA_TABS = [['overview', 'Overview'], ['threads', 'Threads'], ['loggers', 'Loggers'], ['mbeans', 'MBeans'],
    ['system', 'System properties & env'], ['flags', 'Flags'], ['reload', 'Reload'], ['profile', 'Profile']];
  const CELERY_TABS = [['stats', 'Stats']];
  const LEVELS = {
    jul: ['OFF', 'SEVERE', 'WARNING', 'INFO', 'CONFIG', 'FINE', 'FINER', 'FINEST', 'ALL'],
    logback: ['OFF', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'ALL'],
    log4j2: ['OFF', 'FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'ALL'],
  };
  const HEAP_SERIES = [{ key: 'heap_used', label: 'heap used', color: '#3b7dc4', fill: true }, { key: 'heap_max', label: 'heap max', color: '#9aa6b4' }];
  const POOL_SERIES = [{ key: 'used', label: 'used', color: '#3b7dc4', fill: true }, { key: 'max', label: 'max', color: '#9aa6b4' }];

  U.route(/^\/node\/([^/]+)(?:\/(\w+))?$/, (main, name, tab) => {
    U.setActiveNav('');
    const row = U.S.known.get(name) || { node: name };
    const celery = U.isCelery(row);
    const tabs = celery ? CELERY_TABS : JAVA_TABS;
    tab = tabs.some((t) => t[0] === tab) ? tab : tabs[0][0];
    const stateEl = h('span', { id: 'node-state' });
    const facts = h('div', { class: 'facts', id: 'node-facts' });
    append(main, [
      h('div', { class: 'node-head' }, h('a', { href: '#/', text: '\u2190 fleet' }), h('h1', { id: 'node-name', text: name }), stateEl),
      facts,
      h('div', { class: 'tabs', id: 'node-tabs' }, tabs.map(([id, label]) => h('a', {
        href: '#/node/' + encodeURIComponent(name) + '/' + id, class: id === tab ? 'active' : null, dataset: { tab: id }, text: label,
      }))),
    ]);
    const body = h('div', { id: 'tab-' + tab });
    main.appendChild(body);

    function drawFacts() {
      const r = U.S.known.get(name) || { node: name };
      clear(stateEl);
      const st = U.stateOf(r);
      append(stateEl, [h('span', { class: 'state-dot ' + st }), U.stateText(r)]);
      clear(facts);
      const f = [['namespace', r.namespace], ['kind', r.kind], ['pid', r.pid], ['java', r.java_version], ['uptime', duration(r.uptime_ms)],
        ['threads', r.threads], ['cpu', pct(r.cpu_percent)], ['gc ms', r.gc_ms]];
      if (U.isCelery(r)) f.push(['rss', bytes(r.rss_bytes)]);
      else f.push(['heap', bytes(r.heap_used) + ' / ' + bytes(r.heap_max)]);
      for (const [k, v] of f) if (v !== undefined && v !== null && v !== '-') facts.appendChild(h('div', { class: 'fact', dataset: { fact: k } }, h('span', { text: k }), String(v)));
      const tags = Object.entries(r.tags || {});
      if (tags.length) facts.appendChild(h('div', { class: 'fact' }, h('span', { text: 'tags' }), tags.map(([k, v]) => h('span', { class: 'tag', text: k + '=' + v }))));
    }
    drawFacts();
    const views = { overview, threads, loggers, mbeans, system, flags, reload, stats, profile: U.profileTab };
    const hooks = views[tab](body, name) || {};
    return {
      onFleet(doc) { drawFacts(); if (hooks.onFleet) hooks.onFleet(doc); },
      dispose() { if (hooks.dispose) hooks.dispose(); },
    };
  });

  // ---------- overview: runtime, heap and pools with history, GC ----------
  function overview(body, name) {
    const runtimeBox = h('div');
    const heapBox = h('div');
    const poolsBox = h('div');
    const gcBox = h('div');
    const vitalsBox = h('div');
    append(body, h('div', { class: 'grid two' },
      h('div', { class: 'panel' }, h('h2', { text: 'Runtime' }), runtimeBox),
      h('div', { class: 'panel' }, h('h2', { text: 'Heap' }), legend(HEAP_SERIES), heapBox, h('h3', { text: 'Threads and CPU' }), vitalsBox)),
    h('div', { class: 'panel' }, h('h2', { text: 'Memory pools' }), poolsBox),
    h('div', { class: 'panel' }, h('h2', { text: 'Garbage collectors' }), gcBox));

    load(runtimeBox, async () => {
      const rt = await callNode(name, 'runtime');
      const shown = Object.assign({}, rt);
      delete shown.input_arguments;
      delete shown.tags;
      return [kvTable(shown, { mono: true }), h('h3', { text: 'Input arguments' }),
        h('pre', { class: 'mono', text: (rt.input_arguments || []).join('\n') || '(none)' })];
    });

    let busy = false;
    let lastMemory = 0;
    async function refresh(force) {
      if (busy) return;
      busy = true;
      try {
        const hist = await get('/api/history/' + encodeURIComponent(name));
        const pts = (hist && hist.points) || [];
        clear(heapBox).appendChild(lineChart(pts, HEAP_SERIES, bytes));
        clear(vitalsBox);
        append(vitalsBox, [
          legend([{ label: 'threads', color: '#7a5cc4' }]),
          lineChart(pts, [{ key: 'threads', label: 'threads', color: '#7a5cc4' }], (v) => Math.round(v), { small: false }),
          legend([{ label: 'CPU %', color: '#d0702a' }, { label: 'GC ms', color: '#2e9e5b' }]),
          lineChart(pts, [{ key: 'cpu_percent', label: 'CPU %', color: '#d0702a' }, { key: 'gc_ms', label: 'GC ms', color: '#2e9e5b' }], (v) => v.toFixed(1)),
        ]);
      } catch (e) {
        clear(heapBox).appendChild(errorNote(e));
      }
      if (force || Date.now() - lastMemory > 4000) {
        lastMemory = Date.now();
        try {
          const mem = await get('/api/memory/' + encodeURIComponent(name));
          drawMemory(mem);
        } catch (e) {
          clear(poolsBox).appendChild(errorNote(e));
        }
      }
      busy = false;
    }
    function drawMemory(mem) {
      const reply = mem.memory || {};
      const history = mem.pools || {};
      const rowsOut = [];
      const usageRow = (label, u, hist, cls) => {
        u = u || {};
        const p = isFinite(u.max) && u.max > 0 ? u.used / u.max * 100 : null;
        const fill = h('i'); fill.style.width = (p === null ? 0 : Math.min(100, p)) + '%';
        return h('tr', { dataset: { pool: label } },
          h('td', { class: cls || null, text: label }),
          h('td', { class: 'num', text: bytes(u.used) }), h('td', { class: 'num', text: bytes(u.committed) }),
          h('td', { class: 'num', text: u.max === null || u.max === undefined ? 'no limit' : bytes(u.max) }),
          h('td', null, h('div', { class: 'bar' }, fill, h('span', { text: p === null ? '' : p.toFixed(0) + '%' }))),
          h('td', { style: { width: '30%' } }, hist ? lineChart(hist, POOL_SERIES, bytes, { small: true }) : ''));
      };
      rowsOut.push(usageRow('heap', reply.heap, null, 'mono'));
      rowsOut.push(usageRow('non-heap', reply.non_heap, null, 'mono'));
      for (const p of reply.pools || []) rowsOut.push(usageRow(p.name, p.usage, history[p.name], 'mono'));
      clear(poolsBox).appendChild(table(['Pool', 'Used#', 'Committed#', 'Max#', 'Usage', 'History'], rowsOut, { id: 'pools' }));
      const gcs = (reply.collectors || []).map((g) => h('tr', { dataset: { collector: g.name } },
        h('td', { text: g.name }), h('td', { class: 'num', text: num(g.count) }), h('td', { class: 'num', text: num(g.time_ms) }),
        h('td', { class: 'small', text: (g.pools || []).join(', ') })));
      const buffers = (reply.buffer_pools || []).map((b) => h('tr', null, h('td', { text: 'buffer pool ' + b.name }),
        h('td', { class: 'num', text: num(b.count) }), h('td', { class: 'num', text: bytes(b.memory_used) }), h('td', { class: 'small', text: 'capacity ' + bytes(b.total_capacity) })));
      clear(gcBox).appendChild(table(['Collector', 'Collections#', 'Time ms#', 'Pools'], gcs.concat(buffers), { id: 'collectors' }));
    }
    refresh(true);
    return { onFleet() { refresh(false); } };
  }

  // ---------- threads ----------
  function threads(body, name) {
    const summaryBox = h('div', { id: 'thread-summary' });
    const listBox = h('div', { id: 'thread-list' });
    let dump = null;
    let query = '';
    let stateFilter = '';
    const states = h('select', { onchange: () => { stateFilter = states.value; drawList(); } },
      ['', 'RUNNABLE', 'BLOCKED', 'WAITING', 'TIMED_WAITING', 'NEW'].map((st) => h('option', { value: st, text: st || 'every state' })));
    append(body, h('div', { class: 'panel' }, h('h2', { text: 'Threads by state' }), summaryBox),
      h('div', { class: 'panel' },
        h('div', { class: 'toolbar' },
          h('button', { class: 'primary', id: 'load-dump', onclick: () => loadDump(), text: 'Reload thread dump' }),
          filterInput('search names and stack frames', (q) => { query = q; drawList(); }), states,
          h('label', null, h('input', { type: 'checkbox', id: 'own-threads' }), ' include pidbox threads')),
        listBox));
    load(summaryBox, async () => {
      const sum = await callNode(name, 'threads', { summary: true });
      const cells = Object.entries(sum.states || {}).map(([st, n]) => h('div', { class: 'count', dataset: { state: st } }, h('b', { text: n }), h('span', { text: st })));
      cells.unshift(h('div', { class: 'count total' }, h('b', { text: sum.thread_count }), h('span', { text: 'threads (' + sum.daemon_count + ' daemon, peak ' + sum.peak_count + ')' })));
      const dl = (sum.deadlocked || []).length;
      return [h('div', { class: 'counts' }, cells),
        dl ? note(dl + ' deadlocked thread' + (dl === 1 ? '' : 's') + ': ids ' + sum.deadlocked.join(', '), 'error') : h('p', { class: 'muted small', text: 'no deadlock; ' + sum.own_threads + ' pidbox threads not counted by state' })];
    });
    async function loadDump() {
      const own = document.getElementById('own-threads').checked;
      await load(listBox, async () => {
        dump = await callNode(name, 'threads', { max_depth: 64, own }, '20s');
        return [];
      });
      drawList();
    }
    loadDump();
    function drawList() {
      if (!dump) return;
      clear(listBox);
      const dead = new Set((dump.deadlocked || []).map(String));
      let list = (dump.threads || []).filter((t) => !stateFilter || t.state === stateFilter);
      if (query) list = list.filter((t) => (t.name || '').toLowerCase().includes(query) || (t.frames || []).some((f) => f.toLowerCase().includes(query)));
      list.sort((a, b) => (dead.has(String(b.id)) ? 1 : 0) - (dead.has(String(a.id)) ? 1 : 0));
      listBox.appendChild(h('p', { class: 'muted small', text: list.length + ' of ' + (dump.threads || []).length + ' threads shown' + (dump.truncated ? ' (the node cut the dump to fit its reply)' : '') }));
      for (const t of list) {
        const isDead = dead.has(String(t.id));
        const lines = [];
        if (t.lock) lines.push('waiting on ' + t.lock + (t.lock_owner_name ? ' held by "' + t.lock_owner_name + '" (id ' + t.lock_owner_id + ')' : ''));
        for (const f of t.frames || []) lines.push('  at ' + f);
        for (const m of t.locked_monitors || []) lines.push('  - locked ' + m.class + '@' + m.identity_hash + ' (frame ' + m.frame_depth + ')');
        listBox.appendChild(h('details', { class: 'thread' + (isDead ? ' deadlocked' : ''), open: isDead, dataset: { thread: t.name, state: t.state } },
          h('summary', null, h('span', { class: 'name', text: t.name }), h('span', { class: 'st ' + t.state, text: t.state }),
            h('span', { class: 'muted small', text: 'id ' + t.id + (t.daemon ? ' · daemon' : '') + ' · cpu ' + (t.cpu_time_ms === null ? '-' : t.cpu_time_ms.toFixed(0) + ' ms') + ' · blocked ' + t.blocked_count + ' · waited ' + t.waited_count })),
          h('pre', { text: lines.join('\n') || '(no frames)' })));
      }
    }
  }

  // ---------- loggers ----------
  function loggers(body, name) {
    const box = h('div', { id: 'loggers' });
    const status = h('div', { id: 'logger-status' });
    let doc = null;
    let query = '';
    let configured = false;
    append(body, h('div', { class: 'panel' },
      h('div', { class: 'toolbar' }, filterInput('filter logger names', (q) => { query = q; draw(); }),
        h('label', null, h('input', { type: 'checkbox', onchange: (e) => { configured = e.target.checked; draw(); } }), ' only loggers with a level of their own'),
        h('button', { onclick: () => reloadList(), text: 'Refresh' }),
        readOnly() ? h('span', { class: 'badge', title: 'the console was started without --allow-mutations', text: 'read-only: levels cannot be changed' }) : null),
      status, box));
    async function reloadList() {
      await load(box, async () => { doc = await callNode(name, 'loggers'); return []; });
      draw();
    }
    function draw() {
      if (!doc) return;
      clear(box);
      const byFramework = new Map();
      for (const l of doc.loggers || []) {
        if (query && !(l.name || '').toLowerCase().includes(query)) continue;
        if (configured && l.level === null) continue;
        if (!byFramework.has(l.framework)) byFramework.set(l.framework, []);
        byFramework.get(l.framework).push(l);
      }
      box.appendChild(h('p', { class: 'muted small', text: 'frameworks: ' + (doc.frameworks || []).join(', ') + ' · ' + (doc.contexts || []).length + ' logger trees · ' + doc.count + ' loggers' }));
      for (const fw of doc.frameworks || []) {
        const list = byFramework.get(fw) || [];
        const rowsOut = list.slice(0, 500).map((l) => {
          const loggerName = l.name === '' ? 'ROOT' : l.name;
          const sel = h('select', { disabled: readOnly(), dataset: { logger: loggerName, framework: fw, context: l.context || '' }, title: readOnly() ? 'read-only console' : 'set the level' });
          sel.appendChild(h('option', { value: '', text: '(inherit)' }));
          for (const lv of LEVELS[fw] || LEVELS.jul) sel.appendChild(h('option', { value: lv, text: lv }));
          sel.value = l.level || '';
          if (l.level && sel.value !== l.level) { sel.appendChild(h('option', { value: l.level, text: l.level })); sel.value = l.level; }
          sel.addEventListener('change', () => setLevel(loggerName, fw, sel.value || null, sel));
          return h('tr', { dataset: { logger: loggerName, framework: fw } },
            h('td', { class: 'mono', text: loggerName }), h('td', { class: 'small muted', text: l.context || '' }),
            h('td', null, sel), h('td', { dataset: { col: 'effective' }, text: l.effective_level || '' }));
        });
        box.appendChild(h('h3', { text: fw + ' (' + list.length + ')' }));
        box.appendChild(table(['Logger', 'Tree', 'Level', 'Effective'], rowsOut, { class: 'loggers', dataset: { framework: fw } }));
        if (list.length > 500) box.appendChild(h('p', { class: 'muted small', text: 'first 500 shown; filter to see the rest' }));
      }
    }
    async function setLevel(logger, framework, level, sel) {
      sel.disabled = true;
      clear(status);
      try {
        const r = await callNode(name, 'set_logger', { name: logger, level, framework });
        const changes = (r.changes || []).map((c) => c.framework + ' ' + c.context + ': ' + show(c.old) + ' \u2192 ' + show(c.new)).join('; ');
        status.appendChild(note('set ' + logger + ' to ' + (level || 'inherit') + (changes ? ' (' + changes + ')' : '') + (r.note ? '; ' + r.note : ''), 'ok'));
        await reloadList();
      } catch (e) {
        status.appendChild(errorNote(e));
        sel.disabled = readOnly();
      }
    }
    reloadList();
  }

  // ---------- MBeans ----------
  function mbeans(body, name) {
    const tree = h('div', { class: 'tree', id: 'mbean-tree' });
    const detail = h('div', { id: 'mbean-detail' }, h('p', { class: 'muted', text: 'Pick an MBean.' }));
    const pattern = h('input', { type: 'search', value: '*:*', spellcheck: 'false', title: 'ObjectName pattern' });
    let names = [];
    let query = '';
    append(body, h('div', { class: 'split' },
      h('div', { class: 'panel' }, h('div', { class: 'toolbar' }, pattern, h('button', { onclick: () => queryNames(), text: 'Query' })),
        h('input', { type: 'search', class: 'tree-filter', placeholder: 'filter names', spellcheck: 'false', oninput: (e) => { query = e.target.value.toLowerCase(); drawTree(); } }), tree),
      h('div', { class: 'panel' }, detail)));
    async function queryNames() {
      await load(tree, async () => {
        const r = await callNode(name, 'mbean.query', { pattern: pattern.value || '*:*' });
        names = r.names || [];
        return r.denied_hidden ? note(r.denied_hidden + ' MBeans hidden by the node\u2019s policy', 'warn') : [];
      });
      drawTree();
    }
    function drawTree() {
      for (const d of Array.from(tree.querySelectorAll('details'))) d.remove();
      const domains = new Map();
      for (const n of names) {
        if (query && !n.toLowerCase().includes(query)) continue;
        const d = n.slice(0, n.indexOf(':'));
        if (!domains.has(d)) domains.set(d, []);
        domains.get(d).push(n);
      }
      for (const [d, list] of domains) {
        tree.appendChild(h('details', { open: domains.size <= 3 || !!query, dataset: { domain: d } },
          h('summary', { text: d + ' (' + list.length + ')' }),
          list.map((n) => h('a', { href: '#', dataset: { mbean: n }, text: n.slice(d.length + 1), onclick: (e) => { e.preventDefault(); openBean(n, e.target); } }))));
      }
    }
    async function openBean(bean, link) {
      for (const a of tree.querySelectorAll('a.active')) a.classList.remove('active');
      if (link) link.classList.add('active');
      await load(detail, async () => {
        const [info, values] = await Promise.all([callNode(name, 'mbean.info', { name: bean }), callNode(name, 'mbean.get', { name: bean }).catch((e) => ({ error: e.message }))]);
        const vals = (values && values.values) || {};
        const errs = (values && values.errors) || {};
        const attrRows = (info.attributes || []).map((a) => h('tr', { dataset: { attribute: a.name } },
          h('td', { class: 'mono', title: a.description || '', text: a.name }), h('td', { class: 'small muted', text: a.type }),
          h('td', { class: 'mono', text: a.name in vals ? show(vals[a.name]) : (errs[a.name] ? 'error: ' + errs[a.name] : (a.readable ? '' : '(write-only)')) }),
          h('td', { class: 'small', text: a.writable ? 'writable' : '' })));
        const opRows = (info.operations || []).map((o) => {
          const args = h('input', { type: 'text', placeholder: '[args as JSON]', spellcheck: 'false', disabled: readOnly(), size: 18 });
          const out = h('td', { class: 'mono small' });
          const btn = h('button', { disabled: readOnly(), title: readOnly() ? 'read-only console' : 'invoke on this node', text: 'Invoke' });
          btn.addEventListener('click', async () => {
            clear(out);
            try {
              const a = args.value.trim() ? JSON.parse(args.value) : [];
              const r = await callNode(name, 'mbean.invoke', { name: bean, operation: o.name, arguments: a, signature: (o.signature || []).map((p) => p.type) });
              out.textContent = show(r.result);
            } catch (e) { out.appendChild(errorNote(e)); }
          });
          return h('tr', { dataset: { operation: o.name } },
            h('td', { class: 'mono', title: o.description || '', text: o.name + '(' + (o.signature || []).map((p) => p.type + ' ' + p.name).join(', ') + ')' }),
            h('td', { class: 'small muted', text: o.return_type + ' · ' + o.impact }), h('td', null, args, ' ', btn), out);
        });
        return [h('h2', { class: 'mono', text: info.name }), h('p', { class: 'muted small', text: info.class + (info.description ? ' \u2014 ' + info.description : '') }),
          values && values.error ? errorNote(values.error) : null,
          h('h3', { text: 'Attributes (' + attrRows.length + ')' }), table(['Name', 'Type', 'Value', ''], attrRows, { id: 'mbean-attributes' }),
          h('h3', { text: 'Operations (' + opRows.length + ')' }), opRows.length ? table(['Operation', 'Returns', 'Invoke', 'Result'], opRows, { id: 'mbean-operations' }) : h('p', { class: 'muted', text: 'none' })];
      });
    }
    queryNames();
  }

  // ---------- system properties and environment ----------
  function system(body, name) {
    const props = h('div', { id: 'sysprops' });
    const env = h('div', { id: 'env' });
    let query = '';
    let docs = {};
    append(body, h('div', { class: 'toolbar' }, filterInput('filter keys and values', (q) => { query = q; draw(); })),
      h('div', { class: 'grid two' }, h('div', { class: 'panel' }, h('h2', { text: 'System properties' }), props),
        h('div', { class: 'panel' }, h('h2', { text: 'Environment' }), env)));
    function section(box, doc, key) {
      clear(box);
      if (doc instanceof Error) { box.appendChild(errorNote(doc)); return; }
      if (!doc) { box.appendChild(h('p', { class: 'muted', text: 'Loading...' })); return; }
      const all = doc[key] || {};
      const shown = {};
      for (const [k, v] of Object.entries(all)) if (!query || k.toLowerCase().includes(query) || String(v).toLowerCase().includes(query)) shown[k] = v;
      box.appendChild(h('p', { class: 'muted small', text: doc.count + ' entries, ' + doc.masked + ' masked by the node' }));
      box.appendChild(kvTable(shown, { mono: true }));
    }
    function draw() { section(props, docs.sysprops, 'properties'); section(env, docs.env, 'variables'); }
    draw();
    for (const m of ['sysprops', 'env']) callNode(name, m).then((d) => { docs[m] = d; draw(); }, (e) => { docs[m] = e; draw(); });
  }

  // ---------- flags ----------
  function flags(body, name) {
    const box = h('div', { id: 'flags' });
    let all = false;
    append(body, h('div', { class: 'panel' }, h('div', { class: 'toolbar' },
      h('label', null, h('input', { type: 'checkbox', onchange: (e) => { all = e.target.checked; run(); } }), ' every flag the JVM knows')), box));
    function run() {
      load(box, async () => {
        const r = await callNode(name, 'flags', all ? { all: true } : {});
        const rowsOut = (r.flags || []).map((f) => h('tr', { dataset: { flag: f.name } }, h('td', { class: 'mono', text: f.name }),
          h('td', { class: 'mono', text: show(f.value) }), h('td', { class: 'small', text: show(f.origin) }), h('td', { class: 'small', text: f.writeable ? 'writeable' : '' })));
        return [h('p', { class: 'muted small', text: r.count + ' flags' }), table(['Flag', 'Value', 'Origin', ''], rowsOut)];
      });
    }
    run();
  }

  // ---------- reload: dry run as a diff, then apply ----------
  function reload(body, name) {
    const out = h('div', { id: 'reload-result' });
    const apply = h('button', { class: 'danger', id: 'reload-apply', disabled: true, text: 'Apply' });
    const dry = h('button', { class: 'primary', id: 'reload-dry-run', text: 'Dry run' });
    append(body, h('div', { class: 'panel' },
      h('p', { class: 'muted', text: 'Reload makes the logging frameworks re-read their files, re-reads the configured properties file, and runs reload hooks and MBean operations. A dry run shows what would change and changes nothing.' }),
      h('div', { class: 'toolbar' }, dry, apply, readOnly() ? h('span', { class: 'badge', text: 'read-only: apply is disabled' }) : null), out));
    dry.addEventListener('click', async () => {
      apply.disabled = true;
      await load(out, async () => {
        const r = await callNode(name, 'reload', { dry_run: true });
        apply.disabled = readOnly();
        return steps(r, true);
      });
    });
    apply.addEventListener('click', async () => {
      apply.disabled = true;
      await load(out, async () => steps(await callNode(name, 'reload', {}), false));
    });
  }
  function steps(r, dryRun) {
    const parts = [note((dryRun ? 'Dry run: ' : 'Applied: ') + (r.ok ? 'every step fine' : 'some steps failed'), r.ok ? 'ok' : 'error')];
    for (const st of r.steps || []) {
      const title = [st.step, st.context, st.name, st.target].filter(Boolean).join(' ');
      const lines = [];
      lines.push(h('div', { class: 'small' }, h('b', { text: title }), ' \u2014 ', h('span', { class: st.outcome === 'error' ? 'error-text' : null, text: st.outcome }),
        st.file ? h('span', { class: 'muted', text: ' (' + st.file + ')' }) : null, st.reason ? h('span', { class: 'muted', text: ': ' + st.reason }) : null,
        st.error ? h('span', { class: 'error-text', text: ': ' + st.error }) : null));
      if (st.changes && Object.keys(st.changes).length) {
        const diff = Object.entries(st.changes).map(([k, how]) => h('tr', { class: 'diff ' + how, dataset: { key: k, change: how } },
          h('td', { class: 'mono', text: (how === 'added' ? '+ ' : how === 'removed' ? '- ' : '~ ') + k }), h('td', { text: how })));
        lines.push(table(['Property', dryRun ? 'Would be' : 'Was'], diff, { class: 'diff' }));
      } else if (st.changes) {
        lines.push(h('p', { class: 'muted small', text: 'no property would change' }));
      }
      if (st.result !== undefined) lines.push(h('pre', { class: 'mono small', text: pretty(st.result) }));
      parts.push(h('div', { class: 'panel step', dataset: { step: st.step, outcome: st.outcome } }, lines));
    }
    return parts;
  }

  // ---------- Celery: stats ----------
  function stats(body, name) {
    const box = h('div', { id: 'celery-stats' });
    append(body, h('div', { class: 'panel' }, h('div', { class: 'toolbar' }, h('button', { onclick: run, text: 'Refresh' })), box));
    function run() {
      load(box, async () => {
        const st = await callNode(name, 'stats');
        const flat = {};
        const walk = (prefix, v) => {
          if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length) for (const [k, x] of Object.entries(v)) walk(prefix ? prefix + '.' + k : k, x);
          else flat[prefix] = v;
        };
        walk('', st);
        return [h('p', { class: 'muted small', text: 'the worker\u2019s stats reply, ' + clock(Date.now()) }), kvTable(flat, { mono: true })];
      });
    }
    run();
  }
})();
