//! The platform emails' words, in English and in French. Written for Carillon; placeholders
//! use the template syntax of every other template (`((name))`).

use carillon_domain::Language;

use super::platform::PlatformEmail;

/// The template name, subject and body of `kind` in `language`.
pub(super) fn text(
    kind: PlatformEmail,
    language: Language,
) -> (&'static str, &'static str, &'static str) {
    match (kind, language) {
        (PlatformEmail::SignInCode, Language::English) => (
            "Sign-in code (English)",
            "Your sign-in code",
            "((code)) is your sign-in code.\n\nIt works once, for 30 minutes.\n\n\
             If you did not try to sign in, someone may know your password: change it.",
        ),
        (PlatformEmail::SignInCode, Language::French) => (
            "Code de connexion (français)",
            "Votre code de connexion",
            "((code)) est votre code de connexion.\n\nIl fonctionne une seule fois, pendant 30 minutes.\n\n\
             Si vous n’avez pas essayé de vous connecter, quelqu’un connaît peut-être votre mot de passe : changez-le.",
        ),
        (PlatformEmail::VerifyEmail, Language::English) => (
            "Confirm email address (English)",
            "Confirm your email address",
            "Hello ((name)),\n\nTo finish creating your account, confirm your email address with this link:\n\n\
             ((link))\n\nThe link works once, for one hour.",
        ),
        (PlatformEmail::VerifyEmail, Language::French) => (
            "Confirmer l’adresse courriel (français)",
            "Confirmez votre adresse courriel",
            "Bonjour ((name)),\n\nPour terminer la création de votre compte, confirmez votre adresse courriel avec ce lien :\n\n\
             ((link))\n\nLe lien fonctionne une seule fois, pendant une heure.",
        ),
        (PlatformEmail::PasswordReset, Language::English) => (
            "Password reset (English)",
            "Reset your password",
            "Hello ((name)),\n\nChoose a new password with this link:\n\n((link))\n\n\
             The link works once, for one hour. If you did not ask for it, you can ignore this email.",
        ),
        (PlatformEmail::PasswordReset, Language::French) => (
            "Réinitialisation du mot de passe (français)",
            "Réinitialisez votre mot de passe",
            "Bonjour ((name)),\n\nChoisissez un nouveau mot de passe avec ce lien :\n\n((link))\n\n\
             Le lien fonctionne une seule fois, pendant une heure. Si vous ne l’avez pas demandé, ignorez ce courriel.",
        ),
        (PlatformEmail::Invitation, Language::English) => (
            "Invitation (English)",
            "((invited_by)) invited you to ((service_name))",
            "((invited_by)) invited you to join the team of ((service_name)).\n\n\
             Accept the invitation with this link:\n\n((link))\n\nThe invitation expires in ((days)) days.",
        ),
        (PlatformEmail::Invitation, Language::French) => (
            "Invitation (français)",
            "((invited_by)) vous invite à ((service_name))",
            "((invited_by)) vous invite à rejoindre l’équipe de ((service_name)).\n\n\
             Acceptez l’invitation avec ce lien :\n\n((link))\n\nL’invitation expire dans ((days)) jours.",
        ),
        (PlatformEmail::ChangeEmail, Language::English) => (
            "Confirm new email address (English)",
            "Confirm your new email address",
            "Hello ((name)),\n\nTo use this address for your account, confirm it with this link:\n\n\
             ((link))\n\nThe link works once, for one hour.",
        ),
        (PlatformEmail::ChangeEmail, Language::French) => (
            "Confirmer la nouvelle adresse courriel (français)",
            "Confirmez votre nouvelle adresse courriel",
            "Bonjour ((name)),\n\nPour utiliser cette adresse pour votre compte, confirmez-la avec ce lien :\n\n\
             ((link))\n\nLe lien fonctionne une seule fois, pendant une heure.",
        ),
        (PlatformEmail::AlreadyRegistered, Language::English) => (
            "Already registered (English)",
            "You already have an account",
            "Someone tried to create an account with this email address, which already has one.\n\n\
             To sign in, go to ((link))\n\nIf you forgot your password, you can reset it from the sign-in page.",
        ),
        (PlatformEmail::AlreadyRegistered, Language::French) => (
            "Déjà inscrit (français)",
            "Vous avez déjà un compte",
            "Quelqu’un a essayé de créer un compte avec cette adresse courriel, qui en a déjà un.\n\n\
             Pour vous connecter, allez à ((link))\n\nSi vous avez oublié votre mot de passe, réinitialisez-le depuis la page de connexion.",
        ),
        // Sent to an address that is not an account: both languages, the actor's first.
        (PlatformEmail::ReplyToVerification, Language::English) => (
            "Verify reply-to address (English)",
            "Verify this reply-to address / Vérifiez cette adresse de réponse",
            "(Le français suit l’anglais.)\n\n\
             A team member of ((service_name)) wants replies to their emails to come to this address. \
             If this mailbox should receive them, open this link:\n\n((link))\n\n\
             The link works once, for ((hours)) hours. If you do not expect this, ignore this email: \
             the address will not be used.\n\n---\n\n\
             Un membre de l’équipe de ((service_name)) souhaite que les réponses à ses courriels \
             arrivent à cette adresse. Si cette boîte de réception doit les recevoir, ouvrez ce lien :\n\n\
             ((link))\n\nLe lien fonctionne une seule fois, pendant ((hours)) heures. Si vous ne vous \
             attendiez pas à ce courriel, ignorez-le : l’adresse ne sera pas utilisée.",
        ),
        (PlatformEmail::ReplyToVerification, Language::French) => (
            "Vérifier l’adresse de réponse (français)",
            "Vérifiez cette adresse de réponse / Verify this reply-to address",
            "(English follows French.)\n\n\
             Un membre de l’équipe de ((service_name)) souhaite que les réponses à ses courriels \
             arrivent à cette adresse. Si cette boîte de réception doit les recevoir, ouvrez ce lien :\n\n\
             ((link))\n\nLe lien fonctionne une seule fois, pendant ((hours)) heures. Si vous ne vous \
             attendiez pas à ce courriel, ignorez-le : l’adresse ne sera pas utilisée.\n\n---\n\n\
             A team member of ((service_name)) wants replies to their emails to come to this address. \
             If this mailbox should receive them, open this link:\n\n((link))\n\n\
             The link works once, for ((hours)) hours. If you do not expect this, ignore this email: \
             the address will not be used.",
        ),
    }
}
