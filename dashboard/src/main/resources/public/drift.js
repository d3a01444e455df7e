// Drift: for a served model, the population stability index of every feature and of the score
// over a recent window of the served-prediction log against the version's training reference,
// and the reference and live shares of the bins.
'use strict';

async function page_drift() {
  const models = await api('/api/drift');
  if (!models.length) {
    el('models').innerHTML = '';
    message('empty', 'No model is served yet: train one and promote it to production.');
    done('empty');
    return;
  }
  el('models').innerHTML = table(['Model', ['Version', 'num'], 'Alias'],
    models.map(m => [{ html: '<a href="#' + encodeURIComponent(m.name) + '" data-model="' + esc(m.name) + '">' + esc(m.name) + '</a>' },
      m.version, m.alias]));
  const current = () => {
    const wanted = decodeURIComponent(location.hash.replace(/^#/, ''));
    return models.some(m => m.name === wanted) ? wanted : models[0].name;
  };
  window.addEventListener('hashchange', () => showDrift(current()));
  el('window').addEventListener('change', () => showDrift(current()));
  await showDrift(current());
}

function psiColor(psi) { return psi > 0.25 ? '#c23030' : psi > 0.1 ? '#d9822b' : '#2680c2'; }

function psiVerdict(psi) { return psi > 0.25 ? 'major' : psi > 0.1 ? 'moderate' : '–'; }

function binsChart(id, d) {
  chart(id, {
    tooltip: { trigger: 'axis' },
    legend: { data: ['training', 'live'] },
    grid: { left: 60, right: 30, top: 40, bottom: 80 },
    xAxis: { type: 'category', data: d.bins.map(b => b.label), axisLabel: { rotate: 30 } },
    yAxis: { type: 'value', name: 'share', axisLabel: { formatter: v => (100 * v).toFixed(0) + '%' } },
    series: [
      { name: 'training', type: 'bar', data: d.bins.map(b => +b.referenceShare.toFixed(5)), itemStyle: { color: '#8a9ba8' } },
      { name: 'live', type: 'bar', data: d.bins.map(b => +b.liveShare.toFixed(5)), itemStyle: { color: psiColor(d.psi) } },
    ],
  });
}

async function showDrift(name) {
  if (!name) return;
  clearMessage();
  delete document.body.dataset.state; // tests wait for the next state
  const hours = el('window').value;
  const r = await api('/api/drift/' + encodeURIComponent(name) + (hours ? '?hours=' + hours : ''));
  el('report').classList.remove('hidden');
  el('drift-title').textContent = 'Drift of ' + r.modelName + ' v' + r.modelVersion;
  el('drift-window').textContent = 'Served from ' + time(r.windowStart) + ' to ' + time(r.windowEnd) + ': ' +
    fmt(r.rowsUsed, 0) + ' predictions compared (' + fmt(r.rowsWithoutValues, 0) + ' without feature values skipped), reference ' +
    fmt(r.referenceRows, 0) + ' training rows.';
  const status = el('drift-status');
  const features = r.features || [];
  if (r.status === 'DRIFT_STATUS_UNAVAILABLE') {
    status.className = 'banner empty';
    status.textContent = 'Drift unavailable: ' + r.reason;
    ['chart-psi', 'chart-score', 'chart-feature'].forEach(id => chart(id, { series: [] }));
    el('psi-table').innerHTML = '';
    done('unavailable');
    return;
  }
  const worst = features.length ? features[0] : null;
  if (r.status === 'DRIFT_STATUS_TOO_FEW_ROWS') {
    status.className = 'banner empty';
    status.textContent = 'Too few rows for reliable indices: ' + r.reason;
  } else if (worst && worst.psi > 0.25) {
    status.className = 'banner error';
    status.textContent = 'Major shift: ' + worst.name + ' has PSI ' + worst.psi.toFixed(3) + '.';
  } else if (worst && worst.psi > 0.1) {
    status.className = 'banner empty';
    status.textContent = 'Moderate shift: ' + worst.name + ' has PSI ' + worst.psi.toFixed(3) + '.';
  } else {
    status.className = 'banner ok';
    status.textContent = 'No meaningful shift: every feature has PSI below 0.1.';
  }
  const shown = features.slice(0, 30);
  const psiChart = chart('chart-psi', {
    tooltip: { trigger: 'axis' },
    grid: { left: 220, right: 40, top: 20, bottom: 30 },
    xAxis: { type: 'value', name: 'PSI' },
    yAxis: { type: 'category', inverse: true, data: shown.map(d => d.name) },
    series: [{ type: 'bar', data: shown.map(d => ({ value: +d.psi.toFixed(5), itemStyle: { color: psiColor(d.psi) } })),
      markLine: { silent: true, symbol: 'none', data: [{ xAxis: 0.1 }, { xAxis: 0.25 }], lineStyle: { type: 'dashed' } } }],
  });
  psiChart.off('click');
  psiChart.on('click', p => showFeature(shown[p.dataIndex]));
  el('psi-table').innerHTML = table(['Feature', ['PSI', 'num'], 'Shift'],
    features.map(d => [{ html: '<a href="javascript:void(0)" data-feature="' + esc(d.name) + '">' + esc(d.name) + '</a>' },
      { html: d.psi.toFixed(4), cls: 'num' }, d.absentLive ? 'not in the served vectors' : psiVerdict(d.psi)]));
  el('psi-table').querySelectorAll('a[data-feature]').forEach(a =>
    a.addEventListener('click', () => showFeature(features.find(d => d.name === a.dataset.feature))));
  el('score-psi').textContent = '(PSI ' + r.score.psi.toFixed(4) + '; bins from the held-out test rows\' scores)';
  binsChart('chart-score', r.score);
  if (worst) showFeature(worst);
  done('ready');
}

function showFeature(d) {
  if (!d) return;
  el('feature-title').textContent = 'Bins of ' + d.name + ' (PSI ' + d.psi.toFixed(4) + '): training vs live';
  binsChart('chart-feature', d);
}
