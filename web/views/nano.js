// Nano-tasks: buyers buy coins through Stripe Checkout, post tasks (escrowed) and approve work;
// workers submit and withdraw; admins decide withdrawals.

import * as api from '../api.js';
import { h, fill, form, section, list, badge, money, when, attempt, ok, localInput, instant } from '../ui.js';
import { num } from './tickets.js';

export async function render(el) {
  const parts = [h('h1', 'Nano-tasks')];
  const params = new URLSearchParams(location.search);
  if (params.get('checkout') === 'success') parts.push(h('p.ok#checkout-back', { role: 'status' }, 'Payment done: your coins appear as soon as Stripe confirms it.'));
  if (params.get('checkout') === 'cancel') parts.push(h('p.problem', 'Checkout cancelled: nothing was charged.'));
  if (api.hasRole('buyer', 'worker', 'admin')) parts.push(section('Wallet', h('div#wallet')));
  if (api.hasRole('buyer')) parts.push(buyerPanel());
  if (api.hasRole('worker')) parts.push(section('Open tasks', h('div#open-tasks')), section('My submissions', h('div#my-submissions')), withdrawPanel());
  if (api.hasRole('admin')) parts.push(section('Withdrawals to decide', h('div#withdrawal-queue')));
  if (parts.length === 1) parts.push(h('p.empty', 'Buyers post small paid tasks; workers do them for coins. Sign up as one of them.'));
  fill(el, ...parts);
  await Promise.all([
    api.hasRole('buyer', 'worker', 'admin') && loadWallet(el),
    api.hasRole('buyer') && loadPackages(el), api.hasRole('buyer') && loadMyTasks(el),
    api.hasRole('worker') && loadOpen(el), api.hasRole('worker') && loadSubmissions(el), api.hasRole('worker') && loadWithdrawals(el),
    api.hasRole('admin') && loadQueue(el),
  ]);
}

async function loadWallet(view) {
  const w = await api.get('/nano/wallet');
  fill(view.querySelector('#wallet'),
    h('p.balance', h('strong#coin-balance', `${w.balance} coins`), w.held ? ` (${w.held} held for withdrawals)` : ''),
    h('p.muted', `bought ${w.bought} · earned ${w.earned} · in escrow ${w.escrowed} · refunded ${w.refunded}`),
    h('button.secondary', { type: 'button', onclick: () => loadWallet(view) }, 'Refresh'));
}

function buyerPanel() {
  const done = h('div');
  return section('Buyer',
    h('h3', 'Buy coins'), h('div#packages'),
    h('h3', 'Post a task'),
    form({
      id: 'new-task', submit: 'Post task',
      fields: [
        { name: 'title', label: 'Title' }, { name: 'detail', label: 'What to do', type: 'textarea' },
        { name: 'instructions', label: 'What to hand in', type: 'textarea' },
        { name: 'required_workers', label: 'Workers needed', type: 'number', value: 1, min: 1 },
        { name: 'coins_per_worker', label: 'Coins per worker', type: 'number', value: 10, min: 1 },
        { name: 'complete_by', label: 'Complete by', type: 'datetime-local', value: localInput(7) },
      ],
      onSubmit: async (v, formEl) => {
        const t = await api.post('/nano/tasks', { ...v, required_workers: num(v.required_workers), coins_per_worker: num(v.coins_per_worker), complete_by: instant(v.complete_by) });
        fill(done, ok(`Posted “${t.title}”: ${t.escrow} coins held in escrow.`));
        await Promise.all([loadMyTasks(formEl.closest('.view')), loadWallet(formEl.closest('.view'))]);
      },
    }), done,
    h('h3', 'My tasks'), h('div#my-tasks'));
}

async function loadPackages(view) {
  const packages = await api.get('/nano/coin-packages');
  const problem = h('div');
  fill(view.querySelector('#packages'), h('div.row', (packages.items || packages).map((p) => h('button', {
    type: 'button', dataset: { package: p.name },
    onclick: () => attempt(problem, async () => {
      const session = await api.post('/nano/checkout', { package: p.name });
      location.assign(session.url); // Stripe Checkout (locally: the stand-in's page), then back here
    }),
  }, `${p.coins} coins for ${money(p.price_cents, 'USD')}`))), problem);
}

