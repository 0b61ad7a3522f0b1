"""Forms a provider keeps its homes current with. Every field says what is wrong with it."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput, GovTextInput
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Regexp, ValidationError

from commissioning.forms import (
    OLDEST,
    YOUNGEST,
    Choices,
    VersionField,
    WholeNumber,
    age_field,
    refuse_nul,
    sex_field,
)
from commissioning.vocabulary import Need, RiskToOthers, RiskToSelf, Sex

# Outward codes such as M1, M14, W1A, EC1A (the part of a postcode before the space).
POSTCODE_DISTRICT = r"^[A-Z]{1,2}[0-9][A-Z0-9]?$"
# No weekly fee comes near this: a bigger number is a typing slip.
HIGHEST_FEE = 50_000


class VersionedForm(FlaskForm):
    """Carries the version of the home the form was opened on, for the version check."""

    title: str
    version = VersionField()
    submit = SubmitField("Save", widget=GovSubmitInput())

    def details(self) -> dict:
        """The fields a person fills in, by name (not the token, version or button)."""
        skip = ("csrf_token", "version", "submit")
        return {name: field.data for name, field in self._fields.items() if name not in skip}


class VacanciesForm(VersionedForm):
    title = "Vacancies"

    vacancies = WholeNumber(
        "Vacant beds now",
        minimum=0,
        maximum=99,
        example=1,
        required="Enter the number of vacant beds",
        width=2,
    )

    def __init__(self, *args, places: int, living_there: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.places, self.living_there = places, living_there

    def validate_vacancies(self, field):
        # A bed is vacant, or a child of the current group sleeps in it: never both.
        room = self.places - self.living_there
        if field.data is not None and field.data > room:
            places = f"{self.places} registered place{'' if self.places == 1 else 's'}"
            children = f"{self.living_there} {'child' if self.living_there == 1 else 'children'}"
            raise ValidationError(
                f"Vacant beds must be {room} or fewer: the home has {places} and {children} "
                "living there"
            )


class StatementOfPurposeForm(VersionedForm):
    title = "Statement of purpose"

    min_age = age_field("Youngest age", "Enter the youngest age the home looks after")
    max_age = age_field("Oldest age", "Enter the oldest age the home looks after")
    sexes = Choices(
        "Who the home looks after",
        {sex.value: sex.plural for sex in Sex},
        message="Select girls, boys or both",
        required="Select girls, boys or both",
    )
    needs = Choices("Needs the home caters for", Need, message="Select needs from the list")
    solo_only = BooleanField("Takes only one child at a time (solo)", widget=GovCheckboxInput())
    accepts_emergencies = BooleanField(
        "Accepts emergency placements (same day)", widget=GovCheckboxInput()
    )
    has_pets = BooleanField("There are pets in the home", widget=GovCheckboxInput())

    def __init__(self, *args, living_there: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.living_there = living_there

    def validate_max_age(self, field):
        youngest = self.min_age.data
        if youngest is not None and field.data is not None and field.data < youngest:
            raise ValidationError("Oldest age must be the same as or more than youngest age")

    def validate_solo_only(self, field):
        if field.data and self.living_there > 1:
            raise ValidationError(
                f"A home that takes only one child cannot have {self.living_there} children "
                "living there: change the current group first"
            )


class FeeForm(VersionedForm):
    title = "Weekly fee"

    weekly_fee = WholeNumber(
        "Weekly fee for a standard placement",
        minimum=1,
        maximum=HIGHEST_FEE,
        example=4500,
        money=True,
        required="Enter the weekly fee for a standard placement",
    )
    solo_weekly_fee = WholeNumber(
        "Weekly fee for a solo placement (optional)",
        minimum=1,
        maximum=HIGHEST_FEE,
        example=9000,
        money=True,
        hint="What the home charges when one child has the whole home",
    )


class LocationForm(VersionedForm):
    title = "Location"

    postcode_district = StringField(
        "Postcode district",
        widget=GovTextInput(),
        filters=[lambda value: " ".join(value.split()).upper() if value else value],
        description="The first part of the home's postcode, like M14. Hearth never keeps the "
        "full postcode.",
        render_kw={"params": {"classes": "govuk-input--width-4", "spellcheck": False}},
        validators=[
            InputRequired(message="Enter the home's postcode district, like M14"),
            refuse_nul,
            Length(max=4, message="Postcode district must be 4 characters or fewer, like M14"),
            Regexp(
                POSTCODE_DISTRICT,
                message="Enter a postcode district in the correct format, like M14 or EC1A",
            ),
        ],
    )


class ResidentForm(VersionedForm):
    title = "Current group"

    age = age_field("Age", "Enter the child's age", hint=f"From {YOUNGEST} to {OLDEST}")
    sex = sex_field()
    risks_to_self = Choices(
        "Risks to the child", RiskToSelf, message="Select risks to the child from the list"
    )
    risks_to_others = Choices(
        "Risks to others or property", RiskToOthers, message="Select risks to others from the list"
    )
    submit = SubmitField("Add child", widget=GovSubmitInput())

    def __init__(self, *args, beds_free: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.beds_free = beds_free

    def validate_age(self, field):
        if self.beds_free <= 0:
            raise ValidationError(
                "The group and the vacant beds already fill every registered place: lower "
                "the vacancies first"
            )


class RemoveResidentForm(VersionedForm):
    submit = SubmitField("Remove", widget=GovSubmitInput())
