"""A minimal territory for the attributions tests, built directly (the full reference import is slow)."""

import datetime as dt
from decimal import Decimal

import pytest

from cil.models import Commune, Epci, PerimetreEpci, Qpv, SeuilQuartile

F1_COLONNES = [
    "numero_unique",
    "date_depot",
    "date_decision",
    "type_decision",
    "rang",
    "date_bail",
    "logement_id",
    "bailleur_siren",
    "commune_insee",
    "epci_siren",
    "qpv_code",
    "typologie",
    "reservataire_type",
    "reservataire_id",
    "ressources_mensuelles",
    "nb_personnes_14_plus",
    "nb_enfants_moins_14",
    "dalo",
    "prioritaire",
    "relogement",
    "mutation",
]


def ligne_f1(**kw) -> dict:
    row = {
        "numero_unique": "038251100001",
        "date_depot": "2024-01-15",
        "date_decision": "2025-03-10",
        "type_decision": "ATTRIBUTION",
        "rang": "",
        "date_bail": "2025-04-01",
        "logement_id": "L0001",
        "bailleur_siren": "552081317",
        "commune_insee": "38185",
        "epci_siren": "200040715",
        "qpv_code": "",
        "typologie": "T3",
        "reservataire_type": "ACTION_LOGEMENT",
        "reservataire_id": "",
        "ressources_mensuelles": "800",
        "nb_personnes_14_plus": "1",
        "nb_enfants_moins_14": "0",
        "dalo": "0",
        "prioritaire": "0",
        "relogement": "",
        "mutation": "0",
    }
    row.update({k: str(v) for k, v in kw.items()})
    return row


def fichier_f1(rows: list[dict], colonnes=None, bom=False) -> bytes:
    colonnes = colonnes or F1_COLONNES
    lines = [";".join(colonnes)] + [";".join(r.get(c, "") for c in colonnes) for r in rows]
    text = "\n".join(lines) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


@pytest.fixture
def territoire(db):
    grenoble_metro = Epci.objects.create(siren="200040715", nom="Grenoble-Alpes-Métropole", type="MET")
    lyon_metro = Epci.objects.create(siren="200046977", nom="Métropole de Lyon", type="MET")
    communes = {}
    for code, nom, epci in [
        ("38185", "Grenoble", grenoble_metro),
        ("38151", "Échirolles", grenoble_metro),
        ("38169", "Fontaine", grenoble_metro),
        ("69123", "Lyon", lyon_metro),
    ]:
        communes[code] = Commune.objects.create(code_insee=code, nom=nom, departement=code[:2], epci=epci)
        PerimetreEpci.objects.create(epci=epci, commune=communes[code], millesime=2025)
    qpv = Qpv.objects.create(code="QN03807M", nom="Villeneuve", carte="2024", epci=grenoble_metro)
    qpv.communes.add(communes["38185"])
    qpv_e = Qpv.objects.create(code="QN03810M", nom="Essarts - Surieux", carte="2024", epci=grenoble_metro)
    qpv_e.communes.add(communes["38151"])
    qpv_2015 = Qpv.objects.create(code="QP038007", nom="Villeneuve (2015)", carte="2015", epci=grenoble_metro)
    qpv_2015.communes.add(communes["38185"])
    for annee, seuil in [(2024, "10455"), (2025, "10716")]:
        SeuilQuartile.objects.create(
            epci=grenoble_metro,
            annee=annee,
            seuil_q1=Decimal(seuil),
            arrete=f"arrêté {annee}",
            date_effet=dt.date(annee, 1, 1),
            source="test",
        )
    return {"epci": grenoble_metro, "autre_epci": lyon_metro, "communes": communes, "qpv": qpv}
