// One application in one environment: status and actions, resource tree, diff, last operation,
// history with rollback, cost, policy findings, spec problems, blue/green and canary rollouts
// (phase, weights, analysis, what each waits for; promote, abort, undo, retry by role), the diagnosis of its running objects
// (slipway doctor's findings, read when the page opens and when asked again: it reads the cluster)
// and its events, kept current by the event stream (the page re-reads the application when an
// event about it arrives).

import { get, post, appPath, ApiError } from './api.js';
import { store } from './store.js';
import { el, fill, health, sync, shortRevision, imageTag, time, money, plural, toast, confirmDialog } from './ui.js';
import { unified, sideBySide } from './diff.js';
import { costChart } from './chart.js';

let diffMode = 'unified';

export function renderApplication(main, app, env) {
  const view = { app, env, detail: null, diff: null, rollouts: null, diagnosis: null, open: new Set(), loading: null, again: false, closed: false };
  const header = el('div', {});
  const body = el('div', { id: 'app-body' }, el('p', { class: 'loading' }, 'Loading…'));
  main.replaceChildren(header, body);
  drawHeader(header, view);

  const load = async () => {
    if (view.loading) {
      view.again = true;
      return;
    }
    view.loading = (async () => {
      try {
        // Rollouts read the cluster: their failure is shown in their section, not instead of the page.
        const rollouts = get(`${appPath(app, env)}/rollouts`).then((list) => ({ list }), (error) => ({ error: error.message }));
        const [detail, diff, r] = await Promise.all([get(appPath(app, env)), get(`${appPath(app, env)}/diff`), rollouts]);
        if (view.closed) return;
        view.detail = detail;
        view.diff = diff;
        view.rollouts = r;
        draw(body, view, load);
      } catch (error) {
        if (view.closed) return;
        body.replaceChildren(el('p', { class: 'error', role: 'alert' }, error instanceof ApiError && error.status === 404
          ? `There is no application ${app} in environment ${env}.` : `Cannot read ${app} in ${env}: ${error.message}`));
      }
    })();
    await view.loading;
    view.loading = null;
    if (view.again && !view.closed) {
      view.again = false;
      load();
    }
  };
  load();
  diagnose(view, body, load);

  let timer;
  const unsubscribe = store.subscribe((event) => {
    if (event.type === 'matrix') drawHeader(header, view);
    if (event.application !== app) return;
    if (event.environment === env || event.type === 'matrix') {
      clearTimeout(timer);
      timer = setTimeout(load, 150);
    }
    const events = document.getElementById('events-list');
    if (events) events.replaceWith(eventList(app, env));
  });
  return () => {
    view.closed = true;
    clearTimeout(timer);
    unsubscribe();
  };
}

