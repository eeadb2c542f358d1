"""The balance sheet's figures: breakdowns add up to the engine, waiting times, statistical secrecy."""

import datetime as dt
import statistics

import pytest

from attributions.models import DecisionCaleol
from attributions.selectors import calcule_objectifs_epci, decisions_de_l_annee, q_decision_comptee
from cil.models import Bailleur
from core.durees import en_mois
from observatoire import document, selectors
from observatoire.tables import Masque, masque, secret_tableau, texte_cellule, valeur_brute

M = Masque(5)


def test_masque_hides_one_to_four_only():
    assert [masque(n, 5) for n in (0, 1, 4, 5, 12)] == [0, M, M, 5, 12]


def test_secondary_suppression_in_rows_and_columns():
    # Columns 1-3 add up to a shown row total; every column has a shown total.
    lignes = [
        ["Fontaine", 3, 12, 40],
        ["Grenoble", 9, 30, 100],
        ["Échirolles", 6, 14, 60],
    ]
    masquees = [[ligne[0], *(masque(v, 5) for v in ligne[1:])] for ligne in lignes]
    assert masquees[0][1] == M and sum(isinstance(v, Masque) for ligne in masquees for v in ligne) == 1
    resultat = secret_tableau(masquees, 5, groupes_ligne=((1, 2, 3),), colonnes_totalisees=(1, 2, 3))
    # Never a masked cell alone in its row or its column.
    for ligne in resultat:
        assert sum(isinstance(v, Masque) for v in ligne[1:]) != 1
    for col in (1, 2, 3):
        assert sum(isinstance(ligne[col], Masque) for ligne in resultat) != 1
    # The smallest other cells were chosen, the rest is untouched.
    assert resultat[2][1] == M and resultat[1][3] == 100


def test_secondary_suppression_hides_zeros_when_nothing_else_can_hide():
    resultat = secret_tableau([["X", M, 0, 0]], 5, groupes_ligne=((1, 2, 3),))
    assert resultat[0][1:] == [M, M, M]


def test_linked_rates_are_masked_with_their_count():
    resultat = secret_tableau([["A", 10, M, 0.2], ["B", 20, 8, 0.4], ["C", 20, 9, 0.45]], 5, liees={2: (3,)})
    assert resultat[0][3] == M and resultat[1][3] == 0.4


@pytest.mark.django_db
def test_breakdowns_add_up_to_the_engine(donnees):
    epci = donnees["epci"]
    bilan = selectors.bilan(epci, 2025)
    r = calcule_objectifs_epci(epci, 2025)
    tableaux = {t.code: t for t in bilan.tableaux}
    synthese = tableaux["synthese"]
    assert [[*ligne[1:3], valeur_brute(ligne[3])] for ligne in synthese.lignes] == [
        [r[c]["base"], r[c]["numerateur"], r[c]["taux"]] for c in ("hors_qpv", "qpv", "prioritaires", "mutations")
    ]
    # Printed as the dashboard prints them (rules.taux_affiche).
    assert [texte_cellule(ligne[3], "taux") for ligne in synthese.lignes] == [
        r[c]["taux_texte"] for c in ("hors_qpv", "qpv", "prioritaires", "mutations")
    ]
    # The communes' table: the engine's counts, or masked; never a lone masked numerator.
    communes = tableaux["objectifs_communes"]
    par_nom = {c["nom"]: c for c in r["communes"]}
    for ligne in communes.lignes:
        c = par_nom[ligne[0]]
        assert ligne[1] == c["hors_qpv"]["base"]
        assert ligne[2] in (c["hors_qpv"]["numerateur"], M)
    for col in (2, 5, 8, 11):
        assert sum(isinstance(ligne[col], Masque) for ligne in communes.lignes) != 1
    # Priority households by commune add up to the engine's totals.
    repartition = tableaux["repartition_commune"]
    assert repartition.total[1] == r["prioritaires"]["base"]
    assert repartition.total[4] == r["prioritaires"]["dalo"]
    assert repartition.total[4] + repartition.total[5] == r["prioritaires"]["numerateur"]
    assert repartition.total[7] == r["mutations"]["numerateur"]
    # The legal objectives of the landlords and holders are never masked.
    assert not tableaux["objectifs_bailleurs"].nb_masques and not tableaux["reservataires"].nb_masques


@pytest.mark.django_db
def test_waiting_times_by_typology(donnees):
    epci = donnees["epci"]
    comptees = decisions_de_l_annee(epci, 2025).filter(q_decision_comptee(2025))
    durees: dict[str, list[int]] = {}
    for typo, depot, decision, bail in comptees.values_list("typologie", "date_depot", "date_decision", "date_bail"):
        durees.setdefault(typo, []).append(((bail or decision) - depot).days)
    tableau = selectors.delais_attente(comptees, "typologie", secret=5, titre="t")
    lignes = {ligne[0]: ligne for ligne in tableau.lignes}
    for typo, d in durees.items():
        label = "T6 et plus" if typo == "T6" else typo
        if len(d) < 5:
            assert lignes[label][1:] == [M, M, M]
            continue
        assert lignes[label][1] == len(d)
        assert lignes[label][2] == pytest.approx(en_mois(statistics.fmean(d)))
        assert lignes[label][3] == pytest.approx(en_mois(statistics.median(d)))
    tout = [x for d in durees.values() for x in d]
    assert tableau.total[1] == len(tout)
    assert tableau.total[3] == pytest.approx(en_mois(statistics.median(tout)))


