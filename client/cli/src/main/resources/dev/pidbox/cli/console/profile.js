// pidbox console: profiles. A node page's Profile tab (#/node/NAME/profile) and the fleet's Profile page
// (#/profile: a selection, optionally compared with a second one in the same window), both through
// POST /api/profile and drawn by the flame graph component pidbox profile --html uses (flamegraph.js).
'use strict';
(() => {
  const U = window.pidboxUi;
  const { h, clear, append, post, parseSelector, selectorBody, selectorEmpty, matcher, errorNote } = U;

  function field(label, input) { return h('label', { class: 'field' }, label, input); }
  function modeSelect(id) {
    return h('select', { id }, [['cpu', 'cpu: running Java code'], ['wall', 'wall: every thread, any state'],
      ['alloc', 'alloc: bytes allocated']].map(([v, l]) => h('option', { value: v, text: l })));
  }
  function seconds(input) {
    const v = Number(String(input.value).trim().replace(/s$/, ''));
    if (!isFinite(v) || v <= 0 || v > 60) throw new Error('the duration is 0.1 to 60 seconds');
    return Math.round(v * 1000);
  }
  // how long the console waits for the samples after the window: a loaded host takes seconds to read and send
  // them; a gather of named nodes (or of as many as the page knows) ends as soon as they all answered
  const GRACE_MS = 20000;
  function options(mode, duration, interval, name) {
    const b = { mode: mode.value, duration_ms: seconds(duration), timeout: GRACE_MS };
    if (interval && interval.value.trim()) {
      const ms = parseInt(interval.value, 10);
      if (!(ms >= 10 && ms <= 1000)) throw new Error('the interval is 10 to 1000 ms');
      b.interval_ms = ms;
    }
    if (name && name.value.trim()) b.name = name.value.trim();
    return b;
  }

  /** The collapsed stacks of a profile document: "frame;frame count" (two counts, baseline then compared). */
  function collapsed(doc) {
    const merged = new Map();
    const two = doc.groups.length === 2;
    for (const s of doc.stacks) {
      const key = s.slice(2).map((i) => doc.frames[i]).join(';');
      const counts = merged.get(key) || [0, 0];
      counts[doc.nodes[s[0]].group] += s[1];
      merged.set(key, counts);
    }
    let out = '';
    for (const [k, c] of merged) out += k + ' ' + (two ? c[0] + ' ' + c[1] : c[0]) + '\n';
    return out;
  }
  function download(label, id, name, type, text) {
    return h('button', { id, type: 'button', text: label, onclick: () => {
      const url = URL.createObjectURL(new Blob([text()], { type }));
      const a = h('a', { href: url, download: name });
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } });
  }

  /** What the gather came to: who answered, who did not, errors and the nodes' own notes. */
  function summary(doc) {
    const s = doc.summary || {};
    const missing = s.missing || [];
    const errors = Object.entries(s.errors || {});
    const notes = Object.entries(s.notes || {});
    const box = h('div', { id: 'profile-summary', dataset: { answered: String((s.answered || []).length), missing: String(missing.length), errors: String(errors.length) } },
      h('p', { class: 'small', text: (s.answered || []).length + ' node' + ((s.answered || []).length === 1 ? '' : 's') + ' answered in '
        + (s.elapsed_ms / 1000).toFixed(1) + ' s' + (doc.groups.length === 2 ? ' (' + doc.groups.join(' against ') + ')' : '') + ': ' + (s.answered || []).join(', ') }));
    if (missing.length) box.appendChild(U.note('did not answer: ' + missing.join(', '), 'error'));
    for (const [n, e] of errors) box.appendChild(h('div', { class: 'note error', dataset: { node: n } }, n + ': ' + e));
    for (const [n, t] of notes) box.appendChild(h('div', { class: 'note', dataset: { node: n } }, n + ': ' + t));
    return box;
  }

  /**
   * Runs one profile (body) and draws it in out: a countdown while the nodes sample, then the summary, the
   * downloads and the flame graph. Returns a function that stops the countdown.
   */
  function run(body, out, button) {
    clear(out);
    const status = h('p', { id: 'profile-status', class: 'muted', dataset: { state: 'running' } });
    out.appendChild(status);
    const ends = Date.now() + body.duration_ms;
    const tick = () => {
      const left = Math.ceil((ends - Date.now()) / 1000);
      status.textContent = left > 0 ? 'sampling for ' + (body.duration_ms / 1000) + ' s... ' + left + ' s left'
        : 'waiting for the nodes to send their samples...';
    };
    tick();
    const timer = setInterval(tick, 250);
    button.disabled = true;
    let graph = null;
    post('/api/profile', body).then((doc) => {
      clearInterval(timer);
      clear(out);
      out.appendChild(h('p', { id: 'profile-status', class: 'small muted', dataset: { state: 'done' }, text: doc.title + ' · ' + doc.meta }));
      out.appendChild(summary(doc));
      out.appendChild(h('div', { class: 'toolbar' },
        download('Download collapsed stacks', 'profile-download-collapsed', 'pidbox-profile.txt', 'text/plain', () => collapsed(doc)),
        download('Download JSON', 'profile-download-json', 'pidbox-profile.json', 'application/json', () => JSON.stringify(doc))));
      const box = h('div', { id: 'profile-graph' });
      out.appendChild(box);
      if (!doc.stacks.length) box.appendChild(U.note('no samples: no thread ran Java code the sampler saw (try wall mode or a longer duration)'));
      else graph = window.pidboxFlameGraph(box, doc, { remember: false });
    }).catch((e) => {
      clearInterval(timer);
      clear(out);
      out.appendChild(h('p', { id: 'profile-status', dataset: { state: 'error' } }, errorNote(e)));
    }).finally(() => { button.disabled = false; });
    return () => { clearInterval(timer); if (graph) graph.dispose(); };
  }

  // ---------- the node page's tab ----------
  U.profileTab = (body, name) => {
    const mode = modeSelect('profile-mode');
    const duration = h('input', { id: 'profile-duration', type: 'text', value: '5', size: 4, title: 'seconds, at most 60' });
    const interval = h('input', { id: 'profile-interval', type: 'text', size: 5, placeholder: 'default', title: 'ms, 10 to 1000' });
    const threads = h('input', { id: 'profile-name', type: 'text', size: 16, spellcheck: 'false', placeholder: 'all threads', title: 'a thread-name glob' });
    const runBtn = h('button', { id: 'profile-run', class: 'primary', text: 'Run' });
    const out = h('div', { id: 'profile-result' });
    append(body, h('div', { class: 'panel' }, h('div', { class: 'toolbar' }, field('mode', mode), field('seconds', duration),
      field('interval ms', interval), field('threads', threads), runBtn)), out);
    let stop = null;
    runBtn.addEventListener('click', () => {
      let b;
      try { b = options(mode, duration, interval, threads); } catch (e) { clear(out).appendChild(errorNote(e)); return; }
      b.to = [name];
      const row = U.S.known.get(name);
      if (row && row.namespace) b.namespace = row.namespace;
      if (stop) stop();
      stop = run(b, out, runBtn);
    });
    return { dispose() { if (stop) stop(); } };
  };

  // ---------- the fleet's Profile page ----------
  U.route(/^\/profile$/, (main) => {
    U.setActiveNav('profile');
    const namespaces = (U.S.session && U.S.session.namespaces) || [];
    const ns = h('select', { id: 'profile-namespace' }, namespaces.map((n) => h('option', { value: n, text: n })));
    ns.disabled = namespaces.length < 2;
    const sel = h('input', { id: 'profile-selector', type: 'text', size: 34, spellcheck: 'false', placeholder: 'every node; or a,b  web-*  /re/  env=prod' });
    const cmp = h('input', { id: 'profile-compare', type: 'text', size: 34, spellcheck: 'false', placeholder: 'nothing; or a canary: a,b  web-*  /re/  env=canary' });
    const mode = modeSelect('profile-mode');
    const duration = h('input', { id: 'profile-duration', type: 'text', value: '5', size: 4, title: 'seconds, at most 60' });
    const runBtn = h('button', { id: 'profile-run', class: 'primary', text: 'Run' });
    const out = h('div', { id: 'profile-result' });
    append(main, [h('h1', { text: 'Profile' }),
      h('div', { class: 'panel' },
        h('div', { class: 'toolbar' }, field('namespace', ns), field('selection', sel), field('compare with', cmp)),
        h('div', { class: 'toolbar' }, field('mode', mode), field('seconds', duration), runBtn),
        h('p', { class: 'small muted', text: 'Every selected node samples in the same window. With "compare with", the second selection is the'
          + ' compared group and the rest of the selection the baseline: red grew in the compared group, blue shrank, each'
          + ' group as shares of its own total.' })),
      out]);
    let stop = null;
    runBtn.addEventListener('click', () => {
      let b;
      try {
        b = Object.assign(options(mode, duration), selectorBody(parseSelector(sel.value)));
        const c = parseSelector(cmp.value);
        if (!selectorEmpty(c)) b.compare = selectorBody(c);
        else {
          // the gather ends when every node the page knows for the selection has answered
          const m = matcher(parseSelector(sel.value));
          const n = U.rows().filter((r) => m(r) && U.stateOf(r) !== 'missing' && (!ns.value || r.namespace === ns.value)).length;
          if (n > 0) b.expect = n;
        }
      } catch (e) { clear(out).appendChild(errorNote(e)); return; }
      if (ns.value) b.namespace = ns.value;
      if (stop) stop();
      stop = run(b, out, runBtn);
    });
    return { dispose() { if (stop) stop(); } };
  });
})();
