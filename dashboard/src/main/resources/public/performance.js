// Model performance of one registered version: metrics beside the baseline, confidence intervals,
// the verdict and naive rules, confusion matrix, ROC and PR curves, gain and lift by decile,
// calibration (reliability curve), tuning trials.
'use strict';

async function page_performance() {
  await modelPicker(showVersion);
}

async function showVersion(name, version) {
  clearMessage();
  const v = await api('/api/models/' + encodeURIComponent(name) + '/versions/' + encodeURIComponent(version));
  el('content').classList.remove('hidden');
  const m = v.evaluation, b = v.baselineEvaluation;
  el('version-info').textContent = 'registered ' + time(v.createdAt) + (v.description ? ' · ' + v.description : '') +
    (v.aliases.length ? ' · ' + v.aliases.join(', ') : '') + ' · features ' + featureSourceText(v.featureSchema);
  el('test-rows').textContent = '(' + fmt(m.rowCount) + ' held-out test rows, ' + fmt(m.positiveCount) + ' positive)';
  const rows = [['F1', 'f1'], ['Precision', 'precision'], ['Recall', 'recall'], ['ROC-AUC', 'rocAuc'], ['PR-AUC', 'prAuc'],
    ['Log loss (lower is better)', 'logLoss'], ['Brier (lower is better)', 'brier'], ['Threshold', 'threshold']];
  el('metrics').innerHTML = table(['metric', ['model (' + (m.modelKind || 'lightgbm') + ')', 'num'], ['baseline' + (b && b.modelKind && b.modelKind !== 'baseline' ? ' (' + b.modelKind + ')' : ''), 'num'], ['model − baseline', 'num']],
    rows.map(([label, key]) => [label, m[key], b ? b[key] : '–', b ? +(m[key] - b[key]).toFixed(3) : '–']));

  showComparison(v);

  const cm = m.confusionMatrix || {};
  el('threshold').textContent = '(at threshold ' + fmt(m.threshold) + ')';
  chart('chart-confusion', {
    tooltip: { formatter: p => p.data[3] + ': ' + fmt(p.data[2]) },
    grid: { left: 110, right: 30, top: 30, bottom: 50 },
    xAxis: { type: 'category', data: ['predicted negative', 'predicted positive'], position: 'top' },
    yAxis: { type: 'category', data: ['actual positive', 'actual negative'] },
    visualMap: { dimension: 2, min: 0, max: Math.max(cm.trueNegatives, cm.truePositives, cm.falsePositives, cm.falseNegatives, 1), show: false,
      inRange: { color: ['#e6f6ff', '#0b69a3'] } },
    series: [{ type: 'heatmap', label: { show: true, formatter: p => '{n|' + fmt(p.data[2]) + '}\n{t|' + p.data[3] + '}',
      rich: { n: { fontSize: 20, fontWeight: 'bold', lineHeight: 28 }, t: { fontSize: 12, lineHeight: 18 } } },
      data: [[0, 0, cm.falseNegatives, 'false negatives'], [1, 0, cm.truePositives, 'true positives'],
        [0, 1, cm.trueNegatives, 'true negatives'], [1, 1, cm.falsePositives, 'false positives']] }],
  });
  const curve = (points, x, y) => points.map(p => [p[x], p[y]]);
  chart('chart-roc', {
    tooltip: { trigger: 'axis' }, legend: {},
    xAxis: { type: 'value', name: 'false positive rate', min: 0, max: 1, nameLocation: 'middle', nameGap: 25 },
    yAxis: { type: 'value', name: 'true positive rate', min: 0, max: 1 },
    series: [
      { name: 'model (AUC ' + fmt(m.rocAuc) + ')', type: 'line', showSymbol: false, data: curve(m.rocCurve, 'falsePositiveRate', 'truePositiveRate') },
      b ? { name: 'baseline (AUC ' + fmt(b.rocAuc) + ')', type: 'line', showSymbol: false, data: curve(b.rocCurve, 'falsePositiveRate', 'truePositiveRate') } : null,
      { name: 'random', type: 'line', showSymbol: false, data: [[0, 0], [1, 1]], lineStyle: { type: 'dashed', color: '#9aa5b1' } },
    ].filter(Boolean),
  });
  const base = m.rowCount ? m.positiveCount / m.rowCount : 0;
  chart('chart-pr', {
    tooltip: { trigger: 'axis' }, legend: {},
    xAxis: { type: 'value', name: 'recall', min: 0, max: 1, nameLocation: 'middle', nameGap: 25 },
    yAxis: { type: 'value', name: 'precision', min: 0, max: 1 },
    series: [
      { name: 'model (AP ' + fmt(m.prAuc) + ')', type: 'line', showSymbol: false, data: curve(m.prCurve, 'recall', 'precision') },
      b ? { name: 'baseline (AP ' + fmt(b.prAuc) + ')', type: 'line', showSymbol: false, data: curve(b.prCurve, 'recall', 'precision') } : null,
      { name: 'positive rate', type: 'line', showSymbol: false, data: [[0, base], [1, base]], lineStyle: { type: 'dashed', color: '#9aa5b1' } },
    ].filter(Boolean),
  });
  const deciles = m.deciles.map(d => 'top ' + (d.decile * 10) + '%');
  chart('chart-gain', {
    tooltip: { trigger: 'axis' }, legend: {},
    xAxis: { type: 'category', data: deciles },
    yAxis: [{ type: 'value', name: 'cumulative gain', min: 0, max: 1 }, { type: 'value', name: 'lift' }],
    series: [
      { name: 'gain: model', type: 'line', data: m.deciles.map(d => +d.cumulativeGain.toFixed(3)) },
      b ? { name: 'gain: baseline', type: 'line', data: b.deciles.map(d => +d.cumulativeGain.toFixed(3)) } : null,
      { name: 'gain: random', type: 'line', data: m.deciles.map(d => d.decile / 10), lineStyle: { type: 'dashed', color: '#9aa5b1' }, showSymbol: false },
      { name: 'lift: model', type: 'bar', yAxisIndex: 1, data: m.deciles.map(d => +d.lift.toFixed(2)), itemStyle: { opacity: .45 } },
    ].filter(Boolean),
  });

  showCalibration(v.calibration || {}, m);

  const trials = v.tuningTrials || [];
  el('trials-empty').classList.toggle('hidden', trials.length > 0);
  el('chart-trials').classList.toggle('hidden', trials.length === 0);
  if (trials.length) {
    const metric = short(trials[0].metric);
    chart('chart-trials', {
      tooltip: { trigger: 'axis' }, legend: {},
      xAxis: { type: 'category', name: 'trial', data: trials.map(t => t.trial) },
      yAxis: { type: 'value', name: 'CV ' + metric, scale: true },
      series: [
        { name: 'CV ' + metric + ' (mean over folds)', type: 'line', data: trials.map(t => +t.cvMetricMean.toFixed(4)),
          markPoint: { data: trials.filter(t => t.best).map(t => ({ name: 'best', coord: [String(t.trial), +t.cvMetricMean.toFixed(4)], value: 'best' })) } },
      ],
    });
    const keys = Array.from(new Set(trials.flatMap(t => Object.keys(t.params)))).sort();
    el('trials').innerHTML = table(['trial', ['CV ' + metric, 'num'], ['std dev', 'num'], ['seconds', 'num'], 'best'].concat(keys),
      trials.map(t => [t.trial, t.cvMetricMean, t.cvMetricStddev, +t.duration.toFixed(2), t.best ? 'best' : ''].concat(keys.map(k => t.params[k] || ''))));
  } else {
    el('trials').innerHTML = '';
  }
  done('ready');
}

