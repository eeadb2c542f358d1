"""Traffic for ``bench.charge`` and ``bench.charge_public``; the runner names the user classes to play.

BENCH_LOCUST_DATA names a JSON file: {"sessions": [...], "fiches": [...], "noms": [...]} for the reception-desk
agents (already logged in: session cookies handed over by the runner), {"slug": ..., "communes": [...],
"mois": ...} for the anonymous visitors of a territory's public pages.
"""

import itertools
import json
import os
import random

from locust import HttpUser, between, task

DONNEES = json.loads(open(os.environ["BENCH_LOCUST_DATA"], encoding="utf-8").read())  # noqa: SIM115
SESSIONS = itertools.cycle(enumerate(DONNEES.get("sessions") or [""]))
VISITEURS = itertools.count()


class AgentAccueil(HttpUser):
    wait_time = between(0.5, 2.0)  # an agent reads the page before the next click

    def on_start(self):
        numero, session = next(SESSIONS)
        self.client.headers["Cookie"] = f"sessionid={session}"
        self.rnd = random.Random(numero)  # each agent its own, reproducible, sequence

    def _get(self, url, name, **params):
        with self.client.get(url, params=params, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")

    @task(4)
    def recherche(self):
        self._get("/demandes/", "recherche", q=self.rnd.choice(DONNEES["noms"]))

    @task(3)
    def fiche(self):
        self._get(f"/demandes/{self.rnd.choice(DONNEES['fiches'])}/", "fiche")

    @task(1)
    def inscription(self):
        self._get("/demandes/nouvelle/", "inscription")

    @task(1)
    def vue_nue(self):
        self._get("/bench/nu/", "vue_nue")


class VisiteurPublic(HttpUser):
    """An anonymous visitor of the territory's public pages (no login, no cookie kept between pages)."""

    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.rnd = random.Random(1000 + next(VISITEURS))
        self.base = f"/territoires/{DONNEES['slug']}"

    def _get(self, url, name):
        self.client.cookies.clear()
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")

    @task(3)
    def entree(self):
        self._get(f"{self.base}/", "public_entree")

    @task(4)
    def delais_commune(self):
        self._get(f"{self.base}/delais-et-chiffres/{self.rnd.choice(DONNEES['communes'])}/", "public_delais_commune")

    @task(2)
    def delais_territoire(self):
        self._get(f"{self.base}/delais-et-chiffres/", "public_delais_territoire")

    @task(2)
    def lieux_d_accueil(self):
        self._get(f"{self.base}/lieux-d-accueil/", "public_lieux_d_accueil")

    @task(2)
    def cotation(self):
        self._get(f"{self.base}/cotation/", "public_cotation")

    @task(1)
    def priorites(self):
        self._get(f"{self.base}/publics-prioritaires/", "public_priorites")

    @task(1)
    def faire_une_demande(self):
        self._get(f"{self.base}/faire-une-demande/", "public_faire_une_demande")

    @task(1)
    def donnees_ouvertes(self):
        self._get(f"{self.base}/donnees-ouvertes/", "public_donnees_ouvertes")

    @task(1)
    def fichier_csv(self):
        self._get(f"{self.base}/donnees-ouvertes/chiffres-{DONNEES['mois']}.csv", "public_fichier_csv")

    @task(1)
    def suivi(self):
        self._get(f"{self.base}/suivre-ma-demande/", "public_suivi_identification")

    @task(1)
    def vue_nue(self):
        self._get("/bench/nu/", "vue_nue")


# --- The real mix of a working day (bench.charge_mixte): each role with its own pages ------------------------


class _Connecte(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)
    cle_sessions = "sessions"

    def on_start(self):
        numero = next(VISITEURS)
        sessions = DONNEES[self.cle_sessions]
        self.client.headers["Cookie"] = f"sessionid={sessions[numero % len(sessions)]}"
        self.rnd = random.Random(numero)

    def _get(self, url, name, **params):
        with self.client.get(url, params=params, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")


class AgentDuReseau(_Connecte):
    """A reception-desk agent: search, files, registration, the scheduled jobs' page and the network's."""

    weight = 5

    @task(6)
    def recherche(self):
        self._get("/demandes/", "guichet_recherche", q=self.rnd.choice(DONNEES["noms"]))

    @task(5)
    def fiche(self):
        self._get(f"/demandes/{self.rnd.choice(DONNEES['fiches'])}/", "guichet_fiche")

    @task(2)
    def inscription(self):
        self._get("/demandes/nouvelle/", "guichet_inscription")

    @task(1)
    def traitements(self):
        self._get("/demandes/traitements/", "guichet_traitements")

    @task(1)
    def reseau(self):
        self._get("/demandes/reseau/", "guichet_reseau")

    @task(1)
    def vue_nue(self):
        self._get("/bench/nu/", "vue_nue")


class AgentEpci(_Connecte):
    """EPCI staff: the objectives dashboard, the API, the list behind a figure, the balance sheets."""

    weight = 1
    cle_sessions = "sessions_epci"

    @task(3)
    def tableau_de_bord(self):
        self._get("/objectifs/", "epci_objectifs", epci=DONNEES["siren"], annee=DONNEES["annee"])

    @task(2)
    def api_objectifs(self):
        self._get("/api/objectifs/", "epci_api_objectifs", epci=DONNEES["siren"], annee=DONNEES["annee"])

    @task(2)
    def liste(self):
        self._get("/attributions/", "epci_liste_attributions", epci=DONNEES["siren"], annee=DONNEES["annee"],
                  objectif="hors_qpv", part="base", page=1 + self.rnd.randrange(5))  # fmt: skip

    @task(1)
    def bilans(self):
        self._get("/observatoire/bilans/", "epci_bilans")


class AgentBailleur(_Connecte):
    """A landlord's staff: its allocations, its dwellings and vacancies, the commission's sessions."""

    weight = 1
    cle_sessions = "sessions_bailleur"

    @task(2)
    def attributions(self):
        self._get("/attributions/", "bailleur_attributions", annee=DONNEES["annee"], objectif="hors_qpv", part="base")

    @task(2)
    def vacances(self):
        self._get("/vacances/", "bailleur_vacances")

    @task(1)
    def logements(self):
        self._get("/logements/", "bailleur_logements")

    @task(1)
    def caleol(self):
        self._get("/caleol/", "bailleur_caleol")


class AgentReservataire(_Connecte):
    """A reservation holder's staff: its share of the objectives, the vacancies routed to it."""

    weight = 1
    cle_sessions = "sessions_reservataire"

    @task(2)
    def objectifs(self):
        self._get("/objectifs/", "reservataire_objectifs", annee=DONNEES["annee"])

    @task(1)
    def vacances(self):
        self._get("/vacances/", "reservataire_vacances")


class Visiteur(VisiteurPublic):
    """The public pages inside the mix (same pages as bench.charge_public)."""

    weight = 3
