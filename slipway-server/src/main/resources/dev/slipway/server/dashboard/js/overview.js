// The overview: every application × environment, filtered and searched in the page, one page of
// rows at a time so that 1,000 applications cost no more to draw than 50.

import { store, PAGE } from './store.js';
import { el, health, sync, shortRevision, imageTag, time, money, plural, HEALTH_STATES, SYNC_STATES } from './ui.js';

const filters = { q: '', env: '', health: '', sync: '', page: 0 };

export function renderOverview(main, params) {
  for (const k of ['q', 'env', 'health', 'sync']) filters[k] = params.get(k) || '';
  filters.page = Math.max(0, Number(params.get('page') || 1) - 1) || 0;

  const summary = el('p', { id: 'summary', class: 'summary', 'aria-live': 'polite' });
  const table = el('div', { id: 'matrix' });
  const pager = el('nav', { id: 'pager', class: 'pager', 'aria-label': 'Pages' });
  const form = filterForm(() => {
    const began = performance.now();
    filters.page = 0;
    remember();
    draw();
    // For bench/dashboard-bench.sh: how long the page took to answer a change of the filters.
    performance.measure('slipway:filter', { start: began, end: performance.now() });
  });
  main.replaceChildren(
    el('h1', {}, 'Applications'),
    form,
    summary,
    table,
    pager,
  );

  function draw() {
    if (!store.complete && (filtered() || filters.page > 0)) {
      // Only the first page is known yet: a filter or another page waits for the rest.
      summary.replaceChildren(`Reading all ${plural(store.total, 'application')}…`);
      table.replaceChildren(el('p', { class: 'loading' }, 'Loading…'));
      pager.replaceChildren();
      return;
    }
    const envs = store.envNames.filter((e) => !filters.env || e === filters.env);
    const rows = store.apps.filter((app) => envs.some((env) => matches(app, env)));
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    if (filters.page >= pages) filters.page = pages - 1;
    const shown = rows.slice(filters.page * PAGE, (filters.page + 1) * PAGE);
    summary.replaceChildren(store.complete ? summaryText(rows, envs)
      : `The first ${plural(rows.length, 'application')} of ${store.total.toLocaleString('en-US')}; reading the rest…`);
    table.replaceChildren(matrix(shown, envs));
    pager.replaceChildren(...pagerButtons(rows.length, pages, () => { remember(); draw(); }));
  }

  draw();
  // For bench/dashboard-bench.sh: when the first page of the matrix was drawn, in the page's own clock.
  if (!performance.getEntriesByName('slipway:matrix').length) performance.mark('slipway:matrix');
  let pending = false;
  const redraw = () => {
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => { pending = false; draw(); });
    }
  };
  // While a platform converges, events arrive by the hundred a second, most of them about
  // applications on other pages: those only move the counts, recounted at most twice a second;
  // with a filter on they may move rows in or out of it, redrawn at most four times a second.
  let recounting = null;
  let refiltering = null;
  const recount = () => {
    if (recounting || !store.complete) return;
    recounting = setTimeout(() => {
      recounting = null;
      const envs = store.envNames.filter((e) => !filters.env || e === filters.env);
      summary.replaceChildren(summaryText(store.apps.filter((a) => envs.some((e) => matches(a, e))), envs));
    }, 500);
  };
  const refilter = () => {
    if (refiltering) return;
    refiltering = setTimeout(() => { refiltering = null; redraw(); }, 250);
  };
  const unsubscribe = store.subscribe((event) => {
    if (event.type === 'matrix') {
      redraw();
      return;
    }
    if (!event.status) return;
    // One cell changed: redraw that cell in place (keeps the keyboard focus where it was), or the
    // whole page of rows when the change moves a row in or out of the filter.
    const td = table.querySelector(`td[data-cell="${CSS.escape(cellId(event.application, event.environment))}"]`);
    if (td && matches(event.application, event.environment)) {
      const hadFocus = td.contains(document.activeElement);
      td.replaceChildren(...cellContent(event.application, event.environment));
      td.classList.toggle('dim', false);
      if (hadFocus) td.querySelector('a').focus();
      recount();
    } else if (td) {
      redraw();
    } else if (filtered()) {
      refilter();
    } else {
      recount();
    }
  });
  return () => {
    unsubscribe();
    clearTimeout(recounting);
    clearTimeout(refiltering);
  };
}

/**
 * A cell's name in the page: application and environment names are DNS labels, so '/' cannot
 * occur in either (store.key's NUL separator cannot be matched by a CSS selector).
 */
function cellId(app, env) {
  return `${app}/${env}`;
}

function filtered() {
  return Boolean(filters.q.trim() || filters.env || filters.health || filters.sync);
}

