// What the page knows: the caller, the environments, the matrix (kept current by the event stream)
// and the recent events. Views subscribe and re-render what changed.

import { get } from './api.js';

const RECENT = 200;
/** Applications per page of the overview, and in the first, small matrix request. */
export const PAGE = 50;

export const store = {
  whoami: null,
  environments: [],
  envNames: [],
  simulated: false,
  apps: [],
  cells: new Map(),
  // False while only the first page of the matrix is known (the rest is on its way); total is the
  // number of applications the server has for the caller.
  complete: true,
  total: 0,
  loading: null,
  events: [],
  listeners: new Set(),

  key(app, env) {
    return `${app}\u0000${env}`;
  },

  cell(app, env) {
    return this.cells.get(this.key(app, env));
  },

  role(env) {
    return (this.whoami && this.whoami.roles && this.whoami.roles[env]) || null;
  },

  /** Whether the caller may take actions (sync, rollback, ...) in env: deployer or admin there. */
  canAct(env) {
    const role = this.role(env);
    return role === 'deployer' || role === 'admin';
  },

  /**
   * The environments and the matrix. With firstPage, only the first PAGE applications are read
   * (what the overview shows first, a small response however many applications there are); the
   * caller then reads the rest with reloadMatrix().
   */
  async load(firstPage) {
    const [environments, matrix] = await Promise.all([get('/environments'),
      get(firstPage ? `/applications?limit=${PAGE}` : '/applications')]);
    this.environments = environments.items;
    this.simulated = environments.items.some((e) => e.simulated) || matrix.simulated;
    this.setMatrix(matrix);
  },

  /** Reads the whole matrix again; concurrent calls share one request. */
  reloadMatrix() {
    if (!this.loading) {
      this.loading = { received: [] };
      const loading = this.loading;
      loading.done = get('/applications').then((matrix) => {
        this.setMatrix(matrix);
        // Cells the event stream delivered while the request was under way are newer than the response.
        for (const status of loading.received) this.cells.set(this.key(status.application, status.environment), status);
        this.emit({ type: 'matrix' });
        // For bench/dashboard-bench.sh: when the whole matrix was known and drawn, in the page's own clock.
        if (!performance.getEntriesByName('slipway:complete').length) performance.mark('slipway:complete');
      }).finally(() => { this.loading = null; });
    }
    return this.loading.done;
  },

  setMatrix(matrix) {
    this.envNames = matrix.environments;
    this.cells = new Map();
    const apps = new Set();
    for (const item of matrix.items) {
      apps.add(item.application);
      this.cells.set(this.key(item.application, item.environment), item);
    }
    this.apps = [...apps];
    this.total = matrix.applications;
    this.complete = matrix.complete !== false;
  },

  /** One event from the stream: the matrix cell it carries replaces ours; views are told. */
  receive(type, data, id) {
    if (type === 'resync') {
      this.reloadMatrix().catch(() => {});
      return;
    }
    const event = { type, id, ...data };
    this.events.unshift(event);
    if (this.events.length > RECENT) this.events.length = RECENT;
    if (data.status && data.application && data.environment) {
      const known = this.cells.has(this.key(data.application, data.environment));
      this.cells.set(this.key(data.application, data.environment), data.status);
      if (this.loading) this.loading.received.push(data.status);
      if (!known && this.complete) {
        // A new application (or environment): the order of rows comes from the API.
        this.reloadMatrix().catch(() => {});
        return;
      }
    }
    this.emit(event);
  },

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  },

  emit(event) {
    for (const listener of [...this.listeners]) listener(event);
  },
};
