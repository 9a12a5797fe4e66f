// Prize bonds: my bonds (many at once), my wins, draws and "did this number win";
// broker requests and the store directory; admins upload winning lists and decide requests.

import * as api from '../api.js';
import { h, fill, place, form, section, list, badge, when, attempt, ok, pager } from '../ui.js';
import { num } from './tickets.js';

const DENOMINATIONS = [100, 200, 750, 1500, 7500, 15000, 25000, 40000];

export async function render(el) {
  const parts = [h('h1', 'Prize bonds')];
  if (api.signedIn()) parts.push(h('div.grid', bondsPanel(), section('My wins', h('div#my-wins'))));
  parts.push(drawsPanel());
  if (api.hasRole('admin')) parts.push(uploadPanel(), section('Broker requests to decide', h('div#broker-queue')));
  if (api.signedIn()) parts.push(brokerPanel());
  parts.push(section('Broker stores', h('div#stores')));
  fill(el, ...parts);
  await Promise.all([
    api.signedIn() && loadBonds(el), api.signedIn() && loadWins(el), loadDraws(el), loadStores(el),
    api.hasRole('admin') && loadQueue(el), api.signedIn() && loadMyRequests(el),
  ]);
}

function bondsPanel() {
  const done = h('div');
  return section('My bonds',
    form({
      id: 'add-bonds', submit: 'Add bonds',
      fields: [
        { name: 'denomination', label: 'Denomination (Rs.)', type: 'select', options: DENOMINATIONS.map(String), value: '750' },
        { name: 'numbers', label: 'Numbers (6 digits each; separate with spaces, commas or new lines)', type: 'textarea', placeholder: '000123 654321' },
      ],
      onSubmit: async (v, formEl) => {
        const numbers = v.numbers.split(/[\s,;]+/).filter(Boolean);
        const added = await api.post('/bonds', { denomination: num(v.denomination), numbers });
        fill(done, ok(`Added ${added.added.length} bond(s).` +
          (added.already_registered.length ? ` Already yours: ${added.already_registered.join(', ')}.` : '') +
          (added.past_wins.length ? ` Won before: ${added.past_wins.map((w) => w.number).join(', ')}!` : '')));
        formEl.reset();
        await Promise.all([loadBonds(formEl.closest('.view')), loadWins(formEl.closest('.view'))]);
      },
    }),
    done, h('div#my-bonds'));
}

async function loadBonds(view, cursor, into) {
  const where = view.querySelector('#my-bonds');
  const page = await api.get('/bonds' + api.query({ cursor, limit: 100 }));
  if (!into && page.items.length === 0) { fill(where, h('p.empty', 'No bonds yet.')); return; }
  const target = into || place(where, h('ul.chips.bonds'));
  for (const b of page.items) {
    const problem = h('span');
    target.append(h('li.chip', `Rs. ${b.denomination} · `, h('strong', b.number),
      h('button.link', { type: 'button', 'aria-label': `Remove ${b.number}`, onclick: () => attempt(problem, async () => { await api.del(`/bonds/${b.id}`); await loadBonds(view); }) }, '×'), problem));
  }
  const more = pager(page.next_cursor, (next) => { more.remove(); loadBonds(view, next, target); });
  if (more) where.append(more);
}

async function loadWins(view) {
  const page = await api.get('/wins?limit=50');
  fill(view.querySelector('#my-wins'), list(page.items, (w) => [
    h('strong.win', `${w.number} won the ${w.tier} prize`), h('p', `Rs. ${w.amount.toLocaleString()} · draw of Rs. ${w.denomination} on ${w.draw_date}`),
  ], 'No wins yet.'));
}

function drawsPanel() {
  const result = h('div#lookup-result');
  return section('Draws',
    h('div#draws'),
    h('h3', 'Did this number win?'),
    form({
      id: 'lookup', submit: 'Check', inline: true,
      fields: [{ name: 'draw', label: 'Draw', type: 'select', options: [] }, { name: 'number', label: 'Number', placeholder: '123456' }],
      onSubmit: async (v) => {
        fill(result);
        const answer = await api.get(`/draws/${encodeURIComponent(v.draw)}/numbers/${encodeURIComponent(v.number)}`, { auth: false });
        fill(result, answer.won
          ? h('p.ok.win', { role: 'status' }, `Yes! ${answer.number} won the ${answer.tier} prize: Rs. ${answer.amount.toLocaleString()}.`)
          : h('p.muted', { role: 'status' }, `No, ${answer.number} did not win in this draw.`));
      },
    }),
    result);
}

async function loadDraws(view) {
  const page = await api.get('/draws?limit=50', { auth: false });
  fill(view.querySelector('#draws'), list(page.items, (d) => [
    h('strong', `Rs. ${d.denomination ?? '?'} · ${d.date ?? 'undated'}`), ' ', badge(d.status),
    d.status === 'done' && h('p.muted', `${d.numbers} numbers · ${d.wins} registered win(s)`),
  ], 'No draws stored yet.'));
  const select = view.querySelector('#lookup select[name=draw]');
  fill(select, page.items.filter((d) => d.status === 'done').map((d) => h('option', { value: d.id }, `Rs. ${d.denomination} · ${d.date}`)));
}

