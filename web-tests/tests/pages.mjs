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
