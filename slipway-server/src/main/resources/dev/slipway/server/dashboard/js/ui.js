// Small DOM helpers and the vocabulary shown everywhere: health and sync state by icon and text.

/** Creates an element: el('a', {href: '#/'}, 'text', child, ...). Text is always text, never HTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElementNS(tag === 'svg' || attrs.svg ? 'http://www.w3.org/2000/svg' : 'http://www.w3.org/1999/xhtml', tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'svg' || value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces a node's children, skipping absent ones (DOM's own replaceChildren would write "null"). */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

export function svg(tag, attrs = {}, ...children) {
  return el(tag, { ...attrs, svg: true }, ...children);
}

// Argo CD's health vocabulary with an icon each (its own icons: heart, spinner, broken heart, pause, ghost, question).
const HEALTH = {
  Healthy: '♥',
  Progressing: '◔',
  Degraded: '✖',
  Suspended: '‖',
  Missing: '∅',
  Unknown: '?',
};

const SYNC = {
  Synced: '✔',
  OutOfSync: '⇅',
  Unknown: '?',
  InvalidSpec: '⚠',
};

export const HEALTH_STATES = Object.keys(HEALTH);
export const SYNC_STATES = Object.keys(SYNC);

export function health(value, reason) {
  const label = value || 'None';
  return el('span', { class: `badge health h-${label}`, title: reason || undefined },
    el('span', { class: 'icon', 'aria-hidden': 'true' }, HEALTH[label] || '·'), ' ', label);
}

export function sync(value) {
  return el('span', { class: `badge sync s-${value}` },
    el('span', { class: 'icon', 'aria-hidden': 'true' }, SYNC[value] || '·'), ' ', value);
}

export function shortRevision(revision) {
  if (!revision) return '—';
  return /^[0-9a-f]{40}/.test(revision) ? revision.slice(0, 7) + revision.slice(40) : revision;
}

export function imageTag(image) {
  const slash = image.lastIndexOf('/');
  return slash < 0 ? image : image.slice(slash + 1);
}

export function time(iso) {
  if (!iso) return el('span', {}, 'never');
  const then = new Date(iso);
  return el('time', { datetime: iso, title: then.toISOString() }, ago(then));
}

export function ago(then) {
  const seconds = Math.max(0, Math.round((Date.now() - then.getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return then.toISOString().slice(0, 10);
}

export function money(amount, currency) {
  if (amount === null || amount === undefined) return '—';
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency || 'USD' }).format(Number(amount));
}

export function plural(n, one, many = `${one}s`) {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

let toastTimer;
/** A short message in the page's live region, read out by screen readers. */
export function toast(message, kind = 'info') {
  const node = document.getElementById('toast');
  node.textContent = message;
  node.dataset.kind = kind;
  node.classList.add('shown');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => node.classList.remove('shown'), kind === 'error' ? 10000 : 5000);
}

/**
 * Asks for confirmation in the page's dialog; resolves to true when the user confirms. The body is
 * built by the caller (what would change), so the user decides with the facts in front of them.
 */
export function confirmDialog(title, body, okLabel) {
  const dialog = document.getElementById('dialog');
  document.getElementById('dialog-title').textContent = title;
  document.getElementById('dialog-body').replaceChildren(body);
  document.getElementById('dialog-ok').textContent = okLabel;
  const opener = document.activeElement;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      if (opener && opener.isConnected) opener.focus();
      resolve(dialog.returnValue === 'ok');
    }, { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    document.getElementById('dialog-ok').focus();
  });
}
