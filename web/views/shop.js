// The shop: catalogue and cart, my orders and their status; staff run the catalogue and orders.

import * as api from '../api.js';
import { h, fill, place, form, section, list, badge, money, when, attempt, ok, pager } from '../ui.js';
import { num } from './tickets.js';

const cart = new Map(); // product id -> {product, quantity}

export async function render(el) {
  const parts = [h('h1', 'Shop'), cataloguePanel()];
  if (api.hasRole('customer')) parts.push(h('div.grid', section('Cart', h('div#cart')), section('My orders', h('div#my-orders'))));
  if (api.hasRole('shop_staff')) parts.push(staffPanel());
  fill(el, ...parts);
  drawCart(el);
  await Promise.all([loadProducts(el), api.hasRole('customer') && loadOrders(el), api.hasRole('shop_staff') && loadStaffOrders(el, 'pending')]);
}

function cataloguePanel() {
  const q = h('input', { type: 'search', name: 'q', placeholder: 'name, SKU, …', 'aria-label': 'Search products' });
  return section('Catalogue',
    h('form.inline#product-search', { onsubmit: (e) => { e.preventDefault(); loadProducts(e.target.closest('.view'), q.value); } }, q, h('button', { type: 'submit' }, 'Search')),
    h('div#products'));
}

async function loadProducts(view, q = '', cursor, into) {
  const where = view.querySelector('#products');
  const asked = into ? null : (where.dataset.asked = String(Number(where.dataset.asked || 0) + 1));
  where.setAttribute('aria-busy', 'true');
  const page = await api.get('/shop/products' + api.query({ q, cursor, limit: 20 }), { auth: false });
  if (asked && where.dataset.asked !== asked) return; // a newer search answers instead
  where.setAttribute('aria-busy', 'false');
  if (!into && page.items.length === 0) { fill(where, h('p.empty', 'No products yet.')); return; }
  const target = into || place(where, h('ul.cards'));
  for (const p of page.items) {
    target.append(h('li.card.product', { dataset: { name: p.name } },
      p.image_url && h('img.thumb', { src: p.image_url, alt: '' }),
      h('h3', p.name), h('p.muted', `${p.sku} · ${p.category}`), h('p', p.description),
      h('p', h('strong', money(p.price_minor, p.currency)), ` · ${p.stock} in stock`),
      api.hasRole('customer') && h('div.row',
        h('input', { type: 'number', min: 1, value: 1, name: 'quantity', 'aria-label': `Quantity of ${p.name}` }),
        h('button', {
          type: 'button',
          onclick: (e) => {
            const quantity = Number(e.target.previousSibling.value) || 1;
            const line = cart.get(p.id) || { product: p, quantity: 0 };
            line.quantity += quantity;
            cart.set(p.id, line);
            drawCart(view);
          },
        }, 'Add to cart'))));
  }
  const more = pager(page.next_cursor, (next) => { more.remove(); loadProducts(view, q, next, target); });
  if (more) where.append(more);
}

function drawCart(view) {
  const where = view.querySelector('#cart');
  if (!where) return;
  const lines = [...cart.values()];
  const result = h('div');
  if (lines.length === 0) { fill(where, h('p.empty', 'Your cart is empty.')); return; }
  const total = lines.reduce((sum, l) => sum + l.quantity * l.product.price_minor, 0);
  fill(where,
    h('ul.lines', lines.map((l) => h('li', `${l.quantity} × ${l.product.name} `, h('span.muted', money(l.quantity * l.product.price_minor, l.product.currency)),
      h('button.link', { type: 'button', 'aria-label': `Remove ${l.product.name}`, onclick: () => { cart.delete(l.product.id); drawCart(view); } }, '×')))),
    h('p', h('strong', `Total ${money(total, lines[0].product.currency)}`)),
    h('button#place-order', {
      type: 'button',
      onclick: () => attempt(result, async () => {
        const order = await api.post('/shop/orders', { lines: lines.map((l) => ({ product_id: l.product.id, quantity: l.quantity, unit_price_minor: l.product.price_minor })) });
        cart.clear();
        drawCart(view);
        view.querySelector('#cart').append(ok(`Order placed: ${money(order.total_minor, order.currency)}, ${order.status}.`));
        await Promise.all([loadOrders(view), loadProducts(view)]);
      }),
    }, 'Place order'),
    result);
}

