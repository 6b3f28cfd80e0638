// A unified diff (live against desired, as the API gives it) shown unified or side by side.

import { el } from './ui.js';

/** Lines of a unified diff, each {kind: 'add'|'del'|'ctx'|'hunk'|'file', text}. */
export function parse(text) {
  const lines = [];
  for (const line of text.replace(/\n$/, '').split('\n')) {
    if (line.startsWith('+++') || line.startsWith('---')) lines.push({ kind: 'file', text: line });
    else if (line.startsWith('@@')) lines.push({ kind: 'hunk', text: line });
    else if (line.startsWith('+')) lines.push({ kind: 'add', text: line.slice(1) });
    else if (line.startsWith('-')) lines.push({ kind: 'del', text: line.slice(1) });
    else lines.push({ kind: 'ctx', text: line.startsWith(' ') ? line.slice(1) : line });
  }
  return lines;
}

export function unified(text) {
  const sign = { add: '+', del: '-', ctx: ' ', hunk: '', file: '' };
  return el('pre', { class: 'diff unified', tabindex: '0' },
    parse(text).map((l) => el('span', { class: `l ${l.kind}` }, sign[l.kind] + l.text, '\n')));
}

/** Rows pairing each run of deletions with the additions that follow it, context on both sides. */
export function rows(text) {
  const out = [];
  let dels = [];
  let adds = [];
  const flush = () => {
    for (let i = 0; i < Math.max(dels.length, adds.length); i++) {
      out.push({ left: dels[i] ?? null, right: adds[i] ?? null, kind: 'change' });
    }
    dels = [];
    adds = [];
  };
  for (const l of parse(text)) {
    if (l.kind === 'del') {
      if (adds.length) flush();
      dels.push(l.text);
    } else if (l.kind === 'add') adds.push(l.text);
    else {
      flush();
      if (l.kind === 'ctx') out.push({ left: l.text, right: l.text, kind: 'ctx' });
      else if (l.kind === 'hunk') out.push({ left: l.text, right: l.text, kind: 'hunk' });
    }
  }
  flush();
  return out;
}

export function sideBySide(text) {
  const cell = (value, kind) => el('td', { class: value === null ? 'none' : kind }, value ?? '');
  return el('div', { class: 'scroll', tabindex: '0' }, el('table', { class: 'diff split' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Live (in the cluster)'), el('th', { scope: 'col' }, 'Desired (from Git)'))),
    el('tbody', {}, rows(text).map((r) => el('tr', { class: r.kind },
      cell(r.left, r.kind === 'change' ? 'del' : r.kind),
      cell(r.right, r.kind === 'change' ? 'add' : r.kind))))));
}
