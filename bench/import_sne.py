"""Import of national files (SNE interfaceNuu XML), paired with a bare parse and schema check of the same files.

Usage: python -m bench.import_sne [--demandes 100000] [--repetitions 1]
Target (docs/sne.md): 100,000 demands in XML in under 60 s on PostgreSQL. The platform imports a file at a time
through the demands' services (one transaction, the household written row by row, events, scoring): the bare
parse is the floor of the XML part alone.
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


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--demandes", type=int, default=100_000)
    parser.add_argument("--repetitions", type=int, default=1)
    args = parser.parse_args(argv)
    setup_django()

    from django.db import connection

    from cil.models import Epci, Guichet
    from cil.services import import_referentiels
    from demandes.models import Demande
    from sne import schemas
    from sne.lecture import lire
    from sne.models import DossierSne, FichierSne
    from sne.services import importer_fichier

    if not Epci.objects.filter(siren="200040715").exists():
        import_referentiels(only_epci="200040715")
    epci = Epci.objects.get(siren="200040715")
    if not Guichet.objects.filter(epci=epci, enregistreur=True).exists():
        commune = epci.communes.order_by("code_insee").first()
        Guichet.objects.create(
            epci=epci, nom="Guichet du banc", niveau=2, enregistreur=True, adresse="1 rue", commune=commune
        )
    contenus = fichiers(args.demandes)

    def vider():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {DossierSne._meta.db_table}")
            cursor.execute(f"DELETE FROM {FichierSne._meta.db_table}")
        Demande.objects.filter(numero_national__startswith="038").delete()

    def parse_seul():
        for contenu in contenus:
            verification = schemas.verifier(contenu)
            lire(schemas.en_dict(verification.racine, verification.version))

    def importer():
        for i, contenu in enumerate(contenus):
            importer_fichier(contenu=contenu, nom_fichier=f"banc_{i}.xml", epcis={epci.pk})

    parses, imports = [], []
    for _ in range(args.repetitions):
        vider()
        debut = time.perf_counter()
        parse_seul()
        parses.append(time.perf_counter() - debut)
        debut = time.perf_counter()
        importer()
        imports.append(time.perf_counter() - debut)
    vider()
    resultat = {
        "demandes": args.demandes,
        "parse_et_schema_s": summary(parses),
        "import_s": summary(imports),
        "demandes_par_s": round(args.demandes / min(imports), 1),
        "cible_100000_en_60_s": args.demandes / min(imports) >= 100_000 / 60,
    }
    write("import_sne", resultat)
    return resultat


if __name__ == "__main__":
    print(main())
