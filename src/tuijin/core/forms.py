"""Form pieces shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError

from tuijin.core.errors import InputError
from tuijin.core.text import hidden_character_problem

MAX_ID = 2**63 - 1
DJANGO_EMPTY_LABEL = "---------"


def id_or_none(raw) -> int | None:
    """A posted id (a hidden field, a button's value): a positive integer that fits the database's 64 bits, or
    None — never the ValueError or OverflowError a lookup would raise on "abc" or 2**64."""
    text = str(raw or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


class Form(forms.Form):
    """Base of the apps' forms: a text field holding an invisible or direction-changing character (zero-width
    space, U+202E …) is refused with a message naming the field and the character. Passwords are left alone.

    A drop-down's empty choice reads `empty_choice_label` (（请选择）; a filter form sets 全部), never Django's
    "---------"."""

    empty_choice_label = "（请选择）"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label == DJANGO_EMPTY_LABEL:
                    field.empty_label = self.empty_choice_label
            elif isinstance(field, forms.ChoiceField) and not callable(field.choices):
                choices = list(field.choices)
                if any(value == "" and label == DJANGO_EMPTY_LABEL for value, label in choices):
                    field.choices = [(value, self.empty_choice_label if value == "" and label == DJANGO_EMPTY_LABEL
                                      else label) for value, label in choices]

    def error_text(self) -> str:
        """The form's errors in one line, each after its field's label: for a page that answers by a message."""
        return "; ".join(f"{self.fields[name].label or name}: {' '.join(map(str, errors))}" if name in self.fields
                         else " ".join(map(str, errors)) for name, errors in self.errors.items())

    def _clean_fields(self):
        super()._clean_fields()
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
                continue
            value = self.cleaned_data.get(name)
            problem = hidden_character_problem(value) if isinstance(value, str) else None
            if problem:
                self.add_error(name, f"{field.label or name}{problem}")


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing an id beyond 64 bits as an invalid choice: its `pk__in` lookup would otherwise raise
    OverflowError on SQLite (DataError on PostgreSQL) instead of a form error."""

    def _check_values(self, value):
        if (self.to_field_name or "pk") == "pk":
            for pk in value:
                text = str(pk).strip()
                if text.lstrip("-").isascii() and text.lstrip("-").isdigit() and abs(int(text)) > MAX_ID:
                    raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                          params={"pk": pk})
        return super()._check_values(value)


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


class DateInput(forms.DateInput):
    """`<input type=date>` always rendered as ISO `YYYY-MM-DD`, the only value format the browser accepts.

    Django localises a date widget's value by the active language: for zh-hans that is `2023/05/18`, which a
    date input rejects and shows as empty (editing then loses the date)."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 (Django's own argument name)
        super().__init__(attrs=attrs, format=format or "%Y-%m-%d")


def apply_input_error(form: forms.Form, exc: InputError) -> None:
    """Show a service's refusal on the field it names (or on the form when the field is not on it)."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.text)
