// Shared helpers of the hall device pages: device token, API calls and errors, live events with reconnect, clock, screens.
'use strict';

const Device = (() => {
  const params = new URLSearchParams(location.search);
  const token = params.get('token') || '';
  const WEEKDAYS = '日一二三四五六';

  const $ = (id) => document.getElementById(id);
  const pad2 = (n) => String(n).padStart(2, '0');

  /** A new element with a class and text (text only: server strings never become HTML). */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Shows the `.screen` with this id and hides the others. */
  function screen(id) {
    for (const s of document.querySelectorAll('.screen')) s.hidden = s.id !== id;
  }

  /** "14:05" for a time in epoch milliseconds (or now). */
  function hhmm(ms = Date.now()) {
    const d = new Date(ms);
    return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  }

  /** "2024年3月8日 星期五". */
  function dateText(ms = Date.now()) {
    const d = new Date(ms);
    return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 星期${WEEKDAYS[d.getDay()]}`;
  }

  /** Keeps #clock (and #date, if the page has one) current. */
  function clock() {
    const tick = () => {
      if ($('clock')) $('clock').textContent = hhmm();
      if ($('date')) $('date').textContent = dateText();
    };
    tick();
    setInterval(tick, 1000);
  }

  // ----- messages ------------------------------------------------------------------------

  let errorTimer = 0;

  /** Shows a message in the calm #error banner; it hides itself after `ms` unless 0. */
  function showError(message, ms = 0) {
    const banner = $('error');
    if (!banner) return;
    banner.textContent = message;
    banner.hidden = false;
    clearTimeout(errorTimer);
    if (ms) errorTimer = setTimeout(clearError, ms);
  }

  function clearError() {
    clearTimeout(errorTimer);
    if ($('error')) $('error').hidden = true;
  }

  /** Replaces the page with the "no token" notice; the page then never calls the API. */
  function showNoToken() {
    const notice = el('div', 'no-token');
    notice.id = 'no-token';
    notice.append(el('div', 'brand-mark', '营'), el('p', '', '缺少设备令牌，请由运维人员在设备上配置本页面地址。'));
    document.body.replaceChildren(notice);
  }

  // ----- HTTP ----------------------------------------------------------------------------

  /**
   * Calls the hall node and resolves to the parsed JSON answer (null when empty).
   * Rejects with an Error whose `message` is ready to show (the API's Chinese `message`),
   * plus `status` (0 when the node was unreachable) and `code`.
   */
  async function api(method, path, body) {
    const failure = (message, status = 0, code = '') => Object.assign(new Error(message), { status, code });
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 10000);
    let res, text;
    try {
      const headers = { Authorization: `Bearer ${token}` };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      res = await fetch(path, {
        method, headers, cache: 'no-store', signal: abort.signal,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      text = await res.text();
    } catch (e) {
      throw failure(e.name === 'AbortError' ? '服务器响应超时，请稍后再试。' : '无法连接营业厅服务器，请稍后再试。');
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { /* not JSON: handled below */ }
    if (!res.ok) {
      const message = data && typeof data.message === 'string' && data.message
        ? data.message : `服务暂不可用（${res.status}），请联系工作人员。`;
      throw failure(message, res.status, data && data.code);
    }
    return data;
  }

  // ----- live events ---------------------------------------------------------------------

  /**
   * Starts a device page: without a token shows the notice and returns false. Otherwise
   * runs `load()` (the page's GETs; may throw), then keeps the events WebSocket open, passing
   * each event to `onEvent(event)`; every (re)connect runs `load()` again so nothing missed is
   * lost. Returns `reload`, which pages call to refetch on demand.
   *
   * Control commands from the hall node (`order` events) are carried out here and answered
   * on POST /api/v1/commands/{id}/reply: `reload` reloads the page; `show_message` goes to
   * `onMessage(text, seconds)` where the page has one; anything else is refused with a reason.
   */
  function start({ load, onEvent, onMessage }) {
    if (!token) {
      showNoToken();
      return false;
    }
    const offline = el('div', 'offline', '网络连接中断，正在重新连接…');
    offline.id = 'offline';
    offline.hidden = true;
    document.body.append(offline);

    // A failed load shows its message until a later load succeeds (other messages are left alone).
    let loadFailed = false;
    const reload = () => Promise.resolve().then(load).then(
      () => { if (loadFailed) clearError(); loadFailed = false; },
      (e) => { loadFailed = true; showError(e.message); },
    );

    let delay = 1000;
    let offlineTimer = 0;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${location.host}/api/v1/events?token=${encodeURIComponent(token)}`;

    const connect = () => {
      let ws;
      try { ws = new WebSocket(url); } catch { setTimeout(connect, delay); return; }
      ws.onopen = () => {
        delay = 1000;
        clearTimeout(offlineTimer);
        offlineTimer = 0;
        offline.hidden = true;
        reload();
      };
      ws.onmessage = (msg) => {
        let event;
        try { event = JSON.parse(msg.data); } catch { return; }
        if (event && event.type === 'order') obey(event.order, onMessage);
        else if (event && event.type === 'notice') showNotice(event.notice);
        else if (event && event.type) onEvent(event);
      };
      ws.onclose = () => {
        // Brief drops (a node restart) stay quiet; a longer outage shows the notice.
        if (offline.hidden && !offlineTimer) offlineTimer = setTimeout(() => { offline.hidden = false; offlineTimer = 0; }, 4000);
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 15000);
      };
    };
    reload();
    connect();
    return reload;
  }

  /**
   * An emergency's notice (a banner, nearby halls and self-service while customers are diverted),
   * at the top of the page until the incident ends; a new banner is spoken once when asked.
   */
  let spokenBanner = '';
  function showNotice(notice) {
    let box = $('emergency-notice');
    if (!box) {
      box = el('section', 'emergency-notice');
      box.id = 'emergency-notice';
      box.setAttribute('role', 'status');
      document.body.prepend(box);
    }
    const parts = [];
    if (notice && notice.banner) parts.push(el('p', 'notice-banner', notice.banner));
    const divert = notice && notice.divert;
    if (divert) {
      const halls = (divert.halls || []).map((h) => `${h.name}（等候 ${h.waiting} 人）`);
      if (halls.length) parts.push(el('p', 'notice-divert', `附近营业厅：${halls.join('、')}`));
      if ((divert.self_service || []).length) parts.push(el('p', 'notice-divert', `也可自助办理：${divert.self_service.join('、')}`));
    }
    box.replaceChildren(...parts);
    box.hidden = parts.length === 0;
    const banner = (notice && notice.banner) || '';
    if (banner && banner !== spokenBanner && notice.voice && window.speechSynthesis) {
      try {
        const u = new SpeechSynthesisUtterance(banner);
        u.lang = 'zh-CN';
        window.speechSynthesis.speak(u);
      } catch { /* no voice on this device */ }
    }
    spokenBanner = banner;
  }

  const reply = (id, outcome) => api('POST', `/api/v1/commands/${id}/reply`, outcome);

  /** Carries out one control command and answers it (an answer that cannot be sent lets the command expire at the node). */
  async function obey(order, onMessage) {
    if (!order || typeof order.id !== 'number' || !order.action) return;
    const action = order.action;
    try {
      if (action.kind === 'reload') {
        await reply(order.id, { outcome: 'done' });
        location.reload();
      } else if (action.kind === 'show_message' && onMessage) {
        onMessage(String(action.text), Number(action.seconds) || 10);
        await reply(order.id, { outcome: 'done' });
      } else {
        await reply(order.id, { outcome: 'refused', reason: '本页面不支持这个命令' });
      }
    } catch (e) {
      console.warn('command', order.id, e.message);
    }
  }

  return { token, params, $, el, screen, hhmm, dateText, clock, showError, clearError, api, start };
})();
