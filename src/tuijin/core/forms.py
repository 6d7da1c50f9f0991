"""Form pieces shared by the apps."""

from django import forms

from tuijin.core.text import hidden_character_problem


class Form(forms.Form):
    """Base of the apps' forms: a text field holding an invisible or direction-changing character (zero-width
    space, U+202E …) is refused with a message naming the field and the character. Passwords are left alone."""

    def _clean_fields(self):
        super()._clean_fields()
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
                continue
            value = self.cleaned_data.get(name)
            problem = hidden_character_problem(value) if isinstance(value, str) else None
            if problem:
                self.add_error(name, f"{field.label or name}{problem}")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's FileField cleans a single file and refuses the widget's list)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []
