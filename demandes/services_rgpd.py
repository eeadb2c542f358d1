"""The GDPR duties of the demands (docs/droit/regles.md, platform decision 13): read log, retention, appraisals, access.

- ``enregistrer_consultation`` / ``enregistrer_consultation_liste``: the one writer of the append-only
  read log (``JournalConsultation``): who read which demand, document or export, when, for which
  organisation and territory, by which channel. The one write a GET makes: the reading is what is recorded.
- ``purger_demandes_radiees``: a radiated demand's personal data are irreversibly anonymised once its
  retention period (``ParametresDemande.conservation_radiees_mois``, dated, with its source) has run
  out; household, resources, documents (files too), events, priorities, DALO decisions and free texts
  are deleted; the apps above erase their free texts through ``signals.demande_anonymisee``. Counted
  allocations (``attributions.DecisionCaleol``) carry no name nor contact details and are not touched.
- ``effacer_appreciations_sociales``: at the allocation (lease signed), the appraisals of social
  difficulties are deleted unless a social follow-up continues (``Demande.suivi_social_en_cours``).
- ``donnees_personnelles`` / ``archive_acces``: everything held about one applicant (GDPR art. 15).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import zipfile
from collections import Counter

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from core.stockage import stockage_prive

from . import rules, signals
from .models import (
    Demande,
    Evenement,
    JournalConsultation,
    PieceJustificative,
    Statut,
)
from .signals import appreciations_a_effacer, demande_anonymisee, reponses

logger = logging.getLogger(__name__)

NOM_TACHE_PURGE = "demandes.purger_demandes_radiees"
NOM_ANONYMISE = "ANONYMISÉE"


# --- Read log ---------------------------------------------------------------------------------------


def _organisation(utilisateur, epci_id: int) -> str:
    """The organisation the user acts for on the territory (cached on the user object for the request)."""
    from .services import organisation_de

    cache = utilisateur.__dict__.setdefault("_organisations_journal", {})
    if epci_id not in cache:
        cache[epci_id] = organisation_de(utilisateur, epci_id)
    return cache[epci_id]


def enregistrer_consultation(
    *,
    utilisateur,
    objet: str,
    canal: str,
    demande: Demande | None = None,
    epci_id: int | None = None,
    piece: PieceJustificative | None = None,
    nombre: int = 1,
    detail: str = "",
) -> JournalConsultation | None:
    """Append one row to the read log. Nothing for an anonymous visitor (who reads nothing), except the
    applicant reading their own demand on the public follow-up (``canal=SUIVI``, no account)."""
    demandeur = canal == JournalConsultation.Canal.SUIVI
    if not demandeur and (utilisateur is None or not getattr(utilisateur, "is_authenticated", False)):
        return None
    if objet not in JournalConsultation.Objet.values or canal not in JournalConsultation.Canal.values:
        raise rules.DomainError(f"Consultation inconnue : {objet} / {canal}.")
    epci_id = epci_id if epci_id is not None else demande.epci_id
    if demandeur:
        utilisateur = None
    return JournalConsultation.objects.create(
        date=timezone.now(),
        utilisateur=utilisateur,
        identifiant="demandeur" if demandeur else utilisateur.get_username()[:150],
        organisation="Le demandeur (suivi en ligne)" if demandeur else _organisation(utilisateur, epci_id),
        epci_id=epci_id,
        objet=objet,
        canal=canal,
        demande=demande,
        numero_unique=demande.numero_unique if demande is not None else "",
        piece_ref=piece.pk if piece is not None else None,
        nombre=nombre,
        detail=detail[:300],
    )


def enregistrer_consultation_liste(
    *, utilisateur, objet: str, canal: str, demandes=None, nombre_par_territoire=None, detail: str = ""
) -> int:
    """A list or an export: one row per territory with the number of demands it showed. ``demandes`` is a
    queryset (counted in SQL) or the list of demands shown; or the caller, whose list is of known territories and
    already counted (a paginator's count), gives ``nombre_par_territoire`` ({epci_id: number}) and nothing is
    counted again."""
    if nombre_par_territoire is not None:
        comptes = sorted((epci_id, n) for epci_id, n in nombre_par_territoire.items() if n)
    elif hasattr(demandes, "values_list"):
        comptes = list(demandes.order_by().values("epci_id").annotate(n=Count("id")).values_list("epci_id", "n"))
    else:
        comptes = sorted(Counter(d.epci_id for d in demandes).items())
    for epci_id, n in comptes:
        enregistrer_consultation(
            utilisateur=utilisateur, objet=objet, canal=canal, epci_id=epci_id, nombre=n, detail=detail
        )
    return len(comptes)


def enregistrer_consultation_demandes(*, utilisateur, objet: str, canal: str, demandes, detail: str = "") -> None:
    """One row per demand shown (a page listing a few named demands, e.g. a vacancy's candidates)."""
    for demande in demandes:
        enregistrer_consultation(utilisateur=utilisateur, objet=objet, canal=canal, demande=demande, detail=detail)


# --- Retention of radiated demands ----------------------------------------------------------------


def fin_conservation(demande: Demande, jour: dt.date) -> dt.date | None:
    """The day from which the radiated demand's personal data must be gone (the setting in force then)."""
    from .selectors import parametres_pour

    if demande.date_radiation is None:
        return None
    mois = parametres_pour(demande.epci_id, jour).conservation_radiees_mois
    return rules.add_months(demande.date_radiation, mois)


def demandes_a_anonymiser(today: dt.date):
    """Radiated, not yet anonymised, whose retention period ran out on ``today`` (one setting per territory)."""
    from .selectors import parametres_pour

    base = Demande.objects.filter(statut=Statut.RADIEE, anonymisee_le__isnull=True, date_radiation__isnull=False)
    ids: list[int] = []
    for epci_id in base.order_by().values_list("epci_id", flat=True).distinct():
        mois = parametres_pour(epci_id, today).conservation_radiees_mois
        limite = rules.add_months(today, -mois)
        du_territoire = base.filter(epci_id=epci_id)
        ids.extend(du_territoire.filter(date_radiation__lte=limite).values_list("pk", flat=True))
        # month ends: radiated on 29 February, the period ends on 28 February (``fin_conservation``)
        bord = du_territoire.filter(date_radiation__gt=limite, date_radiation__lte=limite + dt.timedelta(days=3))
        ids.extend(pk for pk, jour in bord.values_list("pk", "date_radiation") if rules.add_months(jour, mois) <= today)
    return Demande.objects.filter(pk__in=ids).order_by("pk")


def _compter_anonymisation(demande: Demande) -> Counter:
    c = Counter()
    c["demandes"] = 1
    c["membres"] = demande.membres.count()
    c["ressources"] = demande.ressources.count()
    c["pieces"] = demande.pieces.count()
    c["fichiers"] = demande.pieces.exclude(fichier="").count()
    c["evenements"] = demande.evenements.count()
    c["priorites"] = demande.priorites.count()
    c["decisions_dalo"] = demande.decisions_dalo.count()
    c["rendez_vous_comptes_rendus"] = demande.rendez_vous.exclude(compte_rendu="").count()
    c["transitions_commentaires"] = demande.transitions.exclude(raison="").count()
    return c


def _anonymiser(demande: Demande, *, dry_run: bool, fichiers: list[str]) -> Counter:
    """Erase one demand's personal data (or only count what would be erased). Inside the caller's atomic."""
    compteurs = _compter_anonymisation(demande)
    if dry_run:
        compteurs.update(reponses(demande_anonymisee, demande=demande, dry_run=True))
        return compteurs
    fichiers.extend(demande.pieces.exclude(fichier="").values_list("fichier", flat=True))
    # priorities and DALO decisions point at documents: delete them first
    demande.priorites.all().delete()
    demande.decisions_dalo.all().delete()
    demande.pieces.all().delete()
    demande.ressources.all().delete()
    demande.membres.all().delete()
    demande.evenements.all().delete()
    demande.rendez_vous.exclude(compte_rendu="").update(compte_rendu="")
    demande.transitions.exclude(raison="").update(raison="")
    compteurs.update(reponses(demande_anonymisee, demande=demande, dry_run=False))
    # the row stays as a statistical skeleton (number, territory, dates, status, categories, wishes): no
    # name, no birth day, no address nor contact details, no income, no free text
    Demande.objects.filter(pk=demande.pk).update(
        nom=NOM_ANONYMISE,
        nom_norm=rules.normaliser(NOM_ANONYMISE),
        nom_naissance="",
        nom_naissance_norm="",
        prenom="",
        prenom_norm="",
        date_naissance=dt.date(demande.date_naissance.year, 1, 1),
        adresse="",
        code_postal="",
        ville="",
        telephone="",
        email="",
        employeur="",
        employeur_siret="",
        revenu_fiscal_reference=None,
        annee_revenu_fiscal=None,
        loyer_actuel=None,
        commentaire="",
        besoin_adaptation="",
        motifs=[],
        suivi_social_en_cours=False,
        anonymisee_le=timezone.now(),
    )
    return compteurs


def _effacer_fichiers(noms: list[str]) -> None:
    for nom in noms:
        try:
            stockage_prive.delete(nom)
        except OSError:  # pragma: no cover - reported, never silent
            logger.exception("Fichier %s non effacé", nom)


def purger_demandes_radiees(
    *, today: dt.date | None = None, dry_run: bool = False, rapport: dict | None = None
) -> dict:
    """Anonymise every radiated demand whose retention period ran out; return (and fill ``rapport``) what
    was done: counts per kind, the numbers of the demands, failures. Each demand in its own transaction;
    the files are deleted once it commits. Idempotent (``anonymisee_le`` marks the done ones).

    A failure is recorded in the report and raised at the end (the job's run is then marked failed):
    nothing is skipped silently.
    """
    today = today or timezone.localdate()
    rapport = rapport if rapport is not None else {}
    compteurs: Counter = Counter()
    numeros: list[str] = []
    echecs: list[dict] = []
    for demande in demandes_a_anonymiser(today).iterator(chunk_size=500):
        fichiers: list[str] = []
        try:
            with transaction.atomic():
                verrouillee = Demande.objects.select_for_update().get(pk=demande.pk)
                if verrouillee.anonymisee_le is not None or verrouillee.statut != Statut.RADIEE:
                    continue
                compteurs.update(_anonymiser(verrouillee, dry_run=dry_run, fichiers=fichiers))
                if fichiers:
                    transaction.on_commit(lambda noms=tuple(fichiers): _effacer_fichiers(list(noms)))
        except Exception as exc:  # recorded, then raised below
            logger.exception("Anonymisation de la demande %s échouée", demande.numero_unique)
            echecs.append({"numero_unique": demande.numero_unique, "erreur": f"{type(exc).__name__}: {exc}"})
            continue
        numeros.append(demande.numero_unique)
    rapport.update(
        {
            "date": today.isoformat(),
            "simulation": dry_run,
            "compteurs": dict(sorted(compteurs.items())),
            "numeros": numeros,
            "echecs": echecs,
        }
    )
    if echecs:
        raise rules.DomainError(f"{len(echecs)} demande(s) n'ont pas pu être anonymisées : voir le rapport.")
    return rapport


# --- Appraisals of social difficulties at the allocation -----------------------------------------


def effacer_appreciations_sociales(demande: Demande, *, acteur) -> dict:
    """At the lease: erase the interview reports and the other apps' social diagnoses about the demand,
    unless a social follow-up continues (then keep them and say so). Logged as an event either way."""
    from .services import record_event

    if demande.suivi_social_en_cours:
        record_event(
            demande,
            Evenement.Type.EFFACEMENT,
            acteur=acteur,
            libelle="Appréciations sociales conservées : accompagnement social poursuivi",
            detail={"conservees": True},
        )
        return {}
    compteurs = Counter(rendez_vous_comptes_rendus=demande.rendez_vous.exclude(compte_rendu="").count())
    demande.rendez_vous.exclude(compte_rendu="").update(compte_rendu="")
    compteurs.update(reponses(appreciations_a_effacer, demande=demande, acteur=acteur))
    compteurs = {k: v for k, v in compteurs.items() if v}
    record_event(
        demande,
        Evenement.Type.EFFACEMENT,
        acteur=acteur,
        libelle="Appréciations sur les difficultés sociales effacées à l'attribution"
        if compteurs
        else "Attribution : aucune appréciation sur les difficultés sociales à effacer",
        detail={"effaces": compteurs},
    )
    return compteurs


# --- Right of access (GDPR art. 15) --------------------------------------------------------------


def _lignes(qs, *champs) -> list[dict]:
    return [dict(row) for row in qs.values(*champs)]


def donnees_personnelles(demande: Demande) -> dict:
    """Everything the platform holds about the applicant of ``demande`` (read-only), as plain JSON values."""
    from . import sensibles
    from .selectors import cotation_expliquee

    champs = [
        f.name
        for f in Demande._meta.concrete_fields
        if f.name not in {"nom_norm", "nom_naissance_norm", "prenom_norm", "version"}
    ]
    fiche = Demande.objects.filter(pk=demande.pk).values(*champs).get()
    fiche["territoire"] = str(demande.epci)
    fiche["guichet"] = str(demande.guichet)
    fiche["communes_souhaitees"] = list(demande.communes_souhaitees.values_list("nom", flat=True))
    cotation = None
    if demande.est_active:
        # the applicant's own data, in full: nothing of it is hidden from the applicant (art. 15)
        lecture = sensibles.Lecture(definition=sensibles.definition(demande.epci_id), voit=True)
        explication = cotation_expliquee(demande, timezone.localdate(), lecture=lecture)
        if explication is not None:
            cotation = {
                "grille": str(explication.grille),
                "score": explication.resultat.score,
                "score_enregistre": explication.score_enregistre,
                "lignes": [
                    {"critere": ligne.libelle, "points": ligne.points, "explication": ligne.explication}
                    for ligne in explication.resultat.lignes
                ],
            }
    donnees = {
        "genere_le": timezone.now().isoformat(),
        "base_legale": "Règlement (UE) 2016/679, article 15 (droit d'accès)",
        "demande": fiche,
        "menage": _lignes(
            demande.membres.all(), "lien", "nom", "prenom", "date_naissance", "situation_professionnelle"
        ),
        "ressources": _lignes(demande.ressources.all(), "membre__prenom", "nature", "montant_mensuel"),
        "pieces": _lignes(
            demande.pieces.all(), "id", "type_piece", "statut", "nom_original", "taille", "recue_le", "valide_jusqu_au"
        ),
        "priorites": _lignes(
            demande.priorites.all(), "critere", "source", "reconnu_le", "organisation", "commentaire", "fin_le"
        ),
        "decisions_dalo": _lignes(
            demande.decisions_dalo.all(), "date_decision", "prioritaire_urgent", "commission", "reference"
        ),
        "rendez_vous": _lignes(demande.rendez_vous.all(), "objet", "debut", "statut", "guichet__nom", "compte_rendu"),
        "statuts": _lignes(demande.transitions.all(), "date", "de", "vers", "action", "motif", "raison"),
        "evenements": _lignes(
            demande.evenements.order_by("date", "id"), "date", "type", "organisation", "libelle", "detail"
        ),
        "cotation": cotation,
        "consultations": _lignes(
            JournalConsultation.objects.filter(demande=demande).order_by("date", "id"),
            "date",
            "identifiant",
            "organisation",
            "objet",
            "canal",
        ),
    }
    # the apps above (allocations, relocation) add their sections
    donnees.update(reponses(signals.donnees_personnelles, demande=demande))
    return donnees


def archive_acces(demande: Demande) -> bytes:
    """A ZIP: ``donnees.json`` (everything above) and the documents' files under ``pieces/``."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "donnees.json",
            json.dumps(donnees_personnelles(demande), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        for piece in demande.pieces.exclude(fichier=""):
            nom = (piece.nom_original or piece.fichier.name.rsplit("/", 1)[-1]).replace("/", "_")
            try:
                with piece.fichier.open("rb") as f:
                    archive.writestr(f"pieces/{piece.pk}-{nom}", f.read())
            except OSError:
                archive.writestr(f"pieces/{piece.pk}-MANQUANT.txt", "Fichier absent du stockage.")
    return tampon.getvalue()
