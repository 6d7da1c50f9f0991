"""One error type for bad input everywhere (forms, CLI, imports, API): names the field and the value."""

from django.core.exceptions import ValidationError


class InputError(ValidationError):
    """Refused input. `field` names what was wrong so a form, CLI or API can point at it."""

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__({field: [message]} if field else message)

    @property
    def text(self) -> str:
        return "; ".join(self.messages)
