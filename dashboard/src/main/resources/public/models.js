// Models: every registered model with its versions, aliases, test metrics and where its features
// come from (ENGINE: computed from events; PROVIDED: the caller's own table, with its schema); promote
// a version to production or roll production back (through the dashboard server to the registry).
'use strict';

async function page_models() {
  done(await renderModels() ? 'ready' : 'empty');
}

async function renderModels() {
  const models = await loadModels();
  if (!models.length) {
    message('empty', 'No model registered yet. Train one (./propensity demo, or a StartTraining job) and it will appear here.');
    el('content').innerHTML = '';
    return false;
  }
  el('content').innerHTML = models.map(m => {
    const production = productionOf(m);
    const aliases = Object.entries(m.aliases).map(([a, v]) => '<span class="tag ' + esc(a) + '">' + esc(a) + ' → v' + v + '</span>').join('');
    const rows = m.versions.map(v => {
      const e = v.evaluation || {}, b = v.baselineEvaluation || {};
      const isProd = v.version === production;
      return [
        { html: '<a href="/performance.html?model=' + encodeURIComponent(m.name) + '&version=' + v.version + '">v' + v.version + '</a>' },
        time(v.createdAt),
        { html: v.aliases.map(a => '<span class="tag ' + esc(a) + '">' + esc(a) + '</span>').join('') },
        e.f1, e.precision, e.recall, e.rocAuc, e.prAuc, b.f1 === undefined ? '–' : b.f1, b.rocAuc === undefined ? '–' : b.rocAuc,
        e.rowCount, v.threshold, short(v.featureSchema.source), { html: '<span title="' + esc(v.description) + '">' + esc((v.description || '').substring(0, 40)) + ((v.description || '').length > 40 ? '…' : '') + '</span>' },
        { html: '<button id="promote-' + esc(m.name) + '-' + v.version + '" data-model="' + esc(m.name) + '" data-version="' + v.version + '"' +
          (isProd ? ' disabled title="already in production"' : '') + ' class="promote">Promote to production</button>' },
      ];
    });
    return '<div class="card"><h2>' + esc(m.name) + ' <span class="muted">' + esc(m.target === 'TARGET_UNSPECIFIED' ? 'label of its own table' : short(m.target)) + ' · ' + m.versionCount + ' versions · updated ' +
      time(m.updatedAt) + '</span></h2><div class="controls">' + (aliases || '<span class="muted">no alias yet</span>') +
      '<button class="secondary rollback" id="rollback-' + esc(m.name) + '" data-model="' + esc(m.name) + '"' +
      (production ? '' : ' disabled') + '>Roll back production</button></div>' +
      table(['version', 'registered', 'aliases', ['F1', 'num'], ['precision', 'num'], ['recall', 'num'], ['ROC-AUC', 'num'], ['PR-AUC', 'num'],
        ['baseline F1', 'num'], ['baseline ROC-AUC', 'num'], ['test rows', 'num'], ['threshold', 'num'], 'features', 'description', ''], rows) +
      features(m, production) + '</div>';
  }).join('');
  document.querySelectorAll('button.promote').forEach(b => b.onclick = () => act(b, 'promote', { version: Number(b.dataset.version), alias: 'production' }));
  document.querySelectorAll('button.rollback').forEach(b => b.onclick = () => act(b, 'rollback', { alias: 'production' }));
  return true;
}

/** Where the features of the production version (else the newest) come from; a PROVIDED schema in full. */
function features(m, production) {
  const v = m.versions.find(x => x.version === production) || m.versions[0];
  if (!v) return '';
  const schema = v.featureSchema;
  const id = 'features-' + esc(m.name);
  if (schema.source !== 'PROVIDED') {
    return '<p class="muted" id="' + id + '">v' + v.version + ' features: ' + esc(featureSourceText(schema)) + '</p>';
  }
  return '<div id="' + id + '"><p>v' + v.version + ' features: ' + esc(featureSourceText(schema)) +
    ' · <a href="/score.html?model=' + encodeURIComponent(m.name) + '">score a row</a></p>' +
    '<div class="scroll">' + schemaTable(schema) + '</div></div>';
}

async function act(button, action, body) {
  const model = button.dataset.model;
  button.disabled = true;
  document.body.dataset.action = 'running';
  try {
    const r = await api('/api/models/' + encodeURIComponent(model) + '/' + action, body);
    message('ok', action === 'promote'
      ? model + ': production now points at v' + r.version + (r.previousVersion ? ' (was v' + r.previousVersion + ')' : '')
      : model + ': production rolled back from v' + r.rolledBackVersion + ' to v' + r.version);
    await renderModels();
    document.body.dataset.action = 'done';
  } catch (e) {
    message('error', (action === 'promote' ? 'Promotion' : 'Rollback') + ' of ' + model + ' failed: ' + e.message);
    button.disabled = false;
    document.body.dataset.action = 'failed';
  }
}
