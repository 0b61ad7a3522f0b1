"""Forms a provider keeps its homes current with. Every field says what is wrong with it."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from commissioning import vocabulary

# Children's homes look after children, aged under 18 (Children's Homes Regulations 2015, reg 2).
YOUNGEST, OLDEST = 0, 17
# Outward codes such as M1, M14, W1A, EC1A (the part of a postcode before the space).
POSTCODE_DISTRICT = r"^[A-Z]{1,2}[0-9][A-Z0-9]?$"


def choices(options: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, text) for value, text in options.items()]


def whole_number(label: str, low: int, high: int, unit: str = "") -> IntegerField:
    """An IntegerField whose messages name the field and its range, GOV.UK style."""
    return IntegerField(
        label,
        widget=GovTextInput(),
        validators=[
            InputRequired(message=f"Enter {label.lower()}"),
            NumberRange(
                min=low,
                max=high,
                message=f"{label} must be between {low}{unit} and {high}{unit}",
            ),
        ],
    )


def sex_field() -> RadioField:
    return RadioField(
        "Sex",
        widget=GovRadioInput(),
        choices=choices({"F": "Girl", "M": "Boy"}),
        validators=[InputRequired(message="Select girl or boy")],
    )


class VersionedForm(FlaskForm):
    """Carries the version of the home the form was opened on, for the version check."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    submit = SubmitField("Save", widget=GovSubmitInput())


class VacanciesForm(VersionedForm):
    title = "Vacancies"

    vacancies = IntegerField(
        "Vacant beds now",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the number of vacant beds")],
    )

    def __init__(self, *args, places: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = places

    def validate_vacancies(self, field):
        if field.data is not None and not 0 <= field.data <= self.places:
            raise ValidationError(
                f"Vacant beds must be between 0 and {self.places}, the home's registered places"
            )


class StatementOfPurposeForm(VersionedForm):
    title = "Statement of purpose"

    min_age = whole_number("Youngest age", YOUNGEST, OLDEST)
    max_age = whole_number("Oldest age", YOUNGEST, OLDEST)
    sexes = SelectMultipleField(
        "Who the home looks after",
        widget=GovCheckboxesInput(),
        choices=choices(vocabulary.SEXES),
        validators=[InputRequired(message="Select girls, boys or both")],
    )
    needs = SelectMultipleField(
        "Needs the home caters for",
        widget=GovCheckboxesInput(),
        choices=choices(vocabulary.NEEDS),
    )
    solo_only = BooleanField("Takes only one child at a time (solo)", widget=GovCheckboxInput())
    accepts_emergencies = BooleanField(
        "Accepts emergency placements (same day)", widget=GovCheckboxInput()
    )
    has_pets = BooleanField("There are pets in the home", widget=GovCheckboxInput())

    def validate_max_age(self, field):
        youngest = self.min_age.data
        if youngest is not None and field.data is not None and field.data < youngest:
            raise ValidationError("Oldest age must be the same as or more than youngest age")


class FeeForm(VersionedForm):
    title = "Weekly fee"

    weekly_fee = whole_number("Weekly fee for a standard placement", 1, 50_000)
    solo_weekly_fee = IntegerField(
        "Weekly fee for a solo placement (optional)",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=1, max=50_000, message="Weekly solo fee must be between 1 and 50000"),
        ],
    )


class LocationForm(VersionedForm):
    title = "Location"

    postcode_district = StringField(
        "Postcode district",
        widget=GovTextInput(),
        filters=[lambda value: " ".join(value.split()).upper() if value else value],
        validators=[
            InputRequired(message="Enter the home's postcode district, like M14"),
            Length(max=4, message="Postcode district must be 4 characters or fewer, like M14"),
            Regexp(
                POSTCODE_DISTRICT,
                message="Enter a postcode district in the correct format, like M14 or EC1A",
            ),
        ],
    )


class ResidentForm(VersionedForm):
    title = "Current group"

    age = whole_number("Age", YOUNGEST, OLDEST)
    sex = sex_field()
    risks_to_self = SelectMultipleField(
        "Risks to the child",
        widget=GovCheckboxesInput(),
        choices=choices(vocabulary.RISKS_TO_SELF),
    )
    risks_to_others = SelectMultipleField(
        "Risks to others or property",
        widget=GovCheckboxesInput(),
        choices=choices(vocabulary.RISKS_TO_OTHERS),
    )
    submit = SubmitField("Add child", widget=GovSubmitInput())

    def __init__(self, *args, places_left: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.places_left = places_left

    def validate_age(self, field):
        if self.places_left <= 0:
            raise ValidationError("The group already fills every registered place")


class RemoveResidentForm(VersionedForm):
    submit = SubmitField("Remove", widget=GovSubmitInput())
