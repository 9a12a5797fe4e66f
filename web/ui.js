// Small DOM helpers: elements, forms that show problem+json field by field, lists, money.

import { Problem } from './api.js';

/** h('tag.class#id', {attrs}, ...children) */
export function h(spec, attrs, ...children) {
  if (attrs === null || typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs)) {
    if (attrs !== undefined) children.unshift(attrs);
    attrs = {};
  }
  const [, tag = 'div', rest = ''] = spec.match(/^([a-z0-9]*)(.*)$/i);
  const el = document.createElement(tag || 'div');
  for (const part of rest.match(/[.#][^.#]+/g) || []) {
    if (part[0] === '.') el.classList.add(part.slice(1)); else el.id = part.slice(1);
  }
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && k !== 'list' && k !== 'form') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of `el`. */
export function fill(el, ...children) { el.replaceChildren(); append(el, children); return el; }

/** A box showing an error: a Problem's title, detail and any field errors no input claimed. */
export function problemBox(error, unclaimed = null) {
  if (!(error instanceof Problem)) {
    return h('div.problem', { role: 'alert' }, h('strong', 'Something went wrong'), h('p', String(error && error.message || error)));
  }
  const rest = unclaimed ?? error.errors;
  return h('div.problem', { role: 'alert' },
    h('strong', error.title),
    error.detail && h('p', error.detail),
    rest.length > 0 && h('ul', rest.map((e) => h('li', e.field ? `${e.field}: ${e.message}` : e.message))));
}

/** Runs `action`; shows its Problem in `where` (replacing what was there). */
export async function attempt(where, action) {
  fill(where);
  try { return await action(); } catch (error) { fill(where, problemBox(error)); return undefined; }
}

/**
 * A form. fields: [{name, label, type?, value?, options?, required?, placeholder?, hint?, step?, min?}]
 * onSubmit(values, formEl) may throw a Problem: its field errors appear under their inputs.
 */
export function form({ fields, submit, onSubmit, id, inline = false }) {
  const status = h('div.form-status', { 'aria-live': 'polite' });
  const inputs = {};
  const rows = fields.map((f) => {
    let input;
    const common = { name: f.name, id: `${id || 'f'}-${f.name}`, required: !!f.required, placeholder: f.placeholder || '' };
    if (f.type === 'select') {
      input = h('select', common, f.options.map((o) => {
        const [value, label] = Array.isArray(o) ? o : [o, o];
        return h('option', { value, selected: String(f.value ?? '') === String(value) }, label);
      }));
    } else if (f.type === 'textarea') {
      input = h('textarea', { ...common, rows: f.rows || 3 }, f.value ?? '');
    } else if (f.type === 'checkbox') {
      input = h('input', { ...common, type: 'checkbox', checked: !!f.value });
    } else {
      input = h('input', { ...common, type: f.type || 'text', value: f.value ?? '', step: f.step, min: f.min, autocomplete: f.autocomplete });
    }
    inputs[f.name] = input;
    return h('label.field', { dataset: { field: f.name } },
      h('span.label', f.label), input, f.hint && h('small.hint', f.hint), h('small.field-error', { role: 'alert' }));
  });
  const button = h('button', { type: 'submit' }, submit);
  const el = h(`form${inline ? '.inline' : ''}`, { id, novalidate: true }, rows, status, button);
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const e of el.querySelectorAll('.field-error')) e.textContent = '';
    for (const e of el.querySelectorAll('.field.invalid')) e.classList.remove('invalid');
    fill(status);
    const values = {};
    for (const f of fields) {
      const input = inputs[f.name];
      values[f.name] = f.type === 'checkbox' ? input.checked : input.value;
    }
    button.disabled = true;
    try {
      await onSubmit(values, el);
    } catch (error) {
      const unclaimed = [];
      for (const e of (error instanceof Problem ? error.errors : [])) {
        const key = String(e.field || '').split(/[.[]/)[0];
        const row = el.querySelector(`.field[data-field="${CSS.escape(key)}"]`);
        if (row) {
          row.classList.add('invalid');
          const slot = row.querySelector('.field-error');
          slot.textContent = slot.textContent ? `${slot.textContent}; ${e.message}` : e.message;
        } else unclaimed.push(e);
      }
      fill(status, problemBox(error, unclaimed));
    } finally {
      button.disabled = false;
    }
  });
  return el;
}

/** A notice that something worked. */
export const ok = (text) => h('p.ok', { role: 'status' }, text);

export function money(minor, currency = '') {
  if (minor === undefined || minor === null) return '';
  const value = (Number(minor) / 100).toFixed(2);
  return currency ? `${value} ${currency}` : value;
}

export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A card list of items; `render(item)` gives a card's body. */
export function list(items, render, empty = 'Nothing here yet.') {
  if (!items || items.length === 0) return h('p.empty', empty);
  return h('ul.cards', items.map((item) => h('li.card', render(item))));
}

/** A section with a heading. */
export const section = (title, ...body) => h('section.panel', h('h2', title), ...body);

/** A "Load more" button for `{items, next_cursor}` pages. */
export function pager(next, load) {
  if (!next) return null;
  return h('button.secondary', { type: 'button', onclick: () => load(next) }, 'Load more');
}

/** A small status badge. */
export const badge = (text) => h(`span.badge.s-${String(text).replace(/[^a-z_]/gi, '')}`, String(text));

/** Local datetime input value (yyyy-mm-ddThh:mm) `days` from now. */
export function localInput(days) {
  const d = new Date(Date.now() + days * 86400e3);
  d.setSeconds(0, 0);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
/** A datetime-local value as an RFC 3339 UTC instant. */
export const instant = (local) => (local ? new Date(local).toISOString() : local);

/** Makes `child` the only content of `where`, and answers the child (to append to later). */
export function place(where, child) { fill(where, child); return child; }
