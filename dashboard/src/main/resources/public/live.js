// Live: replay recent events through StreamPredict and watch the predictions arrive with their top factors.
'use strict';

let lastSeq = 0;
const liveRows = [];

async function page_live() {
  el('replay').onclick = startReplay;
  let info;
  try {
    info = await api('/api/live/models');
  } catch (e) {
    el('served').innerHTML = '<h2>Served by inference-service</h2><p class="muted">unknown: inference-service does not answer</p>';
    el('replay').disabled = true;
    throw e;
  }
  if (!info.models.length) {
    el('served').innerHTML = '<div class="banner empty">' + esc(info.message) + '</div>';
    el('replay').disabled = true;
  } else {
    el('served').innerHTML = '<h2>Served by inference-service</h2>' + table(['model', 'version', 'alias', 'target', ['threshold', 'num'], ['test ROC-AUC', 'num'], 'loaded at', 'artifact'],
      info.models.map(m => [m.name + (m.name === info.defaultModelName ? ' (default)' : ''), 'v' + m.version, m.alias, short(m.target), m.threshold,
        m.evaluation ? m.evaluation.rocAuc : '–', time(m.loadedAt), String(m.artifactSha256).substring(0, 12) + '…']));
  }
  await poll();
  setInterval(() => poll().catch(e => message('error', e.message)), 1000);
  done(info.models.length ? 'ready' : 'empty');
}

async function startReplay() {
  clearMessage();
  el('replay').disabled = true;
  try {
    // the chart and the users table show one replay: the earlier predictions make way
    liveRows.length = 0;
    userColours.clear();
    render();
    await api('/api/live/replay', { events: Number(el('count').value) || 0 });
    await poll();
  } catch (e) {
    message('error', 'Replay could not start: ' + e.message);
    el('replay').disabled = false;
  }
}

async function poll() {
  const s = await api('/api/live/predictions?after=' + lastSeq);
  const r = s.replay;
  if (r.total) {
    el('replay-status').textContent = (r.running ? 'replaying: ' : 'last replay: ') + r.sent + ' of ' + r.total + ' events of ' + r.users + ' users sent, ' +
      r.answered + ' answered' + (r.error ? ' · ' + r.error : '');
  }
  if (r.error) message('error', r.error);
  if (!r.running && el('served').querySelector('table')) el('replay').disabled = false;
  if (!s.predictions.length) return;
  s.predictions.forEach(p => { liveRows.push(p); colourOf(p.userId); lastSeq = Math.max(lastSeq, p.seq); });
  render();
}

// one colour per user, given in the order users first appear in the stream
const PALETTE = ['#2680c2', '#e12d39', '#3ebd93', '#f0b429', '#8719e0', '#f35627', '#0e7c86', '#e668a7', '#5a6b7b', '#8d5524', '#9bc53d', '#243b53'];
const userColours = new Map();
function colourOf(user) {
  if (!userColours.has(user)) userColours.set(user, PALETTE[userColours.size % PALETTE.length]);
  return userColours.get(user);
}

/** How inference began the user's state, e.g. "seeded from 67 stored events". */
function seedText(p) {
  switch (p.historySeed) {
    case 'STORED': return 'seeded from ' + p.historyEventCount + ' stored events';
    case 'TRUNCATED': return 'seeded from the newest ' + p.historyEventCount + ' stored events (older ones missing)';
    case 'NONE_STORED': return 'no stored events: started empty';
    case 'UNAVAILABLE': return 'history unavailable: started empty';
    default: return '';
  }
}

function userCell(user) {
  return { html: '<span class="dot" style="background:' + colourOf(user) + '"></span>' + esc(user) };
}

function render() {
  const rows = liveRows.slice().reverse().slice(0, 200);
  el('predictions').innerHTML = table(['#', 'time', 'user', 'event', ['p (buy)', 'num'], '', 'decision', 'state', 'model', 'top factors (SHAP, log-odds)'],
    rows.map(p => p.rejection ? [p.seq, time(p.at), userCell(p.userId), p.eventType.toLowerCase(), '–', '', 'rejected', '', '', p.rejection] : [
      p.seq, time(p.at), userCell(p.userId), p.eventType.toLowerCase() + (p.itemId ? ' ' + p.itemId : ''), p.probability,
      { html: '<span class="bar" style="width:' + Math.round(80 * p.probability) + 'px;background:' + colourOf(p.userId) + '"></span>' },
      { html: (p.label ? '<span class="tag target">target</span>' : '') + (p.coldStart ? ' <span class="tag">cold start</span>' : '') },
      { html: '<span class="muted">' + esc(seedText(p)) + '</span>' },
      p.modelName + ' v' + p.modelVersion,
      { html: p.factors.map(f => '<span class="factor ' + (f.contribution > 0 ? 'up' : 'down') + '" title="' + esc(f.description) + '">' +
        esc(f.feature) + ' ' + (f.contribution > 0 ? '+' : '') + f.contribution.toFixed(2) + '</span>').join(' · ') },
    ]));
  const scored = liveRows.filter(p => !p.rejection);
  const byUser = new Map();
  scored.forEach(p => {
    if (!byUser.has(p.userId)) byUser.set(p.userId, []);
    byUser.get(p.userId).push(p);
  });
  el('users').innerHTML = table(['user', ['events', 'num'], 'state on inference', ['first p', 'num'], ['last p', 'num'], ['change', 'num']],
    [...byUser.entries()].map(([user, ps]) => {
      const first = ps[0].probability, last = ps[ps.length - 1].probability, d = last - first;
      return [userCell(user), ps.length, seedText(ps[0]), first, last,
        { cls: 'num', html: '<span class="delta ' + (d > 0 ? 'up' : d < 0 ? 'down' : '') + '">' + (d > 0 ? '+' : '') + d.toFixed(4) + '</span>' }];
    }));
  const threshold = scored.length ? scored[scored.length - 1].threshold : null;
  chart('chart-live', {
    tooltip: { trigger: 'item', formatter: it => esc(it.seriesName) + '<br>event #' + it.value[0] + ': p = ' + it.value[1] },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 60, right: 30, top: 50, bottom: 50 },
    xAxis: { type: 'value', name: 'event # of the replay', nameLocation: 'middle', nameGap: 28, minInterval: 1, scale: true },
    yAxis: { type: 'value', name: 'probability', min: 0 },
    series: [...byUser.entries()].map(([user, ps]) => ({
      name: user, type: 'line', data: ps.map(p => [p.seq, +p.probability.toFixed(4)]), symbolSize: 7,
      itemStyle: { color: colourOf(user) }, lineStyle: { color: colourOf(user) },
      markLine: threshold === null || user !== byUser.keys().next().value ? undefined
        : { silent: true, symbol: 'none', label: { formatter: 'threshold', position: 'insideEndTop' }, lineStyle: { type: 'dashed', color: '#e12d39' }, data: [{ yAxis: threshold }] },
    })),
  });
}
