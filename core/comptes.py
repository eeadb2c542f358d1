"""Account security shared by the pages, the admin and the API: lockout of repeated failed logins (django-axes),
second factor (TOTP, django-otp) and idle sessions. The settings are described in README ("Comptes et sécurité
des connexions").
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import Role

# Session keys
SESSION_DERNIERE_ACTIVITE = "derniere_activite"  # epoch seconds of the last recorded activity
SESSION_A_UN_SECOND_FACTEUR = "a_un_second_facteur"  # the user had a confirmed device when the session began
SESSION_CLE_ENROLEMENT = "second_facteur_cle"  # hex key shown during enrolment, before it is confirmed

NOM_APPAREIL = "Application d'authentification"


# --------------------------------------------------------------------------- lockout (django-axes)


def adresse_client(request) -> str | None:
    """The client's address for the lockout: REMOTE_ADDR, or the address appended by the outermost of the
    ``REVERSE_PROXY_COUNT`` trusted reverse proxies (entries a client writes itself are never trusted)."""
    proxies = getattr(settings, "REVERSE_PROXY_COUNT", 0)
    if proxies > 0:
        chaine = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(chaine) >= proxies:
            return chaine[-proxies]
    return request.META.get("REMOTE_ADDR")


def minutes_de_blocage() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def message_verrouillage() -> str:
    minutes = minutes_de_blocage()
    return (
        f"Trop de tentatives de connexion échouées pour cet identifiant depuis ce poste : la connexion est bloquée. "
        f"Réessayez dans {minutes} minute{'s' if minutes > 1 else ''} ; chaque nouvel essai pendant le blocage "
        f"le prolonge. En cas d'urgence, l'administrateur de la plateforme peut lever le blocage."
    )


def reponse_verrouillage(request, original_response=None, credentials=None):
    """What a locked-out client gets (AXES_LOCKOUT_CALLABLE): the login page with the reason, or JSON for the API;
    status 429 either way."""
    from django.contrib.auth.forms import AuthenticationForm

    message = message_verrouillage()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    username = (credentials or {}).get("username") or ""
    form = AuthenticationForm(request, initial={"username": username})
    contexte = {"form": form, "next": "", "verrouillage": message}
    return render(request, "registration/login.html", contexte, status=429)


# --------------------------------------------------------------------------- second factor


def roles_exigeant_second_facteur(user) -> set[str]:
    """The user's roles for which ``OTP_ROLES_OBLIGATOIRES`` requires a second factor (empty: optional)."""
    exiges = {str(r) for r in getattr(settings, "OTP_ROLES_OBLIGATOIRES", [])}
    if not exiges or not getattr(user, "is_authenticated", False):
        return set()
    from cil.permissions import scope_for  # web-layer exception documented in docs/ARCHITECTURE.md

    roles = set(scope_for(user).roles)
    if user.is_superuser:
        roles.add(str(Role.ADMINISTRATEUR))
    return roles & exiges


def second_facteur_obligatoire(user) -> bool:
    return bool(roles_exigeant_second_facteur(user))


def appareil_confirme(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def a_un_second_facteur(request) -> bool:
    """Whether the signed-in user has a confirmed device, remembered in the session (no query per request)."""
    if SESSION_A_UN_SECOND_FACTEUR not in request.session:
        request.session[SESSION_A_UN_SECOND_FACTEUR] = appareil_confirme(request.user) is not None
    return request.session[SESSION_A_UN_SECOND_FACTEUR]


def est_verifie(user) -> bool:
    verifie = getattr(user, "is_verified", None)
    return bool(verifie and verifie())


@receiver(user_logged_in, dispatch_uid="core.comptes.debut_de_session")
def debut_de_session(sender, request, user, **kwargs):
    """A new session starts active now, and knows whether its user has a second factor."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[SESSION_DERNIERE_ACTIVITE] = int(time.time())
    request.session[SESSION_A_UN_SECOND_FACTEUR] = appareil_confirme(user) is not None
