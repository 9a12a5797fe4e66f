// Mess tokens: owners run a mess (join code, dashboard, submissions); students join, buy tokens
// through Razorpay, set a PIN and redeem tokens at the counter.

import * as api from '../api.js';
import { h, fill, form, section, list, badge, money, when, attempt, ok } from '../ui.js';
import { num } from './tickets.js';

export async function render(el) {
  const parts = [h('h1', 'Mess tokens')];
  if (api.hasRole('student')) parts.push(h('div#student'));
  if (api.hasRole('mess_owner')) parts.push(ownerPanel());
  if (!api.hasRole('student', 'mess_owner')) parts.push(h('p.empty', 'Students buy and redeem meal tokens here; mess owners run their mess. Ask an admin for the role you need.'));
  fill(el, ...parts);
  await Promise.all([api.hasRole('student') && loadStudent(el), api.hasRole('mess_owner') && loadMesses(el)]);
}

async function loadStudent(view) {
  const where = view.querySelector('#student');
  let mess;
  try { mess = await api.get('/mess/me'); } catch (e) { if (e.status !== 404) throw e; }
  if (!mess) {
    fill(where, section('Join your mess', h('p', 'Your mess owner gives you a join code.'), form({
      id: 'join-mess', submit: 'Join', inline: true, fields: [{ name: 'code', label: 'Join code' }],
      onSubmit: async (v) => { await api.post('/mess/join', v); await loadStudent(view); },
    })));
    return;
  }
  const balance = await api.get('/mess/balance');
  const bought = h('div');
  const redeemed = h('div');
  fill(where,
    h('div.grid',
      section(mess.name,
        h('p.muted', mess.address),
        h('p.balance', h('strong#token-balance', `${balance.tokens} token(s)`), balance.next_expiry ? ` · next expiry ${when(balance.next_expiry)}` : ''),
        h('p', `${money(mess.price_minor, mess.currency)} per token`)),
      section('Buy tokens', form({
        id: 'buy-tokens', submit: 'Buy and pay', inline: true,
        fields: [{ name: 'tokens', label: 'Tokens', type: 'number', value: 5, min: 1 }],
        onSubmit: async (v) => {
          const order = await api.post('/mess/orders', { tokens: num(v.tokens) });
          fill(bought, h('p', `Order for ${order.tokens} token(s): ${money(order.amount_minor, order.currency)}. Paying…`));
          const answer = await razorpayCheckout(order);
          await api.post(`/mess/orders/${order.id}/verify`, answer);
          fill(bought, ok(`Paid: ${order.tokens} token(s) added.`));
          await loadStudent(view);
          view.querySelector('#student').append(ok(`Paid: ${order.tokens} token(s) added.`));
        },
      }), bought,
      h('p.hint', 'Locally the payment goes to the Razorpay stand-in of the dev server.'))),
    h('div.grid',
      section('Redeem at the counter',
        form({
          id: 'redeem', submit: 'Redeem', inline: true,
          fields: [{ name: 'count', label: 'Tokens', type: 'number', value: 1, min: 1 }, { name: 'pin', label: 'PIN', type: 'password', autocomplete: 'off' }],
          onSubmit: async (v) => {
            const s = await api.post('/mess/redemptions', { count: num(v.count), pin: v.pin }, { headers: { 'idempotency-key': crypto.randomUUID() } });
            await loadStudent(view);
            view.querySelector('#student').append(ok(`Redeemed ${s.count} token(s).`));
          },
        }), redeemed,
        h('details', h('summary', 'Set or change my PIN'), form({
          id: 'pin', submit: 'Save PIN', inline: true, fields: [{ name: 'pin', label: 'New PIN (6 digits)', type: 'password', autocomplete: 'off' }],
          onSubmit: async (v, formEl) => { await api.put('/mess/me/pin', v); formEl.append(ok('PIN saved.')); },
        }))),
      section('History', h('div#mess-history'))));
  await loadHistory(view);
}

/**
 * The checkout's part of a Razorpay payment: answers what Razorpay Checkout hands the page
 * (order id, payment id, signature) for our verify route. Against the dev server its Razorpay
 * stand-in pays the order; against a deployed API, Razorpay's own Checkout opens.
 */
