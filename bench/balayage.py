"""Every URL pattern of the platform, measured on a large territory beside the bare view (issue 19, item 1).

Usage: python -m bench.balayage [--paris] [--repetitions 5] [--budget 900] [--seuil-ms 300]

The patterns come from walking the project's resolver (``config.urls``, through ``bench.urls``), so a page
added tomorrow is in the next run without anyone listing it. For each pattern:

- its arguments: a real row of the database in the demo territory's scope (``ARGUMENTS_PK`` by URL name,
  ``ARGUMENTS`` by argument name); the query string of the staff pages names the territory and the year;
- its role: the demo accounts (``cil/demo.py``: agent, EPCI staff, landlord, holder, CIL member, DPO,
  administrator, each with a verified second factor as production requires) and the anonymous visitor are
  tried in the order ``PREFERENCES`` gives for the URL's namespace; the first that gets a 200 (or a redirect
  that is not to the login) is kept;
- its median and p95 over a few repetitions (two for a page over a second and for the admin's pages), its
  number of queries and its slowest query; the plan
  (EXPLAIN ANALYZE) of that query for the pages over the threshold (300 ms at the p95 by default).

A pattern that cannot be measured (POST only, a download that needs a job run first, no row of its kind,
the time budget spent) is listed with its reason: nothing is skipped silently.

Accounts and rows. On the Paris-size database (``cil_bench_paris``, this bench's own) the demo territory and its
accounts (``cil.demo.seed_demo``'s builders and the apps' seeders) are written once on the generated territory's
EPCI and kept, so that every kind of row exists (operations, sessions, documents...). On the shared
1,000,000-demand database nothing of the demo is written: the roles are bench accounts (``bench.agent``,
``bench-epci`` and the ``bench-<role>`` accounts created here like those, with their membership), and the
patterns that need a demo row are listed as such (they are measured on the Paris-size database). Every
measured request runs in its own transaction, rolled back after it: no consultation log, no deferred export
is left, and no lock is held longer than one request (a long transaction on the shared database would hold
up another engineer's migration, and every query queued behind it). The seeders that recompute a nightly
figure over the whole territory (observatory indicators, public figures, the scoring grid's) are not run:
the night's figures are computed once by ``nuit`` like the night does; their cost is the night's. Deferred
exports thus stop at their request (the queueing): the worker's side is measured by ``bench/memoire.py``.
"""

from __future__ import annotations

import argparse
import re
import time
import traceback

from bench.common import client_connecte, setup_django, summary, write

ANNEE = 2025
ROLES = ["anonyme", "agent", "epci", "bailleur", "reservataire", "membre", "dpo", "admin"]
# the account of each role: the demo's (its usernames are the roles) or, on the shared database, the bench's
COMPTES_BENCH = {
    "agent": "bench.agent", "epci": "bench-epci", "bailleur": "bench-bailleur", "reservataire": "bench-reservataire",
    "membre": "bench-membre", "dpo": "bench-dpo", "admin": "bench-admin",
}  # fmt: skip
PREFERENCES = {
    "public": ["anonyme"],
    "demandes": ["agent", "epci", "dpo"],
    "sne": ["agent", "epci"],
    "api-demande": ["agent", "epci"],
    "attributions": ["epci", "bailleur", "reservataire"],
    "api": ["epci", "bailleur", "reservataire"],
    "observatoire": ["epci", "membre"],
    "relogement": ["epci", "bailleur"],
    "conference": ["epci", "membre"],
    "politique": ["epci"],
    "admin": ["admin", "epci"],
    "core": ["anonyme", "epci"],
}
# seeders left out: they recompute nightly figures over the whole territory (see the module's docstring)
# (and the scoring grid's: it scores every demand of the territory, 127 s on the Paris-size one; its cost is the
# cotation bench's, bench/cotation.py; without it the grid pages are listed as having no row)
SEEDERS_EXCLUS = {"observatoire.demo.seed", "public.demo.seed", "demandes.demo_cotation.seed"}
# URL names that are never measured, with the reason
NON_MESURES = {
    "core:logout": "déconnexion (POST) : mettrait fin à la session du balayage",
    "public:suivi_deconnexion": "déconnexion du suivi : mettrait fin à la session",
    "demandes:inscription_abandon": "abandon d'une inscription en cours : action, pas une page",
    "admin:logout": "déconnexion : mettrait fin à la session du balayage",
    "admin:view_on_site": "redirection vers la page publique de l'objet (content type, pk) : pas une page",
    "core:export": "suivi d'un export différé : demande d'abord un export produit par le worker (bench/memoire.py)",
    "core:export_fichier": "fichier d'un export différé : demande d'abord un export produit par le worker "
    "(bench/memoire.py)",
}


