// The only door to the API: bearer access token, one refresh on a 401, problem+json errors.
// The API origin is same-origin unless config.js (written when publishing) names another.

const STORE = 'bazaar.session';
export const API = (globalThis.BAZAAR_API || '').replace(/\/$/, '');

/** An answer that was not 2xx, read from its problem+json body. */
export class Problem extends Error {
  constructor(status, body) {
    const title = (body && body.title) || `HTTP ${status}`;
    super(title);
    this.status = status;
    this.title = title;
    this.detail = (body && body.detail) || '';
    this.errors = (body && Array.isArray(body.errors)) ? body.errors : [];
    this.type = body && body.type;
  }
}

let session = read();
let refreshing = null;
const listeners = new Set();

function read() {
  try { return JSON.parse(localStorage.getItem(STORE)) || null; } catch { return null; }
}
function save(next) {
  session = next;
  if (next) localStorage.setItem(STORE, JSON.stringify(next)); else localStorage.removeItem(STORE);
  listeners.forEach((f) => f(next));
}

export const onSession = (f) => listeners.add(f);
export const signedIn = () => !!session;

/** The access token's claims (roles, sub); the server checks them, the page only decides what to show. */
export function claims() {
  if (!session) return null;
  try {
    const part = session.access.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part));
  } catch { return null; }
}
export const hasRole = (...roles) => {
  const mine = (claims() || {}).roles || [];
  return roles.some((r) => mine.includes(r));
};

async function refresh() {
  if (!session) return false;
  refreshing ||= (async () => {
    const response = await fetch(API + '/auth/refresh', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: session.refresh }),
    });
    if (!response.ok) { save(null); return false; }
    const pair = await response.json();
    save({ access: pair.access_token, refresh: pair.refresh_token });
    return true;
  })().finally(() => { refreshing = null; });
  return refreshing;
}

/** Renews the access token now (after an admin changed this account's roles). */
export const renew = () => refresh();

/**
 * One request. `body` is sent as JSON unless it is a Blob/File/string (sent as is, with `type`).
 * Answers the parsed JSON (or null for 204); throws a Problem otherwise.
 */
export async function call(method, path, { body, type, auth = true, headers = {} } = {}) {
  const send = async () => {
    const h = { ...headers };
    let payload;
    if (body instanceof Blob || typeof body === 'string') {
      payload = body;
      h['content-type'] = type || body.type || 'application/octet-stream';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    if (auth && session) h.authorization = `Bearer ${session.access}`;
    return fetch(API + path, { method, headers: h, body: payload });
  };
  let response = await send();
  if (response.status === 401 && auth && session && path !== '/auth/logout') {
    if (await refresh()) response = await send();
  }
  const text = await response.text();
  let json = null;
  if (text) { try { json = JSON.parse(text); } catch { json = { detail: text }; } }
  if (!response.ok) throw new Problem(response.status, json);
  return json;
}

export const get = (path, opts) => call('GET', path, opts);
export const post = (path, body, opts = {}) => call('POST', path, { ...opts, body: body ?? {} });
export const put = (path, body, opts = {}) => call('PUT', path, { ...opts, body });
export const patch = (path, body, opts = {}) => call('PATCH', path, { ...opts, body });
export const del = (path, opts) => call('DELETE', path, opts);

export async function signIn(email, password) {
  const pair = await call('POST', '/auth/login', { body: { email, password }, auth: false });
  save({ access: pair.access_token, refresh: pair.refresh_token });
}

/** Revokes the session on the server, then forgets it here whatever the answer. */
export async function signOut() {
  try { await call('POST', '/auth/logout', { body: {} }); } catch { /* already ended */ }
  save(null);
}

/** A query string from the non-empty fields of `params`. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
