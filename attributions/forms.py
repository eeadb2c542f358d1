from django import forms

TAILLE_MAX = 200 * 1024 * 1024  # 200 Mo: about 1,000,000 lines


class ImportForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier d'attributions (CSV, format F1)",
        help_text="UTF-8, séparateur « ; », une ligne d'en-tête. Le fichier est importé en entier ou pas du tout.",
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > TAILLE_MAX:
            raise forms.ValidationError("Le fichier dépasse 200 Mo : découpez-le par année.")
        if not fichier.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("Le fichier doit être un CSV (extension .csv).")
        return fichier
