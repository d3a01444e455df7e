// Data overview: volumes, daily counts, event types, dwell by hour, funnel, sample events, sessions, features.
'use strict';

async function page_overview() {
  const o = await api('/api/overview?sample=20');
  if (!o.eventCount) {
    message('empty', 'No events stored yet. Import some (./propensity import events.csv) or run ./propensity demo, then reload this page.');
    done('empty');
    return;
  }
  el('content').classList.remove('hidden');
  const kpi = (label, value, sub) => '<div class="kpi"><div class="label">' + esc(label) + '</div><div class="value">' + esc(value) +
    '</div><div class="sub">' + esc(sub || '') + '</div></div>';
  el('kpis').innerHTML = kpi('Events', fmt(o.eventCount)) + kpi('Users', fmt(o.userCount)) + kpi('Sessions', fmt(o.sessionCount),
    fmt(o.eventCount / Math.max(1, o.sessionCount), 1) + ' events per session') +
    kpi('First event', time(o.firstEventAt)) + kpi('Last event', time(o.lastEventAt));

  const days = o.eventsPerDay.map(d => d.dayStart.substring(0, 10));
  chart('chart-daily', {
    tooltip: { trigger: 'axis' }, legend: { data: ['events', 'active users'] },
    xAxis: { type: 'category', data: days },
    yAxis: [{ type: 'value', name: 'events' }, { type: 'value', name: 'users' }],
    series: [
      { name: 'events', type: 'line', data: o.eventsPerDay.map(d => d.eventCount), areaStyle: { opacity: .15 }, showSymbol: false },
      { name: 'active users', type: 'line', yAxisIndex: 1, data: o.eventsPerDay.map(d => d.userCount), showSymbol: false },
    ],
  });
  chart('chart-types', {
    tooltip: { trigger: 'axis' }, grid: { left: 120, right: 30, top: 20, bottom: 30 },
    xAxis: { type: 'value' }, yAxis: { type: 'category', data: o.eventTypeCounts.map(t => short(t.type)), inverse: true },
    series: [{ type: 'bar', data: o.eventTypeCounts.map(t => t.count), label: { show: true, position: 'right' } }],
  });
  chart('chart-dwell', {
    tooltip: { trigger: 'axis' }, legend: { data: ['mean dwell (s)', 'median dwell (s)', 'events with dwell'] },
    xAxis: { type: 'category', data: o.dwellByHour.map(h => h.hour + ':00') },
    yAxis: [{ type: 'value', name: 'seconds' }, { type: 'value', name: 'events' }],
    series: [
      { name: 'mean dwell (s)', type: 'bar', data: o.dwellByHour.map(h => +h.meanDwell.toFixed(1)) },
      { name: 'median dwell (s)', type: 'line', data: o.dwellByHour.map(h => +h.medianDwell.toFixed(1)) },
      { name: 'events with dwell', type: 'line', yAxisIndex: 1, data: o.dwellByHour.map(h => h.eventCount), lineStyle: { type: 'dashed' }, showSymbol: false },
    ],
  });
  chart('chart-funnel', {
    tooltip: { formatter: p => p.name + ': ' + fmt(p.data.sessions) + ' sessions (' + pct(p.data.fraction) + ')' },
    series: [{
      type: 'funnel', sort: 'none', left: '10%', width: '80%', minSize: '4%',
      label: { show: true, position: 'inside', formatter: p => p.name + ' ' + pct(p.data.fraction) },
      data: o.funnel.map(f => ({ name: short(f.stage).replace('_', ' '), value: f.sessionCount, sessions: f.sessionCount, fraction: f.fractionOfSessions })),
    }],
  });

  el('events').innerHTML = table(['time', 'user', 'session', 'type', 'page', 'item', 'category', ['price', 'num'], ['dwell (s)', 'num'], 'device', 'source', 'event id'],
    o.sampleEvents.map(e => [time(e.occurredAt), e.userId, e.sessionId, short(e.type), e.page, e.itemId, e.category,
      e.price === undefined ? '' : e.price, e.dwell === undefined ? '' : e.dwell, e.device, e.trafficSource, e.eventId]));
  el('sessions').innerHTML = table(['user', 'session', 'inferred', 'start', 'end', ['events', 'num'], ['dwell (s)', 'num'], 'furthest stage'],
    o.sampleSessions.map(s => [s.userId, s.sessionId, s.inferred ? 'yes' : 'no', time(s.start), time(s.end), s.eventCount,
      s.totalDwell === undefined ? '' : s.totalDwell, short(s.furthestStage).replace('_', ' ')]));

  const defs = (o.schema && o.schema.features) || [];
  el('features').innerHTML = table([['user', '', ''], ['cold start', '', ''], ['last event', '', '']].concat(defs.map(d => [d.name, 'num', d.description])),
    o.sampleFeatureRows.map(r => [r.userId, r.coldStart ? 'yes' : 'no', time(r.lastEventAt)].concat(
      (r.vector ? r.vector.values : []).map((v, i) => featureValue(defs[i], v)))));
  el('schema-hash').textContent = o.schema ? '(' + defs.length + ' features, version ' + String(o.schema.versionHash).substring(0, 12) + ')' : '';
  el('schema').innerHTML = table(['feature', 'type', 'window', 'description'],
    defs.map(d => [d.name, short(d.type), d.window ? fmt(d.window / 86400, 0) + ' d' : short(d.windowKind || ''), d.description]));
  done('ready');
}

/** A feature value as people read it: categorical levels by name, booleans as yes/no. */
function featureValue(def, v) {
  if (v === null || v === undefined) return 'missing';
  if (def && def.type === 'FEATURE_TYPE_CATEGORICAL' && def.categories && def.categories[v] !== undefined) return def.categories[v];
  if (def && def.type === 'FEATURE_TYPE_BOOLEAN') return v ? 'yes' : 'no';
  return Number.isInteger(v) ? v : +v.toFixed(3);
}
