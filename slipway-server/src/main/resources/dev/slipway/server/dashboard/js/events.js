// The API's Server-Sent Events stream, read with fetch() rather than EventSource: EventSource
// cannot send an Authorization header, and the API takes the token only there (a token in a URL
// would end up in proxy logs and browser history). This parses the SSE frames itself, resumes
// with Last-Event-ID after a lost connection, and reports its state for the page to show.

import { authHeaders } from './api.js';

const SILENCE_MS = 45000; // the server sends a heartbeat every 15 s: three missed ones mean the line is dead
const MAX_DELAY_MS = 30000;

export class EventFeed {
  /**
   * @param onEvent called with (type, data, id) for each event
   * @param onState called with 'connecting', 'live', 'reconnecting' (with the error and the delay) or 'unauthorized'
   */
  constructor(onEvent, onState) {
    this.onEvent = onEvent;
    this.onState = onState;
    this.lastId = null;
    this.retry = 2000;
    this.attempt = 0;
    this.stopped = true;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.watchdog);
    if (this.controller) this.controller.abort();
  }

  async connect() {
    const controller = new AbortController();
    this.controller = controller;
    this.onState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    try {
      const headers = authHeaders({ Accept: 'text/event-stream' });
      if (this.lastId) headers['Last-Event-ID'] = this.lastId;
      const response = await fetch('/api/v1/events', { headers, signal: controller.signal, cache: 'no-store' });
      if (response.status === 401) {
        this.stopped = true;
        this.onState('unauthorized');
        return;
      }
      if (!response.ok || !response.body) {
        throw new Error(`the event stream answered ${response.status}`);
      }
      this.attempt = 0;
      this.onState('live');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      this.arm(controller);
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.arm(controller);
        buffer += value.replace(/\r\n?/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.frame(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
      throw new Error('the server closed the event stream');
    } catch (error) {
      clearTimeout(this.watchdog);
      if (this.stopped) return;
      const delay = Math.min(this.retry * 2 ** this.attempt, MAX_DELAY_MS);
      this.attempt += 1;
      this.onState('reconnecting', error, delay);
      this.timer = setTimeout(() => this.connect(), delay);
    }
  }

  arm(controller) {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => controller.abort(new Error('no heartbeat from the server')), SILENCE_MS);
  }

  frame(text) {
    let type = 'message';
    let id = null;
    const data = [];
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    }
    if (id !== null) this.lastId = id;
    if (data.length === 0) return;
    let parsed;
    try {
      parsed = JSON.parse(data.join('\n'));
    } catch {
      return;
    }
    this.onEvent(type, parsed, id);
  }
}
