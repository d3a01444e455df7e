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
    el('replay-status').textContent = (r.running ? 'replaying: ' : 'last replay: ') + r.sent + ' of ' + r.total + ' events sent, ' +
      r.answered + ' answered' + (r.error ? ' · ' + r.error : '');
  }
  if (r.error) message('error', r.error);
  if (!r.running && el('served').querySelector('table')) el('replay').disabled = false;
  if (!s.predictions.length) return;
  s.predictions.forEach(p => { liveRows.push(p); lastSeq = Math.max(lastSeq, p.seq); });
  render();
}

function render() {
  const rows = liveRows.slice().reverse().slice(0, 200);
  el('predictions').innerHTML = table(['#', 'time', 'user', 'event', ['p (buy)', 'num'], '', 'decision', 'model', 'top factors (SHAP, log-odds)'],
    rows.map(p => p.rejection ? [p.seq, time(p.at), p.userId, p.eventType.toLowerCase(), '–', '', 'rejected', '', p.rejection] : [
      p.seq, time(p.at), p.userId, p.eventType.toLowerCase() + (p.itemId ? ' ' + p.itemId : ''), p.probability,
      { html: '<span class="bar" style="width:' + Math.round(80 * p.probability) + 'px"></span>' },
      { html: (p.label ? '<span class="tag target">target</span>' : '') + (p.coldStart ? ' <span class="tag">cold start</span>' : '') },
      p.modelName + ' v' + p.modelVersion,
      { html: p.factors.map(f => '<span class="factor ' + (f.contribution > 0 ? 'up' : 'down') + '" title="' + esc(f.description) + '">' +
        esc(f.feature) + ' ' + (f.contribution > 0 ? '+' : '') + f.contribution.toFixed(2) + '</span>').join(' · ') },
    ]));
  const scored = liveRows.filter(p => !p.rejection);
  chart('chart-live', {
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', name: 'event', data: scored.map(p => p.seq) },
    yAxis: { type: 'value', name: 'probability', min: 0 },
    series: [{ name: 'p (buy)', type: 'scatter', data: scored.map(p => +p.probability.toFixed(4)), symbolSize: 7 },
      { name: 'threshold', type: 'line', showSymbol: false, data: scored.map(p => p.threshold), lineStyle: { type: 'dashed', color: '#e12d39' } }],
  });
}