async function razorpayCheckout(order) {
  const standIn = `${api.API}/_local/razorpay`;
  if ((await fetch(standIn).catch(() => ({ ok: false }))).ok) {
    const response = await fetch(`${standIn}/_pay/${order.razorpay_order_id}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
    });
    if (!response.ok) throw new api.Problem(response.status, { title: 'The payment failed', detail: await response.text() });
    const paid = await response.json();
    return { razorpay_order_id: paid.razorpay_order_id, razorpay_payment_id: paid.razorpay_payment_id, razorpay_signature: paid.razorpay_signature };
  }
  await script('https://checkout.razorpay.com/v1/checkout.js');
  return new Promise((resolve, reject) => {
    const checkout = new globalThis.Razorpay({
      key: order.razorpay_key_id, order_id: order.razorpay_order_id, amount: order.amount_minor, currency: order.currency,
      name: 'Bazaar mess tokens', handler: resolve,
      modal: { ondismiss: () => reject(new api.Problem(0, { title: 'Payment cancelled', detail: 'Nothing was charged.' })) },
    });
    checkout.open();
  });
}

function script(src) {
  return new Promise((resolve, reject) => {
    if (document.querySelector(`script[src="${src}"]`)) { resolve(); return; }
    document.head.append(h('script', { src, onload: resolve, onerror: () => reject(new Error(`Could not load ${src}`)) }));
  });
}

async function loadHistory(view) {
  const [tokens, payments] = await Promise.all([api.get('/mess/tokens?limit=20'), api.get('/mess/payments?limit=10')]);
  fill(view.querySelector('#mess-history'),
    h('h3', 'Payments'), list(payments.items, (p) => `${p.tokens} token(s) · ${money(p.amount_minor, p.currency)} · ${when(p.paid_at)}`, 'No payments yet.'),
    h('h3', 'Tokens'), list(tokens.items, (t) => [badge(t.status), ` expires ${when(t.expires_at)}`], 'No tokens yet.'));
}

function ownerPanel() {
  const done = h('div');
  return section('My messes',
    h('details', h('summary', 'Open a mess'), form({
      id: 'new-mess', submit: 'Open mess',
      fields: [
        { name: 'name', label: 'Name' }, { name: 'address', label: 'Address' },
        { name: 'price_minor', label: 'Price per token in minor units (5000 = 50.00)', type: 'number', value: 5000 },
        { name: 'currency', label: 'Currency', value: 'INR' },
      ],
      onSubmit: async (v, formEl) => { const m = await api.post('/mess/messes', { ...v, price_minor: num(v.price_minor) }); fill(done, ok(`Opened ${m.name}. Join code: ${m.join_code}`)); await loadMesses(formEl.closest('.view')); },
    }), done),
    h('div#messes'));
}

async function loadMesses(view) {
  const page = await api.get('/mess/messes?limit=20');
  const items = page.items || page;
  fill(view.querySelector('#messes'), list(items, (m) => {
    const detail = h('div');
    return [
      h('h3', m.name), h('p.muted', m.address),
      h('p', 'Join code: ', h('code.join-code', m.join_code || ''), ` · ${money(m.price_minor, m.currency)} per token`),
      h('button.secondary', { type: 'button', onclick: () => attempt(detail, () => dashboard(detail, m)) }, 'Dashboard'),
      detail,
    ];
  }, 'You run no mess yet.'));
}

async function dashboard(where, mess) {
  const [d, subs, notes] = await Promise.all([
    api.get(`/mess/messes/${mess.id}/dashboard`), api.get(`/mess/messes/${mess.id}/submissions?limit=10`), api.get(`/mess/messes/${mess.id}/notifications?limit=10`),
  ]);
  const period = (name, p) => h('li', `${name}: ${p.sold} sold, ${p.redeemed} redeemed, ${money(p.revenue_minor, d.currency)}`);
  fill(where,
    h('ul', period('Today', d.today), period('This month', d.this_month), h('li', `${d.students} student(s)`)),
    h('h4', 'Notifications'), list(notes.items, (n) => [n.read ? '' : badge('new'), ' ', n.text, h('span.muted', ` ${when(n.created_at)}`)], 'None.'),
    h('h4', 'Submissions'), list(subs.items, (s) => `${s.count} token(s) by ${s.student_id} · ${when(s.submitted_at)}`, 'None.'));
}
