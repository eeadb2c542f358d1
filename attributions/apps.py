from django.apps import AppConfig


class AttributionsConfig(AppConfig):
    name = "attributions"
    verbose_name = "Logements, attributions et objectifs légaux"
