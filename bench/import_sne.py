"""Import of national files (SNE interfaceNuu XML), paired with a bare parse of the same files in the same run.

Usage: python -m bench.import_sne [--demandes 100000] [--repetitions 1]
Target (docs/sne.md): 100,000 demands in XML in under 60 s on PostgreSQL. The files (one demand each, the
public sample with its own national number) go through ``sne.masse.importer_lot``, as the command
``import_sne`` does: libxml2's schema validation and the reading in a pool of 2 processes, then the demands,
households, events and national records written set-based (COPY). Beside it, in the same run: the bare parse
(lxml, no validation: the floor of the XML part), the fast reading alone in this process (validation, dict,
codes, ``lecture.lire``) on a sample, and the careful path (``importer_fichier``, xmlschema, row by row) on a
small sample, to give its rate.
"""

from __future__ import annotations

import argparse
import time

from bench.common import setup_django, summary, write


def fichiers(n: int) -> list[bytes]:
    from sne.exemples import NUD, exemple_complete

    modele = exemple_complete()
    return [
        modele.replace(NUD.encode(), f"038{i:011d}B38".encode()).replace(
            b"<ns1:prenom>Jean</ns1:prenom>", f"<ns1:prenom>Jean{i}</ns1:prenom>".encode()
        )
        for i in range(n)
    ]


def vider() -> None:
    """The bench's demands and what hangs on them, in SQL (the ORM's cascade would walk millions of rows)."""
    from django.db import connection

    from demandes.models import Demande, Ressource
    from sne.models import DossierSne, FichierSne

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {DossierSne._meta.db_table}")
        cursor.execute(f"DELETE FROM {FichierSne._meta.db_table}")
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS banc_sne_ids AS SELECT id FROM demandes_demande WHERE false")
        cursor.execute("TRUNCATE banc_sne_ids")
        cursor.execute("INSERT INTO banc_sne_ids SELECT id FROM demandes_demande WHERE numero_national LIKE '038%%'")
        liens = sorted(Demande._meta.related_objects, key=lambda r: r.related_model is not Ressource)
        for lien in liens:
            table, colonne = lien.related_model._meta.db_table, lien.field.column
            if lien.on_delete.__name__ == "CASCADE":
                cursor.execute(f"DELETE FROM {table} WHERE {colonne} IN (SELECT id FROM banc_sne_ids)")
            elif lien.on_delete.__name__ == "SET_NULL":
                cursor.execute(f"UPDATE {table} SET {colonne} = NULL WHERE {colonne} IN (SELECT id FROM banc_sne_ids)")
        souhaits = Demande.communes_souhaitees.through._meta.db_table
        cursor.execute(f"DELETE FROM {souhaits} WHERE demande_id IN (SELECT id FROM banc_sne_ids)")
        cursor.execute("DELETE FROM demandes_demande WHERE id IN (SELECT id FROM banc_sne_ids)")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--demandes", type=int, default=100_000)
    parser.add_argument("--repetitions", type=int, default=1)
    parser.add_argument("--echantillon-prudent", type=int, default=100)
    args = parser.parse_args(argv)
    setup_django()

    from lxml import etree

    from bench.common import charge
    from cil.models import Epci, Guichet
    from cil.services import import_referentiels
    from sne.masse import importer_lot, preparer
    from sne.services import importer_fichier

    parser_nu = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)

    if not Epci.objects.filter(siren="200040715").exists():
        import_referentiels(only_epci="200040715")
    epci = Epci.objects.get(siren="200040715")
    if not Guichet.objects.filter(epci=epci, enregistreur=True).exists():
        commune = epci.communes.order_by("code_insee").first()
        Guichet.objects.create(
            epci=epci, nom="Guichet du banc", niveau=2, enregistreur=True, adresse="1 rue", commune=commune
        )
    contenus = fichiers(args.demandes)

    def parse_seul():
        for contenu in contenus:
            etree.fromstring(contenu, parser_nu)

    def lecture_seule(echantillon):
        for contenu in echantillon:
            assert preparer(contenu) is not None

    def importer():
        resultats = importer_lot([(f"banc_{i}.xml", c) for i, c in enumerate(contenus)], epcis={epci.pk})
        refuses = [r for r in resultats if not hasattr(r, "demande")]
        assert not refuses, refuses[:3]

    parses, imports, lectures = [], [], []
    charges = {"avant": charge()}
    for _ in range(args.repetitions):
        vider()
        debut = time.perf_counter()
        parse_seul()
        parses.append(time.perf_counter() - debut)
        echantillon = contenus[:10_000]
        debut = time.perf_counter()
        lecture_seule(echantillon)
        lectures.append((time.perf_counter() - debut) / len(echantillon))
        debut = time.perf_counter()
        importer()
        imports.append(time.perf_counter() - debut)
        charges["apres_import"] = charge()
    vider()
    petit = contenus[: args.echantillon_prudent]
    debut = time.perf_counter()
    for i, contenu in enumerate(petit):
        importer_fichier(contenu=contenu, nom_fichier=f"prudent_{i}.xml", epcis={epci.pk})
    prudent = (time.perf_counter() - debut) / len(petit)
    vider()
    resultat = {
        "demandes": args.demandes,
        "parse_nu_s": summary(parses),
        "lecture_rapide_ms_par_fichier": round(min(lectures) * 1000, 3),
        "import_s": summary(imports),
        "demandes_par_s": round(args.demandes / min(imports), 1),
        "cible_100000_en_60_s": args.demandes / min(imports) >= 100_000 / 60,
        "chemin_prudent_ms_par_fichier": round(prudent * 1000, 1),
        "charge_1_5_15": charges,
    }
    write("import_sne", resultat)
    return resultat


if __name__ == "__main__":
    print(main())
