"""Registration numbers under concurrent registrations: the sequence row lock gives each one its own number."""

import threading

import pytest
from django.db import connection, connections

from demandes.models import Demande, SequenceNumero

from .factories import creer_demande

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="threads sharing SQLite would serialise anyway"),
]


def test_enregistrements_simultanes_numeros_uniques_et_consecutifs(monde_demandes):
    erreurs = []

    def enregistrer(i):
        try:
            creer_demande(monde_demandes.guichet, acteur=monde_demandes.agent, nom=f"Parallele{i}")
        except Exception as exc:  # noqa: BLE001 - reported below
            erreurs.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enregistrer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert erreurs == []
    numeros = sorted(Demande.objects.values_list("numero_unique", flat=True))
    assert len(numeros) == len(set(numeros)) == 8
    assert [int(n[-7:]) for n in numeros] == list(range(1, 9))
    assert SequenceNumero.objects.get().dernier == 8
