// Draws a run (the collector's RunView document) in the browser with chart.js: the live page
// polls /api/live and redraws in place; the HTML report embeds one view and draws it once.
// Plain script, no build step: the report inlines this file as it is. Its words come from the
// catalogue (common/i18n/messages/report.ts) in the page's language, as window.BUSYBENCH_TEXT.
(() => {
  const T = window.BUSYBENCH_TEXT;
  /** A message: its template (collector/src/page-messages.ts) with the figures placed. */
  const t = (key, ...args) => T[key].replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)]));
  /** A state (recovery status, alert status, severity) in words; one the catalogue lacks as it came. */
  const state = (kind, value) => T[`${kind}.${value}`] ?? value;
  // Chinese needs a font that has it: the charts draw in the page's font (English keeps chart.js's).
  if (document.documentElement.lang !== 'en' && window.Chart)
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  const COLORS = {
    target: '#888888',
    achieved: '#1f77b4',
    p50: '#2ca02c',
    p90: '#ff7f0e',
    p99: '#d62728',
    p999: '#9467bd',
    ok: '#2ca02c',
    429: '#ff7f0e',
    503: '#d62728',
    '5xx': '#8c564b',
    '4xx': '#e377c2',
    timeout: '#7f7f7f',
    network: '#bcbd22',
    truncated: '#17becf',
    malformed: '#9467bd',
    aborted: '#393b79',
    filtered: '#e7ba52',
    degraded: '#ad494a',
  };
  // The outcomes come with the view (`outcomes`, ok first: loadtests/engine/contract/outcomes.json).
  const errorClasses = (view) => (view.outcomes ?? []).filter((o) => o !== 'ok');
  /** An outcome's colour: its own, or one from its name for an outcome added to the list later. */
  const colour = (c) => {
    if (COLORS[c]) return COLORS[c];
    let h = 0;
    for (const ch of c) h = (h * 31 + ch.charCodeAt(0)) % 360;
    return `hsl(${h}, 55%, 45%)`;
  };
  const charts = {};

  // Fault phases as shaded bands, alerts as vertical lines and SLA bounds as dashed horizontal
  // lines, drawn under the data: where a spike lines up with a fault is the point of the page.
  const overlay = {
    id: 'overlay',
    beforeDatasetsDraw(chart, _args, opts) {
      const { ctx, chartArea: area, scales } = chart;
      ctx.save();
      for (const b of opts.bands ?? []) {
        const from = Math.max(area.left, scales.x.getPixelForValue(b.from));
        const to = Math.min(area.right, scales.x.getPixelForValue(b.to));
        if (to <= from) continue;
        ctx.fillStyle = 'rgba(214, 39, 40, 0.08)';
        ctx.fillRect(from, area.top, to - from, area.bottom - area.top);
        ctx.fillStyle = '#a33';
        ctx.fillText(b.label, from + 3, area.top + 10);
      }
      ctx.strokeStyle = '#c0392b';
      for (const x of opts.lines ?? []) {
        const px = scales.x.getPixelForValue(x);
        if (px < area.left || px > area.right) continue;
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
      }
      ctx.setLineDash([6, 4]);
      for (const h of opts.hlines ?? []) {
        const py = scales.y.getPixelForValue(h.y);
        if (py < area.top || py > area.bottom) continue;
        ctx.beginPath();
        ctx.moveTo(area.left, py);
        ctx.lineTo(area.right, py);
        ctx.stroke();
        ctx.fillStyle = '#c0392b';
        ctx.fillText(h.label, area.left + 3, py - 3);
      }
      ctx.restore();
    },
  };

  const $ = (id) => document.getElementById(id);
  const fmt = (v, digits = 1) => (v === null || v === undefined ? '-' : Number(v).toFixed(digits));
  const pct = (v) => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(2)} %`);

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  /** Errors by class as "503:12 timeout:3", or "-" when there were none. */
  const errorsText = (errors) =>
    Object.entries(errors)
      .map(([c, n]) => `${c}:${n}`)
      .join(' ') || '-';

  function table(id, head, rows) {
    const t = $(id);
    t.replaceChildren();
    const tr = el('tr');
    for (const h of head) tr.appendChild(el('th', h));
    t.appendChild(tr);
    for (const row of rows) {
      const r = el('tr');
      for (const cell of row) {
        const td = el('td', cell.text ?? cell, cell.cls);
        r.appendChild(td);
      }
      t.appendChild(r);
    }
  }

  /** Creates a chart once, then swaps its data (no animation, so a poll does not flicker). */
  function draw(id, config) {
    const existing = charts[id];
    if (existing) {
      existing.data = config.data;
      existing.options.plugins.overlay = config.options.plugins?.overlay ?? {};
      existing.update('none');
      return;
    }
    config.options = { animation: false, responsive: true, maintainAspectRatio: false, ...config.options };
    config.plugins = [overlay];
    charts[id] = new window.Chart($(id), config);
  }

  const elapsed = (view) => {
    const t0 = view.series.length > 0 ? view.series[0].t : 0;
    return (t) => (t - t0) / 1000;
  };
  const linear = (title) => ({ type: 'linear', title: { display: true, text: title } });

  /** Fault phases, alerts and SLA latency lines for the time charts (x in seconds into the run). */
  function marks(view, x) {
    const end = view.series.length > 0 ? x(view.series[view.series.length - 1].t) + 1 : 0;
    return {
      bands: view.phases
        .filter((p) => p.fault)
        .map((p) => ({ from: x(p.startMs), to: p.endMs === null ? end : x(p.endMs), label: p.phase })),
      lines: view.alerts.filter((a) => a.status === 'firing').map((a) => x(a.time)),
      hlines: Object.entries(view.sla.latencyMs).map(([p, ms]) => ({ y: ms, label: `SLA ${p} < ${ms} ms` })),
    };
  }

  function overTime(view) {
    const x = elapsed(view);
    const m = marks(view, x);
    const timeMarks = { bands: m.bands, lines: m.lines };
    const line = (label, key, color, extra = {}) => ({
      label,
      data: view.series.map((p) => ({ x: x(p.t), y: p[key] })),
      borderColor: color,
      backgroundColor: color,
      pointRadius: 0,
      borderWidth: 2,
      ...extra,
    });
    draw('chart-rate', {
      type: 'line',
      data: {
        datasets: [
          line(t('page.targetRate'), 'targetRate', COLORS.target, { borderDash: [6, 4], stepped: true }),
          line(t('page.achievedRate'), 'achievedRate', COLORS.achieved),
        ],
      },
      options: {
        plugins: { overlay: timeMarks },
        scales: { x: linear(t('page.secondsIntoRun')), y: { beginAtZero: true } },
      },
    });
    draw('chart-latency-time', {
      type: 'line',
      data: {
        datasets: [
          line('p50 ms', 'p50', COLORS.p50),
          line('p90 ms', 'p90', COLORS.p90),
          line('p99 ms', 'p99', COLORS.p99),
        ],
      },
      options: {
        plugins: { overlay: m },
        scales: {
          x: linear(t('page.secondsIntoRun')),
          y: { type: 'logarithmic', title: { display: true, text: 'ms' } },
        },
      },
    });
    draw('chart-errors-time', {
      type: 'bar',
      data: {
        datasets: errorClasses(view).map((c) => ({
          label: c,
          data: view.series.map((p) => ({ x: x(p.t), y: (p.errors[c] ?? 0) / p.widthS })),
          backgroundColor: colour(c),
        })),
      },
      options: {
        plugins: { overlay: timeMarks },
        scales: {
          x: { ...linear(t('page.secondsIntoRun')), stacked: true },
          y: { stacked: true, title: { display: true, text: t('page.errorsPerS') } },
        },
      },
    });
  }

  function perStep(view) {
    const labels = view.steps.map((s) => `${s.step} (${s.targetRate}/s)`);
    const bars = (label, key, color) => ({
      label,
      data: view.steps.map((s) => s.latency[key]),
      backgroundColor: color,
    });
    draw('chart-latency-steps', {
      type: 'bar',
      data: {
        labels,
        datasets: [
          bars('p50', 'p50', COLORS.p50),
          bars('p90', 'p90', COLORS.p90),
          bars('p99', 'p99', COLORS.p99),
          bars('p99.9', 'p999', COLORS.p999),
        ],
      },
      options: {
        plugins: { overlay: { hlines: marks(view, (t) => t).hlines } },
        scales: { y: { type: 'logarithmic', title: { display: true, text: 'ms' } } },
      },
    });
    draw('chart-errors-steps', {
      type: 'bar',
      data: {
        labels,
        datasets: ['ok', ...errorClasses(view)].map((c) => ({
          label: c,
          data: view.steps.map((s) =>
            c === 'ok' ? s.requests - Object.values(s.errors).reduce((a, b) => a + b, 0) : (s.errors[c] ?? 0),
          ),
          backgroundColor: colour(c),
        })),
      },
      options: {
        scales: {
          x: { stacked: true },
          y: { stacked: true, title: { display: true, text: t('page.requests') } },
        },
      },
    });
  }

  function tables(view) {
    table(
      'table-steps',
      [
        t('page.col.step'),
        t('page.col.target'),
        t('page.col.achieved'),
        t('page.col.goodput'),
        t('page.col.requests'),
        t('page.col.success'),
        'p50',
        'p90',
        'p99',
        'p99.9',
        t('page.col.ttftP95'),
        t('page.col.amplification'),
        t('page.col.errorMasking'),
        t('page.col.errors'),
      ],
      view.steps.map((s) => [
        s.step,
        s.targetRate,
        fmt(s.achievedRate),
        fmt(s.goodput),
        s.requests,
        pct(s.successRate),
        fmt(s.latency.p50),
        fmt(s.latency.p90),
        fmt(s.latency.p99),
        fmt(s.latency.p999),
        s.ttft.count ? fmt(s.ttft.p95) : '-',
        fmt(s.amplification, 2),
        fmt(s.errorMasking, 3),
        errorsText(s.errors),
      ]),
    );
    // Per priority class, only for a run that had classes (x-priority).
    const classRows = view.steps.flatMap((s) =>
      Object.entries(s.classes ?? {}).map(([c, f]) => [
        s.step,
        c,
        f.requests,
        pct(f.successRate),
        fmt(f.latency.p50),
        fmt(f.latency.p90),
        fmt(f.latency.p99),
        fmt(f.latency.p999),
        f.ttft.count ? fmt(f.ttft.p95) : '-',
        errorsText(f.errors),
      ]),
    );
    $('classes').hidden = classRows.length === 0;
    table(
      'table-classes',
      [
        t('page.col.step'),
        t('page.col.class'),
        t('page.col.requests'),
        t('page.col.success'),
        'p50',
        'p90',
        'p99',
        'p99.9',
        t('page.col.ttftP95'),
        t('page.col.errors'),
      ],
      classRows,
    );
    // Fairness between users, only for a run whose requests carried a user_id: the terminal
    // report's line, in the page's words.
    const u = view.users;
    $('users').hidden = !u;
    $('users-line').textContent = u
      ? t(
          'fairness',
          u.users,
          pct(u.worstSuccessRate),
          fmt(u.worstP99Ms, 0),
          fmt(u.jain, 3),
          u.worstUser,
          pct(u.worstUserSuccessRate),
        )
      : '';
    table(
      'table-sla',
      [t('page.col.step'), t('page.col.line'), t('page.col.measured'), t('page.col.verdict')],
      view.verdict.lines.map((l) => [
        l.step === null ? t('page.wholeRun') : `${l.step} (${l.targetRate}/s)`,
        l.line,
        fmt(l.measured, 4),
        { text: l.ok ? t('page.held') : t('page.broken'), cls: l.ok ? 'ok' : 'bad' },
      ]),
    );
    // Several load generators (--runners, segments): each one's share, so a slow one shows.
    const runners = view.runners ?? [];
    const missing = view.missing ?? [];
    $('runners').hidden = runners.length < 2 && missing.length === 0;
    $('runners-missing').replaceChildren(
      ...missing.map((m) =>
        Object.assign(document.createElement('li'), { textContent: t('missingLine', m) }),
      ),
    );
    table(
      'table-runners',
      [
        t('page.col.runner'),
        t('page.col.segment'),
        t('page.col.step'),
        t('page.col.scheduled'),
        t('page.col.received'),
        t('page.col.sent'),
        t('page.col.missing'),
        t('page.col.achievedRate'),
        t('page.col.late'),
        t('page.col.lateP99'),
      ],
      runners.flatMap((r) =>
        r.steps.map((s) => [
          r.runner + (r.finished || view.live ? '' : t('page.noEnd')),
          r.segment,
          String(s.step),
          String(s.scheduled),
          String(s.received),
          s.sent === null ? '-' : String(s.sent),
          s.missing === null ? '-' : { text: String(s.missing), cls: s.missing > 0 ? 'bad' : 'ok' },
          s.achievedRate === null ? '-' : fmt(s.achievedRate),
          String(s.late),
          s.lateP99Ms === null ? '-' : fmt(s.lateP99Ms),
        ]),
      ),
    );
    table(
      'table-recovery',
      [t('page.col.faultPhase'), t('page.col.ended'), t('page.col.recovery'), t('page.col.status')],
      view.recovery.map((r) => [
        `${r.scenario} / ${r.phase}`,
        new Date(r.endedAt).toISOString(),
        r.recoveryS === null ? '-' : `${fmt(r.recoveryS)} s`,
        state('status', r.status),
      ]),
    );
    table(
      'table-alerts',
      [
        t('page.col.receivedAt'),
        t('page.col.alert'),
        t('page.col.status'),
        t('page.col.severity'),
        t('page.col.summary'),
      ],
      view.alerts
        .slice()
        .reverse()
        .map((a) => [
          new Date(a.time).toISOString(),
          a.alertname,
          { text: state('alert', a.status), cls: a.status === 'firing' ? 'bad' : 'ok' },
          state('severity', a.severity),
          a.summary,
        ]),
    );
  }

  function header(view) {
    const verdict = $('verdict');
    verdict.textContent = view.verdict.passed ? t('page.slaHeld') : t('page.slaBreached');
    verdict.className = view.verdict.passed ? 'badge ok' : 'badge bad';
    const knee = view.steps.find((s) => s.step === view.verdict.knee);
    // The knee: the last step before the first breach; none when the first step broke the SLA.
    $('knee').textContent = knee
      ? t('page.kneeAt', knee.step, knee.targetRate)
      : view.steps.length > 0
        ? t('page.kneeNone')
        : '-';
    $('current-step').textContent = view.currentStep === null ? '-' : String(view.currentStep);
    $('run-id').textContent = view.runId;
    $('generated').textContent = t(view.live ? 'page.live' : 'page.final', view.generatedAt);
    const firing = new Map();
    for (const a of view.alerts) firing.set(a.fingerprint || a.alertname, a);
    $('alerts-firing').textContent = String([...firing.values()].filter((a) => a.status === 'firing').length);
    const warnings = [];
    if (view.malformedLines > 0) warnings.push(t('page.malformed', view.malformedLines));
    if (view.droppedIterations > 0) warnings.push(t('page.dropped', view.droppedIterations));
    $('warnings').textContent = warnings.join(t('page.warningSeparator'));
  }

  function render(view) {
    header(view);
    overTime(view);
    perStep(view);
    tables(view);
    document.body.dataset.rendered = 'true';
  }

  async function poll() {
    try {
      // The view's own words (SLA lines, missing segments) in the page's language.
      const res = await fetch(`api/live?lang=${encodeURIComponent(document.documentElement.lang)}`);
      if (res.ok) render(await res.json());
      $('stale').textContent = '';
    } catch {
      $('stale').textContent = t('page.stale');
    }
  }

  if (window.BUSYBENCH_VIEW) render(window.BUSYBENCH_VIEW);
  else {
    void poll();
    setInterval(poll, 2000);
  }
})();
