"""Signals through which the apps above ``demandes`` take part in its GDPR duties (docs/droit/regles.md,
platform decision 13).

``demandes`` must not import them (docs/ARCHITECTURE.md); it sends, they answer. Every receiver is
called with ``demande`` and returns a ``dict`` of counts (``{"kind": n}``) or, for the access export, a
``dict`` of sections; the sender adds the answers to its report, so nothing is done silently.

- ``demande_anonymisee``: a radiated demand's retention period ran out. Sent inside the anonymisation's
  transaction with ``dry_run``: receivers erase (or only count, if ``dry_run``) the free texts they hold
  about the demand (commission motives, referral statements, social diagnoses).
- ``appreciations_a_effacer``: the demand was radiated for an allocation (lease signed) and no social
  follow-up continues: receivers erase their appraisals of social difficulties about it.
- ``donnees_personnelles``: the access export (GDPR art. 15) collects what each app holds about the
  applicant; receivers return ``{"section": [rows as plain JSON values]}``.
"""

from django.dispatch import Signal

demande_anonymisee = Signal()
appreciations_a_effacer = Signal()
donnees_personnelles = Signal()


def reponses(signal: Signal, **kwargs) -> dict:
    """Send ``signal`` and merge the receivers' dicts (counts are added up)."""
    fusion: dict = {}
    for _receiver, valeur in signal.send(sender="demandes", **kwargs):
        for cle, v in (valeur or {}).items():
            if isinstance(v, int) and isinstance(fusion.get(cle, 0), int):
                fusion[cle] = fusion.get(cle, 0) + v
            else:
                fusion[cle] = v
    return fusion