@pytest.mark.django_db
def test_landlord_report_counts_only_its_allocations(donnees):
    epci = donnees["epci"]
    bailleur = Bailleur.objects.get(siren="552081317")
    bilan = selectors.bilan(epci, 2025, kind=selectors.BAILLEUR, bailleur=bailleur)
    attendu = (
        DecisionCaleol.objects.filter(epci=epci, bailleur=bailleur)
        .filter(q_decision_comptee(2025))
        .filter(date_decision__lt=dt.date(2026, 1, 1))
        .count()
    )
    tableaux = {t.code: t for t in bilan.tableaux}
    for code in ("repartition_reservataire", "repartition_typologie", "repartition_financement", "repartition_qpv"):
        assert tableaux[code].total[1] == attendu, code
    assert sum(ligne[1] for ligne in tableaux["repartition_periode"].lignes) == attendu
    assert bilan.nom_fichier == "bilan-bailleur-200040715-552081317-2025"


def test_criteria_hook_is_documented_and_empty_by_default():
    assert selectors.FOURNISSEUR_CRITERES is None


@pytest.mark.django_db
def test_flow_section_uses_the_reservation_agreements(donnees):
    from decimal import Decimal

    from attributions.models import ConventionReservation
    from cil.models import Reservataire

    epci = donnees["epci"]
    bailleur = Bailleur.objects.get(siren="552081317")
    action_logement = Reservataire.objects.get(type="ACTION_LOGEMENT")
    sans = selectors.bilan(epci, 2025, kind=selectors.BAILLEUR, bailleur=bailleur)
    flux = next(s for s in document.assembler(sans).sections if s.code == "flux")
    assert not flux.tableaux and "Aucune convention de réservation" in flux.paragraphes[0]

    ConventionReservation.objects.create(
        bailleur=bailleur,
        reservataire=action_logement,
        departement="38",
        part_flux=Decimal("0.25"),
        date_debut=dt.date(2024, 1, 1),
    )
    avec = selectors.bilan(epci, 2025, kind=selectors.BAILLEUR, bailleur=bailleur)
    flux = next(s for s in avec.sections if s.code == "flux")
    assert len(flux.tableaux) == 1
    ligne = flux.tableaux[0].lignes[0]
    assert ligne[0] == action_logement.nom and ligne[1] == 0.25
    # The holder's own report shows its line of the landlord's agreement.
    pour_al = selectors.bilan(epci, 2025, kind=selectors.RESERVATAIRE, reservataire=action_logement)
    flux = next(s for s in pour_al.sections if s.code == "flux")
    assert [t.lignes[0][0] for t in flux.tableaux] == [action_logement.nom]
    assert flux.tableaux[0].titre.startswith("Alpes Isère Habitat – Département 38")


def _indicateur(numerateur, base, cible):
    from decimal import Decimal

    from attributions import rules

    return {
        "base": base,
        "numerateur": numerateur,
        "taux": numerateur / base,
        "cible": cible,
        "ecart": numerateur / base - cible,
        "manque": rules.manque(numerateur, base, Decimal(str(cible))),
        "atteint": rules.atteint(numerateur, base, Decimal(str(cible))),
        "taux_texte": rules.taux_affiche(numerateur, base, Decimal(str(cible))),
        "dalo": 0,
    }


def test_table_rates_are_never_rounded_across_their_target():
    """Platform decision 10 in the balance sheet's tables: 1,249 of 5,000 (24.98 %) against 25 % reads
    "24,9 %" like on the dashboard, not "25,0 %" next to "non atteint"."""
    from observatoire.exports import csv_tableau
    from observatoire.formats import pourcentage

    assert pourcentage(1249 / 5000) == "25,0\u00a0%"  # plain rounding would cross the target
    codes = ("hors_qpv", "qpv", "prioritaires", "mutations")
    resultat = {code: _indicateur(1249, 5000, 0.25) for code in codes}
    precedent = {code: _indicateur(1250, 5000, 0.25) for code in codes}
    synthese = selectors._tableau_synthese(selectors._synthese(resultat, precedent, 2025), 2025)
    ligne = synthese.lignes_formatees[0]
    assert [ligne[3]["texte"], ligne[4]["texte"], ligne[7]["texte"]] == ["24,9\u00a0%", "25,0\u00a0%", "25,0\u00a0%"]
    assert "24,98" in csv_tableau(synthese)  # the spreadsheets keep the number

    # A local target stored as 0.3: 2,996 of 10,000 (29.96 %) reads "29,9 %"; the objectives by landlord
    # and the reservation holders' table print the same way.
    ligne = {"nom": "Bailleur", **{code: _indicateur(2996, 10000, 0.3) for code in codes}}
    par_bailleur = selectors._tableau_objectifs("bailleurs", "Par bailleur", [ligne], secret=None)
    assert [c["texte"] for c in par_bailleur.lignes_formatees[0][3::3]] == ["29,9\u00a0%"] * 4
    reservataire = {"nom": "Action Logement", **_indicateur(2996, 10000, 0.3)}
    tableau = selectors._tableau_reservataires(
        {"reservataires": [reservataire], "prioritaires": _indicateur(1249, 5000, 0.25)}, "Réservataires"
    )
    assert tableau.lignes_formatees[0][4]["texte"] == "29,9\u00a0%"
    assert tableau.total_formate[4]["texte"] == "24,9\u00a0%"
    # No allocation counted: a dash, and an empty cell in the spreadsheets.
    from observatoire.tables import Taux

    assert str(Taux(0, 0, 0.25)) == "–" and valeur_brute(Taux(0, 0, 0.25)) is None