async function loadMyTasks(view) {
  const page = await api.get('/nano/tasks/mine?limit=20');
  fill(view.querySelector('#my-tasks'), list(page.items, (t) => {
    const subs = h('div');
    const problem = h('div');
    return [
      h('h3', t.title), ' ', badge(t.status),
      h('p.muted', `${t.filled} of ${t.required} filled · ${t.pending} waiting · ${t.coins} coins each · escrow ${t.escrow}`),
      h('div.row',
        h('button.secondary', { type: 'button', onclick: () => attempt(subs, () => submissions(view, subs, t)) }, 'Submissions'),
        t.status === 'open' && h('button.danger', { type: 'button', onclick: () => attempt(problem, async () => { await api.del(`/nano/tasks/${t.task_id}`); await Promise.all([loadMyTasks(view), loadWallet(view)]); }) }, 'Delete (refund)')),
      subs, problem,
    ];
  }, 'No tasks posted yet.'));
}

async function submissions(view, where, task) {
  const page = await api.get(`/nano/tasks/${task.task_id}/submissions?limit=50`);
  fill(where, list(page.items, (s) => {
    const problem = h('div');
    const decide = (what) => attempt(problem, async () => { await api.post(`/nano/tasks/${task.task_id}/submissions/${s.worker_id}/${what}`); await Promise.all([submissions(view, where, task), loadWallet(view)]); });
    return [badge(s.status), ' ', h('span.proof', s.proof), h('span.muted', ` · ${when(s.created_at)}`),
      s.status === 'pending' && h('div.row', h('button', { type: 'button', onclick: () => decide('approve') }, 'Approve'), h('button.danger', { type: 'button', onclick: () => decide('reject') }, 'Reject')),
      problem];
  }, 'No submissions yet.'));
}

async function loadOpen(view) {
  const page = await api.get('/nano/tasks?limit=20');
  fill(view.querySelector('#open-tasks'), list(page.items, (t) => [
    h('h3', t.title), h('p', t.detail), h('p.muted', `Hand in: ${t.instructions}`),
    h('p', h('strong', `${t.coins} coins`), ` · ${t.slots_left} slot(s) left · by ${when(t.complete_by)}`),
    form({
      id: `submit-${t.task_id}`, submit: 'Submit work',
      fields: [{ name: 'proof', label: 'Your proof', type: 'textarea', rows: 2 }],
      onSubmit: async (v, formEl) => { await api.post(`/nano/tasks/${t.task_id}/submissions`, v); formEl.replaceWith(ok('Submitted. The buyer will review it.')); await loadSubmissions(view); },
    }),
  ], 'No open tasks right now.'));
}

async function loadSubmissions(view) {
  const page = await api.get('/nano/submissions?limit=20');
  fill(view.querySelector('#my-submissions'), list(page.items, (s) => [h('strong', s.task_title), ' ', badge(s.status), h('p.muted', `${s.coins} coins · ${when(s.created_at)}`)], 'No submissions yet.'));
}

function withdrawPanel() {
  const done = h('div');
  return section('Withdraw coins',
    h('p.hint', 'At least 200 coins; 20 coins are one dollar.'),
    form({
      id: 'withdraw', submit: 'Request withdrawal',
      fields: [{ name: 'coins', label: 'Coins', type: 'number', value: 200 }, { name: 'payment_system', label: 'Payment system', value: 'paypal' }, { name: 'account', label: 'Account' }],
      onSubmit: async (v, formEl) => { await api.post('/nano/withdrawals', { ...v, coins: num(v.coins) }); fill(done, ok('Withdrawal requested.')); await Promise.all([loadWithdrawals(formEl.closest('.view')), loadWallet(formEl.closest('.view'))]); },
    }), done, h('div#my-withdrawals'));
}

async function loadWithdrawals(view) {
  const page = await api.get('/nano/withdrawals?limit=20');
  fill(view.querySelector('#my-withdrawals'), list(page.items, (w) => [h('strong', `${w.coins} coins → ${money(w.amount_cents, 'USD')}`), ' ', badge(w.status), h('p.muted', `${w.payment_system} ${w.account} · ${when(w.created_at)}`)], 'No withdrawals yet.'));
}

async function loadQueue(view) {
  const page = await api.get('/nano/admin/withdrawals?limit=20');
  fill(view.querySelector('#withdrawal-queue'), list(page.items, (w) => {
    const problem = h('div');
    const decide = (what) => attempt(problem, async () => { await api.post(`/nano/admin/withdrawals/${w.withdrawal_id}/${what}`, {}); await loadQueue(view); });
    return [h('strong', `${w.coins} coins → ${money(w.amount_cents, 'USD')}`), ' ', badge(w.status), h('p.muted', `${w.user_id} · ${w.payment_system} ${w.account}`),
      w.status === 'pending' && h('div.row', h('button', { type: 'button', onclick: () => decide('approve') }, 'Approve'), h('button.danger', { type: 'button', onclick: () => decide('reject') }, 'Reject')),
      problem];
  }, 'Nothing to decide.'));
}
