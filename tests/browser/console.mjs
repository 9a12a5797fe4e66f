// The web console, walked in real Chromium through the UI only: sign up (code from the local mail
// viewer), sign in, one journey per marketplace with the local admin granting roles on the Admin
// screen, refresh on 401, sign out. Asserts what a person sees; writes a screenshot per screen.
//
//   BAZAAR_URL  ADMIN_EMAIL  ADMIN_PASSWORD  SCREENSHOTS  PLAYWRIGHT_DIR  [CHROMIUM]
// Run by local/browser.sh (part of `make test`), which starts the dev server and installs these.

import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const { chromium } = createRequire(join(process.env.PLAYWRIGHT_DIR, 'package.json'))('playwright-core');
const BASE = process.env.BAZAAR_URL;
const SHOTS = process.env.SCREENSHOTS;
const ADMIN = { email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD };
const ASHA = { email: `asha-${Date.now().toString(36)}@example.com`, password: 'marigold tram window 42', name: 'Asha Rao' };
const TIMEOUT = 20_000;

mkdirSync(SHOTS, { recursive: true });
const started = Date.now();
let failures = 0;
const pages = {}; // shot when a step fails
const refused = []; // answers of 400 and above, shown when a step fails

async function step(name, fn) {
  const t = Date.now();
  try {
    await fn();
    console.log(`  ok   ${name} (${Date.now() - t} ms)`);
  } catch (error) {
    failures++;
    for (const [who, page] of Object.entries(pages)) await shot(page, `FAILED-${who}`).catch(() => {});
    console.log('       last answers of 400 and above (some are expected):');
    for (const line of refused.slice(-12)) console.log(`         ${line}`);
    console.log(`  FAIL ${name}\n${String(error.stack || error).split('\n').slice(0, 8).map((l) => '       ' + l).join('\n')}`);
    throw error;
  }
}

const shot = (page, name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

/** Waits for `text` to be visible inside `scope` (a page or a locator). */
async function sees(scope, text, options = {}) {
  await scope.getByText(text, options).first().waitFor({ state: 'visible', timeout: TIMEOUT });
}

/** Opens a screen afresh (as a person clicking its tab, or reloading it when already there). */
async function go(page, screen) {
  const url = `${BASE}/console/#/${screen}`;
  if (page.url() === url) await page.reload(); else await page.goto(url);
  await page.locator(`#view-${screen}[data-ready]`).waitFor({ timeout: TIMEOUT });
  // Nothing wider than the screen (Asha's is a phone's, 390 px).
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) throw new Error(`the ${screen} screen is ${overflow} px wider than the window`);
}

async function fillForm(page, formId, values) {
  const form = page.locator(`form#${formId}`);
  for (const [name, value] of Object.entries(values)) {
    const input = form.locator(`[name="${name}"]`);
    if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(String(value));
    else await input.fill(String(value));
  }
  return form;
}

async function submit(page, formId, values) {
  const form = await fillForm(page, formId, values);
  await form.locator('button[type=submit]').click();
  return form;
}

/** Grants `role` to the account `email` on the Admin screen. */
async function grant(page, email, role) {
  const card = page.locator(`.user[data-email="${email}"]`);
  await card.locator('select[name=role]').selectOption(role);
  await card.getByRole('button', { name: 'Grant' }).click();
  await card.locator('.roles').getByText(role, { exact: true }).waitFor({ timeout: TIMEOUT });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'], // Playwright gives each run a fresh user-data-dir
});
// Asha on a phone-width screen; the admin on a laptop.
const asha = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
const admin = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
for (const page of [asha, admin]) page.setDefaultTimeout(TIMEOUT);
Object.assign(pages, { asha, admin });
for (const [who, page] of Object.entries(pages)) {
  page.on('response', (r) => { if (r.status() >= 400) refused.push(`${who}: ${r.status()} ${r.request().method()} ${r.url()}`); });
}
if (process.env.DEBUG) for (const page of [asha, admin]) page.on('request', (r) => { if (r.method() !== 'GET') console.log('    ', r.method(), r.url(), r.postData()); });