def _modeles() -> dict:
    from django.apps import apps

    apps_par_modele = {
        "attributions": ["DecisionCaleol", "Logement", "ParticipationEchange", "SeanceCaleol", "Echange", "Vacance"],
        "cil": ["CibleLocale", "Guichet", "Quartier"],
        "conference": ["Deliberation", "DocumentSeance", "Instance", "Membre", "PointOrdreDuJour", "Seance"],
        "demandes": ["CriterePriorite", "Demande", "GrilleCotation", "PieceJustificative", "RendezVous"],
        "observatoire": ["BilanAnnuel"],
        "politique": ["Action", "DocumentPolitique", "Indicateur", "Jalon", "Orientation", "VersionDocument"],
        "relogement": ["MenageAReloger", "Operation", "PropositionRelogement", "Saisine", "SeanceCommission"],
    }
    return {nom: apps.get_model(app, nom) for app, noms in apps_par_modele.items() for nom in noms}


# URL name (or its prefix before a star) -> (model, attribute of the row for the argument, filter)
ARGUMENTS_PK = {
    "demandes:piece*": ("PieceJustificative", {"pk": "demande_id", "piece_pk": "pk"}),
    "demandes:priorite_lever": ("CriterePriorite", {"pk": "demande_id", "priorite_pk": "pk"}),
    "demandes:rdv_cloturer": ("RendezVous", {"pk": "demande_id", "rdv_pk": "pk"}),
    "demandes:grille*": ("GrilleCotation", {"pk": "pk"}),
    "demandes:*": ("Demande", {"pk": "pk"}),
    "sne:export": ("Demande", {"pk": "pk"}),
    "api-demande-detail": ("Demande", {"pk": "pk"}),
    "relogement:repondre": ("PropositionRelogement", {"pk": "menage_id", "proposition_pk": "pk"}),
    "relogement:operation*": ("Operation", {"pk": "pk"}),
    "relogement:batiment_ajout": ("Operation", {"pk": "pk"}),
    "relogement:menage_ajout": ("Operation", {"pk": "pk"}),
    "relogement:export": ("Operation", {"pk": "pk"}),
    "relogement:synthese_pdf": ("Operation", {"pk": "pk"}),
    "relogement:saisine": ("Saisine", {"pk": "pk"}),
    "relogement:seance": ("SeanceCommission", {"pk": "pk"}),
    "relogement:*": ("MenageAReloger", {"pk": "pk"}),
    "conference:instance*": ("Instance", {"pk": "pk"}),
    "conference:membre_ajout": ("Instance", {"pk": "pk"}),
    "conference:regle_ajout": ("Instance", {"pk": "pk"}),
    "conference:seance_nouvelle": ("Instance", {"pk": "pk"}),
    "conference:fin_mandat": ("Membre", {"pk": "pk"}),
    "conference:vote": ("PointOrdreDuJour", {"pk": "pk"}),
    "conference:document": ("DocumentSeance", {"pk": "pk"}),
    "conference:deliberation_pdf": ("Deliberation", {"pk": "pk"}),
    "conference:*": ("Seance", {"pk": "pk"}),
    "public:document": ("VersionDocument", {"pk": "pk"}),
    "politique:version_nouvelle": ("DocumentPolitique", {"pk": "pk"}),
    "politique:version*": ("VersionDocument", {"pk": "pk"}),
    "politique:orientation_ajout": ("VersionDocument", {"pk": "pk"}),
    "politique:action_ajout": ("VersionDocument", {"pk": "pk"}),
    "politique:suivi_pdf": ("VersionDocument", {"pk": "pk"}),
    "politique:objectif_ajout": ("Orientation", {"pk": "pk"}),
    "politique:action*": ("Action", {"pk": "pk"}),
    "politique:jalon_ajout": ("Action", {"pk": "pk"}),
    "politique:indicateur_ajout": ("Action", {"pk": "pk"}),
    "politique:jalon_realise": ("Jalon", {"pk": "pk"}),
    "politique:indicateur*": ("Indicateur", {"pk": "pk"}),
    "politique:cible*": ("CibleLocale", {"pk": "pk"}),
    "attributions:qualifier": ("DecisionCaleol", {"pk": "pk"}),
    "attributions:logement_accessibilite": ("Logement", {"pk": "pk"}),
    "attributions:seance": ("SeanceCaleol", {"pk": "pk"}),
    "attributions:echange_repondre": ("ParticipationEchange", {"pk": "echange_id", "participation": "pk"}),
    "attributions:echange*": ("Echange", {"pk": "pk"}),
    "attributions:vacance*": ("Vacance", {"pk": "pk"}),
    "observatoire:quartier": ("Quartier", {"pk": "pk"}),
    "observatoire:telecharger": ("BilanAnnuel", {"pk": "pk"}),
    "demandes:contact_ajouter": ("Guichet", {"guichet_pk": "pk"}),
}


