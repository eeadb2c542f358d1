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


class DateInput(forms.DateInput):
    """A date picker that sends ISO dates (``<input type="date">``)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class AccessibleMixin:
    """Bootstrap classes, and on errors ``aria-invalid`` + ``aria-describedby`` pointing at the error text
    (the field template ``core/_champ_formulaire.html`` prints the error with that id).

    ``remplacer_dates``: plain date and time widgets become the browser's pickers (ISO values)."""

    remplacer_dates = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if self.remplacer_dates and isinstance(widget, forms.DateInput) and not isinstance(widget, DateInput):
                field.widget = widget = DateInput()
            if self.remplacer_dates and isinstance(widget, forms.TimeInput) and not isinstance(widget, TimeInput):
                field.widget = widget = TimeInput()
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{bound.auto_id}-erreurs"
                attrs["class"] = attrs.get("class", "") + " is-invalid"
