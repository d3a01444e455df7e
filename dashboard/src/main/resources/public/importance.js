// Feature importance: the registry's SHAP summary (mean |SHAP| over the test rows) of a version, and
// a dependence plot (feature value against its SHAP contribution) from the served version's golden
// rows explained by the inference-service.
'use strict';

let shapData = null;

async function page_importance() {
  await modelPicker(showImportance);
}

async function showImportance(name, version) {
  clearMessage();
  const v = await api('/api/models/' + encodeURIComponent(name) + '/versions/' + encodeURIComponent(version));
  el('content').classList.remove('hidden');
  const top = (v.featureImportances || []).slice(0, 20);
  if (!top.length) {
    message('empty', 'Version ' + v.version + ' of ' + name + ' has no feature importances recorded.');
  } else {
    el('summary-info').textContent = '(v' + v.version + ', top ' + top.length + ' of ' + v.featureImportances.length + ', held-out test rows, log-odds)';
    chart('chart-importance', {
      tooltip: { trigger: 'axis' }, grid: { left: 230, right: 40, top: 10, bottom: 45 },
      xAxis: { type: 'value', name: 'mean |SHAP| (log-odds)', nameLocation: 'middle', nameGap: 25 },
      yAxis: { type: 'category', inverse: true, data: top.map(f => f.feature), axisLabel: { width: 220, overflow: 'truncate' } },
      series: [{ type: 'bar', data: top.map(f => +f.meanAbsShap.toFixed(4)), itemStyle: { color: '#2680c2' } }],
    });
  }
  if (!shapData || shapData.name !== name) {
    shapData = await api('/api/models/' + encodeURIComponent(name) + '/shap');
    shapData.name = name;
  }
  if (!shapData.served) {
    message('empty', shapData.message, 'dependence-message');
    el('chart-dependence').classList.add('hidden');
    done('ready');
    return;
  }
  if (!shapData.rows.length) {
    message('empty', 'The served version v' + shapData.version + ' has no golden rows to explain.', 'dependence-message');
    el('chart-dependence').classList.add('hidden');
    done('ready');
    return;
  }
  const ranked = (shapData.featureImportances.length ? shapData.featureImportances.map(f => f.feature) : shapData.features.map(f => f.name));
  const current = el('feature').value;
  el('feature').innerHTML = ranked.map(f => '<option>' + esc(f) + '</option>').join('');
  el('feature').value = ranked.includes(current) ? current : ranked[0];
  el('feature').onchange = plotDependence;
  const test = shapData.rows.filter(r => r.source === 'test row').length;
  el('dependence-info').textContent = '(served v' + shapData.version + ': ' + test + ' held-out test rows' +
    (shapData.featureSource === 'PROVIDED' ? ' (features provided by callers: no online rows)'
      : ' and ' + (shapData.rows.length - test) + ' users\' current features') + ', explained by inference-service)';
  plotDependence();
  done('ready');
}

function plotDependence() {
  const name = el('feature').value;
  const i = shapData.features.findIndex(f => f.name === name);
  const def = shapData.features[i];
  const points = shapData.rows.filter(r => r.values[i] !== null).map(r => [r.values[i], +r.contributions[i].toFixed(4), r.probability, r.userId, r.source]);
  const missing = shapData.rows.length - points.length;
  const categorical = def.type === 'FEATURE_TYPE_CATEGORICAL' && def.categories.length;
  // a feature of a team's own table has no description: say its type (and levels) instead
  const about = def.description || (name + ': ' + short(def.type) + (categorical ? ', levels ' + levelsText(def) : ''));
  el('feature-description').textContent = about + (missing ? ' · ' + missing + ' rows with the value missing not shown' : '');
  chart('chart-dependence', {
    tooltip: { formatter: p => esc(p.data[3]) + '<br>' + esc(name) + ' = ' + (categorical ? esc(def.categories[p.data[0]]) : fmt(p.data[0])) +
      '<br>SHAP ' + fmt(p.data[1]) + '<br>p = ' + fmt(p.data[2]) + '<br>' + esc(p.data[4]) },
    grid: { left: 60, right: 90, top: 30, bottom: 50 },
    xAxis: categorical ? { type: 'value', name, nameLocation: 'middle', nameGap: 30, axisLabel: { formatter: v => def.categories[v] || '' } }
      : { type: 'value', name, nameLocation: 'middle', nameGap: 30, scale: true },
    yAxis: { type: 'value', name: 'SHAP (log-odds)' },
    visualMap: { dimension: 2, min: +Math.min(...points.map(p => p[2])).toFixed(3), max: +Math.max(...points.map(p => p[2]), 0.001).toFixed(3), text: ['p high', 'p low'], right: 0, top: 'middle', calculable: false,
      inRange: { color: ['#2680c2', '#f0b429', '#e12d39'] } },
    series: [{ type: 'scatter', symbolSize: 8, data: points,
      markLine: { silent: true, symbol: 'none', data: [{ yAxis: 0 }], lineStyle: { color: '#9aa5b1' } } }],
  });
  el('chart-dependence').classList.remove('hidden');
}
