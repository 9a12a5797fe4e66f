// Identity: sign up with the mailed code, sign in, password reset; profile, picture, password.

import * as api from '../api.js';
import { h, fill, form, ok, section, badge, attempt } from '../ui.js';

const SELF_SERVICE = [
  ['customer', 'Customer: tickets and the shop'], ['member', 'Member: prize bonds'],
  ['organizer', 'Organizer: sell event tickets'], ['student', 'Student: mess tokens'],
  ['buyer', 'Buyer: post nano-tasks'], ['worker', 'Worker: do nano-tasks'],
];

export async function render(el, { rerender }) {
  if (!api.signedIn()) return signedOut(el, rerender);
  return profile(el, rerender);
}

function signedOut(el, rerender) {
  const verifySlot = h('div');
  const showVerify = (email) => fill(verifySlot, verifyPanel(email, rerender));
  fill(el,
    h('h1', 'Welcome to Bazaar'),
    h('div.grid',
      section('Sign in', form({
        id: 'sign-in', submit: 'Sign in',
        fields: [
          { name: 'email', label: 'E-mail', type: 'email', autocomplete: 'username' },
          { name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' },
        ],
        onSubmit: async (v) => { await api.signIn(v.email, v.password); location.hash = '#/account'; rerender(); },
      })),
      section('Create an account', form({
        id: 'sign-up', submit: 'Create account',
        fields: [
          { name: 'email', label: 'E-mail', type: 'email', autocomplete: 'username' },
          { name: 'display_name', label: 'Your name' },
          { name: 'password', label: 'Password', type: 'password', hint: '8 to 128 characters; not a common password.', autocomplete: 'new-password' },
          { name: 'role', label: 'I am a…', type: 'select', options: SELF_SERVICE, value: 'customer' },
        ],
        onSubmit: async (v) => {
          await api.post('/auth/register', v, { auth: false });
          showVerify(v.email);
        },
      })),
    ),
    verifySlot,
    h('details.panel', h('summary', 'Have a code already, or forgot your password?'),
      h('div.grid', verifyPanel('', rerender), resetPanel())),
  );
}

function verifyPanel(email, rerender) {
  const done = h('div');
  return section('Confirm your e-mail',
    email && h('p.ok', { role: 'status' }, `We sent a 6-digit code to ${email}. Enter it here.`),
    form({
      id: email ? 'verify' : 'verify-later', submit: 'Confirm',
      fields: [
        { name: 'email', label: 'E-mail', type: 'email', value: email },
        { name: 'code', label: 'Code from the e-mail', placeholder: '123456', autocomplete: 'one-time-code' },
      ],
      onSubmit: async (v) => {
        await api.post('/auth/verify', v, { auth: false });
        fill(done, ok('E-mail confirmed. You can sign in now.'));
      },
    }),
    h('button.secondary', {
      type: 'button',
      onclick: (e) => {
        const address = e.target.closest('section').querySelector('input[name=email]').value;
        attempt(done, async () => { await api.post('/auth/verify/resend', { email: address }, { auth: false }); fill(done, ok('A new code is on its way.')); });
      },
    }, 'Send the code again'),
    done);
}

function resetPanel() {
  const done = h('div');
  return section('Reset your password',
    form({
      id: 'forgot', submit: 'Mail me a code', fields: [{ name: 'email', label: 'E-mail', type: 'email' }],
      onSubmit: async (v) => { await api.post('/auth/password/forgot', v, { auth: false }); fill(done, ok('If the address has an account, a code is on its way.')); },
    }),
    form({
      id: 'reset', submit: 'Set new password',
      fields: [
        { name: 'email', label: 'E-mail', type: 'email' }, { name: 'code', label: 'Code' },
        { name: 'new_password', label: 'New password', type: 'password' },
      ],
      onSubmit: async (v) => { await api.post('/auth/password/reset', v, { auth: false }); fill(done, ok('Password changed. Sign in with it.')); },
    }),
    done);
}

async function profile(el, rerender) {
  let me = await api.get('/me');
  // An admin may have changed this account's roles: the next access token carries them.
  const tokenRoles = [...((api.claims() || {}).roles || [])].sort().join(',');
  if ([...me.roles].sort().join(',') !== tokenRoles) await api.renew();
  const done = h('div');
  const picture = h('input', { type: 'file', accept: 'image/jpeg,image/png,image/webp', name: 'picture' });
  fill(el,
    h('h1', `Hello, ${me.display_name}`),
    h('div.grid',
      section('Profile',
        h('div.profile',
          me.avatar_url ? h('img.avatar', { src: me.avatar_url, alt: 'Profile picture' }) : h('div.avatar.empty', me.display_name.slice(0, 1)),
          h('dl',
            h('dt', 'E-mail'), h('dd#my-email', me.email),
            h('dt', 'Roles'), h('dd#my-roles', me.roles.map(badge)),
            h('dt', 'Status'), h('dd', me.status))),
        h('button.secondary', { type: 'button', onclick: async () => { await api.renew(); rerender(); } }, 'Reload my roles'),
        form({
          id: 'profile', submit: 'Save name', inline: true,
          fields: [{ name: 'display_name', label: 'Display name', value: me.display_name }],
          onSubmit: async (v) => { me = await api.patch('/me', v); rerender(); },
        }),
        h('label.field', h('span.label', 'Picture (JPEG, PNG or WebP, up to 2 MB)'), picture),
        h('button', {
          type: 'button',
          onclick: () => attempt(done, async () => {
            const file = picture.files[0];
            if (!file) throw new Error('Choose a picture first.');
            await api.put('/me/avatar', file);
            rerender();
          }),
        }, 'Upload picture'),
        done),
      section('Change password', form({
        id: 'password', submit: 'Change password',
        fields: [
          { name: 'current_password', label: 'Current password', type: 'password' },
          { name: 'new_password', label: 'New password', type: 'password' },
        ],
        onSubmit: async (v) => {
          await api.post('/auth/password/change', v);
          await api.signOut();
          rerender();
        },
      }))),
    h('p.hint', 'Every session ends when the password changes: sign in again afterwards.'));
}
