"""Form pieces shared by the apps."""

from django import forms


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
