"""Every date field of every form renders its value as ISO YYYY-MM-DD whatever the language, because that is the
only value `<input type=date>` accepts (a Chinese browser otherwise gets 2023/05/18 and an empty field)."""

import datetime
import importlib

import pytest
from django import forms
from django.apps import apps
from django.utils import translation


def _forms_with_date_fields():
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("tuijin."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, obj in vars(module).items():
            if not (isinstance(obj, type) and issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__):
                continue
            fields = getattr(obj, "base_fields", {})
            for field_name, field in fields.items():
                if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                    found.append(pytest.param(field, id=f"{module.__name__}.{name}.{field_name}"))
    return found


DATE_FIELDS = _forms_with_date_fields()


def test_the_forms_have_date_fields_to_check():
    assert len(DATE_FIELDS) >= 15


@pytest.mark.parametrize("field", DATE_FIELDS)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_date_field_renders_iso_value_in_every_language(field, language):
    with translation.override(language):
        html = field.widget.render("d", datetime.date(2023, 5, 18))
    assert 'type="date"' in html
    assert 'value="2023-05-18"' in html
