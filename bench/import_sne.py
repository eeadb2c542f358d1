"""Import of national files (SNE interfaceNuu XML), paired with a bare parse of the same files in the same run.

Usage: python -m bench.import_sne [--demandes 100000] [--repetitions 1] [--sans-grille]
Target (docs/sne.md): 100,000 demands in XML in under 60 s on PostgreSQL. Database ``cil_bench_sne`` (its own:
the bench adopts a scoring grid, the demo's, for its territory, as a territory has one; ``BENCH_DATABASE``
overrides). The files (one demand each, the public sample with its own national number) go through
``sne.masse.importer_lot``, as the command ``import_sne`` does: libxml2's schema validation, the reading and the
preparation of the write in a pool of 2 processes, then the demands, households, events and national records
written set-based (COPY). Measured: the import's wall time and the CPU time of the writing process, of the 2
reading processes and of the PostgreSQL backend that wrote (the machine is shared: CPU time says what the work
costs, the wall time what the load let it have), with the load average before and after. Beside it, in the
same run: the bare parse (lxml, no validation: the floor of the XML part), the workers' task alone in this
process (CPU a file) on a sample, and the careful path (``importer_fichier``, xmlschema, row by row) on a few
files of other national numbers, to give its rate. The previous run's demands are deleted at the start.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

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


def cpu_du_serveur() -> tuple[int, float | None]:
    """This connection's PostgreSQL backend: its pid and its CPU seconds (user + system) so far (None: not on this
    machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        champs = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return pid, None
    return pid, (int(champs[11]) + int(champs[12])) / os.sysconf("SC_CLK_TCK")


def adopter_grille(epci) -> str:
    """The demo's adopted grid (demandes.demo_cotation) for the bench's territory, as a territory has one: new
    demands are scored on registration."""
    from demandes import demo_cotation
    from demandes import services as demandes_services
    from demandes.models import GrilleCotation

    grille = GrilleCotation.objects.filter(epci=epci, statut=GrilleCotation.Statut.ADOPTEE).first()
    if grille is None:
        grille = GrilleCotation.objects.create(epci=epci, nom="Grille du banc (démonstration)", version=1)
        demo_cotation.criteres(grille, demo_cotation.GRILLE_ADOPTEE)
        demandes_services.adopter_grille(grille, acteur=None)
    return f"{grille.nom} ({grille.criteres.count()} critères)"


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--demandes", type=int, default=100_000)
    parser.add_argument("--repetitions", type=int, default=1)
    parser.add_argument("--echantillon-lecture", type=int, default=2_000)
    parser.add_argument("--echantillon-prudent", type=int, default=50)
    parser.add_argument("--sans-grille", action="store_true", help="no adopted scoring grid (no score computed)")
    args = parser.parse_args(argv)
    setup_django(os.environ.get("BENCH_DATABASE", "cil_bench_sne"))

    from lxml import etree

    from bench.common import charge
    from cil.models import Epci, Guichet
    from cil.services import import_referentiels
    from sne import masse
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
    grille = None if args.sans_grille else adopter_grille(epci)
    contenus = fichiers(args.demandes)

    def parse_seul():
        for contenu in contenus:
            etree.fromstring(contenu, parser_nu)

    def lecture_seule(echantillon) -> float:
        """CPU seconds of the workers' whole task (read, validate, convert, complete) in this process."""
        communes = masse._referentiel()
        masse.rapide.precharger()
        debut = time.process_time()
        for contenu in echantillon:
            assert masse.completer(contenu, masse.preparer(contenu), communes) is not None
        return time.process_time() - debut

    def importer() -> dict:
        pid, serveur_avant = cpu_du_serveur()
        moi, enfants = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        debut = time.perf_counter()
        resultats = masse.importer_lot([(f"banc_{i}.xml", c) for i, c in enumerate(contenus)], epcis={epci.pk})
        duree = time.perf_counter() - debut
        moi2, enfants2 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        # with its pool, the import closes the connection before forking and writes through a new one (its whole
        # work); without (below 2,000 files), the same connection: the difference
        pid_apres, serveur = cpu_du_serveur()
        if serveur is not None and pid_apres == pid and serveur_avant is not None:
            serveur -= serveur_avant
        refuses = [r for r in resultats if not hasattr(r, "demande")]
        assert not refuses, refuses[:3]
        cpu = {
            "processus_principal_s": round(moi2.ru_utime - moi.ru_utime + moi2.ru_stime - moi.ru_stime, 1),
            "processus_de_lecture_s": round(
                enfants2.ru_utime - enfants.ru_utime + enfants2.ru_stime - enfants.ru_stime, 1
            ),
            "postgresql_s": None if serveur is None else round(serveur, 1),
        }
        cpu["total_s"] = round(sum(v for v in cpu.values() if v is not None), 1)
        cpu["ms_par_demande"] = round(cpu["total_s"] * 1000 / len(contenus), 3)
        return {"duree_s": duree, "cpu": cpu}

    parses, imports, lectures, cpus = [], [], [], []
    charges = {"avant": charge()}
    for _ in range(args.repetitions):
        vider()
        debut = time.perf_counter()
        parse_seul()
        parses.append(time.perf_counter() - debut)
        echantillon = contenus[: args.echantillon_lecture]
        lectures.append(lecture_seule(echantillon) / len(echantillon))
        charges["avant_import"] = charge()
        mesure = importer()
        imports.append(mesure["duree_s"])
        cpus.append(mesure["cpu"])
        charges["apres_import"] = charge()
    # the careful path on files of other national numbers (nothing to empty first)
    petit = [c.replace(b"B38</ns1:numUnique>", b"C38</ns1:numUnique>") for c in contenus[: args.echantillon_prudent]]
    debut = time.perf_counter()
    for i, contenu in enumerate(petit):
        importer_fichier(contenu=contenu, nom_fichier=f"prudent_{i}.xml", epcis={epci.pk})
    prudent = (time.perf_counter() - debut) / len(petit)
    meilleur = imports.index(min(imports))
    resultat = {
        "demandes": args.demandes,
        "base": connection_name(),
        "grille": grille,
        "parse_nu_s": summary(parses),
        "lecture_rapide_cpu_ms_par_fichier": round(min(lectures) * 1000, 3),
        "import_s": summary(imports),
        "demandes_par_s": round(args.demandes / min(imports), 1),
        "ratio_import_sur_parse_nu": round(min(imports) / min(parses), 1),
        "cpu_import": cpus[meilleur],
        "cpu_import_toutes": cpus,
        "cible_100000_en_60_s": args.demandes / min(imports) >= 100_000 / 60,
        "chemin_prudent_ms_par_fichier": round(prudent * 1000, 1),
        "charge_1_5_15": charges,
    }
    write("import_sne", resultat)
    return resultat


def connection_name() -> str:
    from django.db import connection

    return connection.settings_dict["NAME"]


if __name__ == "__main__":
    print(main())