const SAMPLE = `DRAW OF Rs. 750/- PRIZE BOND
Held at: KARACHI   Date: 15/01/2026
First Prize of Rs. 1,500,000/-
   123456
Second Prize of Rs. 500,000/- Each
   234567   345678   456789
Third Prize of Rs. 9,300/- Each
  111111  222222  333333`;

function uploadPanel() {
  const status = h('div#upload-status');
  const text = h('textarea#draw-text', { name: 'list', rows: 8, placeholder: SAMPLE });
  const file = h('input', { type: 'file', accept: 'text/plain', 'aria-label': 'List file' });
  file.addEventListener('change', async () => { if (file.files[0]) text.value = await file.files[0].text(); });
  return section('Upload a winning list',
    h('p.hint', 'Paste the official list (or pick its text file): the heading “DRAW OF Rs. …”, a dd/mm/yyyy date, and the prize numbers.'),
    file, text,
    h('div.row', h('button#upload-draw', {
      type: 'button',
      onclick: (e) => attempt(status, async () => {
        const draw = await api.call('POST', '/draws', { body: text.value, type: 'text/plain' });
        watch(e.target.closest('.view'), status, draw);
      }),
    }, 'Upload list'), h('button.secondary', { type: 'button', onclick: () => { text.value = SAMPLE; } }, 'Use a sample')),
    status);
}

/** Shows the draw's status until it leaves `pending`. */
async function watch(view, where, draw) {
  for (let i = 0; draw.status === 'pending' && i < 120; i++) {
    fill(where, h('p.draw-status', 'List uploaded: ', badge(draw.status), ' (checking every second)'));
    await new Promise((r) => setTimeout(r, 1000));
    draw = await api.get(`/draws/${draw.id}`);
  }
  fill(where, h('p.draw-status', 'List ', badge(draw.status),
    draw.status === 'done' ? `: ${draw.numbers} numbers, ${draw.wins} registered win(s).` : `: ${draw.reason || ''}`));
  await loadDraws(view);
  if (view.querySelector('#my-wins')) await loadWins(view);
}

function brokerPanel() {
  const done = h('div');
  const parts = [h('div#my-requests'),
    h('details#broker-box', h('summary', 'Become a broker'), form({
      id: 'broker-request', submit: 'Send request',
      fields: [{ name: 'experience', label: 'Experience', type: 'textarea' }, { name: 'description', label: 'About you and your business', type: 'textarea' }],
      onSubmit: async (v, formEl) => { await api.post('/broker-requests', v); fill(done, ok('Request sent. An admin will decide.')); await loadMyRequests(formEl.closest('.view')); },
    }), done)];
  if (api.hasRole('broker')) parts.push(h('details#my-store-box', h('summary', 'My store'), h('div#my-store')));
  return section('Brokers', ...parts);
}

async function loadMyRequests(view) {
  const page = await api.get('/broker-requests/mine');
  const items = page.items || page;
  fill(view.querySelector('#my-requests'), items.length ? list(items, (r) => {
    const problem = h('div');
    return [h('strong', 'Broker request '), badge(r.status), h('p.muted', when(r.created_at)), r.reason && h('p', r.reason),
      r.status === 'pending' && h('button.secondary', { type: 'button', onclick: () => attempt(problem, async () => { await api.post(`/broker-requests/${r.id}/withdraw`); await loadMyRequests(view); }) }, 'Withdraw'),
      problem];
  }) : null);
  const store = view.querySelector('#my-store');
  if (store) await loadMyStore(view, store);
}

async function loadMyStore(view, where) {
  let mine = {};
  try { mine = await api.get('/stores/mine'); } catch (e) { if (e.status !== 404) throw e; }
  const done = h('div');
  fill(where, form({
    id: 'store', submit: 'Save store',
    fields: [['name', 'Store name'], ['description', 'About the store'], ['city', 'City'], ['area', 'Area'], ['phone', 'Phone (7 to 15 digits)'], ['email', 'E-mail']]
      .map(([name, label]) => ({ name, label, value: mine[name] || '' })),
    onSubmit: async (v) => { await api.put('/stores/mine', v); fill(done, ok('Store saved.')); await loadStores(view); },
  }), done);
}

async function loadStores(view, city = '') {
  const page = await api.get('/stores' + api.query({ city, limit: 50 }), { auth: false });
  fill(view.querySelector('#stores'), list(page.items, (s) => [
    h('strong', s.name), h('p.muted', `${s.area}, ${s.city}`), h('p', s.description), h('p', `${s.phone} · ${s.email}`),
  ], 'No broker stores yet.'));
}

async function loadQueue(view) {
  const page = await api.get('/admin/broker-requests?limit=10');
  fill(view.querySelector('#broker-queue'), list(page.items, (r) => {
    const problem = h('div');
    const reason = h('input', { name: 'reason', placeholder: 'Reason (needed to reject)', 'aria-label': 'Reason' });
    const decide = (what) => attempt(problem, async () => {
      await api.post(`/admin/broker-requests/${r.id}/${what}`, reason.value.trim() ? { reason: reason.value.trim() } : {});
      await loadQueue(view);
    });
    return [h('strong', `Request from ${r.user_id}`), ' ', badge(r.status), h('p', r.experience), h('p.muted', r.description),
      h('div.row', reason, h('button', { type: 'button', onclick: () => decide('approve') }, 'Approve'),
        h('button.danger', { type: 'button', onclick: () => decide('reject') }, 'Reject')), problem];
  }, 'No requests waiting.'));
}
