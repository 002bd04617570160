# La mise en page, les composants communs et les pages d'erreur.

skip-to-main = Passer au contenu principal
language-toggle = English
page-title = { $page } – { $product }
title-error-prefix = Erreur : { $title }
there-is-a-problem = Il y a un problème
inline-error-prefix = Erreur :
nav-label = Menu principal
nav-your-services = Vos services
nav-platform-admin = Administration de la plateforme
nav-sign-in = Se connecter
sign-out = Se déconnecter
footer-label = À propos de ce site
footer-text = { $product } est une plateforme de messagerie pour les services gouvernementaux.
footer-time-zone = Les heures sont indiquées à l'heure de l'Est (Toronto).
forbidden-title = Demande refusée
forbidden-body = Ce formulaire n'a pas pu être accepté, peut-être parce qu'il est resté ouvert trop longtemps ou qu'il a été envoyé depuis un autre site. Revenez en arrière, rechargez la page et réessayez.
not-found-title = Page introuvable
not-found-body = Si vous avez saisi l'adresse Web, vérifiez qu'elle est correcte.
server-error-title = Désolés, le service éprouve un problème
server-error-body = Réessayez plus tard.
too-many-title = Trop de tentatives
too-many-body = Attendez quelques minutes, puis réessayez.