/**
 * The reliability curve of the test rows: mean predicted probability against the observed positive
 * rate per probability bin, for the probabilities served (calibrated) and, when the version is
 * calibrated, for the model's own; a well-calibrated model lies on the diagonal. Beside it Brier,
 * ECE and log loss before and after calibration.
 */
function showCalibration(c, m) {
  const method = c.platt ? 'Platt scaling' : c.isotonic ? 'isotonic, ' + c.isotonic.points.length + ' points' : 'none';
  el('calibration-method').textContent = '(calibration: ' + method +
    (c.validationRowCount && +c.validationRowCount ? ', fitted on ' + fmt(+c.validationRowCount) + ' held-out rows' : '') + ')';
  el('calibration-reason').textContent = c.reason || '';
  const u = m.uncalibrated;
  const points = bins => (bins || []).filter(b => +b.rowCount > 0)
    .map(b => [+b.meanPredictedProbability.toFixed(4), +b.observedPositiveRate.toFixed(4), +b.rowCount]);
  chart('chart-calibration', {
    tooltip: { trigger: 'item', formatter: p => p.seriesName + '<br>predicted ' + fmt(p.data[0]) + ', observed ' + fmt(p.data[1]) +
      (p.data[2] !== undefined ? ' (' + fmt(p.data[2]) + ' rows)' : '') },
    legend: { top: 0 },
    grid: { top: 40, left: 60 },
    xAxis: { type: 'value', name: 'mean predicted probability', min: 0, max: 1, nameLocation: 'middle', nameGap: 25 },
    yAxis: { type: 'value', name: 'observed positive rate', min: 0, max: 1, nameLocation: 'middle', nameGap: 40 },
    series: [
      { name: u ? 'served (calibrated)' : 'model', type: 'line', symbolSize: 7, data: points(m.calibrationBins) },
      u ? { name: "model's own (uncalibrated)", type: 'line', symbolSize: 5, data: points(u.calibrationBins), lineStyle: { opacity: .6 } } : null,
      { name: 'perfectly calibrated', type: 'line', showSymbol: false, data: [[0, 0], [1, 1]], lineStyle: { type: 'dashed', color: '#9aa5b1' } },
    ].filter(Boolean),
  });
  const rows = [['Brier (lower is better)', 'brier'], ['ECE (lower is better)', 'expectedCalibrationError'], ['Log loss (lower is better)', 'logLoss']];
  el('calibration').innerHTML = u
    ? table(['test rows', ["model's own", 'num'], ['served', 'num'], ['change', 'num']],
      rows.map(([label, key]) => [label, u[key], m[key], +(m[key] - u[key]).toFixed(4)]))
    : table(['test rows', ['model', 'num']], rows.map(([label, key]) => [label, m[key]]));
}

