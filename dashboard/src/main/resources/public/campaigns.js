// Campaigns: the campaigns recorded by `propensity targets --campaign`, and for one of them the
// conversion of targeted against control users in its window, the uplift with its 95% interval,
// and what the model predicted for each group.
'use strict';

async function page_campaigns() {
  const campaigns = await api('/api/campaigns');
  if (!campaigns.length) {
    el('campaigns').innerHTML = '';
    message('empty', 'No campaign recorded yet. Record one with: propensity targets --top 1000 --campaign NAME --control-fraction 0.1');
    done('empty');
    return;
  }
  el('campaigns').innerHTML = table(
    ['Name', 'Model', ['Targeted', 'num'], ['Control', 'num'], 'Goal', 'Window start', 'Window end', 'Recorded'],
    campaigns.map(c => [
      { html: '<a href="#' + encodeURIComponent(c.name) + '" data-campaign="' + esc(c.name) + '">' + esc(c.name) + '</a>' },
      c.modelName + ' v' + c.modelVersion, c.targetedCount, c.controlCount, short(c.goalEventType),
      time(c.windowStart), time(c.windowEnd), time(c.recordedAt)]));
  const wanted = decodeURIComponent(location.hash.replace(/^#/, ''));
  const first = campaigns.some(c => c.name === wanted) ? wanted : campaigns[0].name;
  window.addEventListener('hashchange', () => showCampaign(decodeURIComponent(location.hash.replace(/^#/, ''))));
  await showCampaign(first);
}

/** Wilson score interval of x of n at 95%, for the bars' error marks. */
function wilson(x, n) {
  if (!n) return [0, 0];
  const z = 1.959963984540054, p = x / n, d = 1 + z * z / n;
  const c = (p + z * z / (2 * n)) / d, h = z / d * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

function signedPct(v, digits) {
  return (v >= 0 ? '+' : '') + (100 * v).toFixed(digits === undefined ? 2 : digits) + '%';
}

async function showCampaign(name) {
  if (!name) return;
  clearMessage();
  delete document.body.dataset.state; // tests wait for the next state
  const r = await api('/api/campaigns/' + encodeURIComponent(name));
  const c = r.campaign;
  el('report').classList.remove('hidden');
  el('report-title').textContent = 'Campaign ' + c.name + ' · ' + c.modelName + ' v' + c.modelVersion;
  el('report-window').textContent = 'Goal ' + short(c.goalEventType) + ' from ' + time(c.windowStart) + ' to ' + time(c.windowEnd) +
    (r.windowClosed ? ' (window closed)' : ' (window open: conversions so far, counted up to ' + time(r.observedUntil) + ')');
  const lo = r.upliftInterval.low, hi = r.upliftInterval.high;
  const verdict = el('verdict');
  if (lo > 0) { verdict.className = 'banner ok'; verdict.textContent = 'The campaign raised conversion: the 95% interval of the uplift lies above 0.'; }
  else if (hi < 0) { verdict.className = 'banner error'; verdict.textContent = 'The campaign lowered conversion: the 95% interval of the uplift lies below 0.'; }
  else { verdict.className = 'banner empty'; verdict.textContent = 'No uplift shown yet: the 95% interval includes 0.'; }
  const groups = [['Targeted', r.targeted], ['Control', r.control]];
  el('groups').innerHTML = table(
    ['Group', ['Users', 'num'], ['Converted', 'num'], ['Conversion', 'num'], ['95% interval', 'num'], ['Predicted (mean)', 'num'], ['Observed − predicted', 'num']],
    groups.map(([label, g]) => {
      const w = wilson(g.converters, g.users);
      return [label, g.users, g.converters, { html: pct(g.conversionRate), cls: 'num' },
        { html: pct(w[0]) + ' – ' + pct(w[1]), cls: 'num' }, { html: pct(g.predictedMean), cls: 'num' },
        { html: signedPct(g.conversionRate - g.predictedMean, 1), cls: 'num' }];
    }));
  const rel = r.relativeLift === undefined ? '–' : signedPct(r.relativeLift, 1) +
    (r.relativeLiftInterval ? ' (' + signedPct(r.relativeLiftInterval.low, 1) + ' to ' + signedPct(r.relativeLiftInterval.high, 1) + ')' : '');
  el('uplift').innerHTML = table(
    ['Uplift (targeted − control)', '95% interval (Newcombe)', 'Relative lift (95% interval)', ['p-value', 'num'], ['Incremental conversions', 'num']],
    [[{ html: '<strong id="uplift-value">' + signedPct(r.uplift) + '</strong>' },
      { html: '<span id="uplift-interval">' + signedPct(lo) + ' to ' + signedPct(hi) + '</span>' },
      rel, { html: r.pValue.toPrecision(3), cls: 'num' }, { html: fmt(r.incrementalConversions, 1), cls: 'num' }]]);
  const intervals = groups.map(([, g]) => wilson(g.converters, g.users));
  chart('chart-conversion', {
    tooltip: { trigger: 'axis' },
    legend: { data: ['observed', 'predicted'] },
    grid: { left: 60, right: 30, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: groups.map(([label]) => label) },
    yAxis: { type: 'value', name: 'conversion', axisLabel: { formatter: v => (100 * v).toFixed(0) + '%' } },
    series: [
      { name: 'observed', type: 'bar', barWidth: '40%', data: groups.map(([, g]) => +g.conversionRate.toFixed(5)), itemStyle: { color: '#2680c2' } },
      { name: 'interval', type: 'custom', data: intervals.map((w, i) => [i, w[0], w[1]]),
        renderItem: (params, api) => {
          const low = api.coord([api.value(0), api.value(1)]), high = api.coord([api.value(0), api.value(2)]);
          const style = { stroke: '#333', lineWidth: 1.5 };
          return { type: 'group', children: [
            { type: 'line', shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style },
            { type: 'line', shape: { x1: low[0] - 8, y1: low[1], x2: low[0] + 8, y2: low[1] }, style },
            { type: 'line', shape: { x1: high[0] - 8, y1: high[1], x2: high[0] + 8, y2: high[1] }, style }] };
        }, z: 10 },
      { name: 'predicted', type: 'line', data: groups.map(([, g]) => +g.predictedMean.toFixed(5)), symbolSize: 10, itemStyle: { color: '#d9822b' } },
    ],
  });
  done('ready');
}
