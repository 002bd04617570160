// The screens under test. Public screens need no session; `form: true` means the screen has a
// form whose empty submission must show the error state.
export const PUBLIC_SCREENS = [
  { path: '/sign-in', name: 'sign-in', form: true },
];
