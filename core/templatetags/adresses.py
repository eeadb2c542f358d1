"""``{% adresse 'demandes:fiche' d.pk %}`` in the rows of long lists instead of ``{% url %}`` (core.adresses)."""

from django import template

from core.adresses import adresse

register = template.Library()
register.simple_tag(adresse)
