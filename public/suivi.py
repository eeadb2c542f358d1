"""The applicant's own follow-up (R. 441-2-17): identification without password, by a one-time code.

The applicant types their unique number and birth date; when they match an active demand of THAT territory
which has an e-mail address, a six-digit code is sent there (same answer either way: the page never says
whether a number exists). The code is kept as a keyed hash, valid ``DUREE_CODE``, used once. ``ECHECS_MAX``
failures (wrong number or birth date, wrong code) for one number or one address within ``DUREE_BLOCAGE``
lock the identification (database rows: it works without Redis). Once identified, the session holds the
demand's id under a key of the territory, for ``DUREE_SESSION``; the demand never comes from the address.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import time

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from demandes import rules as demandes_rules
from demandes.models import Demande

from .models import CodeSuivi, EchecSuivi

DUREE_CODE = dt.timedelta(minutes=15)
DUREE_BLOCAGE = dt.timedelta(minutes=30)
DUREE_SESSION = dt.timedelta(minutes=30)
ECHECS_MAX = 10
ESSAIS_PAR_CODE = 5  # a code dies after this many wrong tries: ask for a new one
CODES_MAX = 5  # codes sent for one demand within DUREE_BLOCAGE (the applicant's mailbox is not flooded)
SEL = "public.suivi"


def empreinte(valeur: str) -> str:
    return salted_hmac(SEL, valeur, algorithm="sha256").hexdigest()


def cle_session(epci) -> str:
    return f"suivi_demandeur_{epci.pk}"


def cle_attente(epci) -> str:
    return f"suivi_demandeur_attente_{epci.pk}"


def bloque(epci, numero: str, adresse: str | None) -> bool:
    depuis = timezone.now() - DUREE_BLOCAGE
    recents = EchecSuivi.objects.filter(epci=epci, date__gte=depuis)
    return (
        recents.filter(cle_numero=empreinte(numero)).count() >= ECHECS_MAX
        or recents.filter(cle_adresse=empreinte(adresse or "")).count() >= ECHECS_MAX
    )


def noter_echec(epci, numero: str, adresse: str | None) -> None:
    maintenant = timezone.now()
    EchecSuivi.objects.filter(date__lt=maintenant - DUREE_BLOCAGE).delete()  # nothing kept longer than needed
    EchecSuivi.objects.create(
        epci=epci, cle_numero=empreinte(numero), cle_adresse=empreinte(adresse or ""), date=maintenant
    )


def demande_identifiable(epci, numero: str, date_naissance: dt.date) -> Demande | None:
    return (
        Demande.objects.actives()
        .filter(epci=epci, numero_unique=numero, date_naissance=date_naissance, anonymisee_le__isnull=True)
        .first()
    )


@transaction.atomic
def demander_code(epci, saisie_numero: str, date_naissance: dt.date | None, adresse: str | None) -> str | None:
    """Send a code when the number and birth date match an active demand of ``epci`` with an e-mail address.
    Returns the normalised number (to be kept in the session for the next step), None when locked. Whether
    a code left is never returned."""
    numero = demandes_rules.normaliser_numero(saisie_numero) or saisie_numero.strip()[:32]
    if bloque(epci, numero, adresse):
        return None
    demande = demande_identifiable(epci, numero, date_naissance) if date_naissance else None
    if demande is None:
        noter_echec(epci, numero, adresse)
        return numero
    if not demande.email:
        return numero
    maintenant = timezone.now()
    if CodeSuivi.objects.filter(demande=demande, cree_le__gte=maintenant - DUREE_BLOCAGE).count() >= CODES_MAX:
        return numero
    CodeSuivi.objects.filter(demande=demande, utilise_le__isnull=True).update(expire_le=maintenant)
    code = f"{secrets.randbelow(1_000_000):06d}"
    CodeSuivi.objects.create(demande=demande, empreinte=empreinte(code), expire_le=maintenant + DUREE_CODE)
    # Sent by the worker, not in the request: an SMTP exchange takes far longer than a refusal, and the answer's
    # delay would tell a visitor that the number and birth date they typed belong to a demand.
    from .tasks import envoyer_code_suivi

    envoyer_code_suivi.delay(demande.pk, code)
    return numero


def envoyer_code(demande_id: int, code: str) -> None:
    """The e-mail carrying a one-time code (``public.tasks.envoyer_code_suivi``): only the number and the code,
    no personal data (Platform decision 12: nothing sensitive in an e-mail)."""
    demande = Demande.objects.select_related("epci").get(pk=demande_id)
    if not demande.email:
        return
    send_mail(
        f"Votre code de suivi de demande de logement social – {demande.epci.nom}",
        (
            f"Bonjour,\n\nVotre code pour consulter votre demande de logement social n° {demande.numero_unique} "
            f"est : {code}\n\nIl est valable {int(DUREE_CODE.total_seconds() // 60)} minutes et ne sert "
            "qu'une fois. Si vous n'avez rien demandé, ignorez ce message : personne ne peut consulter votre "
            "demande sans ce code.\n"
        ),
        None,
        [demande.email],
    )


@transaction.atomic
def verifier_code(epci, numero: str, code: str, adresse: str | None) -> Demande | None:
    """The demand when ``code`` is the live code of the demand ``numero`` of ``epci``; a failure is counted
    otherwise (a locked identification answers None without looking)."""
    if bloque(epci, numero, adresse):
        return None
    maintenant = timezone.now()
    actif = (
        CodeSuivi.objects.select_for_update()
        .filter(
            demande__epci=epci,
            demande__numero_unique=numero,
            demande__statut__in=[s for s in demandes_rules.Statut if s != demandes_rules.Statut.RADIEE],
            utilise_le__isnull=True,
            expire_le__gt=maintenant,
        )
        .select_related("demande")
        .order_by("-cree_le", "-id")
        .first()
    )
    saisi = "".join(c for c in code if c.isdigit())
    if actif is not None and hmac.compare_digest(actif.empreinte, empreinte(saisi)):
        actif.utilise_le = maintenant
        actif.save(update_fields=["utilise_le"])
        return actif.demande
    if actif is not None:
        actif.essais += 1
        if actif.essais >= ESSAIS_PAR_CODE:
            actif.expire_le = maintenant
        actif.save(update_fields=["essais", "expire_le"])
    noter_echec(epci, numero, adresse)
    return None


def ouvrir(request, epci, demande: Demande) -> None:
    request.session.cycle_key()  # a new session key: no fixation
    request.session.pop(cle_attente(epci), None)
    request.session[cle_session(epci)] = {
        "demande": demande.pk,
        "fin": int(time.time() + DUREE_SESSION.total_seconds()),
    }


def fermer(request, epci) -> None:
    request.session.pop(cle_session(epci), None)
    request.session.pop(cle_attente(epci), None)


def demande_de_la_session(request, epci) -> Demande | None:
    """The demand the session opened on this territory (never another territory's), while it lasts."""
    ouvert = request.session.get(cle_session(epci))
    if not isinstance(ouvert, dict) or ouvert.get("fin", 0) < time.time():
        fermer(request, epci)
        return None
    return Demande.objects.filter(pk=ouvert.get("demande"), epci=epci, anonymisee_le__isnull=True).first()