function drawHeader(header, view) {
  const { app, env } = view;
  const envs = store.envNames.filter((e) => store.cell(app, e));
  fill(header,
    el('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, el('a', { href: '#/' }, 'Applications'), ' › ', app),
    el('h1', {}, app, el('span', { class: 'env' }, ` in ${env}`)),
    envs.length > 1 ? el('nav', { class: 'tabs', 'aria-label': 'Environments' },
      envs.map((e) => el('a', { href: `#/app/${encodeURIComponent(app)}/${encodeURIComponent(e)}`, 'aria-current': e === env ? 'page' : undefined }, e)))
      : null);
}

function draw(body, view, reload) {
  const focused = document.activeElement && document.activeElement.id;
  for (const d of body.querySelectorAll('details[data-key]')) {
    if (d.open) view.open.add(d.dataset.key);
    else view.open.delete(d.dataset.key);
  }
  const { detail } = view;
  fill(body,
    statusSection(view, reload),
    detail.diagnostics.length ? diagnosticsSection(detail) : null,
    rolloutsSection(view, reload),
    resourcesSection(detail),
    diffSection(view),
    operationSection(detail),
    historySection(view, reload),
    costSection(detail),
    findingsSection(detail),
    diagnosisSection(view, body, reload),
    section('events', 'Events', el('p', { class: 'muted' }, 'Changes of this application in this environment, as they arrive (newest first).'),
      eventList(view.app, view.env)));
  if (focused) {
    const again = document.getElementById(focused);
    if (again) again.focus();
  }
}

function section(id, title, ...content) {
  return el('section', { id: `sec-${id}`, 'aria-labelledby': `h-${id}` }, el('h2', { id: `h-${id}` }, title), ...content);
}

function statusSection(view, reload) {
  const s = view.detail.status;
  const row = (term, ...value) => [el('dt', {}, term), el('dd', {}, ...value)];
  return el('section', { id: 'sec-status', 'aria-label': 'Status' },
    el('dl', { class: 'status' },
      row('Sync', sync(s.sync)),
      operationRow(view.detail.lastOperation, row),
      row('Health', health(s.health, s.healthReason), s.healthReason ? el('span', { class: 'reason' }, ` ${s.healthReason}`) : null),
      row('Revision', el('code', { id: 'status-revision', title: s.revision || '' }, shortRevision(s.revision))),
      row('Deployed images', imageList('status-images', deployedImages(view.detail))),
      desiredDiffers(view.detail) ? row('Images in Git', imageList('desired-images', s.images)) : null,
      row('Last sync', time(s.lastSyncTime)),
      row('Drifted objects', String(s.driftedObjects)),
      row('Monthly cost', money(s.monthlyCost, s.currency)),
      row('Policy findings', String(s.policyFindings)),
      row('Automation', s.pinned ? `pinned to history revision ${s.pinnedRevision}` : 'not pinned', s.paused ? ', paused' : '')),
    actions(view, reload));
}

// The images of the newest history entry are what runs; the status's images are what the spec
// renders now (they differ after a rollback, or before a manual environment is synced).
function deployedImages(detail) {
  return detail.history.length ? detail.history[0].images : [];
}

function desiredDiffers(detail) {
  const deployed = deployedImages(detail);
  const desired = detail.status.images;
  return desired.length > 0 && (deployed.length !== desired.length || desired.some((i) => !deployed.includes(i)));
}

function imageList(id, images) {
  return images.length ? el('ul', { class: 'plain', id }, images.map((i) => el('li', {}, el('code', {}, i)))) : el('span', { id }, '—');
}

// The matrix cell is the state the controller last read; while a sync or rollback runs, the
// operation says what is happening (its steps are under "Last operation").
function operationRow(op, row) {
  if (!op || op.phase !== 'Running') return null;
  return row('Operation', el('span', { id: 'operation-phase', class: 'phase p-Running' }, `${op.kind} running`),
    ` by ${op.who}, started `, time(op.startedAt));
}

function actions(view, reload) {
  const { app, env } = view;
  const s = view.detail.status;
  if (!store.canAct(env)) {
    const role = store.role(env);
    return el('p', { class: 'muted', id: 'no-actions' }, `You have the ${role || 'no'} role in ${env}: actions are not available.`);
  }
  const act = (name, body = {}) => post(`${appPath(app, env)}/${name}`, body);
  const run = (label, fn) => async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      const result = await fn();
      if (result) toast(`${label}: ${result.message || result.outcome}`);
    } catch (error) {
      toast(`${label} refused: ${error.message}`, 'error');
    } finally {
      button.disabled = false;
      reload();
    }
  };
  return el('div', { class: 'actions', role: 'group', 'aria-label': 'Actions' },
    el('button', { id: 'act-sync', type: 'button', class: 'primary', onclick: run('Sync', () => syncWithPreview(view, act)) }, 'Sync…'),
    el('button', { id: 'act-refresh', type: 'button', onclick: run('Refresh', () => act('refresh')) }, 'Refresh'),
    s.pinned
      ? el('button', { id: 'act-pin', type: 'button', onclick: run('Unpin', () => act('unpin')) }, 'Unpin')
      : el('button', { id: 'act-pin', type: 'button', onclick: run('Pin', () => act('pin')) }, 'Pin'),
    s.paused
      ? el('button', { id: 'act-pause', type: 'button', onclick: run('Resume', () => act('resume')) }, 'Resume')
      : el('button', { id: 'act-pause', type: 'button', onclick: run('Pause', () => act('pause')) }, 'Pause'));
}

/** A sync: first a dry run, whose steps the user confirms, then the sync itself. */
async function syncWithPreview(view, act) {
  const preview = await act('sync', { dryRun: true });
  const changes = preview.changes.filter((c) => c.action !== 'unchanged');
  const unchanged = preview.changes.length - changes.length;
  const prune = el('input', { type: 'checkbox', id: 'sync-prune' });
  const body = el('div', { id: 'sync-preview' },
    el('p', {}, changes.length ? `A sync of ${view.app} in ${view.env} would change ${plural(changes.length, 'object')}` : 'Every object already matches: a sync would change nothing',
      unchanged ? ` (${unchanged} unchanged).` : '.'),
    changes.length ? el('div', { class: 'scroll' }, stepsTable(changes, 'What the sync would do')) : null,
    el('p', {}, el('label', { for: 'sync-prune' }, prune, ' Also prune owned objects the spec no longer renders')));
  if (!(await confirmDialog(`Sync ${view.app} in ${view.env}?`, body, 'Sync'))) return null;
  return act('sync', prune.checked ? { prune: true } : {});
}

