import json

from django.core.management.base import BaseCommand, CommandError

from attributions.selectors import ObjectifsIndisponibles, calcule_objectifs_epci, f2
from cil.models import Epci


def _pct(value):
    return "–" if value is None else f"{value * 100:.2f} %"


class Command(BaseCommand):
    help = "Affiche les trois objectifs légaux d'un EPCI pour une année (format F2 en JSON, ou tableau)."

    def add_arguments(self, parser):
        parser.add_argument("--epci", required=True, help="SIREN de l'EPCI")
        parser.add_argument("--annee", required=True, type=int)
        parser.add_argument("--format", choices=["json", "table"], default="json")
        parser.add_argument("--details", action="store_true", help="JSON : ajouter les détails par bailleur, etc.")

    def handle(self, *args, epci, annee, format, details, **options):
        territoire = Epci.objects.filter(siren=epci).first()
        if territoire is None:
            raise CommandError(f"EPCI inconnu : {epci} (SIREN à 9 chiffres du référentiel).")
        try:
            resultat = calcule_objectifs_epci(territoire, annee, details=details or format == "table")
        except ObjectifsIndisponibles as exc:
            raise CommandError(str(exc)) from None
        if format == "json":
            data = resultat if details else f2(resultat)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        w = self.stdout.write
        w(f"{territoire.nom} ({territoire.siren}) – année {annee}")
        seuil = f"Seuil du 1er quartile : {resultat['seuil_q1']} €/UC/an"
        if resultat["provisoire"]:
            seuil += f" (PROVISOIRE : seuil {resultat['annee_seuil']} faute d'arrêté {annee})"
        w(seuil)
        w("")
        w(f"{'Objectif':<44}{'Base':>8}{'Num.':>8}{'Taux':>10}{'Cible':>10}{'Manque':>8}{'Cible locale':>14}")
        lignes = [
            ("A. Hors QPV : 1er quartile ou relogés", resultat["hors_qpv"]),
            ("B. En QPV : quartiles 2 à 4", resultat["qpv"]),
            ("C. Tous réservataires : DALO/prioritaires", resultat["prioritaires"]),
            ("Mutations", resultat["mutations"]),
        ] + [(f"C. {r['nom'][:40]}", r) for r in resultat["reservataires"]]
        for label, d in lignes:
            manque = "–" if d["manque"] is None else str(d["manque"])
            locale = "–" if d.get("cible_locale") is None else _pct(d["cible_locale"])
            w(
                f"{label:<44}{d['base']:>8}{d['numerateur']:>8}{_pct(d['taux']):>10}{_pct(d['cible']):>10}"
                f"{manque:>8}{locale:>14}"
            )
        if resultat["cibles_locales"]:
            w("")
            w("Cibles locales (à côté des cibles légales, jamais à leur place) :")
            for c in resultat["cibles_locales"]:
                etat = {None: "aucune attribution comptée", True: "atteinte"}.get(
                    c["atteint"], f"non atteinte (il manque {c['manque']})"
                )
                w(
                    f"  {c['objectif_libelle']} – {c['perimetre']['nom']} : cible locale {c['cible_texte']} "
                    f"(légale {_pct(c['cible_legale'])}), taux {c['taux_texte']}, {etat} – {c['source']}"
                )
