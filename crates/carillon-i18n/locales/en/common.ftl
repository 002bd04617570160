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
terms-title = Terms of use
terms-read = (read the terms)
terms-intro = These terms apply to everyone with an account on this messaging platform. The organisation that runs the platform may replace them with its own.
terms-account = Keep your account to yourself. Do not share your password, security codes or API keys, and tell the platform's administrators at once if you think someone else has used them.
terms-purpose = Use the platform only for your organisation's official business, and send messages only to people who expect them or have a right to receive them.
terms-information = Protect the information you send. Include only what recipients need, and follow your organisation's privacy and security rules about what may be sent by email or text message.
terms-records = The platform keeps a record of the messages sent and of what each account does, so its administrators can investigate problems and misuse.
terms-delivery = Messages travel through email and text message providers: the platform tracks each one, but cannot guarantee that every message reaches its recipient.
terms-suspension = The platform's administrators may suspend an account or a service that breaks these terms or puts recipients or the platform at risk.