def _regle(nom: str):
    if nom in ARGUMENTS_PK:
        return ARGUMENTS_PK[nom]
    for cle, regle in ARGUMENTS_PK.items():
        if cle.endswith("*") and nom.startswith(cle[:-1]):
            return regle
    return None


class NonMesurable(Exception):
    pass


def motifs():
    """(route, URL name, argument names) of every pattern, in the resolver's order."""
    from django.urls import get_resolver
    from django.urls.resolvers import URLResolver

    def parcourir(resolveur, prefixe="", ns=""):
        for p in resolveur.url_patterns:
            if isinstance(p, URLResolver):
                sous_ns = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
                yield from parcourir(p, prefixe + str(p.pattern), sous_ns)
            else:
                nom = f"{ns}:{p.name}" if ns and p.name else (p.name or "")
                yield prefixe + str(p.pattern), nom, sorted(p.pattern.regex.groupindex)

    tous = [m for m in parcourir(get_resolver()) if m[1] != "bench-nu"]
    # the platform's own pages first, the admin's (Django's, about 300 patterns) after: a budget spent cuts those
    return [m for m in tous if not m[0].startswith("admin/")] + [m for m in tous if m[0].startswith("admin/")]


class Contexte:
    """The territory, the demo rows and the clients of every role."""

    def __init__(self, epci, comptes: dict):
        from django.contrib.auth.tokens import default_token_generator
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        from cil.models import Commune, Guichet
        from core.models import User
        from public.models import ChiffresPublics
        from public.selectors import slug_de

        self.epci = epci
        self.m = _modeles()
        self.clients = {"anonyme": None}
        from django.test import Client

        self.clients["anonyme"] = Client()
        for role in ROLES[1:]:
            self.clients[role] = client_connecte(comptes[role])
        agent = User.objects.get(username=comptes["agent"])
        commune = Commune.objects.filter(epci=epci).order_by("code_insee").first()
        chiffres = ChiffresPublics.objects.filter(epci=epci).order_by("-jour").first()
        from demandes.views.inscription import ETAPES

        self.generiques = {
            "siren": epci.siren,
            "annee": ANNEE,
            "format": "csv",
            "slug": slug_de(epci),
            "code_insee": commune.code_insee if commune else "",
            "mois": chiffres.jour.strftime("%Y-%m") if chiffres else "",
            "etape": ETAPES[1][0],
            "epci_pk": epci.pk,
            "guichet_pk": Guichet.objects.filter(epci=epci).order_by("pk").values_list("pk", flat=True).first(),
            "uidb64": urlsafe_base64_encode(force_bytes(agent.pk)),
            "token": default_token_generator.make_token(agent),
        }
        from observatoire import indicateurs

        self.generiques["indicateur"] = next(iter(indicateurs.FAMILLE))

    def arguments(self, nom: str, noms_args: list[str]) -> dict:
        if not noms_args:
            return {}
        kwargs = {}
        regle = _regle(nom)
        if regle and any(a in regle[1] for a in noms_args):
            modele_nom, champs = regle
            modele = self.m[modele_nom]
            qs = modele.objects.all()
            if hasattr(modele, "epci_id") or any(f.name == "epci" for f in modele._meta.fields):
                qs = qs.filter(epci=self.epci)
            # the latest row: the demo's (built after the generated rows), with its children
            ligne = qs.order_by("-pk").values(*set(champs.values())).first()
            if ligne is None:
                raise NonMesurable(f"aucune ligne {modele_nom} dans le territoire")
            kwargs.update({arg: ligne[champ] for arg, champ in champs.items()})
        for a in noms_args:
            if a in kwargs:
                continue
            if a in self.generiques and self.generiques[a] not in ("", None):
                kwargs[a] = self.generiques[a]
            else:
                raise NonMesurable(f"pas de valeur pour l'argument « {a} »")
        return kwargs