/** A metric with its interval, e.g. 0.812 [0.791, 0.830]; signed for differences. */
function interval(ci, signed) {
  if (!ci) return '–';
  const n = x => {
    let t = x.toFixed(3);
    if (t === '-0.000') t = '0.000';
    if (signed && !t.startsWith('-')) t = '+' + t;
    return t.replace('-', '−');
  };
  return n(ci.estimate) + ' [' + n(ci.lower) + ', ' + n(ci.upper) + ']';
}

/** The bootstrap intervals of model, baseline and their difference, the verdict and the rules. */
function showComparison(v) {
  const c = v.comparison, m = v.evaluation, b = v.baselineEvaluation;
  if (!c) {
    el('interval-method').textContent = '';
    el('verdict').textContent = 'This version was registered without confidence intervals.';
    el('intervals').innerHTML = '';
    el('rules').innerHTML = '';
    return;
  }
  const users = c.bootstrapUnit === 'BOOTSTRAP_UNIT_USER';
  el('interval-method').textContent = '(' + fmt(c.bootstrapResamples) + ' bootstrap resamples of ' +
    fmt(c.bootstrapUnitCount) + (users ? ' users, all rows of a user drawn together' : ' rows') + ', seed ' + c.bootstrapSeed + ')';
  el('verdict').textContent = c.verdict;
  el('verdict').className = c.beatsBaselineOnRocAuc && c.beatsBaselineOnPrAuc ? 'ok' : 'warn';
  const metrics = [['ROC-AUC', 'rocAuc'], ['PR-AUC', 'prAuc'], ['F1', 'f1'], ['Log loss (lower is better)', 'logLoss'],
    ['Brier (lower is better)', 'brier']];
  const of = e => (e && e.intervals) || {};
  el('intervals').innerHTML = table(['metric', ['model', 'num'], ['baseline', 'num'], ['model − baseline', 'num']],
    metrics.map(([label, key]) => [label, interval(of(m)[key]), interval(of(b)[key]), interval((c.baselineDifference || {})[key], true)]));
  el('rules').innerHTML = table(['rule', ['ROC-AUC', 'num'], ['PR-AUC', 'num'], ['F1', 'num'], ['model − rule, ROC-AUC', 'num'],
    ['model − rule, PR-AUC', 'num']],
    (c.referenceEvaluations || []).map(r => r.status === 'REFERENCE_STATUS_EVALUATED'
      ? [r.description, interval(of(r.evaluation).rocAuc), interval(of(r.evaluation).prAuc), interval(of(r.evaluation).f1),
        interval((r.modelDifference || {}).rocAuc, true), interval((r.modelDifference || {}).prAuc, true)]
      : [r.description, { html: '<span class="muted">not evaluated: ' + esc(r.note) + '</span>' }, '', '', '', '']));
}