function stepsTable(steps, caption) {
  return el('table', { class: 'steps' },
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, ['Wave', 'Action', 'Kind', 'Object', 'Result', 'Message'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, steps.map((s) => el('tr', {},
      el('td', {}, String(s.wave)), el('td', {}, s.action), el('td', {}, s.kind),
      el('td', {}, s.namespace ? `${s.namespace}/${s.name}` : s.name),
      el('td', { class: `r-${s.result}` }, s.result), el('td', {}, s.message)))));
}

function diagnosticsSection(detail) {
  return section('diagnostics', 'Spec problems',
    el('ul', { class: 'problems' }, detail.diagnostics.map((d) => el('li', {},
      el('code', {}, `${d.file}:${d.line}:${d.column}`), ` ${d.severity} ${d.code}`, d.path ? ` at ${d.path}` : '', `: ${d.message}`))));
}

function resourcesSection(detail) {
  if (!detail.resources.length) return section('resources', 'Resources', el('p', { class: 'muted' }, 'No objects rendered.'));
  return section('resources', 'Resources',
    el('p', { class: 'muted' }, 'In sync order: by wave, then component; objects by kind order, then name.'),
    detail.resources.map((g) => el('div', { class: 'group' },
      el('h3', {}, `Wave ${g.wave} · ${g.component || 'application-wide'}`),
      el('div', { class: 'scroll' }, el('table', { class: 'resources' },
        el('thead', {}, el('tr', {}, ['Kind', 'Name', 'Health', 'Sync'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, g.objects.map((o) => el('tr', {},
          el('td', {}, o.kind),
          el('td', {}, o.namespace ? `${o.namespace}/${o.name}` : o.name),
          el('td', {}, o.health ? health(o.health, o.healthReason) : el('span', { class: 'muted' }, 'no rule'),
            o.healthReason ? el('span', { class: 'reason' }, ` ${o.healthReason}`) : null),
          el('td', {}, o.sync === 'OutOfSync'
            ? el('a', { href: `#${diffId(o)}`, onclick: (e) => { e.preventDefault(); openDiff(diffId(o)); } }, sync(o.sync))
            : sync(o.sync))))))))));
}

function diffId(o) {
  return `diff-${o.kind}-${o.namespace || '_'}-${o.name}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

function openDiff(id) {
  const details = document.getElementById(id);
  if (!details) return;
  details.open = true;
  details.scrollIntoView({ block: 'start' });
  details.querySelector('summary').focus();
}

function diffSection(view) {
  const changed = view.diff.objects.filter((o) => o.change !== 'none');
  const mode = (value, label) => el('label', {}, el('input', {
    type: 'radio', name: 'diff-mode', value, checked: diffMode === value,
    onchange: () => {
      diffMode = value;
      for (const d of document.querySelectorAll('#sec-diff details[data-key]')) d.querySelector('.diff-body').replaceChildren(diffView(d.dataset.text, d.dataset.change));
    },
  }), ` ${label}`);
  return section('diff', 'Differences',
    changed.length === 0
      ? el('p', { class: 'muted', id: 'diff-none' }, 'No differences: the live objects match what the spec renders.')
      : [
        el('fieldset', { class: 'modes' }, el('legend', {}, 'Show diffs'), mode('unified', 'Unified'), mode('split', 'Side by side')),
        el('p', { class: 'muted' }, `${plural(changed.length, 'object')} differ. Lines marked − are live, + are desired (from Git).`),
        changed.map((o) => {
          const key = `${o.kind}/${o.namespace}/${o.name}`;
          const details = el('details', { id: diffId(o), class: 'object-diff', 'data-key': key, open: view.open.has(key) || changed.length <= 3 },
            el('summary', {}, el('span', { class: `change c-${o.change}` }, o.change), ` ${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`),
            el('div', { class: 'diff-body' }, diffView(o.diff, o.change)));
          details.dataset.text = o.diff;
          details.dataset.change = o.change;
          return details;
        }),
      ]);
}

const NO_TEXT = {
  create: 'Not in the cluster: a sync creates it.',
  delete: 'In the cluster and owned, but no longer rendered: a sync with prune deletes it.',
};

function diffView(text, change) {
  if (!text) return el('p', { class: 'muted' }, NO_TEXT[change] || 'No text diff for this change.');
  return diffMode === 'split' ? sideBySide(text) : unified(text);
}

function operationSection(detail) {
  const op = detail.lastOperation;
  if (!op) return section('operation', 'Last operation', el('p', { class: 'muted' }, 'No operation has run yet.'));
  return section('operation', 'Last operation',
    el('p', { id: 'operation-summary' }, el('strong', {}, `${op.kind}${op.dryRun ? ' (dry run)' : ''}`), ' ',
      el('span', { class: `phase p-${op.phase}` }, op.phase), ` by ${op.who} of `, el('code', {}, shortRevision(op.revision)),
      ', started ', time(op.startedAt), op.finishedAt ? [', finished ', time(op.finishedAt)] : '', op.prune ? ', with prune' : ''),
    op.message ? el('p', { class: 'message' }, op.message) : null,
    op.steps.length ? el('div', { class: 'scroll' }, stepsTable(op.steps, `Steps (${op.steps.length})`)) : null);
}

function historySection(view, reload) {
  const { detail, app, env } = view;
  if (!detail.history.length) return section('history', 'History', el('p', { class: 'muted' }, 'Nothing deployed yet.'));
  const canAct = store.canAct(env);
  return section('history', 'History',
    el('div', { class: 'scroll' }, el('table', { class: 'history' },
      el('caption', { class: 'visually-hidden' }, 'Deployments, newest first'),
      el('thead', {}, el('tr', {}, ['#', 'Revision', 'When', 'Who', 'Images', 'Result', ''].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, detail.history.map((h, i) => el('tr', { 'data-revision': h.number },
        el('td', {}, String(h.number)),
        el('td', {}, el('code', { title: h.revision }, shortRevision(h.revision)), h.rollbackOf ? ` (rollback to #${h.rollbackOf})` : ''),
        el('td', {}, time(h.time)),
        el('td', {}, h.who),
        el('td', {}, h.images.map(imageTag).join(', ')),
        el('td', {}, h.result),
        el('td', {}, canAct && i > 0 ? el('button', {
          type: 'button', id: `rollback-${h.number}`, class: 'rollback',
          'aria-label': `Roll back to revision ${h.number}`,
          onclick: async (e) => {
            const button = e.currentTarget;
            if (!(await confirmDialog(`Roll back ${app} in ${env} to revision ${h.number}?`, rollbackPreview(detail, h), 'Roll back'))) return;
            button.disabled = true;
            try {
              const r = await post(`${appPath(app, env)}/rollback`, { revision: h.number });
              toast(`Rollback: ${r.message || r.outcome}`);
            } catch (error) {
              toast(`Rollback refused: ${error.message}`, 'error');
            } finally {
              reload();
            }
          },
        }, 'Roll back to this revision') : null)))))));
}

