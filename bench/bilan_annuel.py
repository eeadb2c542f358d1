"""The CIL's yearly balance sheet from the command line, for an EPCI with 20,000 allocations in the year.

Usage: python -m bench.bilan_annuel [--attributions 20000] [--repetitions 3]
Target: ``manage.py bilan_annuel --epci SIREN --annee YYYY --output FILE.pdf`` in under 10 s.

A dedicated PostgreSQL database (cil_bench_bilan) holds a territory of 40 communes, 8 landlords and 9
reservation holders; three years of decisions go through the real F1 import; then the command runs in a
fresh process (Django start-up and WeasyPrint import included), as a script would run it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from bench.common import ROOT, setup_django, summary, timed, write

BASE = "cil_bench_bilan"
EPCI = "200040715"
ANNEE = 2025
NB_COMMUNES = 40


def territoire():
    from cil.models import Commune, Epci, PerimetreEpci, Qpv, Secteur, SeuilQuartile

    epci, _ = Epci.objects.get_or_create(siren=EPCI, defaults={"nom": "Grenoble-Alpes-Métropole", "type": "MET"})
    communes = {}
    for i in range(NB_COMMUNES):
        code = "38185" if i == 0 else f"38{200 + i:03d}"
        commune, _ = Commune.objects.get_or_create(
            code_insee=code,
            defaults={"nom": "Grenoble" if i == 0 else f"Commune {i:02d}", "departement": "38", "epci": epci},
        )
        PerimetreEpci.objects.get_or_create(epci=epci, commune=commune, millesime=2025)
        communes[code] = []
        if i % 4 == 0:
            qpv, _ = Qpv.objects.get_or_create(
                code=f"QN038{i:03d}M", defaults={"nom": f"Quartier {i}", "carte": "2024", "epci": epci}
            )
            qpv.communes.add(commune)
            communes[code].append(qpv.code)
    for annee, seuil in [(2023, "9864"), (2024, "10455"), (2025, "10716")]:
        SeuilQuartile.objects.get_or_create(
            epci=epci,
            annee=annee,
            defaults={
                "seuil_q1": Decimal(seuil),
                "arrete": f"arrêté {annee}",
                "date_effet": dt.date(annee, 1, 1),
                "source": "benchmark",
            },
        )
    codes = sorted(communes)
    for k in range(4):
        secteur, _ = Secteur.objects.get_or_create(epci=epci, nom=f"Secteur {k + 1}")
        secteur.communes.set(Commune.objects.filter(code_insee__in=codes[k::4]))
    return epci, communes


def lignes(n: int, annee: int, communes: dict[str, list[str]], seed: int):
    from bench.generateurs import BAILLEURS, RESERVATAIRES

    rnd = random.Random(seed)
    codes = sorted(communes)
    types = ["ATTRIBUTION"] * 16 + ["ATTRIBUTION_CONDITION", "ATTRIBUTION_RANG", "NON_ATTRIBUTION", "IRRECEVABILITE"]
    for i in range(n):
        decision = dt.date(annee, 1, 1) + dt.timedelta(days=rnd.randrange(0, 330))
        commune = rnd.choice(codes)
        qpv = rnd.choice(communes[commune]) if communes[commune] and rnd.random() < 0.4 else ""
        type_ = rnd.choice(types)
        rtype, rid = rnd.choice(RESERVATAIRES)
        bail = (decision + dt.timedelta(days=rnd.randrange(5, 30))).isoformat() if rnd.random() < 0.85 else ""
        yield [
            f"038{annee % 100:02d}{i:09d}",
            (decision - dt.timedelta(days=rnd.randrange(30, 2000))).isoformat(),
            decision.isoformat(),
            type_,
            "1" if type_ == "ATTRIBUTION_RANG" else "",
            bail if type_ not in ("NON_ATTRIBUTION", "IRRECEVABILITE") else "",
            f"LGT{annee}{i:07d}",
            rnd.choice(BAILLEURS),
            commune,
            EPCI,
            qpv,
            f"T{rnd.randint(1, 6)}",
            rtype,
            rid,
            str(Decimal(rnd.randrange(0, 400000)) / 100),
            str(rnd.randint(1, 4)),
            str(rnd.randint(0, 4)),
            "1" if rnd.random() < 0.08 else "0",
            "1" if rnd.random() < 0.25 else "0",
            rnd.choice(["", "", "", "", "", "", "", "", "ANRU", "LHI"]),
            "1" if rnd.random() < 0.22 else "0",
        ]


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attributions", type=int, default=20_000, help="decisions per year (about 91 %% counted)")
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args(argv)
    setup_django(BASE)

    from django.db import connection

    from attributions.models import DecisionCaleol, Logement, LotImport
    from attributions.selectors import calcule_objectifs_epci
    from attributions.services import import_attributions
    from bench.generateurs import fichier_f1
    from observatoire import pdf, selectors

    epci, communes = territoire()
    with connection.cursor() as cursor:
        tables = [m._meta.db_table for m in (DecisionCaleol, Logement, LotImport)]
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    # 10 % more decisions than the target: non-allocations and lower-ranked candidates are not counted.
    par_an = round(args.attributions * 1.1)
    import_s = 0.0
    for k, annee in enumerate((ANNEE - 2, ANNEE - 1, ANNEE)):
        contenu = fichier_f1(lignes(par_an, annee, communes, seed=k))
        duree, rapport = timed(import_attributions, contenu=contenu, nom_fichier=f"f1-{annee}.csv", recalculer=False)
        assert rapport.nb_creees == par_an, rapport.nb_creees
        import_s += duree
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    r = calcule_objectifs_epci(epci, ANNEE, details=False)
    comptees = r["prioritaires"]["base"]

    commande = [sys.executable, "manage.py", "bilan_annuel", "--epci", EPCI, "--annee", str(ANNEE)]
    durees, cpu, charges, pages, taille, durees_vide = [], [], [], None, None, []
    with tempfile.TemporaryDirectory() as tmp:
        sortie = Path(tmp) / "bilan.pdf"
        for _ in range(args.repetitions):
            charges.append(os.getloadavg()[0])
            avant = resource.getrusage(resource.RUSAGE_CHILDREN)
            debut = time.perf_counter()
            subprocess.run([*commande, "--output", str(sortie)], cwd=ROOT, env=os.environ.copy(), check=True)
            durees.append(time.perf_counter() - debut)
            apres = resource.getrusage(resource.RUSAGE_CHILDREN)
            # CPU time of the command itself: what it costs, whatever else the machine is doing.
            cpu.append((apres.ru_utime - avant.ru_utime) + (apres.ru_stime - avant.ru_stime))
        taille = sortie.stat().st_size
        from pypdf import PdfReader

        pages = len(PdfReader(str(sortie)).pages)
        # The floor: the same kind of process (Python, Django set up, WeasyPrint imported) rendering an empty
        # document, so that the ratio says what the balance sheet costs beyond start-up and the PDF engine.
        vide = Path(tmp) / "vide.pdf"
        script = (
            "import sys, django; django.setup(); from weasyprint import HTML; "
            "HTML(string='<html><body></body></html>').write_pdf(sys.argv[1])"
        )
        durees_vide = []
        for _ in range(args.repetitions):
            debut = time.perf_counter()
            subprocess.run([sys.executable, "-c", script, str(vide)], cwd=ROOT, env=os.environ.copy(), check=True)
            durees_vide.append(time.perf_counter() - debut)

    # Where the time goes, in-process (after start-up): the figures, then the layout.
    calcul, contenu_bilan = timed(selectors.bilan, epci, ANNEE)
    mise_en_page = timed(pdf.rend_pdf, contenu_bilan)[0]
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # its progress lines are not the benchmark's output
    HTML(string="<html><body></body></html>").write_pdf()  # warm-up (fonts)
    vide_dans_le_processus = min(
        timed(HTML(string="<html><body></body></html>").write_pdf)[0] for _ in range(args.repetitions)
    )

    commande_s = summary(durees)
    result = {
        "annee": ANNEE,
        "decisions_par_an": par_an,
        "attributions_comptees_dans_l_annee": comptees,
        "import_f1_trois_ans_s": round(import_s, 2),
        "commande_bilan_annuel": commande_s,
        "plancher_document_vide_meme_processus": summary(durees_vide),
        "ratio_commande_sur_document_vide": round(commande_s["median"] / summary(durees_vide)["median"], 2),
        "commande_temps_cpu_s": summary(cpu),
        "charge_machine_1_min": charges,
        "coeurs": os.cpu_count(),
        "pages": pages,
        "taille_ko": taille // 1024,
        "detail_dans_le_processus": {
            "calcul_s": round(calcul, 3),
            "mise_en_page_s": round(mise_en_page, 3),
            "document_vide_s": round(vide_dans_le_processus, 3),
        },
        "cible_s": 10,
        "cible_atteinte": commande_s["median"] < 10,
    }
    write("bilan_annuel", result)
    print(
        f"bilan_annuel {ANNEE} ({comptees:,} attributions comptées) : médiane {commande_s['median']:.2f} s "
        f"(max {max(durees):.2f} s, temps CPU médian {summary(cpu)['median']:.2f} s, charge {charges}) pour "
        f"{pages} pages ; dans le processus : calcul {calcul:.2f} s, mise en page {mise_en_page:.2f} s. "
        "Cible : moins de 10 s."
    )
    return result


if __name__ == "__main__":
    main()
