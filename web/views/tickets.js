// Event tickets: browse and search, book and cancel, my bookings; organizers' events and sales.

import * as api from '../api.js';
import { h, fill, place, form, section, list, badge, money, when, attempt, ok, pager, localInput, instant } from '../ui.js';

/** A number if the text is one, else the text itself (the API then says what is wrong). */
export const num = (v) => (v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v);

export async function render(el) {
  const parts = [h('h1', 'Event tickets'), browsePanel()];
  if (api.hasRole('customer')) parts.push(section('My bookings', h('div#my-bookings')));
  if (api.hasRole('organizer')) parts.push(organizerPanel());
  if (!api.signedIn()) parts.push(h('p.hint', h('a', { href: '#/account' }, 'Sign in'), ' as a customer to book.'));
  fill(el, ...parts);
  await Promise.all([loadEvents(el), api.hasRole('customer') && loadBookings(el), api.hasRole('organizer') && loadMine(el)]);
}

function browsePanel() {
  const q = h('input', { type: 'search', name: 'q', placeholder: 'jazz, venue, …', 'aria-label': 'Search events' });
  return section('Upcoming events',
    h('form.inline#event-search', { onsubmit: (e) => { e.preventDefault(); loadEvents(e.target.closest('.view'), q.value); } },
      q, h('button', { type: 'submit' }, 'Search')),
    h('div#events'));
}

async function loadEvents(view, q = '', cursor, into) {
  const where = view.querySelector('#events');
  const asked = into ? null : (where.dataset.asked = String(Number(where.dataset.asked || 0) + 1));
  where.setAttribute('aria-busy', 'true');
  const page = await api.get('/events' + api.query({ q, cursor, limit: 20 }), { auth: false });
  if (asked && where.dataset.asked !== asked) return; // a newer search answers instead
  where.setAttribute('aria-busy', 'false');
  const target = into || place(where, h('ul.cards'));
  if (!into && page.items.length === 0) fill(where, h('p.empty', q ? `No event matches “${q}”.` : 'No upcoming events yet.'));
  for (const event of page.items) target.append(h('li.card.event', { dataset: { title: event.title } }, eventCard(view, event)));
  const more = pager(page.next_cursor, (next) => { more.remove(); loadEvents(view, q, next, target); });
  if (more) where.append(more);
}

function eventCard(view, event) {
  const result = h('div.result');
  return [
    h('h3', event.title),
    h('p.muted', `${when(event.starts_at)} · ${event.venue}`),
    event.description && h('p', event.description),
    h('p', h('strong', money(event.price_minor, event.currency)), ' · ',
      h('span.seats', event.available > 0 ? `${event.available} of ${event.capacity} seats left` : 'Sold out')),
    api.hasRole('customer') && form({
      id: `book-${event.id}`, submit: 'Book', inline: true,
      fields: [{ name: 'seats', label: 'Seats', type: 'number', value: 1, min: 1 }],
      onSubmit: async (v) => {
        await api.post(`/events/${event.id}/bookings`, { seats: num(v.seats) });
        fill(result, ok(`Booked ${v.seats} seat(s) for ${event.title}.`));
        await Promise.all([loadBookings(view), loadEvents(view)]);
      },
    }),
    result,
  ];
}

async function loadBookings(view) {
  const where = view.querySelector('#my-bookings');
  const page = await api.get('/bookings?limit=50');
  fill(where, list(page.items, (b) => {
    const problem = h('div');
    return [
      h('h3', b.event ? b.event.title : 'Event removed'), badge(b.status),
      h('p', `${b.seats} seat(s) · ${money(b.total_minor, b.currency)}`, b.event ? ` · ${when(b.event.starts_at)}` : ''),
      b.status === 'active' && h('button.secondary', {
        type: 'button',
        onclick: () => attempt(problem, async () => { await api.post(`/bookings/${b.id}/cancel`); await Promise.all([loadBookings(view), loadEvents(view)]); }),
      }, 'Cancel booking'),
      problem,
    ];
  }, 'No bookings yet.'));
}

const EVENT_FIELDS = (e = {}) => [
  { name: 'title', label: 'Title', value: e.title },
  { name: 'description', label: 'Description', type: 'textarea', value: e.description },
  { name: 'venue', label: 'Venue', value: e.venue },
  { name: 'starts_at', label: 'Starts at', type: 'datetime-local', value: e.starts_at ? localInput((new Date(e.starts_at) - Date.now()) / 86400e3) : localInput(7) },
  { name: 'capacity', label: 'Capacity', type: 'number', value: e.capacity ?? 100, min: 1 },
  { name: 'price_minor', label: 'Price in minor units (1500 = 15.00)', type: 'number', value: e.price_minor ?? 1500, min: 0 },
];

function organizerPanel() {
  const done = h('div');
  return section('Organize',
    h('details#new-event-box', h('summary', 'Create an event'),
      form({
        id: 'new-event', submit: 'Create event',
        fields: [...EVENT_FIELDS(), { name: 'currency', label: 'Currency (ISO 4217)', value: 'USD' },
          { name: 'published', label: 'Publish now', type: 'checkbox', value: true }],
        onSubmit: async (v, formEl) => {
          const event = await api.post('/events', { ...v, starts_at: instant(v.starts_at), capacity: num(v.capacity), price_minor: num(v.price_minor) });
          fill(done, ok(`Created “${event.title}”.`));
          formEl.reset();
          await Promise.all([loadMine(formEl.closest('.view')), loadEvents(formEl.closest('.view'))]);
        },
      }), done),
    h('h3', 'My events and sales'), h('div#my-events'));
}

async function loadMine(view) {
  const where = view.querySelector('#my-events');
  const page = await api.get('/organizer/events?limit=50');
  const refresh = () => Promise.all([loadMine(view), loadEvents(view)]);
  fill(where, list(page.items, (e) => {
    const problem = h('div');
    const act = (path) => attempt(problem, async () => { await api.post(`/events/${e.id}/${path}`); await refresh(); });
    return [
      h('h3', e.title), badge(e.status),
      h('p.muted', `${when(e.starts_at)} · ${e.venue}`),
      h('p.sales', `${e.seats_sold} of ${e.capacity} sold · ${e.bookings_made} booking(s) · revenue ${money(e.revenue_minor, e.currency)}`),
      h('div.row',
        e.status === 'draft' && h('button', { type: 'button', onclick: () => act('publish') }, 'Publish'),
        e.status === 'published' && h('button.secondary', { type: 'button', onclick: () => act('unpublish') }, 'Unpublish'),
        e.status !== 'cancelled' && h('button.danger', { type: 'button', onclick: () => act('cancel') }, 'Cancel event')),
      e.status !== 'cancelled' && h('details', h('summary', 'Edit'), form({
        id: `edit-${e.id}`, submit: 'Save changes',
        fields: EVENT_FIELDS(e),
        onSubmit: async (v) => {
          await api.patch(`/events/${e.id}`, { ...v, starts_at: instant(v.starts_at), capacity: num(v.capacity), price_minor: num(v.price_minor) });
          await refresh();
        },
      })),
      problem,
    ];
  }, 'You have no events yet.'));
}