@pytest.mark.django_db
def test_landlord_report_shows_its_share_of_transfers_against_its_local_target(donnees):
    from decimal import Decimal

    from cil.models import CibleLocale, Objectif

    epci = donnees["epci"]
    bailleur = Bailleur.objects.get(siren="552081317")
    comptees = (
        DecisionCaleol.objects.filter(epci=epci, bailleur=bailleur)
        .filter(q_decision_comptee(2025))
        .filter(date_decision__lt=dt.date(2026, 1, 1))
    )
    DecisionCaleol.objects.filter(bailleur=bailleur).update(mutation=False)
    DecisionCaleol.objects.filter(pk__in=list(comptees.values_list("pk", flat=True)[:3])).update(mutation=True)
    sans = document.assembler(selectors.bilan(epci, 2025, kind=selectors.BAILLEUR, bailleur=bailleur))
    section = next(s for s in sans.sections if s.code == "mutations")
    ligne = section.tableaux[0].lignes[0]
    assert ligne[:2] == [comptees.count(), 3]
    assert ligne[3:] == ["aucune", "–", "–"]
    assert "aucune cible locale de mutations" in section.paragraphes[0]

    CibleLocale.objects.create(
        epci=epci, objectif=Objectif.MUTATIONS, taux=Decimal("0.20"), date_debut=dt.date(2025, 1, 1), source="CIA"
    )
    CibleLocale.objects.create(
        epci=epci,
        objectif=Objectif.MUTATIONS,
        taux=Decimal("0.90"),
        bailleur=bailleur,
        date_debut=dt.date(2025, 1, 1),
        source="CIA, engagement du bailleur",
    )
    avec = document.assembler(selectors.bilan(epci, 2025, kind=selectors.BAILLEUR, bailleur=bailleur))
    section = next(s for s in avec.sections if s.code == "mutations")
    ligne = section.tableaux[0].lignes[0]
    # the landlord's own commitment applies, not the territory's
    assert ligne[3:5] == ["90\xa0%", bailleur.nom]
    assert ligne[5].startswith("non atteinte")
    assert "cible locale" in section.paragraphes[0] and "90\xa0%" in section.paragraphes[0]
    cil = document.assembler(selectors.bilan(epci, 2025))
    paragraphes = next(s for s in cil.sections if s.code == "mutations").paragraphes
    assert f"Bailleurs en dessous de leur cible locale de mutations : {bailleur.nom}" in " ".join(paragraphes)


@pytest.mark.django_db
def test_the_balance_sheet_masks_with_the_territorys_rule_in_force_and_states_it(donnees):
    """Platform decision 11: the rule of the territory in force on the day the balance sheet is made (here its
    own, 5), never another territory's; the platform's rule when it has none in force."""
    from cil.models import Epci, RegleSecret

    epci = donnees["epci"]
    autre = Epci.objects.create(siren="200000172", nom="CA du Val", type=Epci.Type.CA)
    RegleSecret.objects.create(epci=autre, seuil=1, date_debut=dt.date(2020, 1, 1), source="Val")  # no masking
    bilan = selectors.bilan(epci, 2025)
    masques = {v for t in bilan.tableaux for ligne in t.lignes for v in ligne if isinstance(v, Masque)}
    assert masques == {Masque(5)}
    assert bilan.methode["secret"] == 5
    assert bilan.methode["regle_secret"].startswith("Les effectifs inférieurs à 5 sont masqués")
    assert "règle du territoire" in bilan.methode["regle_secret"]
    # its own rule ended: the platform's (10), for this territory only
    RegleSecret.objects.filter(epci=epci).update(date_fin=dt.date(2020, 12, 31))
    bilan = selectors.bilan(epci, 2025)
    masques = {v for t in bilan.tableaux for ligne in t.lignes for v in ligne if isinstance(v, Masque)}
    assert masques == {Masque(10)} and bilan.methode["secret"] == 10
    assert "règle de la plateforme" in bilan.methode["regle_secret"]