/** What a rollback would change: the deployed revision and images against the chosen entry's. */
function rollbackPreview(detail, entry) {
  const s = detail.status;
  const current = deployedImages(detail);
  const now = new Set(current);
  const then = new Set(entry.images);
  const removed = current.filter((i) => !then.has(i));
  const added = entry.images.filter((i) => !now.has(i));
  return el('div', { id: 'rollback-preview' },
    el('table', { class: 'compare' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, ''), el('th', { scope: 'col' }, 'Deployed now'), el('th', { scope: 'col' }, `Revision ${entry.number}`))),
      el('tbody', {},
        el('tr', {}, el('th', { scope: 'row' }, 'Commit'), el('td', {}, el('code', {}, shortRevision(s.revision))), el('td', {}, el('code', {}, shortRevision(entry.revision)))),
        el('tr', {}, el('th', { scope: 'row' }, 'History revision'), el('td', {}, detail.history.length ? `#${detail.history[0].number}` : '—'), el('td', {}, `#${entry.number}`)),
        el('tr', {}, el('th', { scope: 'row' }, 'Deployed'), el('td', {}, time(s.lastSyncTime)), el('td', {}, time(entry.time))))),
    removed.length || added.length
      ? el('ul', { class: 'image-changes' },
        removed.map((i) => el('li', { class: 'del' }, '− ', el('code', {}, i))),
        added.map((i) => el('li', { class: 'add' }, '+ ', el('code', {}, i))))
      : el('p', {}, 'The images are the same; the objects are redeployed as that revision recorded them.'),
    el('p', {}, `The objects recorded with revision ${entry.number} are applied again and the application is pinned in this environment: automated sync will not undo the rollback until you unpin.`));
}

