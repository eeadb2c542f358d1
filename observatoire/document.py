"""The balance sheet as a document: where its charts go and the sentences around its tables.

``selectors.bilan`` gathers the figures and the tables, which is all the spreadsheet exports need;
``assembler`` adds to each section the server-side SVG charts (``charts``) and the prose that the printed
document shows (print/bilan.html, rendered by ``pdf``). It reads no database, only what the balance sheet holds,
and returns a new balance sheet (the one given is left as it is).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from django.utils.safestring import SafeString

from . import charts, formats
from .selectors import (
    BAILLEUR,
    CIL,
    LIBELLES_COURTS,
    RESERVATAIRE,
    Bilan,
    Section,
    _etat_locale,
    cible_mutations_du_bailleur,
)
from .tables import Tableau

Contenu = tuple[list[str], list[SafeString]]  # the paragraphs and charts a section receives


def assembler(bilan: Bilan) -> Bilan:
    """The balance sheet with its charts and sentences, section by section; figures and tables unchanged."""
    sections = []
    for section in bilan.sections:
        paragraphes, graphiques = PAR_SECTION.get(section.code, _rien)(bilan, section)
        sections.append(
            replace(
                section,
                paragraphes=[*section.paragraphes, *paragraphes],
                graphiques=[*section.graphiques, *graphiques],
            )
        )
    return replace(bilan, sections=sections)


def _rien(bilan: Bilan, section: Section) -> Contenu:
    return [], []


def _synthese(bilan: Bilan, section: Section) -> Contenu:
    resultat, annee, historique = bilan.resultat, bilan.annee, bilan.historique
    indicateurs = [{"label": LIBELLES_COURTS[c], **resultat[c]} for c in ("hors_qpv", "qpv", "prioritaires")]
    barres = charts.barres_objectifs(indicateurs, titre=f"Objectifs légaux {annee}")
    annees = sorted(a for a, r in historique.items() if r is not None)
    evolution = charts.evolution(
        {
            LIBELLES_COURTS[c]: [(a, historique[a][c]["taux"]) for a in annees]
            for c in ("hors_qpv", "qpv", "prioritaires")
        },
        titre=f"Évolution {annees[0]}–{annees[-1]}" if len(annees) > 1 else f"Année {annee}",
    )
    return [], [barres, evolution]


def _reservataires(bilan: Bilan, section: Section) -> Contenu:
    if bilan.kind == CIL:
        return (
            [
                "Au moins 25\u00a0% des attributions de chaque réservataire (la totalité pour le contingent de "
                "l'État) doivent aller à des ménages reconnus DALO ou, à défaut, prioritaires au titre de "
                "l'article L. 441-1."
            ],
            [
                charts.barres_objectifs(
                    [{"label": r["nom"], **r} for r in bilan.resultat["reservataires"]],
                    titre=f"Objectif C par réservataire en {bilan.annee}",
                )
            ],
        )
    if bilan.kind == BAILLEUR:
        return [
            "Compte rendu annuel au réservataire (R. 441-5 du CCH) : logements attribués dans l'année, "
            "par réservataire, typologie, financement, localisation, commune et période de construction."
        ], []
    return [], []


def _bailleurs(bilan: Bilan, section: Section) -> Contenu:
    if bilan.kind == RESERVATAIRE:
        return [
            "Logements attribués dans l'année sur le contingent du réservataire, par bailleur, typologie, "
            "financement, localisation, commune et période de construction."
        ], []
    return [], []


def _secteurs(bilan: Bilan, section: Section) -> Contenu:
    return [] if bilan.resultat["secteurs"] else ["Aucun secteur n'est défini pour ce territoire."], []


def _mutations(bilan: Bilan, section: Section) -> Contenu:
    mut = bilan.resultat["mutations"]
    if bilan.kind == BAILLEUR and bilan.bailleur is not None:
        locale = cible_mutations_du_bailleur(bilan.resultat, bilan.bailleur.pk)
        return [
            f"{formats.nombre(mut['numerateur'])} mutations sur {formats.nombre(mut['base'])} attributions comptées "
            f"de {bilan.bailleur.nom}, soit {mut['taux_texte']}"
            + (
                f" ; cible locale ({locale['perimetre']['nom'].lower()}) : {locale['cible_texte']} "
                f"({_etat_locale(locale)})."
                if locale
                else " ; aucune cible locale de mutations ne s'applique."
            )
        ], []
    en_dessous = [
        b["nom"]
        for b in bilan.resultat.get("bailleurs") or []
        if b["mutations"].get("locale") and b["mutations"]["locale"]["atteint"] is False
    ]
    return [
        f"{formats.nombre(mut['numerateur'])} mutations sur {formats.nombre(mut['base'])} attributions "
        f"comptées, soit {mut['taux_texte']}"
        + (f" pour une cible de {formats.pourcentage(mut['cible'])}" if mut["cible"] is not None else "")
        + (
            f" ; cible locale : {mut['locale']['cible_texte']} ({_etat_locale(mut['locale'])})."
            if mut["locale"]
            else "."
        )
    ] + (
        [f"Bailleurs en dessous de leur cible locale de mutations : {', '.join(sorted(en_dessous))}."]
        if en_dessous
        else []
    ), []


def _cibles_locales(bilan: Bilan, section: Section) -> Contenu:
    return [
        "Cibles fixées par les orientations de la CIL ou la convention intercommunale d'attribution, plus "
        "exigeantes que la loi. Elles figurent à côté des cibles légales, jamais à leur place, et sont atteintes "
        "selon la même règle : nombre d'attributions remplissant l'objectif au moins égal à la cible × la base, "
        "sans arrondi."
    ], []


def _prioritaires(bilan: Bilan, section: Section) -> Contenu:
    if any(t.code == "prioritaires_critere" for t in section.tableaux):
        return [], []
    return [
        "Détail par critère de priorité (L. 441-1, a à j) : les décisions des extraits ne portent que "
        "l'indication « DALO » et l'indication « prioritaire ». Le détail par critère sera disponible lorsque les "
        "critères reconnus dans les demandes seront rapprochés des attributions."
    ], []


def _flux(bilan: Bilan, section: Section) -> Contenu:
    if not section.tableaux:
        return [
            f"Aucune convention de réservation en flux n'est enregistrée pour {bilan.annee} : le flux dû à chaque "
            "réservataire ne peut pas être calculé. Les attributions imputées à chaque réservataire figurent ci-dessus."
        ], []
    return [
        "Base du flux : logements mis en location dans l'année (baux signés), moins ceux mobilisés pour les mutations "
        "et les relogements (R. 441-5 du CCH). Dû = part du flux × base ; livré = baux signés imputés au réservataire."
    ], []


def _delais(bilan: Bilan, section: Section) -> Contenu:
    par_typologie = next(t for t in section.tableaux if t.code == "delais_typologie")
    return [], [_graphique_delais(par_typologie, f"Délai médian d'attente par typologie en {bilan.annee}")]


def _graphique_delais(tableau: Tableau, titre: str) -> SafeString:
    valeurs = []
    for ligne in tableau.lignes:
        mediane = ligne[3]
        valeurs.append((ligne[0], None if not isinstance(mediane, float) else round(mediane, 1)))
    return charts.barres_effectifs(valeurs, titre=titre, unite="mois", decimales=1)


def _quartiers(bilan: Bilan, section: Section) -> Contenu:
    return [
        "Classe de chaque quartier au référentiel des quartiers de la CIL : un score de 0 à 100, moyenne pondérée "
        "des notes de ses indicateurs (part des ménages du premier quartile et des ménages prioritaires parmi les "
        "attributions, refus des propositions, durée de vacance, rotation, et les indicateurs saisis par l'EPCI : "
        "forme urbaine et gestion, âge du parc, services, tranquillité publique), rapporté aux seuils des classes."
    ], []


PAR_SECTION: dict[str, Callable[[Bilan, Section], Contenu]] = {
    "synthese": _synthese,
    "reservataires": _reservataires,
    "bailleurs": _bailleurs,
    "secteurs": _secteurs,
    "mutations": _mutations,
    "cibles_locales": _cibles_locales,
    "prioritaires": _prioritaires,
    "flux": _flux,
    "delais": _delais,
    "quartiers": _quartiers,
}
