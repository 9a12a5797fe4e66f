// Administration: users (roles, disable/enable) and the audit trail.

import * as api from '../api.js';
import { h, fill, place, section, badge, attempt, when, pager } from '../ui.js';

export const ROLES = ['member', 'customer', 'organizer', 'student', 'buyer', 'worker', 'broker', 'mess_owner', 'shop_staff', 'admin'];

/** Who an id is, as far as the users listed so far tell. */
const known = new Map();
const who = (id) => known.get(id) || id;

export async function render(el) {
  const users = h('div#users');
  const audit = h('div#audit');
  const filter = h('select#role-filter', { onchange: () => loadUsers(users, filter.value) },
    h('option', { value: '' }, 'every role'), ROLES.map((r) => h('option', { value: r }, r)));
  fill(el, h('h1', 'Admin'),
    section('Users', h('label.field.inline', h('span.label', 'Show'), filter), users),
    section('Audit trail', audit));
  await loadUsers(users, '');
  await loadAudit(audit);
}

async function loadUsers(el, role, cursor, into) {
  const page = await api.get('/admin/users' + api.query({ role, cursor, limit: 50 }));
  const target = into || place(el, h('ul.cards.users'));
  for (const user of page.items) {
    known.set(user.id, user.email);
    target.append(h('li.card', userCard(user)));
  }
  const more = pager(page.next_cursor, (next) => { more.remove(); loadUsers(el, role, next, target); });
  if (more) el.append(more);
}

function userCard(user) {
  const card = h('div.user', { dataset: { email: user.email } });
  const problem = h('div');
  const draw = (u) => {
    const grant = h('select', { name: 'role', 'aria-label': `Role for ${u.email}` },
      ROLES.filter((r) => !u.roles.includes(r)).map((r) => h('option', { value: r }, r)));
    const act = (fn) => attempt(problem, async () => draw(await fn()));
    fill(card,
      h('div.row', h('strong', u.display_name), h('span.muted', u.email), badge(u.status)),
      h('div.row.roles', u.roles.map((r) => h('span.chip', badge(r),
        h('button.link', { type: 'button', title: `Revoke ${r}`, 'aria-label': `Revoke ${r}`, onclick: () => act(() => api.del(`/admin/users/${u.id}/roles/${r}`)) }, '×')))),
      h('div.row',
        grant, h('button.grant', { type: 'button', onclick: () => act(() => api.put(`/admin/users/${u.id}/roles/${grant.value}`)) }, 'Grant'),
        u.status === 'disabled'
          ? h('button.secondary', { type: 'button', onclick: () => act(() => api.post(`/admin/users/${u.id}/enable`)) }, 'Enable')
          : h('button.secondary', { type: 'button', onclick: () => act(() => api.post(`/admin/users/${u.id}/disable`)) }, 'Disable')),
      problem);
  };
  draw(user);
  return card;
}

async function loadAudit(el, cursor, into) {
  const page = await api.get('/admin/audit' + api.query({ cursor, limit: 20 }));
  const target = into || fill(el, h('table.audit', h('thead', h('tr', ['When', 'Who', 'What', 'Whom', 'Detail'].map((t) => h('th', t)))), h('tbody')));
  const body = target.querySelector('tbody');
  for (const r of page.items) body.append(h('tr', h('td', when(r.at)), h('td', who(r.actor)), h('td', r.action.replace(/_/g, ' ')), h('td', who(r.target)), h('td', r.detail || '')));
  if (page.items.length === 0 && !cursor) fill(el, h('p.empty', 'Nothing recorded yet.'));
  const more = pager(page.next_cursor, (next) => { more.remove(); loadAudit(el, next, target); });
  if (more) el.append(more);
}