def _admin_arguments(nom: str, noms_args: list[str]) -> dict:
    """An admin pattern: the first row of its model for ``object_id``; delete confirmations are not measured."""
    from django.contrib import admin

    if nom.endswith("_delete"):
        raise NonMesurable(
            "confirmation de suppression de l'admin : elle rassemble toutes les lignes liées en cascade (pour un "
            "EPCI, des centaines de milliers) ; non mesurée"
        )
    if nom == "admin:" or not nom:
        raise NonMesurable("redirection de l'admin vers la page de modification : pas une page")
    if not noms_args:
        return {}
    if "object_id" in noms_args:
        libelle = nom.split(":", 1)[1].rsplit("_", 1)[0]
        for modele in admin.site._registry:
            if f"{modele._meta.app_label}_{modele._meta.model_name}" == libelle:
                pk = modele.objects.order_by("pk").values_list("pk", flat=True).first()
                if pk is None:
                    raise NonMesurable(f"aucune ligne {modele.__name__}")
                return {"object_id": pk}
        raise NonMesurable("modèle de l'admin introuvable")
    if noms_args == ["pk"]:  # otp_totp config / qrcode
        from django_otp.plugins.otp_totp.models import TOTPDevice

        return {"pk": TOTPDevice.objects.order_by("pk").values_list("pk", flat=True).first()}
    raise NonMesurable(f"arguments de l'admin {noms_args}")


def _ordre(nom: str) -> list[str]:
    if nom.startswith("api-demande"):
        ns = "api-demande"
    elif nom.startswith("api"):
        ns = "api"
    else:
        ns = nom.split(":", 1)[0]
    prefs = PREFERENCES.get(ns, [])
    return prefs + [r for r in ROLES if r not in prefs]


def _parametres(nom: str, ctx: Contexte) -> dict:
    if nom.startswith(("public:", "admin:", "core:")) or nom.startswith("api-schema"):
        return {}
    return {"epci": ctx.epci.siren, "annee": ANNEE}


def _requete(client, url, params):
    """One GET in a transaction rolled back after it; the body read to the end (a streamed export too)."""
    from django.db import transaction

    with transaction.atomic():
        try:
            debut = time.perf_counter()
            reponse = client.get(url, params)
            if getattr(reponse, "streaming", False):
                taille = sum(len(b) for b in reponse.streaming_content)
            else:
                taille = len(reponse.content)
            duree = time.perf_counter() - debut
            # (not reponse.close(): its request_finished signal would close the connection, inside the transaction)
            return reponse, duree, taille
        finally:
            transaction.set_rollback(True)  # rolled back when the block ends


def _accepte(reponse) -> bool:
    if reponse.status_code == 200:
        return True
    if reponse.status_code in (301, 302):
        cible = reponse.get("Location", "")
        return not any(x in cible for x in ("/connexion/", "/second-facteur/", "/admin/login/"))
    return False


def _plan(sql: str) -> list[str]:
    from django.db import connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            try:
                lecture = sql.lstrip().upper().startswith(("SELECT", "WITH"))
                analyse = "EXPLAIN (ANALYZE, BUFFERS) " if lecture else "EXPLAIN "
                cursor.execute(analyse + sql)
                return [r[0] for r in cursor.fetchall()]
            finally:
                transaction.set_rollback(True)
    except Exception as exc:  # noqa: BLE001 - a plan that cannot be taken is said, not fatal
        return [f"(plan impossible : {exc})"]


