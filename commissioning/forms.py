"""Form fields every feature shares, each saying what is wrong in the GOV.UK Design System's
words ("Age must be a whole number, like 14"), never WTForms' defaults ("Not a valid integer
value."). Hints, prefixes, widths and limits are declared on the field, not in templates.
"""

import re

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from commissioning.vocabulary import Sex, Token

# Children's homes look after children, aged under 18 (Children's Homes Regulations 2015, reg 2).
YOUNGEST, OLDEST = 0, 17
# What a 32-bit integer column holds on PostgreSQL: no count or sum of money comes near it.
LARGEST_NUMBER = 2_147_483_647
# ASCII digits only: Python's int() would also read "١٤" or "¹⁴" and store them as 14.
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,10}")


def choices(options: type[Token] | dict[str, str], *, blank: str | None = None):
    """The choices of a field from a vocabulary (its labels) or a dict of value: words."""
    pairs = (
        [(member.value, member.label) for member in options]
        if isinstance(options, type)
        else list(options.items())
    )
    if blank is not None:
        pairs.insert(0, ("", blank))
    return [SelectChoice(value, text) for value, text in pairs]


def refuse_nul(_form, field) -> None:
    """PostgreSQL cannot store a NUL character, so nothing may: said, not crashed on."""
    values = field.data if isinstance(field.data, list) else [field.data]
    if any(isinstance(value, str) and "\x00" in value for value in values):
        raise StopValidation(f"{field.label.text} must not contain hidden control characters")


def _as_token(options):
    """Read a chosen value as its vocabulary's member (anything else stays as given, for
    pre_validate to refuse in the field's own words rather than WTForms' "could not coerce")."""
    if not isinstance(options, type):
        return str
    return lambda value: options._value2member_map_.get(value, value)


class _GovChoices:
    """A choice field whose wrong answer reads as the field's own instruction, and whose
    data are vocabulary members when its options are a vocabulary."""

    def __init__(self, *args, message: str, options=None, **kwargs):
        kwargs.setdefault("validators", [InputRequired(message=message)])
        super().__init__(*args, coerce=_as_token(options), **kwargs)
        self.choose_message = message

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError as error:
            raise ValidationError(self.choose_message) from error

    def _value(self) -> str:
        """The value a hidden input of this field carries (the directory's sort order)."""
        return "" if self.data is None else str(self.data)


class Choice(_GovChoices, SelectField):
    def __init__(self, label, options, *, message, blank=None, **kwargs):
        super().__init__(
            label,
            widget=kwargs.pop("widget", GovSelect()),
            choices=choices(options, blank=blank),
            message=message,
            options=options,
            **kwargs,
        )


class RadioChoice(_GovChoices, RadioField):
    def __init__(self, label, options, *, message, **kwargs):
        super().__init__(
            label,
            widget=GovRadioInput(),
            choices=choices(options),
            message=message,
            options=options,
            **kwargs,
        )


class Choices(_GovChoices, SelectMultipleField):
    """Checkboxes; optional unless a message for none chosen is given."""

    def __init__(self, label, options, *, message="Select from the list", required=None, **kw):
        validators = [InputRequired(message=required)] if required else [Optional()]
        super().__init__(
            label,
            widget=GovCheckboxesInput(),
            choices=choices(options),
            message=message,
            options=options,
            validators=validators,
            **kw,
        )

    def process_formdata(self, valuelist):
        # Each value is checked in pre_validate, in the field's own words.
        self.data = [self.coerce(value) for value in valuelist]


