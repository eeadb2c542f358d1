"""Demo: the neighbourhood index of the demo territory, classified; the CIL's balance sheet of the last full year,
already produced, so CIL members can open both at first start; the indicators of the last two full years and of
the current one (the nightly job's work, done at once), and a few reference figures of the département and the
region, marked as demo values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cil import services_quartiers
from cil.models import ClassementQuartiers, NoteQuartier, Quartier
from cil.selectors import referentiel_en_vigueur

from .models import BilanAnnuel, ChiffreReference, Indicateur
from .quartiers import classer_quartiers
from .services import calculer_indicateurs, demander_bilan

ANNEE_DEMO = 2025  # the demo's last full year (attributions.demo)
SOURCE_DEMO = "Valeur fictive de démonstration (à remplacer par la publication de la DDETS ou de la DREAL)"
# (indicator, level, territory, value): orders of magnitude of the published figures, not the figures themselves
REFERENCES_DEMO = [
    (Indicateur.PRESSION, ChiffreReference.Echelon.DEPARTEMENT, "Isère", "4.6"),
    (Indicateur.PRESSION, ChiffreReference.Echelon.REGION, "Auvergne-Rhône-Alpes", "4.9"),
    (Indicateur.DELAI_MEDIAN, ChiffreReference.Echelon.DEPARTEMENT, "Isère", "14.0"),
    (Indicateur.PART_Q1_ATTRIBUTIONS, ChiffreReference.Echelon.DEPARTEMENT, "Isère", "17.0"),
    (Indicateur.PART_PRIORITAIRES_ATTRIBUTIONS, ChiffreReference.Echelon.REGION, "Auvergne-Rhône-Alpes", "21.0"),
]
DEBUT_REFERENTIEL = dt.date(2024, 1, 1)
SOURCE_NOTES = "Démonstration : diagnostic de quartier de la CIA (fictif)"
# Entered marks (1 to 5) of the demo's neighbourhoods: urban form and management, age of the stock, services,
# public tranquillity. Plausible profiles: large estates of the 1960s-70s under renewal, a watch neighbourhood in
# a redeveloped town centre... A neighbourhood not listed gets the middle profile.
PROFILS = {
    "fragile": (1, 2, 2, 1),
    "moyen": (3, 3, 3, 3),
    "recherche": (5, 4, 5, 5),
}
PROFIL_DES_QUARTIERS = {
    "Villeneuve - Village Olympique": "fragile",
    "Mistral Lys Rouge Camine": "fragile",
    "Essarts - Surieux": "fragile",
    "Centre ancien de Vizille": "recherche",
    "Les Granges": "moyen",
}
CODES_SAISIS = ("FORME_URBAINE", "AGE_PARC", "SERVICES", "TRANQUILLITE")


def seed_quartiers(territory, *, stdout=None) -> None:
    """A version of the index from 2024 (the defaults), entered marks, a classification at the end of 2025 (the
    balance sheet's) and one today. Idempotent: a territory already classified is left as it is."""
    epci = territory.epci
    if ClassementQuartiers.objects.filter(epci=epci).exists():
        return
    if referentiel_en_vigueur(epci, DEBUT_REFERENTIEL) is None:
        services_quartiers.creer_referentiel(
            epci=epci,
            date_debut=DEBUT_REFERENTIEL,
            source="Démonstration : convention intercommunale d'attribution, annexe « référentiel des quartiers »",
        )
    auteur = territory.account("epci").user
    for quartier in Quartier.objects.filter(epci=epci).order_by("pk"):
        if NoteQuartier.objects.filter(quartier=quartier).exists():
            continue
        profil = PROFILS[PROFIL_DES_QUARTIERS.get(quartier.nom, "moyen")]
        for code, valeur in zip(CODES_SAISIS, profil, strict=True):
            services_quartiers.saisir_note(
                quartier=quartier,
                code=code,
                valeur=Decimal(valeur),
                date_valeur=dt.date(2025, 6, 30),
                source=SOURCE_NOTES,
                acteur=auteur,
            )
    classer_quartiers(epci, declencheur="DEMO", acteur=auteur, jour=dt.date(ANNEE_DEMO, 12, 31))
    classement = classer_quartiers(epci, declencheur="DEMO", acteur=auteur)
    if stdout is not None:
        classes = sorted({r.classe_libelle for r in classement.resultats.all()})
        stdout.write(
            f"Référentiel des quartiers : {classement.resultats.count()} quartiers classés ({', '.join(classes)})."
        )


def seed(territory, *, stdout=None):
    seed_quartiers(territory, stdout=stdout)
    epci = territory.epci
    for indicateur, echelon, nom, valeur in REFERENCES_DEMO:
        ChiffreReference.objects.get_or_create(
            epci=epci,
            indicateur=indicateur,
            echelon=echelon,
            annee=ANNEE_DEMO,
            defaults={"territoire": nom, "valeur": Decimal(valeur), "source": SOURCE_DEMO},
        )
    aujourd_hui = timezone.localdate()
    annees = sorted(a for a in {ANNEE_DEMO - 1, ANNEE_DEMO, aujourd_hui.year} if a <= aujourd_hui.year)
    for annee in annees:
        calculer_indicateurs(epci, annee, aujourd_hui=aujourd_hui)
    if stdout is not None:
        stdout.write(f"Indicateurs de l'observatoire calculés : {', '.join(str(a) for a in annees)}.")
    if BilanAnnuel.objects.filter(epci=epci, annee=ANNEE_DEMO, kind=BilanAnnuel.Kind.CIL).exists():
        return  # idempotent: the demo keeps the balance sheet it produced the first time
    auteur = territory.account("epci").user
    demander_bilan(kind=BilanAnnuel.Kind.CIL, epci=epci, annee=ANNEE_DEMO, acteur=auteur)
    if stdout is not None:
        stdout.write(f"Bilan annuel {ANNEE_DEMO} de la CIL demandé : il est produit dès la fin de la préparation.")
