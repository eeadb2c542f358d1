"""The balance sheet's figures come without charts or sentences; the document places them, from those figures."""

import pytest

from attributions.selectors import calcule_objectifs_epci
from observatoire import document, exports, selectors
from observatoire.formats import nombre, pourcentage

pytestmark = pytest.mark.django_db


def test_the_figures_carry_no_chart_and_no_sentence(donnees):
    bilan = selectors.bilan(donnees["epci"], 2025)
    assert [(s.code, s.graphiques, s.paragraphes) for s in bilan.sections] == [(s.code, [], []) for s in bilan.sections]
    # What the spreadsheets need is there: every table, written without the document.
    assert exports.xlsx_bilan(bilan).startswith(b"PK")


def test_the_document_places_charts_and_sentences_and_keeps_the_tables(donnees):
    epci = donnees["epci"]
    bilan = selectors.bilan(epci, 2025)
    doc = document.assembler(bilan)
    par_code = {s.code: s for s in doc.sections}
    assert [s.code for s in doc.sections] == [s.code for s in bilan.sections]
    assert [t.code for t in doc.tableaux] == [t.code for t in bilan.tableaux]
    assert all(not s.graphiques for s in bilan.sections)  # the figures given are left as they are
    # Synthesis: the objectives' bars and their evolution over the three years held by the figures.
    assert len(par_code["synthese"].graphiques) == 2
    assert "Évolution 2023–2025" in par_code["synthese"].graphiques[1]
    assert len(par_code["reservataires"].graphiques) == 1 and len(par_code["delais"].graphiques) == 1
    # The sentences are written from the engine's figures.
    mut = calcule_objectifs_epci(epci, 2025)["mutations"]
    cible = f" pour une cible de {pourcentage(mut['cible'])}." if mut["cible"] is not None else "."
    assert par_code["mutations"].paragraphes == [
        f"{nombre(mut['numerateur'])} mutations sur {nombre(mut['base'])} attributions comptées, soit "
        f"{pourcentage(mut['taux'])}{cible}"
    ]
    assert "L. 441-1, a à j" in par_code["prioritaires"].paragraphes[0]
    # Assembling twice gives the same document (nothing is added to the figures in place).
    assert [s.paragraphes for s in document.assembler(bilan).sections] == [s.paragraphes for s in doc.sections]


def test_a_landlords_document_explains_its_flow_report(donnees):
    from cil.models import Bailleur

    bailleur = Bailleur.objects.get(siren="552081317")
    doc = document.assembler(selectors.bilan(donnees["epci"], 2025, kind=selectors.BAILLEUR, bailleur=bailleur))
    par_code = {s.code: s for s in doc.sections}
    assert par_code["reservataires"].paragraphes[0].startswith("Compte rendu annuel au réservataire (R. 441-5")
    assert "Aucune convention de réservation en flux" in par_code["flux"].paragraphes[0]
    assert len(par_code["synthese"].graphiques) == 2
