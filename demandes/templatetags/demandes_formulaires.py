from django import template

register = template.Library()


@register.filter
def valeur_lue(field):
    """The hidden ``initial-`` inputs of a field rendered choice by choice (optimistic locking)."""
    if getattr(field.field, "show_hidden_initial", False):
        return field.as_hidden(only_initial=True)
    return ""
