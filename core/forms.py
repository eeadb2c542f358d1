"""Account forms: the second-factor code and Django's password forms with the layout's classes."""

from django import forms
from django.contrib.auth import forms as auth_forms


class _Bootstrap:
    """Bootstrap classes and accessible error links on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            classes = "form-control"
            if self.is_bound and name in self.errors:
                classes += " is-invalid"
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["aria-describedby"] = f"id_{name}-erreurs"
            field.widget.attrs["class"] = classes


class CodeForm(_Bootstrap, forms.Form):
    code = forms.CharField(
        label="Code à 6 chiffres",
        max_length=12,
        help_text="Le code affiché par votre application d'authentification (il change toutes les 30 secondes).",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": "Saisissez le code à 6 chiffres affiché par votre application."},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Le code se compose de 6 chiffres, sans lettre.")
        return code


class PasswordChangeForm(_Bootstrap, auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(_Bootstrap, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(_Bootstrap, auth_forms.SetPasswordForm):
    pass
