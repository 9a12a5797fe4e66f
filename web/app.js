// The console's shell: a hash router, the navigation, and who is signed in.

import * as api from './api.js';
import { h, fill } from './ui.js';
import * as account from './views/account.js';
import * as tickets from './views/tickets.js';
import * as bonds from './views/bonds.js';
import * as shop from './views/shop.js';
import * as mess from './views/mess.js';
import * as nano from './views/nano.js';
import * as admin from './views/admin.js';

const views = {
  account: { label: 'Account', view: account },
  events: { label: 'Events', view: tickets },
  bonds: { label: 'Bonds', view: bonds },
  shop: { label: 'Shop', view: shop },
  mess: { label: 'Mess', view: mess },
  nano: { label: 'Nano', view: nano },
  admin: { label: 'Admin', view: admin, role: 'admin' },
};

const main = document.getElementById('main');

function current() {
  const [, name = 'account', ...rest] = location.hash.split('/');
  return { name: views[name] ? name : 'account', rest };
}

function nav() {
  const { name } = current();
  const items = Object.entries(views)
    .filter(([, v]) => !v.role || api.hasRole(v.role))
    .map(([key, v]) => h('a', { href: `#/${key}`, 'aria-current': key === name ? 'page' : false }, v.label));
  fill(document.getElementById('nav'), items);
  const claims = api.claims();
  fill(document.getElementById('who'), claims
    ? h('button.link#sign-out', { type: 'button', onclick: signOut }, 'Sign out')
    : h('a', { href: '#/account' }, 'Sign in'));
}

async function signOut() {
  await api.signOut();
  location.hash = '#/account';
  render();
}

let rendering = 0;
export async function render() {
  const ticket = ++rendering;
  nav();
  const { name, rest } = current();
  const section = h('div.view', { id: `view-${name}` });
  fill(main, section);
  try {
    await views[name].view.render(section, { rest, rerender: render });
    section.dataset.ready = 'true'; // everything on the screen is loaded
  } catch (error) {
    if (ticket === rendering) fill(section, h('div.problem', { role: 'alert' }, h('strong', error.title || 'Something went wrong'), h('p', error.detail || String(error.message || error))));
  }
}

api.onSession(() => nav());
window.addEventListener('hashchange', render);
render();
