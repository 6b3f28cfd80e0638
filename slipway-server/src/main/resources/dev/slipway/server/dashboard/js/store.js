// What the page knows: the caller, the environments, the matrix (kept current by the event stream)
// and the recent events. Views subscribe and re-render what changed.

import { get } from './api.js';

const RECENT = 200;

export const store = {
  whoami: null,
  environments: [],
  envNames: [],
  simulated: false,
  apps: [],
  cells: new Map(),
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

  async load() {
    const [environments, matrix] = await Promise.all([get('/environments'), get('/applications')]);
    this.environments = environments.items;
    this.simulated = environments.items.some((e) => e.simulated) || matrix.simulated;
    this.setMatrix(matrix);
  },

  async reloadMatrix() {
    this.setMatrix(await get('/applications'));
    this.emit({ type: 'matrix' });
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
      if (!known) {
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
