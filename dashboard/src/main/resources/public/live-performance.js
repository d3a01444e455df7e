// Live performance: per model version, alias and UTC day, how its served predictions fared against
// what happened (inference-service's GetLiveMetrics): precision, recall, F1, ROC-AUC and PR-AUC with
// 95% intervals, and calibration.
'use strict';

async function page_live_performance() {
  const models = await loadModels();
  if (!models.length) {
    el('models').innerHTML = '';
    message('empty', 'No model registered yet. Train one with: propensity train');
    done('empty');
    return;
  }
  el('models').innerHTML = table(['Model', 'Production'], models.map(m => [
    { html: '<a href="#' + encodeURIComponent(m.name) + '" data-model="' + esc(m.name) + '">' + esc(m.name) + '</a>' },
    productionOf(m) ? 'v' + productionOf(m) : '–']));
  const wanted = decodeURIComponent(location.hash.replace(/^#/, ''));
  const first = models.some(m => m.name === wanted) ? wanted : models[0].name;
  window.addEventListener('hashchange', () => showModel(decodeURIComponent(location.hash.replace(/^#/, ''))));
  await showModel(first);
}

function interval(i) { return i ? fmt(i.low, 3) + ' – ' + fmt(i.high, 3) : '–'; }

function metricRow(label, m) {
  return [label, 'v' + m.modelVersion, m.modelAlias, m.count, m.positives || 0,
    { html: fmt(m.precision || 0, 3), cls: 'num' }, { html: fmt(m.recall || 0, 3), cls: 'num' }, { html: fmt(m.f1 || 0, 3), cls: 'num' },
    { html: m.rocAuc === undefined ? '–' : fmt(m.rocAuc, 3), cls: 'num' }, { html: interval(m.rocAucInterval), cls: 'num' },
    { html: m.prAuc === undefined ? '–' : fmt(m.prAuc, 3), cls: 'num' },
    { html: pct(m.meanPredicted || 0), cls: 'num' }, { html: pct(m.observedRate || 0), cls: 'num' },
    { html: fmt(m.ece || 0, 3), cls: 'num' }, { html: fmt(m.brier || 0, 3), cls: 'num' }];
}

const HEADERS = ['Day', 'Version', 'Alias', ['Labelled', 'num'], ['Positives', 'num'], ['Precision', 'num'], ['Recall', 'num'], ['F1', 'num'],
  ['ROC-AUC', 'num'], ['95% interval', 'num'], ['PR-AUC', 'num'], ['Predicted', 'num'], ['Observed', 'num'], ['ECE', 'num'], ['Brier', 'num']];

async function showModel(name) {
  if (!name) return;
  clearMessage();
  delete document.body.dataset.state; // tests wait for the next state
  const r = await api('/api/live-performance/' + encodeURIComponent(name) + '?days=30');
  el('report').classList.remove('hidden');
  el('report-title').textContent = 'Live performance of ' + name + ' (last 30 days)';
  el('report-joined').textContent = r.joinedUntil ? 'Outcomes joined for predictions served before ' + time(r.joinedUntil) : 'No outcome joined yet.';
  const overall = r.overall || [], daily = r.daily || [];
  if (!overall.length) {
    el('overall').innerHTML = '';
    el('daily').innerHTML = '';
    chart('chart-auc', { title: { text: 'no labelled predictions yet', left: 'center', top: 'middle', textStyle: { color: '#888', fontSize: 14 } } });
    message('empty', 'No labelled prediction of ' + name + ' yet: outcomes are joined once a prediction\'s horizon and the allowed lag are over (propensity.inference.outcomes.lag).');
    done('empty');
    return;
  }
  el('overall').innerHTML = table(HEADERS, overall.map(m => metricRow('all', m)));
  el('daily').innerHTML = table(HEADERS, daily.map(m => metricRow(time(m.day).slice(0, 10), m)));
  const days = [...new Set(daily.map(m => time(m.day).slice(0, 10)))].sort();
  const keys = [...new Set(daily.map(m => 'v' + m.modelVersion + ' ' + m.modelAlias))];
  const series = [];
  for (const k of keys) {
    const rows = daily.filter(m => 'v' + m.modelVersion + ' ' + m.modelAlias === k);
    const byDay = Object.fromEntries(rows.map(m => [time(m.day).slice(0, 10), m]));
    series.push({ name: k, type: 'line', connectNulls: true, symbolSize: 7,
      data: days.map(d => byDay[d] && byDay[d].rocAuc !== undefined ? +byDay[d].rocAuc.toFixed(4) : null) });
    series.push({ name: k + ' 95%', type: 'custom', z: 1,
      data: days.map((d, i) => byDay[d] && byDay[d].rocAucInterval ? [i, byDay[d].rocAucInterval.low, byDay[d].rocAucInterval.high] : [i, NaN, NaN]),
      renderItem: (params, api) => {
        if (isNaN(api.value(1))) return null;
        const low = api.coord([api.value(0), api.value(1)]), high = api.coord([api.value(0), api.value(2)]);
        return { type: 'line', shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style: { stroke: '#999', lineWidth: 1.5 } };
      } });
  }
  chart('chart-auc', {
    tooltip: { trigger: 'axis' },
    legend: { data: keys },
    grid: { left: 60, right: 30, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: days },
    yAxis: { type: 'value', name: 'ROC-AUC', min: 0, max: 1 },
    series: series.concat([{ name: 'chance', type: 'line', data: days.map(() => 0.5), symbol: 'none', lineStyle: { type: 'dashed', color: '#bbb' } }]),
  });
  done('ready');
}
window['page_live-performance'] = page_live_performance;
