// Shared by every page: navigation, service status bar, JSON calls, messages and charts.
'use strict';

const PAGES = [
  ['overview', '/', 'Data overview'],
  ['performance', '/performance.html', 'Model performance'],
  ['importance', '/importance.html', 'Feature importance'],
  ['models', '/models.html', 'Models'],
  ['score', '/score.html', 'Score a row'],
  ['live', '/live.html', 'Live'],
  ['campaigns', '/campaigns.html', 'Campaigns'],
  ['drift', '/drift.html', 'Drift'],
  ['live-performance', '/live-performance.html', 'Live performance'],
];

window.dashboard = { charts: {} };

/** GET or POST JSON; a non-2xx answer throws an Error with the server's message, its status and body. */
async function api(url, body) {
  const init = body === undefined ? {} :
    { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  let response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    throw new Error('the dashboard server does not answer (' + e.message + ')');
  }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
  if (!response.ok) {
    const error = new Error((json && (json.error || json.message)) || (response.status + ' ' + response.statusText));
    error.status = response.status;
    error.body = json || {};
    throw error;
  }
  return json;
}

function el(id) { return document.getElementById(id); }

function esc(v) {
  return String(v === null || v === undefined ? '' : v)
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Shows a message in the page's banner: kind is error, empty or ok. */
function message(kind, text, id) {
  const b = el(id || 'message');
  b.className = 'banner ' + kind;
  b.textContent = text;
}

function clearMessage(id) { el(id || 'message').className = 'banner hidden'; }

/** Marks the page loaded (tests wait for it): ready, empty or error. */
function done(state) { document.body.dataset.state = state; }

function fmt(v, digits) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toFixed(digits === undefined ? 3 : digits);
}

function pct(v) { return v === null || v === undefined ? '–' : (100 * v).toFixed(1) + '%'; }

function time(iso) { return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '–'; }

function short(name) { return String(name || '').replace(/^(EVENT_TYPE_|FUNNEL_STAGE_|FEATURE_TYPE_|TARGET_|METRIC_|WINDOW_KIND_|MISSING_VALUES_)/, '').toLowerCase(); }

/** Renders an ECharts chart into the element with this id and remembers it for tests. */
function chart(id, option) {
  const node = el(id);
  let c = echarts.getInstanceByDom(node);
  if (!c) c = echarts.init(node, null, { renderer: 'canvas' });
  c.setOption(Object.assign({ animation: false, grid: { left: 60, right: 30, top: 40, bottom: 40 } }, option), true);
  window.dashboard.charts[id] = c;
  return c;
}

window.addEventListener('resize', () => Object.values(window.dashboard.charts).forEach(c => c.resize()));

function table(headers, rows) {
  const head = '<tr>' + headers.map(h => {
    const [label, cls, title] = Array.isArray(h) ? h : [h, '', ''];
    return '<th class="' + (cls || '') + '"' + (title ? ' title="' + esc(title) + '"' : '') + '>' + esc(label) + '</th>';
  }).join('') + '</tr>';
  const body = rows.map(r => '<tr>' + r.map(c => {
    if (c && typeof c === 'object' && 'html' in c) return '<td class="' + (c.cls || '') + '">' + c.html + '</td>';
    return '<td class="' + (typeof c === 'number' ? 'num' : '') + '">' + esc(typeof c === 'number' ? fmt(c) : c) + '</td>';
  }).join('') + '</tr>').join('');
  return '<table>' + head + body + '</table>';
}

async function refreshStatus() {
  const box = el('services');
  try {
    const status = await api('/api/status');
    box.innerHTML = status.services.map(s =>
      '<span class="svc" title="' + esc(s.target + (s.message ? ': ' + s.message : '')) + '"><span class="dot ' + esc(s.status) + '"></span>' +
      esc(s.service) + '</span>').join('');
  } catch (e) {
    box.textContent = 'dashboard server unreachable';
  }
}

/** Loads the models with their versions; the options of a model and version picker. */
async function loadModels() {
  return (await api('/api/models')).models;
}

function productionOf(model) { return model.aliases && model.aliases.production; }

/** What a schema's source means for the model: where its features come from, in words. */
function featureSourceText(schema) {
  return schema.source === 'PROVIDED'
    ? 'PROVIDED: scores rows you send (' + schema.featureCount + ' features of your own table)'
    : 'ENGINE: features computed from events by feature-service (' + schema.featureCount + ' features)';
}

/** A categorical feature's levels without the code of a missing value, (missing). */
function levelsOf(feature) { return (feature.categories || []).filter((c, i) => !(i === 0 && c === '(missing)')); }

/** Up to `max` levels, then how many more. */
function levelsText(feature, max) {
  const levels = levelsOf(feature);
  const shown = levels.slice(0, max || 8).join(', ');
  return levels.length > (max || 8) ? shown + ' … (' + levels.length + ' levels)' : shown;
}

/** How a missing value reaches the model; a PROVIDED schema registered before this was recorded is served natively too. */
function missingText(feature, schema) {
  if (feature.missingValues === 'MISSING_VALUES_NATIVE' || schema.source === 'PROVIDED') {
    return short(feature.type) === 'categorical' ? 'native: the (missing) level' : 'native: NaN, each split\'s learned default branch';
  }
  return '–';
}

/** A PROVIDED schema as a table: name, type, categorical levels (truncated), missing values. */
function schemaTable(schema) {
  return table(['feature', 'type', 'levels', 'missing values'], schema.features.map(f => [
    f.name, short(f.type), short(f.type) === 'categorical' ? levelsText(f) : '', missingText(f, schema)]));
}

document.addEventListener('DOMContentLoaded', () => {
  const page = document.body.dataset.page;
  el('nav').innerHTML = '<span class="brand">Propensity</span><nav>' +
    PAGES.map(([key, href, label]) => '<a href="' + href + '"' + (key === page ? ' class="active"' : '') + '>' + label + '</a>').join('') +
    '</nav><span id="services"></span>';
  refreshStatus();
  setInterval(refreshStatus, 10000);
  const init = window['page_' + page];
  Promise.resolve().then(() => init()).catch(e => { message('error', e.message); done('error'); });
});
