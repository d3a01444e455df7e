// Model and version pickers shared by the performance and importance pages.
'use strict';

/**
 * Fills the model and version selects from the registry; calls onPick(model, version) now and on each
 * change. Returns false (with a message) when the registry holds no model yet.
 */
async function modelPicker(onPick) {
  const models = await loadModels();
  if (!models.length) {
    message('empty', 'No model registered yet. Train one (./propensity demo, or a StartTraining job) and it will appear here.');
    el('model').disabled = true;
    el('version').disabled = true;
    done('empty');
    return false;
  }
  const params = new URLSearchParams(location.search);
  el('model').innerHTML = models.map(m => '<option>' + esc(m.name) + '</option>').join('');
  if (params.get('model')) el('model').value = params.get('model');
  const fillVersions = (preferred) => {
    const m = models.find(x => x.name === el('model').value);
    el('version').innerHTML = m.versions.map(v => '<option value="' + v.version + '">v' + v.version +
      (v.aliases.length ? ' (' + v.aliases.join(', ') + ')' : '') + '</option>').join('');
    el('version').value = String(preferred || productionOf(m) || m.latestVersion);
  };
  fillVersions(params.get('version'));
  const pick = () => onPick(el('model').value, el('version').value).catch(e => { message('error', e.message); done('error'); });
  el('model').onchange = () => { fillVersions(); pick(); };
  el('version').onchange = pick;
  await onPick(el('model').value, el('version').value);
  return true;
}