async function loadOrders(view) {
  const page = await api.get('/shop/orders?limit=50');
  fill(view.querySelector('#my-orders'), list(page.items, (o) => {
    const problem = h('div');
    return [
      h('strong', `Order of ${when(o.created_at)}`), ' ', h('span.order-status', badge(o.status)),
      h('p', o.lines.map((l) => `${l.quantity} × ${l.name}`).join(', '), ' · ', money(o.total_minor, o.currency)),
      o.status === 'pending' && h('button.secondary', { type: 'button', onclick: () => attempt(problem, async () => { await api.post(`/shop/orders/${o.order_id}/cancel`); await loadOrders(view); }) }, 'Cancel order'),
      problem,
    ];
  }, 'No orders yet.'));
}

function staffPanel() {
  const done = h('div');
  const status = h('select#staff-status', { 'aria-label': 'Orders with status', onchange: (e) => loadStaffOrders(e.target.closest('.view'), status.value) },
    ['pending', 'confirmed', 'shipped', 'delivered', 'cancelled'].map((s) => h('option', { value: s }, s)));
  return section('Shop staff',
    h('details#new-product-box', h('summary', 'Add a product'), form({
      id: 'new-product', submit: 'Add product',
      fields: [
        { name: 'name', label: 'Name' }, { name: 'description', label: 'Description', type: 'textarea' },
        { name: 'sku', label: 'SKU', hint: 'Letters, digits, - or _.' },
        { name: 'category', label: 'Category', hint: 'Lower-case letters, digits or -.', value: 'general' },
        { name: 'price_minor', label: 'Price in minor units', type: 'number', value: 500 },
        { name: 'currency', label: 'Currency', value: 'USD' },
        { name: 'stock', label: 'Stock', type: 'number', value: 10 },
        { name: 'low_stock_threshold', label: 'Low-stock alert below', type: 'number', value: 2 },
      ],
      onSubmit: async (v, formEl) => {
        const p = await api.post('/shop/products', { ...v, price_minor: num(v.price_minor), stock: num(v.stock), low_stock_threshold: num(v.low_stock_threshold) });
        fill(done, ok(`Added ${p.name}.`));
        await loadProducts(formEl.closest('.view'));
      },
    }), done),
    h('h3', 'Orders'), h('label.field.inline', h('span.label', 'Status'), status), h('div#staff-orders'));
}

const NEXT = { pending: ['confirmed', 'cancelled'], confirmed: ['shipped', 'cancelled'], shipped: ['delivered'], delivered: [], cancelled: [] };
const VERB = { confirmed: 'Confirm', shipped: 'Mark shipped', delivered: 'Mark delivered', cancelled: 'Cancel' };

async function loadStaffOrders(view, status) {
  const page = await api.get('/shop/staff/orders' + api.query({ status, limit: 50 }));
  fill(view.querySelector('#staff-orders'), list(page.items, (o) => {
    const problem = h('div');
    return [
      h('strong', `${money(o.total_minor, o.currency)} · ${when(o.created_at)}`), ' ', badge(o.status),
      h('p', o.lines.map((l) => `${l.quantity} × ${l.name}`).join(', ')),
      h('div.row', NEXT[o.status].map((to) => h(to === 'cancelled' ? 'button.danger' : 'button', {
        type: 'button',
        onclick: () => attempt(problem, async () => { await api.post(`/shop/staff/orders/${o.order_id}/status`, { to }); await loadStaffOrders(view, status); }),
      }, VERB[to]))),
      problem,
    ];
  }, `No ${status} orders.`));
}
