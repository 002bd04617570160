// The screens under test that need no session. `form: true`: the screen has a form whose empty
// submission must show the error state.
export const PUBLIC_SCREENS = [
  { path: '/sign-in', name: 'sign-in', form: true },
  { path: '/register', name: 'register', form: true },
  { path: '/register/check-email', name: 'register-check-email' },
  { path: '/forgot-password', name: 'forgot-password', form: true },
  { path: '/forgot-password/check-email', name: 'forgot-password-check-email' },
  { path: '/terms', name: 'terms' },
];

// Screens under a service: [path below /services/<id>, screen name, has a form to submit empty].
export const SERVICE_SCREENS = [
  ['', 'service-home', false],
  ['/notifications', 'sent-messages', false],
  ['/usage', 'usage', false],
  ['/templates', 'templates', false],
  ['/templates/create', 'template-choose', true],
  ['/templates/new/email', 'template-new-email', true],
  ['/templates/new/sms', 'template-new-sms', true],
  ['/team', 'team', false],
  ['/team/invite', 'team-invite', true],
  ['/settings', 'settings', false],
  ['/settings/name', 'settings-name', true],
  ['/settings/sending-address', 'settings-sending-address', true],
  ['/settings/branding', 'settings-branding', false],
  ['/settings/reply-to', 'settings-reply-to', true],
  ['/go-live', 'go-live', true],
  ['/api', 'api', false],
  ['/api/keys', 'api-keys', false],
  ['/api/keys/create', 'api-key-create', true],
  ['/api/safelist', 'api-safelist', false],
  ['/api/callbacks', 'api-callbacks', false],
];

// Other screens of a signed-in platform admin: [path, screen name, has a form to submit empty].
export const SIGNED_IN_SCREENS = [
  ['/services', 'your-services', false],
  ['/add-service', 'add-service', true],
  ['/profile', 'profile', false],
  ['/admin/services', 'admin-services', false],
  ['/admin/go-live', 'admin-go-live', false],
  ['/admin/users', 'admin-users', true],
];
