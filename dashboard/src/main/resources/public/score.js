// Score a row: one row of a PROVIDED model's own features (one input per feature: the known levels of a
// categorical, a number, true/false, or missing), scored through the dashboard server by
// inference-service's Predict; shows the probability, decision, threshold and top SHAP factors, and a
// value the service refuses next to its field. An ENGINE model computes its features from events, so
// it is not offered a form.
'use strict';

let served = [];

async function page_score() {
  const info = await api('/api/score/models');
  served = info.models;
  if (!served.length) {
    message('empty', info.message || 'inference-service serves no model yet.');
    el('model').disabled = true;
    done('empty');
    return;
  }
  el('model').innerHTML = served.map(m => '<option value="' + esc(m.name) + '">' + esc(m.name) + ' v' + m.version +
    (m.featureSchema.source === 'PROVIDED' ? '' : ' (engine features)') + '</option>').join('');
  const wanted = new URLSearchParams(location.search).get('model');
  const first = served.find(m => m.name === wanted) || served.find(m => m.featureSchema.source === 'PROVIDED') || served[0];
  el('model').value = first.name;
  el('model').onchange = () => showModel(el('model').value);
  el('score-form').onsubmit = e => { e.preventDefault(); score(); };
  showModel(first.name);
  done('ready');
}

function showModel(name) {
  const m = served.find(x => x.name === name);
  clearMessage();
  el('model-info').textContent = 'v' + m.version + ' (' + m.alias + ') · threshold ' + fmt(m.threshold) + ' · features ' + featureSourceText(m.featureSchema);
  el('result').className = 'muted';
  el('result').textContent = 'Fill in the row and press Score.';
  el('factors').innerHTML = '';
  if (m.featureSchema.source !== 'PROVIDED') {
    message('empty', m.name + ' is an ENGINE model: its features are computed from events by feature-service, so it scores users ' +
      'by id or by their events (propensity predict --user, the Live page), not a row typed here. The form is for models trained ' +
      'on your own feature table (PROVIDED).');
    el('content').classList.add('hidden');
    return;
  }
  el('fields').innerHTML = table(['feature', 'value', 'type', ''], m.featureSchema.features.map((f, i) => [
    f.name, { html: input(f, i) }, { html: '<span class="muted">' + esc(short(f.type)) + '</span>' },
    { html: '<span class="violation" id="violation-' + i + '"></span>' }]));
  el('content').classList.remove('hidden');
}

/** The input of one feature; an empty choice is a missing value, which the model handles natively. */
function input(f, i) {
  const type = short(f.type);
  const id = 'id="value-' + i + '" data-feature="' + esc(f.name) + '" data-type="' + esc(type) + '"';
  if (type === 'categorical') {
    return '<select ' + id + '><option value="" data-missing="true">(missing)</option>' +
      levelsOf(f).map(l => '<option value="' + esc(l) + '">' + esc(l) + '</option>').join('') + '</select>';
  }
  if (type === 'boolean') {
    return '<select ' + id + '><option value="" data-missing="true">(missing)</option><option value="true">true</option><option value="false">false</option></select>';
  }
  return '<input type="number" step="any" ' + id + ' placeholder="missing">';
}

/** The row as the dashboard's API reads it: number, categorical level, boolean, or null (missing). */
function row() {
  const values = {};
  document.querySelectorAll('#fields [data-feature]').forEach(node => {
    const v = node.value;
    const type = node.dataset.type;
    values[node.dataset.feature] = v === '' ? null : type === 'categorical' ? v : type === 'boolean' ? v === 'true' : Number(v);
  });
  return { rowId: el('row-id').value, values, explainTopK: 5 };
}

async function score() {
  const name = el('model').value;
  document.querySelectorAll('.violation').forEach(s => { s.textContent = ''; });
  clearMessage();
  document.body.dataset.action = 'running';
  el('score').disabled = true;
  try {
    const p = (await api('/api/score/' + encodeURIComponent(name), row())).prediction;
    el('result').className = '';
    el('result').innerHTML = '<div class="kpis">' +
      '<div class="kpi"><div class="label">probability</div><div class="value" id="probability" data-value="' + p.probability + '">' + pct(p.probability) + '</div>' +
      '<div class="sub">' + esc(String(p.probability)) + '</div></div>' +
      '<div class="kpi"><div class="label">decision</div><div class="value" id="decision">' + (p.label ? 'positive' : 'negative') + '</div>' +
      '<div class="sub">' + (p.label ? 'at or above' : 'below') + ' the threshold</div></div>' +
      '<div class="kpi"><div class="label">threshold</div><div class="value" id="threshold">' + fmt(p.threshold) + '</div>' +
      '<div class="sub">' + esc(p.modelName) + ' v' + p.modelVersion + (p.userId ? ' · row ' + esc(p.userId) : '') + '</div></div></div>';
    el('factors').innerHTML = '<h2>Top factors (SHAP, log-odds)</h2>' + table(['feature', 'value', ['contribution', 'num'], ''],
      p.factors.map(f => [f.feature, f.description || fmt(f.value), f.contribution,
        { html: '<span class="factor ' + (f.contribution >= 0 ? 'up' : 'down') + '">' + (f.contribution >= 0 ? 'raises' : 'lowers') + '</span>' }]));
    document.body.dataset.action = 'done';
  } catch (e) {
    el('result').className = 'muted';
    el('result').textContent = 'Not scored.';
    el('factors').innerHTML = '';
    message('error', e.message);
    showViolations((e.body && e.body.violations) || []);
    document.body.dataset.action = 'failed';
  } finally {
    el('score').disabled = false;
  }
}

/** Each field violation (input.provided.values[Month]) next to its feature's input. */
function showViolations(violations) {
  const nodes = Array.from(document.querySelectorAll('#fields [data-feature]'));
  violations.forEach(v => {
    const m = /values\[(.*)\]$/.exec(v.field);
    const i = m ? nodes.findIndex(n => n.dataset.feature === m[1]) : -1;
    if (i >= 0) el('violation-' + nodes[i].id.substring('value-'.length)).textContent = v.description;
  });
}
