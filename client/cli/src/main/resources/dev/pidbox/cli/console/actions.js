// pidbox console: fleet actions (call, rollout), compare across nodes, and the journal.
'use strict';
(() => {
  const U = window.pidboxUi;
  const { h, clear, append, bytes, clock, show, pretty, get, post, readOnly, parseSelector, selectorBody, matcher,
    note, errorNote, table } = U;

  const METHODS = ['ping', 'vitals', 'runtime', 'memory', 'threads', 'deadlocks', 'histogram', 'loggers', 'set_logger',
    'sysprops', 'env', 'flags', 'mbean.query', 'mbean.get', 'reload', 'describe', 'metrics', 'stats'];

  function methodList() {
    return h('datalist', { id: 'methods' }, METHODS.map((m) => h('option', { value: m })));
  }
  function field(label, input) { return h('label', { class: 'field' }, label, input); }
  function namespaceSelect(id) {
    const namespaces = (U.S.session && U.S.session.namespaces) || [];
    const sel = h('select', { id }, namespaces.map((n) => h('option', { value: n, text: n })));
    sel.disabled = namespaces.length < 2;
    return sel;
  }
  function parseArgs(text) {
    const t = text.trim();
    if (!t) return {};
    const v = JSON.parse(t);
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('arguments must be a JSON object');
    return v;
  }
  /** The answering nodes of a namespace a selector picks, as the page knows them. */
  function selected(selText, namespace) {
    const m = matcher(parseSelector(selText));
    return U.rows().filter((r) => m(r) && U.stateOf(r) !== 'missing' && (!namespace || r.namespace === namespace))
      .map((r) => r.node).sort();
  }
  /** A call waits for as many replies as the page knows nodes for the selection, not for its whole deadline. */
  function expectKnown(b, selText, namespace) {
    const n = selected(selText, namespace).length;
    if (n > 0) b.expect = n;
    return b;
  }

  // ================= actions =================
  U.route(/^\/actions$/, (main) => {
    U.setActiveNav('actions');
    const method = h('input', { id: 'action-method', list: 'methods', value: 'ping', spellcheck: 'false', size: 18 });
    const args = h('textarea', { id: 'action-args', spellcheck: 'false', placeholder: '{"name": "com.example", "level": "DEBUG"}' });
    const sel = h('input', { id: 'action-selector', type: 'text', spellcheck: 'false', size: 40, placeholder: 'every node; or a,b  web-*  /re/  env=prod' });
    const timeout = h('input', { id: 'action-timeout', type: 'text', value: '5s', size: 6 });
    const canary = h('input', { id: 'action-canary', type: 'number', min: 0, value: 0, size: 4, title: 'nodes in a first step of their own; 0 for none' });
    const ns = namespaceSelect('action-namespace');
    const batch = h('input', { id: 'action-batch', type: 'number', min: 1, value: 1, size: 4 });
    const maxFailures = h('input', { id: 'action-max-failures', type: 'number', min: 0, value: 0, size: 4 });
    const callBtn = h('button', { id: 'action-call', text: 'Call once' });
    const rollBtn = h('button', { id: 'action-rollout', class: 'primary', text: 'Start rollout' });
    const result = h('div', { id: 'action-result' });
    append(main, [methodList(), h('h1', { text: 'Fleet actions' }),
      h('div', { class: 'panel' },
        h('div', { class: 'toolbar' }, field('method', method), field('namespace', ns), field('selector', sel), field('timeout', timeout)),
        field('arguments (JSON object)', args),
        h('div', { class: 'toolbar' },
          field('canary nodes', canary), field('batch size', batch), field('max failures', maxFailures),
          callBtn, rollBtn,
          readOnly() ? h('span', { class: 'badge', title: 'started without --allow-mutations', text: 'read-only: only read-only methods run' }) : null)),
      result]);

    function body() {
      const b = Object.assign({ method: method.value.trim(), arguments: parseArgs(args.value) }, selectorBody(parseSelector(sel.value)));
      if (timeout.value.trim()) b.timeout = timeout.value.trim();
      if (ns.value) b.namespace = ns.value;
      return b;
    }
    callBtn.addEventListener('click', async () => {
      clear(result);
      let b;
      try { b = body(); } catch (e) { result.appendChild(errorNote(e)); return; }
      callBtn.disabled = true;
      try {
        const doc = await post('/api/call', expectKnown(b, sel.value, ns.value));
        result.appendChild(callResult(doc));
      } catch (e) {
        result.appendChild(errorNote(e));
      } finally { callBtn.disabled = false; }
    });

    let current = null;
    let poll = null;
    rollBtn.addEventListener('click', async () => {
      clear(result);
      let b;
      try { b = body(); } catch (e) { result.appendChild(errorNote(e)); return; }
      const canaries = Math.max(0, parseInt(canary.value, 10) || 0);
      if (canaries) b.canary = canaries;
      b.batch = Math.max(1, parseInt(batch.value, 10) || 1);
      b.max_failures = Math.max(0, parseInt(maxFailures.value, 10) || 0);
      rollBtn.disabled = true;
      const planned = selected(sel.value, ns.value);
      try {
        const doc = await post('/api/rollout', b);
        current = { id: doc.id, planned, canary: canaries > 0 };
        drawRollout(doc);
        poll = setInterval(async () => {
          try { drawRollout(await get('/api/rollouts/' + encodeURIComponent(current.id))); } catch (e) { /* the stream may still bring it */ }
        }, 1000);
      } catch (e) {
        result.appendChild(errorNote(e));
        rollBtn.disabled = false;
      }
    });
    function drawRollout(doc) {
      if (!current || !doc || doc.id !== current.id) return;
      const seen = JSON.stringify(doc);
      if (seen === current.drawn) return; // the stream and the polling bring the same document
      current.drawn = seen;
      const outcomes = doc.outcomes || [];
      const byNode = new Map(outcomes.map((o) => [o.node, o]));
      const plan = Array.isArray(doc.plan) ? doc.plan : [];
      const order = [];
      plan.forEach((step, i) => (Array.isArray(step) ? step : [step]).forEach((n) => order.push([n, i])));
      for (const o of outcomes) if (!order.some((x) => x[0] === o.node)) order.push([o.node, o.batch]);
      if (!order.length) for (const n of current.planned) order.push([n, null]);
      const done = doc.state === 'done' || doc.state === 'failed';
      const stopped = !!doc.stopped;
      const failed = doc.state === 'failed';
      const status = h('div', { id: 'rollout-status', class: 'note ' + (stopped || failed ? 'stopped' : done ? 'done' : ''), dataset: { state: doc.state || '', stopped: String(stopped) } },
        failed ? 'failed: ' + (doc.reason || '') : stopped ? 'stopped: failure budget reached \u2014 ' + (doc.reason || '')
          : done ? 'done: ' + (doc.failures || 0) + ' failures of ' + outcomes.length : (doc.state || 'running') + '...');
      const skipped = outcomes.filter((o) => o.outcome === 'skipped').map((o) => o.node);
      const rowsOut = order.map(([n, step]) => {
        const o = byNode.get(n);
        const outcome = o ? o.outcome : (done ? 'skipped' : 'pending');
        const label = outcome === 'skipped' ? 'not run' : outcome;
        const b = o ? o.batch : step === null ? null : current.canary ? step : step + 1;
        return h('tr', { dataset: { node: n, outcome } },
          h('td', { class: 'mono', text: n }), h('td', { text: b === 0 ? 'canary' : b === null || b === undefined ? '-' : String(b) }),
          h('td', { dataset: { col: 'outcome' }, text: label }), h('td', { class: 'mono small', dataset: { col: 'detail' }, text: o ? show(o.detail) : '' }));
      });
      clear(result);
      append(result, [h('div', { class: 'panel' },
        h('h2', null, 'Rollout ', h('span', { class: 'mono', text: doc.id }), ' of ', h('span', { class: 'mono', text: doc.method || '' })),
        status,
        h('p', { class: 'small muted', text: 'changed: ' + ((doc.changed || []).join(', ') || 'none') + ' · failures: ' + (doc.failures || 0)
          + (skipped.length ? ' · not run: ' + skipped.join(', ') : '') }),
        table(['Node', 'Batch', 'Outcome', 'Detail'], rowsOut, { id: 'rollout-outcomes' }))]);
      if (done) { clearInterval(poll); poll = null; rollBtn.disabled = false; }
    }
    return {
      onRollout: drawRollout,
      dispose() { if (poll) clearInterval(poll); },
    };
  });

  function callResult(doc) {
    const rowsOut = [];
    for (const [n, v] of Object.entries(doc.replies || {})) {
      const err = v && typeof v === 'object' && typeof v.error === 'string';
      rowsOut.push(h('tr', { dataset: { node: n, outcome: err ? 'error' : 'ok' } }, h('td', { class: 'mono', text: n }),
        h('td', { dataset: { col: 'outcome' }, text: err ? 'error' : 'ok' }), h('td', null, h('pre', { class: 'mono small', text: pretty(v) }))));
    }
    for (const [n, e] of Object.entries(doc.errors || {})) {
      if (doc.replies && n in doc.replies) continue;
      rowsOut.push(h('tr', { dataset: { node: n, outcome: 'error' } }, h('td', { class: 'mono', text: n }), h('td', { dataset: { col: 'outcome' }, text: 'error' }), h('td', { class: 'error-text', text: e })));
    }
    for (const n of doc.missing || []) {
      rowsOut.push(h('tr', { dataset: { node: n, outcome: 'missing' } }, h('td', { class: 'mono', text: n }), h('td', { dataset: { col: 'outcome' }, text: 'missing' }), h('td', { class: 'muted', text: 'no reply within the deadline' })));
    }
    return h('div', { class: 'panel' }, h('h2', { text: (doc.method || 'call') + ': ' + Object.keys(doc.replies || {}).length + ' replies in ' + doc.elapsed_ms + ' ms' + (doc.deadline_reached ? ' (deadline reached)' : '') }),
      table(['Node', 'Outcome', 'Reply'], rowsOut, { id: 'call-result' }));
  }

  // ================= compare =================
  U.route(/^\/compare$/, (main) => {
    U.setActiveNav('compare');
    const kind = h('select', { id: 'compare-kind' }, [['histogram', 'top classes (histogram)'], ['sysprop', 'a system property'], ['path', 'any method, a value by path']]
      .map(([v, l]) => h('option', { value: v, text: l })));
    const key = h('input', { id: 'compare-key', type: 'text', value: '10', spellcheck: 'false', size: 28 });
    const method = h('input', { id: 'compare-method', list: 'methods', value: 'vitals', size: 14, spellcheck: 'false' });
    const sel = h('input', { id: 'compare-selector', type: 'text', size: 36, spellcheck: 'false', placeholder: 'every node; or a,b  web-*  /re/  env=prod' });
    const run = h('button', { class: 'primary', id: 'compare-run', text: 'Compare' });
    const ns = namespaceSelect('compare-namespace');
    const out = h('div', { id: 'compare-result' });
    const keyLabel = h('span', { text: 'rows' });
    const methodField = field('method', method);
    kind.addEventListener('change', () => {
      keyLabel.textContent = kind.value === 'histogram' ? 'rows' : kind.value === 'sysprop' ? 'property key' : 'path (a.b.0)';
      key.value = kind.value === 'histogram' ? '10' : kind.value === 'sysprop' ? 'java.version' : 'heap_used';
      methodField.hidden = kind.value !== 'path';
    });
    methodField.hidden = true;
    append(main, [methodList(), h('h1', { text: 'Compare across nodes' }),
      h('div', { class: 'panel' }, h('div', { class: 'toolbar' }, field('what', kind), methodField, h('label', { class: 'field' }, keyLabel, key), field('namespace', ns), field('selector', sel), run)), out]);
    run.addEventListener('click', async () => {
      clear(out).appendChild(h('p', { class: 'muted', text: 'Asking...' }));
      try {
        const b = selectorBody(parseSelector(sel.value));
        if (ns.value) b.namespace = ns.value;
        if (kind.value === 'histogram') {
          const top = Math.max(1, parseInt(key.value, 10) || 10);
          const doc = await post('/api/call', expectKnown(Object.assign(b, { method: 'histogram', arguments: { top }, timeout: '20s' }), sel.value, ns.value));
          clear(out).appendChild(histogramTable(doc, top));
        } else if (kind.value === 'sysprop') {
          const doc = await post('/api/call', expectKnown(Object.assign(b, { method: 'sysprops', arguments: { name: key.value } }), sel.value, ns.value));
          clear(out).appendChild(valueTable(doc, (v) => v && v.properties ? v.properties[key.value] : undefined, key.value));
        } else {
          const doc = await post('/api/call', expectKnown(Object.assign(b, { method: method.value.trim() }), sel.value, ns.value));
          clear(out).appendChild(valueTable(doc, (v) => at(v, key.value), key.value));
        }
      } catch (e) { clear(out).appendChild(errorNote(e)); }
    });
  });
  function at(v, path) {
    for (const p of (path || '').split('.').filter(Boolean)) {
      if (v === null || v === undefined) return undefined;
      v = v[p];
    }
    return v;
  }
  function valueTable(doc, pick, label) {
    const entries = Object.entries(doc.replies || {}).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const counts = new Map();
    for (const [, v] of entries) { const k = show(pick(v)); counts.set(k, (counts.get(k) || 0) + 1); }
    let common = null; let best = 0;
    for (const [k, n] of counts) if (n > best) { best = n; common = k; }
    const rowsOut = entries.map(([n, v]) => {
      const val = show(pick(v));
      return h('tr', { dataset: { node: n } }, h('td', { class: 'mono', text: n }),
        h('td', { class: 'mono' + (counts.size > 1 && val !== common ? ' differs' : ''), dataset: { col: 'value' }, text: pick(v) === undefined ? '(absent)' : val }));
    });
    for (const [n, e] of Object.entries(doc.errors || {})) rowsOut.push(h('tr', { dataset: { node: n } }, h('td', { class: 'mono', text: n }), h('td', { class: 'error-text', text: e })));
    for (const n of doc.missing || []) rowsOut.push(h('tr', { dataset: { node: n } }, h('td', { class: 'mono', text: n }), h('td', { class: 'muted', text: 'missing' })));
    return h('div', { class: 'panel' }, h('p', { class: 'muted small', text: counts.size + ' distinct value' + (counts.size === 1 ? '' : 's') + ' of ' + label + ' across ' + entries.length + ' nodes' }),
      table(['Node', label], rowsOut, { id: 'compare-table' }));
  }
  function histogramTable(doc, top) {
    const nodes = Object.keys(doc.replies || {}).sort();
    const headers = ['#'].concat(nodes);
    const rowsOut = [];
    for (let i = 0; i < top; i++) {
      const cells = nodes.map((n) => {
        const r = ((doc.replies[n] || {}).rows || [])[i];
        return h('td', { class: 'mono small' }, r ? [r.class, h('br'), h('span', { class: 'muted', text: bytes(r.bytes) + ' · ' + r.instances + ' instances' })] : '');
      });
      rowsOut.push(h('tr', null, h('td', { class: 'num', text: String(i + 1) }), cells));
    }
    const errs = Object.entries(doc.errors || {}).map(([n, e]) => note(n + ': ' + e, 'error'));
    return h('div', { class: 'panel' }, errs, table(headers, rowsOut, { id: 'compare-table' }));
  }

  // ================= journal =================
  U.route(/^\/journal$/, (main) => {
    U.setActiveNav('journal');
    const tbody = h('tbody');
    let query = '';
    append(main, [h('div', { class: 'toolbar' }, h('h1', { text: 'Journal' }),
      U.filterInput('filter entries', (q) => { query = q; draw(); }),
      h('a', { id: 'journal-download', href: '/api/journal?download=1', download: 'pidbox-journal.json', text: 'Download JSON' })),
    h('div', { class: 'table-wrap' }, h('table', { id: 'journal-list' },
      h('thead', null, h('tr', null, ['Time', 'Kind', 'Node', 'What'].map((t) => h('th', { text: t })))), tbody))]);
    function entryRow(e) {
      const rest = Object.assign({}, e);
      const time = rest.at || rest.time || rest.t; delete rest.at; delete rest.time; delete rest.t;
      const kind = rest.kind || rest.type || rest.event; delete rest.kind; delete rest.type; delete rest.event;
      const node = rest.node || (Array.isArray(rest.nodes) ? rest.nodes.join(', ') : ''); delete rest.node;
      const what = rest.text || rest.message || rest.detail;
      return h('tr', { dataset: { kind: kind || '' } }, h('td', { class: 'nowrap', text: time ? clock(time) : '' }), h('td', { class: 'jkind' }, h('span', { class: 'jk ' + (kind || ''), text: kind || '' })),
        h('td', { class: 'mono small', text: node || '' }), h('td', { class: 'small', text: what !== undefined && typeof what === 'string' ? what : show(rest) }));
    }
    function draw() {
      clear(tbody);
      const list = U.S.journal.slice().reverse().filter((e) => !query || JSON.stringify(e).toLowerCase().includes(query)).slice(0, 1000);
      for (const e of list) tbody.appendChild(entryRow(e));
      if (!list.length) tbody.appendChild(h('tr', null, h('td', { colspan: 4, class: 'muted', text: 'Nothing yet.' })));
    }
    draw();
    return { onJournal() { draw(); } };
  });
})();