def comptes_bench(epci) -> dict:
    """The bench accounts of the shared database, one per role, created like ``bench-epci`` (get_or_create)."""
    from bench import territoire
    from cil.models import Bailleur, Membership, Reservataire
    from core.models import User
    from core.roles import Role

    territoire.referentiel()  # bench.agent and bench-epci
    bailleur = Bailleur.objects.filter(siren__startswith="9999001").order_by("pk").first()
    reservataire = Reservataire.objects.filter(type="COMMUNE", code="38185").first()
    organisations = {
        "bailleur": (Role.BAILLEUR, {"bailleur": bailleur}),
        "reservataire": (Role.RESERVATAIRE, {"reservataire": reservataire}),
        "membre": (Role.MEMBRE_CIL, {}),
        "dpo": (Role.DPO, {}),
        "admin": (Role.ADMINISTRATEUR, {}),
    }  # fmt: skip
    for role, (role_metier, org) in organisations.items():
        user, _ = User.objects.get_or_create(username=COMPTES_BENCH[role])
        if role == "admin" and not (user.is_superuser and user.is_staff):
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
        Membership.objects.get_or_create(user=user, role=role_metier, epci=epci, defaults=org)
    return COMPTES_BENCH


def semer(epci) -> dict:
    """The demo territory and accounts, then the apps' demo seeders but the nightly figures' ones. Once: the
    demo's accounts present, nothing is done."""
    from core.models import User

    if User.objects.filter(username="agent").exists():
        return {}
    from django.conf import settings
    from django.db import connection
    from django.utils.module_loading import import_string

    from cil.demo import build_demo_territory
    from observatoire.demo import seed_quartiers

    debut = time.perf_counter()
    with connection.cursor() as cursor:  # the demo's demands numbered after the generated ones
        cursor.execute(
            """
            INSERT INTO demandes_sequencenumero AS s (departement, annee, dernier)
            SELECT split_part(numero_unique, '-', 1), split_part(numero_unique, '-', 2)::int,
                   max(split_part(numero_unique, '-', 3)::int)
            FROM demandes_demande WHERE numero_unique ~ '^[0-9AB]{2,3}-[0-9]{4}-[0-9]+$' GROUP BY 1, 2
            ON CONFLICT (departement, annee) DO UPDATE SET dernier = GREATEST(s.dernier, EXCLUDED.dernier)
            """
        )
    territoire = build_demo_territory()
    durees = {"cil.demo.build_demo_territory": round(time.perf_counter() - debut, 1)}
    for chemin in settings.DEMO_SEEDERS:
        if chemin in SEEDERS_EXCLUS:
            continue
        t = time.perf_counter()
        import_string(chemin)(territoire)
        durees[chemin] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    seed_quartiers(territoire)
    durees["observatoire.demo.seed_quartiers"] = round(time.perf_counter() - t, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's statistics of the tables the seeders wrote, as autovacuum would
    return durees


def nuit(epci) -> dict:
    """The night's figures the pages read, when the database has none (the Paris-size one, freshly generated):
    the observatory's indicators and the objectives' snapshot of the year, the public figures of yesterday and
    of the last month's end. Committed: they are what the night leaves."""
    import datetime as dt

    from django.utils import timezone

    from attributions.models import InstantaneObjectifs
    from attributions.services import enregistrer_instantane
    from observatoire.models import CalculIndicateurs
    from observatoire.services import calculer_indicateurs
    from public import selectors, services
    from public.models import ChiffresPublics

    durees = {}
    if not CalculIndicateurs.objects.filter(epci=epci, annee=ANNEE).exists():
        t = time.perf_counter()
        calculer_indicateurs(epci, ANNEE)
        durees["indicateurs_observatoire"] = round(time.perf_counter() - t, 1)
    if not InstantaneObjectifs.objects.filter(epci=epci, annee=ANNEE).exists():
        t = time.perf_counter()
        enregistrer_instantane(epci=epci, annee=ANNEE, declencheur="NUIT")
        durees["instantane_objectifs"] = round(time.perf_counter() - t, 1)
    hier = timezone.localdate() - dt.timedelta(days=1)
    fin_mois = hier if selectors.est_fin_de_mois(hier) else services.fin_du_mois_precedent(hier)
    for jour in sorted({hier, fin_mois}):
        if not ChiffresPublics.objects.filter(epci=epci, jour=jour).exists():
            t = time.perf_counter()
            services.calculer_chiffres(epci, jour)
            durees[f"chiffres_publics_{jour}"] = round(time.perf_counter() - t, 1)
    return durees


def balayer(repetitions: int, budget: float, seuil_ms: float, seulement: str | None = None, demo: bool = False) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from attributions.models import DecisionCaleol, Logement
    from bench import territoire
    from cil.models import Epci
    from demandes.models import Demande, Statut

    epci = Epci.objects.get(siren=territoire.EPCI)
    debut_semis = time.perf_counter()
    if demo:
        semis, comptes = semer(epci), {r: r for r in ROLES[1:]}
    else:
        semis, comptes = {}, comptes_bench(epci)
    semis_s = round(time.perf_counter() - debut_semis, 1)
    ctx = Contexte(epci, comptes)
    taille = {
        "demandes_en_cours_de_l_epci": Demande.objects.filter(epci=epci).exclude(statut=Statut.RADIEE).count(),
        "logements_de_l_epci": Logement.objects.filter(epci=epci).count(),
        "decisions_de_l_epci": DecisionCaleol.objects.filter(epci=epci).count(),
        "attributions_de_l_epci_en_2025": DecisionCaleol.objects.filter(
            epci=epci, date_decision__year=ANNEE, type_decision__startswith="ATTRIBUTION"
        ).count(),
    }
    # the bare view, the floor, in the same run, for every role that has a session
    nu = []
    client = ctx.clients["epci"]
    for _ in range(3 + repetitions * 4):
        nu.append(_requete(client, "/bench/nu/", {})[1])
    vue_nue = {k: round(v * 1000, 1) if k != "n" else v for k, v in summary(nu).items()}

    pages, non_mesures = [], []
    debut = time.perf_counter()
    for route, nom, noms_args in motifs():
        if seulement and not re.search(seulement, nom):
            continue
        entree = {"route": route, "nom": nom}
        try:
            if nom in NON_MESURES:
                raise NonMesurable(NON_MESURES[nom])
            if not nom:
                raise NonMesurable("motif sans nom (l'admin redirige <objet>/ vers sa modification) : pas une page")
            if time.perf_counter() - debut > budget:
                raise NonMesurable(f"budget de temps du balayage ({budget:.0f} s) épuisé")
            kwargs = _admin_arguments(nom, noms_args) if nom.startswith("admin:") else ctx.arguments(nom, noms_args)
            try:
                url = reverse(nom, kwargs=kwargs)
            except Exception as exc:  # noqa: BLE001
                raise NonMesurable(f"adresse impossible à construire : {exc}") from exc
            params = _parametres(nom, ctx)
            statuts, retenu = {}, None
            for role in _ordre(nom):
                try:
                    reponse, duree, taille_o = _requete(ctx.clients[role], url, params)
                except Exception as exc:  # noqa: BLE001 - an error of the page is a finding
                    statuts[role] = f"erreur {type(exc).__name__}: {str(exc)[:160]}"
                    continue
                statuts[role] = reponse.status_code
                if _accepte(reponse):
                    retenu = (role, duree, reponse, taille_o)
                    break
                if reponse.status_code == 405:
                    break  # the method, not the role
            if retenu is None:
                codes = set(statuts.values())
                if codes == {405}:
                    raise NonMesurable("POST seulement (405 au GET) : action, pas une page")
                raise NonMesurable(f"aucun rôle ne l'ouvre : {statuts}")
            role, premiere, reponse, taille_o = retenu
            client = ctx.clients[role]
            # a page over a second, and the admin's pages (Django's own code), get two repetitions, not more
            n = repetitions if premiere < 1.0 and not nom.startswith("admin:") else max(1, min(repetitions, 2))
            durees = [_requete(client, url, params)[1] for _ in range(n)]
            with CaptureQueriesContext(connection) as capture:
                _requete(client, url, params)
            requetes = capture.captured_queries
            lente = max(requetes, key=lambda q: float(q["time"]), default=None)
            s = summary(durees)
            entree.update({
                "url": url, "parametres": params, "role": role, "statut_http": reponse.status_code,
                "octets": taille_o, "median": round(s["median"] * 1000, 1), "p95": round(s["p95"] * 1000, 1),
                "n": s["n"], "ratio_sur_vue_nue": round(s["median"] * 1000 / vue_nue["median"], 1),
                "requetes_sql": len(requetes),
                "requetes_sql_ms": round(sum(float(q["time"]) for q in requetes) * 1000, 1),
                "requete_la_plus_lente_ms": round(float(lente["time"]) * 1000, 1) if lente else None,
                "requete_la_plus_lente": lente["sql"][:600] if lente else "",
                "lente": s["p95"] * 1000 > seuil_ms,
                "essais_de_roles": statuts,
            })  # fmt: skip
            if entree["lente"] and lente:
                entree["plan_requete_la_plus_lente"] = _plan(lente["sql"])
            pages.append(entree)
            drapeau = "LENT " if entree["lente"] else ""
            print(f"  {drapeau}{nom:48} {role:12} {entree['median']:8.1f} ms p95 {entree['p95']:8.1f} "
                  f"{entree['requetes_sql']:4} req", flush=True)  # fmt: skip
        except NonMesurable as exc:
            entree["raison"] = str(exc)
            non_mesures.append(entree)
        except Exception as exc:  # noqa: BLE001 - one broken pattern must not lose the others
            entree["raison"] = f"erreur du balayage : {type(exc).__name__}: {exc}"
            entree["trace"] = traceback.format_exc()[-1500:]
            non_mesures.append(entree)
    lentes = sorted((p for p in pages if p["lente"]), key=lambda p: -p["p95"])
    return {
        "unite": "ms",
        "epci": epci.nom,
        "taille": taille,
        "comptes": "démo (cil/demo.py), écrite une fois dans cette base" if demo else "comptes bench-<rôle>",
        "semis_demo_s": semis_s,
        "semis_demo_detail_s": semis,
        "repetitions": repetitions,
        "seuil_p95_ms": seuil_ms,
        "vue_nue": vue_nue,
        "motifs": len(pages) + len(non_mesures),
        "mesurees": len(pages),
        "non_mesurees": len(non_mesures),
        "lentes": [p["nom"] for p in lentes],
        "duree_du_balayage_s": round(time.perf_counter() - debut, 1),
        "pages": pages,
        "non_mesures": non_mesures,
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paris", action="store_true", help="the Paris-size territory (bench/territoire.py)")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--budget", type=float, default=900, help="seconds; the rest is listed as not measured")
    parser.add_argument("--seuil-ms", type=float, default=300)
    parser.add_argument("--seulement", help="a regular expression on the URL names (to try one app)")
    args = parser.parse_args(argv)

    from bench import territoire

    setup_django(territoire.PARIS_DB if args.paris else territoire.BIG_DB)
    territoire.assurer(paris=args.paris)
    nocturne = {}
    if args.paris:  # the big database has them from the observatory's and the public pages' benches
        from cil.models import Epci

        nocturne = nuit(Epci.objects.get(siren=territoire.EPCI))

    resultat = balayer(args.repetitions, args.budget, args.seuil_ms, args.seulement, demo=args.paris)
    resultat["base"] = territoire.PARIS_DB if args.paris else territoire.BIG_DB
    resultat["calcul_nocturne_prealable_s"] = nocturne
    write("balayage_paris" if args.paris else "balayage", resultat)
    print(f"{resultat['mesurees']} motifs mesurés, {resultat['non_mesurees']} non mesurés (raisons dans le JSON); "
          f"lents (p95 > {args.seuil_ms:.0f} ms) : {', '.join(resultat['lentes']) or 'aucun'}")  # fmt: skip
    return resultat


if __name__ == "__main__":
    main()
