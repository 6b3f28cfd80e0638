// The HTTP API, with the user's bearer token. The token lives in sessionStorage only: it is gone
// when the tab closes, never put in a URL, never sent anywhere but this server's /api/v1.

const TOKEN_KEY = 'slipway.token';

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** A refusal of the API: its HTTP status and the code and message of its JSON error. */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

export function authHeaders(extra = {}) {
  const headers = { ...extra };
  const token = session.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}

async function read(response) {
  const text = await response.text();
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) {
    const error = (body && body.error) || {};
    throw new ApiError(response.status, error.code || `http-${response.status}`,
      error.message || `${response.status} ${response.statusText}`, error.details);
  }
  return body;
}

/**
 * The answer early.js already asked for (start-up only, same token), or null. Each is taken once;
 * endStartup() drops those not taken.
 */
function early(path) {
  const started = window.slipwayEarly && window.slipwayEarly[path];
  if (!started) return null;
  delete window.slipwayEarly[path];
  return started.token === session.token ? started.answer : null;
}

export function endStartup() {
  window.slipwayEarly = null;
}

export async function get(path) {
  const started = early(path);
  if (started) {
    let response = null;
    try {
      response = await started;
    } catch {
      response = null; // the early request failed on the network: ask again below
    }
    if (response) return read(response);
  }
  const response = await fetch(`/api/v1${path}`, {
    headers: authHeaders({ Accept: 'application/json' }),
    cache: 'no-store',
  });
  return read(response);
}

export async function post(path, body = {}) {
  const response = await fetch(`/api/v1${path}`, {
    method: 'POST',
    headers: authHeaders({ Accept: 'application/json', 'Content-Type': 'application/json' }),
    body: JSON.stringify(body),
    cache: 'no-store',
  });
  return read(response);
}

export function appPath(app, env) {
  return `/applications/${encodeURIComponent(app)}/environments/${encodeURIComponent(env)}`;
}