class WholeNumber(IntegerField):
    """A whole number read as a person writes it ("1,200", "£4,500" for money) and bounded,
    with messages that name the field: "Age must be a whole number, like 14"."""

    def __init__(
        self,
        label: str,
        *,
        minimum: int,
        maximum: int,
        example: int | str,
        required: str | None = None,
        unit: str = "",
        money: bool = False,
        hint: str | None = None,
        width: int = 5,
        called: str | None = None,
        **kwargs,
    ):
        params: dict = {"classes": f"govuk-input--width-{width}", "inputmode": "numeric"}
        if money:
            params["prefix"] = {"text": "£"}
        widget = kwargs.pop("widget", GovTextInput())
        presence = InputRequired(message=required) if required else Optional()
        super().__init__(
            label,
            widget=widget,
            validators=[presence, *kwargs.pop("validators", [])],
            description=hint or "",
            # Only GOV.UK widgets read params; a hidden input would print them as an attribute.
            render_kw={"params": params} if not isinstance(widget, HiddenInput) else None,
            **kwargs,
        )
        self.minimum, self.maximum = minimum, maximum
        self.example, self.unit, self.money = example, unit, money
        # What messages call it: the label, unless that reads badly in a sentence.
        self.called = called or label

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        text = valuelist[0].strip().replace(",", "")
        if self.money:
            text = text.removeprefix("£")
        if not WHOLE_NUMBER.fullmatch(text):
            example = f"£{self.example:,}" if self.money else self.example
            raise ValueError(f"{self.called} must be a whole number, like {example}")
        self.data = int(text)

    def pre_validate(self, form):
        if self.data is not None and not self.minimum <= self.data <= self.maximum:
            low, high = (
                f"£{n:,}" if self.money else f"{n:,}" for n in (self.minimum, self.maximum)
            )
            raise StopValidation(f"{self.called} must be between {low} and {high}{self.unit}")

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data:,}" if self.money else str(self.data)


def age_field(label: str, required: str, **kwargs) -> WholeNumber:
    return WholeNumber(
        label, minimum=YOUNGEST, maximum=OLDEST, example=14, required=required, width=2, **kwargs
    )


class VersionField(WholeNumber):
    """The version of the record the form was opened on, for the version check."""

    def __init__(self, **kwargs):
        super().__init__(
            "Version",
            minimum=0,
            maximum=LARGEST_NUMBER,
            example=1,
            required="Reload the page, then make your change again",
            widget=HiddenInput(),
            **kwargs,
        )


def _presence(required: str | None):
    """Required text must have more than spaces in it; optional text may be left empty."""
    return DataRequired(message=required) if required else Optional()


def _text(kind, widget, label: str, limit: int, required: str | None, hint: str | None, **kw):
    """Text a person types: trimmed, without NULs, within the column's length."""
    return kind(
        label,
        widget=widget,
        filters=[_stripped],
        description=hint or "",
        validators=[
            _presence(required),
            refuse_nul,
            Length(max=limit, message=f"{label} must be {limit} characters or fewer"),
        ],
        **kw,
    )


def text_field(label: str, *, limit: int, required: str | None = None, hint: str | None = None):
    return _text(StringField, GovTextInput(), label, limit, required, hint)


def long_text(label: str, *, limit: int, required: str | None = None, hint: str | None = None):
    """A text area with a character count; blank or only spaces counts as not answered."""
    return _text(
        TextAreaField,
        GovCharacterCount(),
        label,
        limit,
        required,
        hint,
        render_kw={"params": {"maxlength": limit}},
    )


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


def sex_field() -> RadioChoice:
    return RadioChoice("Sex", Sex, message="Select girl or boy")


# The score's main weights (matching.Weights), offered for change on search and batch pages.
WEIGHTS = {
    "per_km_family": ("Points per km from the family home", 1000),
    "per_pound": ("Points per £1 of weekly fee", 100),
    "per_impact_point": ("Points per point of group impact", 10_000),
    "at_a_distance": ("Points for a placement at a distance", 100_000),
}


def weight_field(name: str, default: float, required: bool) -> WholeNumber:
    """A weight of the score; left empty where optional, it keeps its default."""
    label, maximum = WEIGHTS[name]
    return WholeNumber(
        label,
        minimum=0,
        maximum=maximum,
        example=round(default),
        required=f"Enter the {label[0].lower()}{label[1:]}" if required else None,
        default=round(default) if required else None,
        hint=f"Default {round(default):,}",
    )