function remember() {
  const params = new URLSearchParams();
  for (const k of ['q', 'env', 'health', 'sync']) if (filters[k]) params.set(k, filters[k]);
  if (filters.page > 0) params.set('page', String(filters.page + 1));
  const hash = `#/${params.toString() ? `?${params}` : ''}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

function matches(app, env) {
  const cell = store.cell(app, env);
  if (!cell) return false;
  if (filters.health && cell.health !== filters.health) return false;
  if (filters.sync && cell.sync !== filters.sync) return false;
  const q = filters.q.trim().toLowerCase();
  if (!q) return true;
  return app.toLowerCase().includes(q)
    || cell.images.some((i) => i.toLowerCase().includes(q))
    || (cell.revision || '').toLowerCase().startsWith(q);
}

function filterForm(changed) {
  const search = el('input', {
    id: 'search', type: 'search', value: filters.q, placeholder: 'name, image or revision',
    autocomplete: 'off', spellcheck: 'false',
  });
  search.addEventListener('input', () => { filters.q = search.value; changed(); });
  const select = (id, label, options, key) => {
    const node = el('select', { id },
      el('option', { value: '' }, 'All'),
      options.map((o) => el('option', { value: o, selected: filters[key] === o }, o)));
    node.addEventListener('change', () => { filters[key] = node.value; changed(); });
    return el('div', { class: 'field' }, el('label', { for: id }, label), node);
  };
  return el('form', { class: 'filters', role: 'search', 'aria-label': 'Filter applications', onsubmit: (e) => e.preventDefault() },
    el('div', { class: 'field grow' }, el('label', { for: 'search' }, 'Search'), search),
    select('filter-env', 'Environment', store.envNames, 'env'),
    select('filter-health', 'Health', HEALTH_STATES, 'health'),
    select('filter-sync', 'Sync', SYNC_STATES, 'sync'));
}

function summaryText(rows, envs) {
  const syncs = {};
  const healths = {};
  let cells = 0;
  for (const app of rows) {
    for (const env of envs) {
      const c = store.cell(app, env);
      if (!c || !matches(app, env)) continue;
      cells += 1;
      healths[c.health] = (healths[c.health] || 0) + 1;
      syncs[c.sync] = (syncs[c.sync] || 0) + 1;
    }
  }
  // "Unknown" is both a sync state and a health: say which.
  const parts = [
    ...SYNC_STATES.filter((s) => syncs[s]).map((s) => `${syncs[s]} ${s === 'Unknown' ? 'sync Unknown' : s}`),
    ...HEALTH_STATES.filter((s) => healths[s]).map((s) => `${healths[s]} ${s === 'Unknown' ? 'health Unknown' : s}`),
  ];
  return `${plural(rows.length, 'application')} of ${store.apps.length.toLocaleString('en-US')}, ${plural(cells, 'cell')}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

function matrix(apps, envs) {
  if (apps.length === 0) {
    return el('p', { class: 'empty' }, store.apps.length === 0 ? 'No applications yet.' : 'No application matches the filter.');
  }
  return el('table', { class: 'matrix' },
    el('caption', { class: 'visually-hidden' }, 'Applications by environment: sync state, health, revision, images, last sync, drift, cost and policy findings'),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, 'Application'),
      envs.map((env) => el('th', { scope: 'col' }, env)))),
    el('tbody', {}, apps.map((app) => el('tr', {},
      el('th', { scope: 'row' }, app),
      envs.map((env) => el('td', {
        'data-cell': cellId(app, env),
        'data-label': env,
        class: matches(app, env) ? '' : 'dim',
      }, cellContent(app, env)))))));
}

function cellContent(app, env) {
  const c = store.cell(app, env);
  if (!c) return [el('span', { class: 'muted' }, 'not in this environment')];
  const href = `#/app/${encodeURIComponent(app)}/${encodeURIComponent(env)}`;
  const flags = [];
  if (c.pinned) flags.push(el('span', { class: 'flag' }, `pinned to #${c.pinnedRevision}`));
  if (c.paused) flags.push(el('span', { class: 'flag' }, 'paused'));
  return [el('a', { class: 'cell', href, 'aria-label': `${app} in ${env}: ${c.sync}, ${c.health}` },
    el('span', { class: 'states' }, sync(c.sync), ' ', health(c.health, c.healthReason)),
    c.healthReason ? el('span', { class: 'reason' }, c.healthReason) : null,
    el('span', { class: 'line' }, el('span', { class: 'rev' }, shortRevision(c.revision)), ' · ', time(c.lastSyncTime)),
    c.images.length ? el('span', { class: 'images' }, c.images.map(imageTag).join(', ')) : null,
    el('span', { class: 'line meta' },
      el('span', { class: c.driftedObjects ? 'warn' : '' }, `${c.driftedObjects} drifted`), ' · ',
      money(c.monthlyCost, c.currency), '/mo · ',
      el('span', { class: c.policyFindings ? 'warn' : '' }, plural(c.policyFindings, 'finding'))),
    flags.length ? el('span', { class: 'line' }, flags) : null)];
}

function pagerButtons(total, pages, changed) {
  if (pages <= 1) return [];
  const from = filters.page * PAGE + 1;
  const to = Math.min(total, (filters.page + 1) * PAGE);
  const go = (page) => () => { filters.page = page; changed(); document.getElementById('matrix').scrollIntoView(); };
  return [
    el('button', { type: 'button', disabled: filters.page === 0, onclick: go(filters.page - 1) }, '← Previous'),
    el('span', { 'aria-live': 'polite' }, `${from}–${to} of ${total.toLocaleString('en-US')} (page ${filters.page + 1} of ${pages})`),
    el('button', { type: 'button', disabled: filters.page >= pages - 1, onclick: go(filters.page + 1) }, 'Next →'),
  ];
}
