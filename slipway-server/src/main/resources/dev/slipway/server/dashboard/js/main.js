// Start-up, sign-in and the two pages (#/ and #/app/APP/ENV). The dashboard reads everything from
// the API with the user's token and follows the event stream; the server serves only these files.

import { get, session, ApiError, endStartup } from './api.js';
import { EventFeed } from './events.js';
import { store } from './store.js';
import { el } from './ui.js';
import { renderOverview } from './overview.js';

// The application page's modules (with the diff and the chart) are not needed to draw the overview:
// loaded on first use, or once the overview is drawn.
let applicationPage = null;
function loadApplicationPage() {
  if (!applicationPage) applicationPage = import('./application.js');
  return applicationPage;
}
let routed = 0;

const main = document.getElementById('main');
let leave = null;
let feed = null;

const LIVE_TEXT = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Connection lost, reconnecting…',
  unauthorized: 'Signed out',
  idle: 'Not connected',
};

function showLive(state, error, delay) {
  const node = document.getElementById('live');
  node.dataset.state = state;
  node.textContent = LIVE_TEXT[state] + (state === 'reconnecting' && delay ? ` (next try in ${Math.round(delay / 1000)} s)` : '');
  node.title = error ? String(error.message || error) : '';
  if (state === 'unauthorized') signIn('Your token is no longer accepted. Paste a valid one.');
}

function route() {
  if (!store.whoami) return;
  if (leave) leave();
  leave = null;
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const turn = ++routed;
  if (parts[0] === 'app' && parts.length === 3) {
    document.title = `${parts[1]} in ${parts[2]} · Slipway`;
    main.replaceChildren(el('p', { class: 'loading' }, 'Loading…'));
    loadApplicationPage().then(({ renderApplication }) => {
      if (turn !== routed || !store.whoami) return;
      leave = renderApplication(main, parts[1], parts[2]);
      focusHeading();
    }, (err) => {
      main.replaceChildren(el('p', { class: 'error', role: 'alert' }, `Cannot load the application page: ${err.message}`));
    });
    return;
  }
  document.title = 'Applications · Slipway';
  leave = renderOverview(main, new URLSearchParams(query || ''));
  focusHeading();
}

/** After a move between pages, the keyboard focus goes to the new page's heading. */
function focusHeading() {
  if (document.activeElement === document.body || !main.contains(document.activeElement)) {
    const heading = main.querySelector('h1');
    if (heading && route.moved) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }
  route.moved = true;
}

function signIn(message) {
  if (leave) leave();
  leave = null;
  if (feed) feed.stop();
  store.whoami = null;
  document.getElementById('who').textContent = '';
  document.getElementById('logout').hidden = true;
  const input = el('input', { id: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' });
  const error = el('p', { id: 'login-error', class: 'error', role: 'alert' }, message || '');
  const form = el('form', { class: 'login', 'aria-labelledby': 'login-title' },
    el('h1', { id: 'login-title' }, 'Sign in'),
    el('p', {}, 'Paste a bearer token of this server (', el('code', {}, 'slipway serve --sandbox'),
      ' prints one). It is kept in this tab only (session storage) and sent only to this server\'s API.'),
    el('label', { for: 'token' }, 'Token'),
    input,
    error,
    el('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    session.token = input.value.trim();
    try {
      await start();
    } catch (err) {
      session.token = null;
      error.textContent = err instanceof ApiError && err.status === 401 ? 'This token is not valid for this server.' : `Cannot sign in: ${err.message}`;
      input.focus();
    }
  });
  main.replaceChildren(form);
  input.focus();
}

/** Whether the page opens on the overview's first page, unfiltered: all it needs first is PAGE applications. */
function opensOnFirstPage() {
  const hash = location.hash.replace(/^#/, '') || '/';
  return hash === '/';
}

async function start() {
  window.slipwayStarted = true;
  // Who the caller is, the environments and the matrix in parallel: one round trip, not two.
  const firstPage = opensOnFirstPage();
  let whoami;
  try {
    [whoami] = await Promise.all([get('/whoami'), store.load(firstPage)]);
  } finally {
    endStartup();
  }
  store.whoami = whoami;
  const who = store.whoami;
  document.getElementById('who').textContent = who.anonymous ? 'anonymous' : who.subject;
  document.getElementById('logout').hidden = who.anonymous && !session.token;
  document.getElementById('simulated').hidden = !store.simulated;
  if (feed) feed.stop();
  feed = new EventFeed((type, data, id) => store.receive(type, data, id), showLive);
  feed.start();
  route();
  setTimeout(() => loadApplicationPage().catch(() => {}), 0);
  // The overview is drawn from its first page; the rest of the matrix (for search, filters and the
  // other pages) follows.
  if (!store.complete) {
    store.reloadMatrix().catch((err) => {
      main.prepend(el('p', { class: 'error', role: 'alert' }, `Cannot read every application: ${err.message}`));
    });
  }
}

document.getElementById('logout').addEventListener('click', () => {
  session.token = null;
  signIn('Signed out.');
  showLive('idle');
});
window.addEventListener('hashchange', route);

start().catch((err) => {
  if (err instanceof ApiError && err.status === 401) {
    const had = Boolean(session.token);
    session.token = null;
    signIn(had ? 'Your token is no longer accepted. Paste a valid one.' : '');
  } else {
    main.replaceChildren(el('p', { class: 'error', role: 'alert' }, `Cannot reach the Slipway API: ${err.message}`));
  }
});
