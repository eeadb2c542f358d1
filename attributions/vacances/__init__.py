"""Vacancies and flows: the landlords' stock and its import (`stock`), reservation agreements in flows, vacant
dwellings, candidates, commission sessions, leases and the flow report (`flux`), their forms, rights, pages and demo
data (`forms`, `permissions`, `views`, `demo`); README.md describes them. The models stay in attributions/models.py
and the write services in attributions/services.py (docs/adr/0006-vacances.md)."""
