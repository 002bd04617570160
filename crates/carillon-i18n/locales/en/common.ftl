# The layout, shared components and error pages.

skip-to-main = Skip to main content
# The toggle's text is the other language's name, written in that language.
language-toggle = Français
page-title = { $page } – { $product }
title-error-prefix = Error: { $title }
there-is-a-problem = There is a problem
inline-error-prefix = Error:
nav-label = Main menu
nav-your-services = Your services
nav-platform-admin = Platform admin
nav-sign-in = Sign in
sign-out = Sign out
footer-label = About this site
footer-text = { $product } is a messaging platform for government services.
footer-time-zone = Times are shown in Eastern time (Toronto).
forbidden-title = Request refused
forbidden-body = This form could not be accepted, perhaps because it was open for too long or sent from another site. Go back, reload the page and try again.
not-found-title = Page not found
not-found-body = If you typed the web address, check it is correct.
server-error-title = Sorry, there is a problem with the service
server-error-body = Try again later.
too-many-title = Too many attempts
too-many-body = Wait a few minutes, then try again.