function costSection(detail) {
  const c = detail.cost;
  if (!c || !c.items.length) return section('cost', 'Cost', el('p', { class: 'muted' }, 'No cost estimate.'));
  return section('cost', 'Cost',
    el('p', {}, `Estimated ${money(c.monthlyTotal, c.currency)} a month, from the requests of every replica and the platform's price table.`),
    costChart(c),
    el('div', { class: 'scroll' }, el('table', { class: 'cost' },
      el('caption', { class: 'visually-hidden' }, 'Cost by component'),
      el('thead', {}, el('tr', {}, ['Component', 'Replicas', 'CPU (cores)', 'Memory (GiB)', 'Monthly'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, c.items.map((i) => el('tr', {},
        el('th', { scope: 'row' }, i.component), el('td', {}, String(i.replicas)), el('td', {}, String(i.cpu)),
        el('td', {}, String(i.memoryGiB)), el('td', {}, money(i.monthly, c.currency))))))));
}

function findingsSection(detail) {
  if (!detail.policyFindings.length) return section('findings', 'Policy findings', el('p', { class: 'muted' }, 'No policy findings.'));
  return section('findings', 'Policy findings',
    el('div', { class: 'scroll' }, el('table', { class: 'findings' },
      el('thead', {}, el('tr', {}, ['Rule', 'Outcome', 'Object', 'Where', 'Message'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, detail.policyFindings.map((f) => el('tr', {},
        el('td', {}, el('code', {}, f.rule)),
        el('td', {}, f.outcome, f.enforced ? ' (enforced: blocks the sync)' : ''),
        el('td', {}, f.object),
        el('td', {}, el('code', {}, f.line ? `${f.file}:${f.line}` : f.file)),
        el('td', {}, f.message)))))));
}

/** The rollouts of components with a strategy; nothing when none has one. */
function rolloutsSection(view, reload) {
  const r = view.rollouts;
  if (!r) return null;
  if (r.error) return section('rollouts', 'Rollouts', el('p', { class: 'error', role: 'alert' }, `Cannot read the rollouts: ${r.error}`));
  if (!r.list.length) return null;
  return section('rollouts', 'Rollouts', r.list.map((ro) => rollout(view, ro, reload)));
}

const PHASE_ICON = { STABLE: '✓', PROGRESSING: '◔', PAUSED: '‖', ABORTED: '✖' };

function rollout(view, ro, reload) {
  const row = (term, ...value) => [el('dt', {}, term), el('dd', {}, ...value)];
  const canary = ro.strategy === 'canary';
  const buttons = store.canAct(view.env) ? ro.actions.map((a) => el('button', {
    type: 'button', id: `rollout-${ro.component}-${a}`, class: a === 'abort' || a === 'undo' ? 'danger' : undefined,
    onclick: async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      try {
        const result = await post(`${appPath(view.app, view.env)}/rollouts/${encodeURIComponent(ro.component)}/${a}`, {});
        toast(`${a}: ${result.message}`);
      } catch (error) {
        toast(`${a} refused: ${error.message}`, 'error');
      } finally {
        reload();
      }
    } }, a[0].toUpperCase() + a.slice(1))) : [];
  const measurements = ro.analysis ? ro.analysis.measurements : [];
  return el('article', { class: `rollout rollout-${ro.phase.toLowerCase()}`, id: `rollout-${ro.component}`, 'aria-label': `Rollout of ${ro.component}` },
    el('h3', {}, `${ro.component} (${canary ? 'canary' : 'blue/green'}) `,
      el('span', { class: 'phase' }, el('span', { 'aria-hidden': 'true' }, PHASE_ICON[ro.phase] || ''), ` ${ro.phase}`)),
    el('p', { class: 'summary' }, ro.summary),
    el('dl', { class: 'status' },
      row('Stable', el('code', {}, ro.stable)),
      ro.canary ? row('New', el('code', {}, ro.canary)) : null,
      ro.previous ? row('Previous', el('code', {}, ro.previous), ` kept until `, time(ro.scaleDownAt)) : null,
      canary && ro.canary ? row('Step', ro.step ? `${ro.step} of ${ro.steps.length}: ${ro.steps[ro.step - 1] || 'done'}` : '-') : null,
      canary ? row('Traffic', el('span', { class: 'weights' }, `${100 - ro.weight}% stable, ${ro.weight}% new`),
        el('meter', { min: 0, max: 100, value: ro.weight, 'aria-label': 'share of traffic on the new revision' })) : null,
      ro.waitingFor ? row('Waiting for', ro.waitingFor, ro.deadline ? [' (until ', time(ro.deadline), ')'] : null) : null,
      ro.message ? row('Reason', ro.message) : null,
      ro.analysis ? row('Analysis', `${ro.analysis.templates.join(', ')}: ${ro.analysis.verdict || 'running'}`) : null),
    measurements.length ? el('table', { class: 'measurements' },
      el('caption', {}, 'Measurements'),
      el('thead', {}, el('tr', {}, ['Template', 'Time', 'Result', 'Value', 'Detail'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, measurements.map((m) => el('tr', {}, el('td', {}, m.template), el('td', {}, time(m.at)),
        el('td', {}, m.phase), el('td', {}, el('code', {}, m.value || '')), el('td', {}, m.message || ''))))) : null,
    buttons.length ? el('div', { class: 'actions', role: 'group', 'aria-label': `Rollout actions for ${ro.component}` }, buttons) : null,
    el('details', {}, el('summary', {}, 'Rollout events'),
      el('ol', { class: 'events', reversed: true }, ro.events.slice().reverse().map((e) => el('li', {}, time(e.at), ' ', e.text)))));
}

/** Reads the diagnosis (the server reads the application's namespace for it) and redraws. */
async function diagnose(view, body, reload) {
  view.diagnosis = { loading: true };
  if (view.detail) draw(body, view, reload);
  try {
    view.diagnosis = { result: await get(`${appPath(view.app, view.env)}/diagnosis`) };
  } catch (error) {
    view.diagnosis = { error: error.message };
  }
  if (!view.closed && view.detail) draw(body, view, reload);
}

function diagnosisSection(view, body, reload) {
  const d = view.diagnosis || { loading: true };
  const again = el('button', { type: 'button', id: 'diagnose-again', disabled: d.loading ? true : undefined,
    onclick: () => diagnose(view, body, reload) }, 'Diagnose again');
  if (d.loading) return section('diagnosis', 'Diagnosis', el('p', { class: 'loading' }, 'Reading the running objects…'), again);
  if (d.error) return section('diagnosis', 'Diagnosis', el('p', { class: 'error', role: 'alert' }, `Cannot diagnose: ${d.error}`), again);
  const r = d.result;
  const when = el('p', { class: 'muted' }, 'Read ', time(r.observedAt), r.notRead.length ? ` (not read: ${r.notRead.join(', ')})` : '', '. ');
  if (!r.findings.length) return section('diagnosis', 'Diagnosis', el('p', {}, 'No problems found in the running objects.'), when, again);
  return section('diagnosis', 'Diagnosis',
    el('p', {}, `${plural(r.errors, 'error')}, ${plural(r.warnings, 'warning')} in the running objects.`), when, again,
    el('ul', { class: 'diagnosis' }, r.findings.map((f) => el('li', { class: `finding-${f.severity}` },
      el('p', {}, el('strong', {}, f.severity === 'error' ? 'Error' : 'Warning'), ' ', el('code', {}, f.analyzer), ' ',
        `${f.object.kind}/${f.object.name}`, f.component ? ` (component ${f.component})` : ''),
      el('p', {}, f.explanation),
      el('p', {}, el('strong', {}, 'Fix: '), f.fix),
      f.spec ? el('p', {}, el('strong', {}, 'Spec: '), el('code', {}, `${f.spec.file}:${f.spec.line}`), ` (${f.spec.field})`) : null,
      el('details', {}, el('summary', {}, 'Evidence'), el('ul', {}, f.evidence.map((e) => el('li', {}, el('code', {}, e)))))))));
}

function eventList(app, env) {
  const events = store.events.filter((e) => e.application === app && (!e.environment || e.environment === env)).slice(0, 50);
  if (!events.length) return el('p', { id: 'events-list', class: 'muted' }, 'No events since this page was opened.');
  return el('ol', { id: 'events-list', class: 'events', reversed: true },
    events.map((e) => el('li', {}, time(e.time), ' ', el('strong', {}, e.type), ' ',
      e.status ? [sync(e.status.sync), ' ', health(e.status.health, e.status.healthReason)] : null,
      e.message ? ` ${e.message}` : '')));
}
