"""Reception-desk traffic for ``bench.charge``: agents already logged in (session cookies handed over by the runner).

BENCH_LOCUST_DATA names a JSON file: {"sessions": [...], "fiches": [...], "noms": [...]}.
"""

import itertools
import json
import os
import random

from locust import HttpUser, between, task

DONNEES = json.loads(open(os.environ["BENCH_LOCUST_DATA"], encoding="utf-8").read())  # noqa: SIM115
SESSIONS = itertools.cycle(enumerate(DONNEES["sessions"]))


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
