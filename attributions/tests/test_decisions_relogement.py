"""One writer for DecisionCaleol: the relocation app creates, marks and deletes its decisions through the
public services of attributions, which apply the commission's and the F1 import's rules."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from attributions import services
from attributions.models import DecisionCaleol
from attributions.services import ActionRefusee

pytestmark = pytest.mark.django_db

J = dt.date
DECISION, BAIL = J(2025, 5, 20), J(2025, 6, 1)


def _creer(monde_attributions, logement, *, date_decision=DECISION, date_bail=BAIL, numero="RELOG-1-1"):
    return services.creer_decision_relogement(
        logement=logement,
        numero_unique=numero,
        date_depot=J(2024, 1, 1),
        date_decision=date_decision,
        date_bail=date_bail,
        ressources_mensuelles=Decimal("1800"),
        nb_personnes_14_plus=2,
        nb_enfants_moins_14=2,
        relogement="ANRU",
        mutation=True,
        acteur=None,
    )


def test_la_decision_creee_pour_un_relogement_suit_les_regles_de_la_commission(monde_attributions):
    decision = _creer(monde_attributions, monde_attributions["logement_qpv"])
    assert decision.source == DecisionCaleol.Source.PLATEFORME and decision.type_decision == "ATTRIBUTION"
    assert decision.qpv == monde_attributions["qpv"] and decision.en_qpv_au_bail is True
    assert (decision.uc_dixiemes, decision.ressources_annuelles_e4) == (21, 1800 * 120000)
    assert decision.reservataire.type == "BAILLEUR" and decision.reservataire.bailleur == monde_attributions["bailleur"]
    assert monde_attributions["epci"] in decision.reservataire.epcis.all()


def test_avant_2024_un_logement_connu_seulement_sur_la_carte_2024_est_lu_sur_celle_ci(monde_attributions):
    """Platform decision 6, one rule: the 2015 situation unknown, the 2024 one is read (rules.qpv_au)."""
    decision = _creer(
        monde_attributions, monde_attributions["logement_qpv"], date_decision=J(2023, 5, 2), date_bail=J(2023, 6, 1)
    )
    assert decision.qpv == monde_attributions["qpv"] and decision.en_qpv_au_bail is True


def test_marquer_une_decision_ecrit_le_bail_une_seule_fois(monde_attributions):
    importee = _creer(monde_attributions, monde_attributions["logement"], date_bail=None, numero="038251100001")
    importee.relogement = ""
    importee.source = DecisionCaleol.Source.IMPORT
    importee.save()
    champs = services.marquer_decision_relogement(decision=importee, relogement="ORCOD", date_bail=J(2025, 7, 1))
    assert champs == ["relogement", "date_bail", "en_qpv_au_bail"]
    importee.refresh_from_db()
    assert (importee.relogement, importee.date_bail, importee.en_qpv_au_bail) == ("ORCOD", J(2025, 7, 1), False)
    assert services.marquer_decision_relogement(decision=importee, relogement="ORCOD", date_bail=J(2025, 8, 1)) == []
    with pytest.raises(ActionRefusee):
        services.marquer_decision_relogement(decision=importee, relogement="AUTRE")


def test_seule_une_decision_provisoire_de_la_plateforme_est_supprimee(monde_attributions):
    provisoire = _creer(monde_attributions, monde_attributions["logement"])
    services.supprimer_decision_relogement(decision=provisoire)
    assert not DecisionCaleol.objects.filter(pk=provisoire.pk).exists()
    importee = _creer(monde_attributions, monde_attributions["logement"], numero="038251100002")
    DecisionCaleol.objects.filter(pk=importee.pk).update(source=DecisionCaleol.Source.IMPORT)
    importee.refresh_from_db()
    with pytest.raises(ActionRefusee):
        services.supprimer_decision_relogement(decision=importee)
    assert DecisionCaleol.objects.filter(pk=importee.pk).exists()


RACINE = Path(__file__).resolve().parents[2]
ECRITURE = re.compile(
    r"DecisionCaleol\.objects\.[^\n]*\b(create|update|delete|bulk_create|bulk_update|get_or_create|"
    r"update_or_create)\("
)


def test_aucune_application_autre_qu_attributions_n_ecrit_decisioncaleol():
    """One writer per table. Tests, migrations and the benchmark's synthetic territory
    (bench/territoire.py writes straight into PostgreSQL) are outside the application."""
    apps = [
        d
        for d in RACINE.iterdir()
        if d.is_dir() and not d.is_symlink() and not d.name.startswith(".")
        if d.name not in {"attributions", "bench", "tests", "node_modules", "static", "templates", "docs"}
    ]
    assert {"relogement", "demandes", "observatoire"} <= {d.name for d in apps}
    fautifs = []
    for chemin in (c for d in apps for c in d.rglob("*.py")):
        relatif = chemin.relative_to(RACINE)
        if "tests" in relatif.parts or "migrations" in relatif.parts:
            continue
        texte = chemin.read_text(encoding="utf-8")
        if ECRITURE.search(texte):
            fautifs.append(str(relatif))
        if relatif.parts[0] == "relogement" and re.search(r"\bdecision\.(save|delete)\(|propre\.delete\(", texte):
            fautifs.append(str(relatif))
    assert fautifs == []