try {
  console.log(`Browser test of the console at ${BASE}/console/ (screenshots in ${SHOTS})`);

  await step('sign-up refuses a weak password field by field', async () => {
    await asha.goto(`${BASE}/`);
    await sees(asha, 'Welcome to Bazaar');
    await submit(asha, 'sign-up', { email: ASHA.email, display_name: ASHA.name, password: 'short', role: 'customer' });
    await sees(asha.locator('form#sign-up'), 'The request has invalid fields');
    const error = asha.locator('form#sign-up .field[data-field=password] .field-error');
    await error.waitFor();
    if (!(await error.innerText()).trim()) throw new Error('no message under the password field');
    await shot(asha, '01-sign-up-validation');
  });

  await step('sign up, read the code in the mail viewer, confirm and sign in', async () => {
    await submit(asha, 'sign-up', { password: ASHA.password });
    await sees(asha, `We sent a 6-digit code to ${ASHA.email}`);
    const mail = await asha.context().newPage();
    let code;
    for (const deadline = Date.now() + 60_000; !code && Date.now() < deadline;) {
      await mail.goto(`${BASE}/_local/mail.html?to=${encodeURIComponent(ASHA.email)}`);
      if (await mail.locator('tr', { hasText: ASHA.email }).count()) {
        const body = await mail.frameLocator('tr iframe').first().locator('body').innerText();
        code = (body.match(/\b\d{6}\b/) || [])[0];
      }
      if (!code) await mail.waitForTimeout(500);
    }
    if (!code) throw new Error('no code mail reached the mail viewer');
    await shot(mail, '02-mail-viewer');
    await mail.close();
    await submit(asha, 'verify', { code });
    await sees(asha, 'E-mail confirmed');
    await submit(asha, 'sign-in', { email: ASHA.email, password: ASHA.password });
    await sees(asha, `Hello, ${ASHA.name}`);
    await sees(asha.locator('#my-roles'), 'customer');
  });

  await step('profile: a new name and a picture', async () => {
    await submit(asha, 'profile', { display_name: 'Asha R.' });
    await sees(asha, 'Hello, Asha R.');
    await submit(asha, 'profile', { display_name: ASHA.name });
    await sees(asha, `Hello, ${ASHA.name}`);
    const dot = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await asha.locator('input[name=picture]').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: dot });
    await asha.getByRole('button', { name: 'Upload picture' }).click();
    await asha.getByAltText('Profile picture').waitFor();
    await shot(asha, '03-account');
  });

  await step('the local admin signs in and grants roles on the Admin screen', async () => {
    await admin.goto(`${BASE}/console/`);
    await submit(admin, 'sign-in', ADMIN);
    await sees(admin, 'Hello, Administrator');
    await go(admin, 'admin');
    for (const role of ['student', 'worker']) await grant(admin, ASHA.email, role);
    for (const role of ['organizer', 'shop_staff', 'mess_owner', 'buyer']) await grant(admin, ADMIN.email, role);
    await admin.reload();
    await sees(admin.locator('#audit'), 'grant role');
    await sees(admin.locator('#audit'), ASHA.email);
    await shot(admin, '04-admin');
    await go(admin, 'account'); // the next access token carries the new roles
    await sees(admin.locator('#my-roles'), 'organizer');
  });

  await step('tickets: an organizer creates an event (a validation error first)', async () => {
    await go(admin, 'events');
    await admin.locator('#new-event-box summary').click();
    await submit(admin, 'new-event', { title: '', venue: 'Blue Room', capacity: 2, price_minor: 1500 });
    const title = admin.locator('form#new-event .field[data-field=title] .field-error');
    await title.waitFor();
    if (!(await title.innerText()).trim()) throw new Error('no message under the title field');
    await shot(admin, '05-event-validation');
    await submit(admin, 'new-event', { title: 'Jazz Night', description: 'Quartet, two sets.' });
    await sees(admin, 'Created “Jazz Night”');
    await sees(admin.locator('#my-events'), '0 of 2 sold');
  });

  await step('tickets: a customer finds it, is told only 2 seats are left (409), books 2', async () => {
    await go(asha, 'account'); // picks up the granted roles
    await sees(asha.locator('#my-roles'), 'student');
    await go(asha, 'events');
    await asha.getByLabel('Search events').fill('jazz');
    await asha.locator('#event-search button').click();
    await asha.locator('#events[aria-busy=false]').waitFor(); // the search's answer is shown
    const card = asha.locator('.event[data-title="Jazz Night"]');
    await card.waitFor();
    await card.locator('input[name=seats]').fill('3');
    await card.getByRole('button', { name: 'Book' }).click();
    await sees(card, 'Only 2 seat(s) are left.');
    await sees(card, 'The request conflicts with the current state');
    await shot(asha, '06-event-conflict');
    await card.locator('input[name=seats]').fill('2');
    await card.getByRole('button', { name: 'Book' }).click();
    await sees(asha.locator('#my-bookings'), 'Jazz Night');
    await sees(asha.locator('#my-bookings'), '2 seat(s)');
    await sees(asha.locator('.event[data-title="Jazz Night"]'), 'Sold out');
    await shot(asha, '07-events');
    await go(admin, 'events');
    await sees(admin.locator('#my-events'), '2 of 2 sold');
  });

  await step('bonds: a member adds bonds, the admin uploads a list (pending → done), the win shows', async () => {
    await go(asha, 'bonds');
    await submit(asha, 'add-bonds', { denomination: '750', numbers: '123456, 654321\n777777' });
    await sees(asha, 'Added 3 bond(s).');
    await sees(asha.locator('#my-bonds'), '654321');
    await go(admin, 'bonds');
    await admin.locator('#draw-text').fill([
      'NATIONAL SAVINGS (BOND SECTION)', 'DRAW OF Rs. 750/- PRIZE BOND', 'Held at: KARACHI   Date: 15/01/2026',
      'First Prize of Rs. 1,500,000/-', '   123456', 'Second Prize of Rs. 500,000/- Each', '   234567   345678   456789',
      'Third Prize of Rs. 9,300/- Each', '  111111  222222  333333  444444',
    ].join('\n'));
    await admin.locator('#upload-draw').click();
    await sees(admin.locator('#upload-status'), 'pending');
    await sees(admin.locator('#upload-status'), 'done', { exact: true });
    await sees(admin.locator('#upload-status'), '1 registered win(s)');
    await shot(admin, '08-draw-done');
    await go(asha, 'bonds');
    await sees(asha.locator('#my-wins'), '123456 won the first prize');
    await submit(asha, 'lookup', { number: '123456' });
    await sees(asha, 'Yes! 123456 won the first prize');
    await submit(asha, 'lookup', { number: '654321' });
    await sees(asha, 'No, 654321 did not win in this draw.');
    await shot(asha, '09-bonds');
  });

  await step('bonds: a broker request approved by the admin, then the broker\'s store in the directory', async () => {
    await asha.locator('#broker-box summary').click();
    await submit(asha, 'broker-request', { experience: 'Five years at a bond counter.', description: 'Prize bonds bought and sold in Saddar.' });
    await sees(asha, 'Request sent. An admin will decide.');
    await sees(asha.locator('#my-requests'), 'pending');
    await go(admin, 'bonds');
    const request = admin.locator('#broker-queue .card', { hasText: 'Five years at a bond counter.' });
    await request.getByRole('button', { name: 'Approve' }).click();
    await sees(admin.locator('#broker-queue'), 'No requests waiting.');
    await go(asha, 'account'); // the broker role comes with the next access token
    await sees(asha.locator('#my-roles'), 'broker');
    await go(asha, 'bonds');
    await sees(asha.locator('#my-requests'), 'approved');
    await asha.locator('#my-store-box summary').click();
    await submit(asha, 'store', { name: 'Rao Bonds', description: 'Bonds of every denomination.', city: 'Karachi', area: 'Saddar', phone: '+92 21 555 0101', email: ASHA.email });
    await sees(asha, 'Store saved.');
    await sees(asha.locator('#stores'), 'Rao Bonds');
    await sees(asha.locator('#stores'), 'Saddar, Karachi');
  });

  await step('shop: staff add a product, a customer orders it, staff confirm, the customer sees it', async () => {
    await go(admin, 'shop');
    await admin.locator('#new-product-box summary').click();
    await submit(admin, 'new-product', { name: 'Trail Mug', description: 'Enamel, 350 ml.', sku: 'MUG-350', category: 'kitchen', price_minor: 1200, stock: 5 });
    await sees(admin, 'Added Trail Mug.');
    await go(asha, 'shop');
    const mug = asha.locator('.product[data-name="Trail Mug"]');
    await mug.getByLabel('Quantity of Trail Mug').fill('2');
    await mug.getByRole('button', { name: 'Add to cart' }).click();
    await sees(asha.locator('#cart'), 'Total 24.00 USD');
    await asha.locator('#place-order').click();
    await sees(asha.locator('#cart'), 'Order placed: 24.00 USD, pending.');
    await sees(asha.locator('#my-orders .order-status'), 'pending');
    await go(admin, 'shop');
    await admin.locator('#staff-orders').getByRole('button', { name: 'Confirm' }).click();
    await sees(admin.locator('#staff-orders'), 'No pending orders.');
    await go(asha, 'shop');
    await sees(asha.locator('#my-orders .order-status'), 'confirmed');
    await sees(asha.locator('.product[data-name="Trail Mug"]'), '3 in stock');
    await shot(asha, '10-shop');
  });

  await step('mess: an owner opens a mess, a student joins, buys 3 tokens via Razorpay, redeems 1', async () => {
    await go(admin, 'mess');
    await admin.locator('#view-mess details summary').first().click();
    await submit(admin, 'new-mess', { name: 'North Hostel Mess', address: 'Block C, Campus', price_minor: 5000 });
    await sees(admin, 'Opened North Hostel Mess');
    const code = (await admin.locator('#messes code.join-code').first().innerText()).trim();
    await go(asha, 'mess');
    await submit(asha, 'join-mess', { code });
    await sees(asha, 'North Hostel Mess');
    await sees(asha.locator('#token-balance'), '0 token(s)');
    await submit(asha, 'buy-tokens', { tokens: 3 });
    await sees(asha, 'Paid: 3 token(s) added.');
    await sees(asha.locator('#token-balance'), '3 token(s)');
    await asha.locator('#student details summary').click();
    await submit(asha, 'pin', { pin: '482913' });
    await sees(asha, 'PIN saved.');
    await submit(asha, 'redeem', { count: 1, pin: '000000' });
    await asha.locator('form#redeem .problem').waitFor();
    await submit(asha, 'redeem', { count: 1, pin: '482913' });
    await sees(asha, 'Redeemed 1 token(s).');
    await sees(asha.locator('#token-balance'), '2 token(s)');
    await shot(asha, '11-mess');
    await go(admin, 'mess');
    await admin.getByRole('button', { name: 'Dashboard' }).click();
    await sees(admin.locator('#messes'), 'A student redeemed 1 token(s).');
  });

  await step('nano: a buyer pays at Stripe Checkout, posts a task; a worker submits; coins credited; withdrawal paid', async () => {
    await go(admin, 'nano');
    await admin.locator('#packages button[data-package=medium]').click();
    await admin.waitForURL(/\/_local\/stripe\/_checkout\//);
    await shot(admin, '12-stripe-checkout');
    await admin.getByRole('button', { name: /^Pay / }).click();
    await admin.waitForURL(/checkout=success/);
    await sees(admin, 'Payment done');
    await sees(admin.locator('#coin-balance'), '500 coins');
    await submit(admin, 'new-task', { title: 'Label 20 street photos', detail: 'Tag each photo with the shop signs you can read.', instructions: 'A link to your sheet.', required_workers: 1, coins_per_worker: 250 });
    await sees(admin, 'Posted “Label 20 street photos”: 250 coins held in escrow.');
    await sees(admin.locator('#coin-balance'), '250 coins');
    await go(asha, 'nano');
    const task = asha.locator('#open-tasks .card', { hasText: 'Label 20 street photos' });
    await task.locator('textarea[name=proof]').fill('https://sheets.example/asha-labels');
    await task.getByRole('button', { name: 'Submit work' }).click();
    await sees(asha, 'Submitted. The buyer will review it.');
    await sees(asha.locator('#my-submissions'), 'pending');
    await go(admin, 'nano');
    await admin.locator('#my-tasks').getByRole('button', { name: 'Submissions' }).click();
    await admin.locator('#my-tasks').getByRole('button', { name: 'Approve' }).click();
    await sees(admin.locator('#my-tasks'), 'approved');
    await go(asha, 'nano');
    await sees(asha.locator('#coin-balance'), '250 coins');
    await sees(asha.locator('#my-submissions'), 'approved');
    await submit(asha, 'withdraw', { coins: 200, payment_system: 'paypal', account: 'asha.rao@paypal' });
    await sees(asha, 'Withdrawal requested.');
    await sees(asha.locator('#coin-balance'), '50 coins');
    await go(admin, 'nano');
    await admin.locator('#withdrawal-queue').getByRole('button', { name: 'Approve' }).click();
    await sees(admin.locator('#withdrawal-queue'), 'Nothing to decide.');
    await shot(admin, '13-nano-buyer');
    await go(asha, 'nano');
    await sees(asha.locator('#my-withdrawals'), 'paid');
    await shot(asha, '14-nano-worker');
  });

  await step('an expired access token is refreshed without the person noticing', async () => {
    await go(asha, 'account');
    await asha.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('bazaar.session'));
      const [head, , sig] = s.access.split('.');
      s.access = `${head}.${btoa(JSON.stringify({ sub: 'x', roles: [] })).replace(/=+$/, '')}.${sig}`; // refused by the API: 401
      localStorage.setItem('bazaar.session', JSON.stringify(s));
    });
    await asha.reload();
    await sees(asha, `Hello, ${ASHA.name}`);
  });

  await step('sign out ends the session', async () => {
    await asha.locator('#sign-out').click();
    await sees(asha, 'Welcome to Bazaar');
    await asha.reload();
    await sees(asha, 'Welcome to Bazaar');
    await shot(asha, '15-signed-out');
  });
} catch {
  // reported by step()
} finally {
  await browser.close();
}
console.log(`browser test: ${failures ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failures ? 1 : 0);
