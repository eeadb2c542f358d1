"""A PDF does not print its layout steps in the logs; WeasyPrint's warnings still do."""

import logging

from django.conf import settings


def test_les_etapes_de_weasyprint_ne_sont_pas_journalisees():
    assert settings.LOGGING["loggers"]["weasyprint.progress"]["level"] == "WARNING"
    progression = logging.getLogger("weasyprint.progress")
    assert not progression.isEnabledFor(logging.INFO)
    assert progression.isEnabledFor(logging.WARNING)
    assert logging.getLogger("weasyprint").isEnabledFor(logging.WARNING)
