"""The referral form, one page per section, following the placements data standard v2.

A page checks only its own fields, so a commissioner can save a draft part-way; the
check-your-answers page lets them submit once every section has been saved.
"""

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

import matching
from commissioning import vocabulary
from commissioning.providers.forms import OLDEST, YOUNGEST, choices, sex_field, whole_number

NO_IDENTIFIERS = "Do not include names, addresses, dates of birth or other identifying details."
FREE_TEXT_LIMIT = 300
SECTOR = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9]$")
FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
YES_NO = choices({"yes": "Yes", "no": "No"})


def normalise_sector(value: str | None) -> str | None:
    """'m145' and ' M14  5 ' both mean sector 'M14 5'."""
    if not value:
        return value
    compact = "".join(value.split()).upper()
    if len(compact) >= 3 and compact[-1].isdigit() and not FULL_POSTCODE.match(compact):
        return f"{compact[:-1]} {compact[-1]}"
    return compact


def postcode_sector(label: str, required: bool) -> StringField:
    presence = (
        InputRequired(message=f"Enter the {label.lower()}, like M14 5") if required else Optional()
    )
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[normalise_sector],
        validators=[
            presence,
            Length(max=8, message=f"{label} must be 8 characters or fewer, like M14 5"),
            _sector_format,
        ],
    )


def _sector_format(form, field):
    if not field.data:
        return
    if FULL_POSTCODE.match(field.data.replace(" ", "")):
        raise ValidationError(
            "Enter the postcode sector only, like M14 5, not the full postcode: Hearth keeps "
            "no full postcodes"
        )
    if not SECTOR.match(field.data):
        raise ValidationError("Enter a postcode sector in the correct format, like M14 5")


def free_text(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        widget=GovCharacterCount(),
        validators=[
            Optional(),
            Length(
                max=FREE_TEXT_LIMIT,
                message=f"{label} must be {FREE_TEXT_LIMIT} characters or fewer",
            ),
        ],
    )


class SectionForm(FlaskForm):
    submit = SubmitField("Save and continue", widget=GovSubmitInput())


class ChildForm(SectionForm):
    title = "About the child"
    age = whole_number("Age in years", YOUNGEST, OLDEST)
    sex = sex_field()
    needed_by = RadioField(
        "When is the placement needed?",
        widget=GovRadioInput(),
        choices=choices(vocabulary.NEEDED_BY),
        validators=[InputRequired(message="Select when the placement is needed")],
    )


class NeedsForm(SectionForm):
    title = "Needs"
    needs = SelectMultipleField(
        "Needs the home must cater for",
        widget=GovCheckboxesInput(),
        choices=choices(vocabulary.NEEDS),
    )
    communication_needs = SelectMultipleField(
        "Communication needs",
        widget=GovCheckboxesInput(),
        choices=choices(vocabulary.COMMUNICATION_NEEDS),
    )
    home_adaptation = free_text("Adaptations the home needs")
    cultural_needs = free_text("Cultural, religious or language needs")
    additional_support = free_text("Additional support the child needs")


class RisksForm(SectionForm):
    title = "Risks"
    risks_to_self = SelectMultipleField(
        "Risks to the child", widget=GovCheckboxesInput(), choices=choices(vocabulary.RISKS_TO_SELF)
    )
    risks_to_others = SelectMultipleField(
        "Risks to others or property",
        widget=GovCheckboxesInput(),
        choices=choices(vocabulary.RISKS_TO_OTHERS),
    )


class LivingForm(SectionForm):
    title = "Living with others"
    living_alongside = RadioField(
        "Who can the child live alongside?",
        widget=GovRadioInput(),
        choices=choices(vocabulary.LIVING_ALONGSIDE),
        validators=[InputRequired(message="Select who the child can live alongside")],
    )
    pets = RadioField(
        "Pets",
        widget=GovRadioInput(),
        choices=choices(vocabulary.PETS),
        validators=[InputRequired(message="Select whether the child can live with pets")],
    )
    sibling_reference = StringField(
        "Place together with a brother or sister (optional)",
        widget=GovTextInput(),
        filters=[lambda value: value.strip().upper() if value else value],
        validators=[
            Optional(),
            Length(max=16, message="Referral reference must be 16 characters or fewer"),
        ],
    )


class LegalForm(SectionForm):
    title = "Legal status"
    secure_order = RadioField(
        "Is there a secure accommodation order (section 25, Children Act 1989)?",
        widget=GovRadioInput(),
        choices=YES_NO,
        validators=[InputRequired(message="Select yes if there is a secure accommodation order")],
    )
    deprivation_of_liberty = RadioField(
        "Is there a deprivation of liberty order?",
        widget=GovRadioInput(),
        choices=YES_NO,
        validators=[InputRequired(message="Select yes if there is a deprivation of liberty order")],
    )
    inadequate_override_reason = free_text("Reason to consider homes graded inadequate (optional)")


class LocationForm(SectionForm):
    title = "Where the child is from"
    family_sector = postcode_sector("Family home postcode sector", required=True)
    school_sector = postcode_sector("School postcode sector (optional)", required=False)
    keep_school = BooleanField(
        "The child must keep going to this school", widget=GovCheckboxInput()
    )
    max_distance_km = IntegerField(
        "Furthest distance from the family home in km (optional)",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=1, max=1000, message="Furthest distance must be between 1 and 1000 km"),
        ],
    )
    avoid_sector = postcode_sector(
        "Area the child must be kept away from (optional)", required=False
    )
    avoid_radius_km = IntegerField(
        "Keep this far away from it, in km",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(
                min=1, max=200, message="Distance to keep away must be between 1 and 200 km"
            ),
        ],
    )

    def validate_keep_school(self, field):
        if field.data and not self.school_sector.data:
            raise ValidationError(
                "Enter the school postcode sector if the child must keep going to it"
            )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Checked after the fields: an empty optional radius stops its own validators.
        if self.avoid_sector.data and self.avoid_radius_km.data is None:
            if not self.avoid_radius_km.errors:
                self.avoid_radius_km.errors.append(
                    "Enter how far away from the area the child must be kept"
                )
            return False
        return valid


class SendOffersForm(FlaskForm):
    homes = SelectMultipleField(
        "Homes to send the referral to",
        widget=GovCheckboxesInput(),
        validators=[InputRequired(message="Select at least one home to send the referral to")],
    )
    submit = SubmitField("Send the referral to the chosen homes", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm this placement", widget=GovSubmitInput())


# The score's main weights (matching.Weights), offered for change on search and batch pages.
WEIGHTS = {
    "per_km_family": ("Points per km from the family home", 1000),
    "per_pound": ("Points per £1 of weekly fee", 100),
    "per_impact_point": ("Points per point of group impact", 10_000),
    "at_a_distance": ("Points for a placement at a distance", 100_000),
}


def weight_field(name: str, required: bool) -> IntegerField:
    """A weight of the score; left empty where optional, it keeps its default."""
    label, maximum = WEIGHTS[name]
    default = round(getattr(matching.Weights(), name))
    presence = InputRequired(message=f"Enter the {label[0].lower()}{label[1:]}")
    return IntegerField(
        label,
        widget=GovTextInput(),
        default=default if required else None,
        description=f"Default {default}",
        validators=[
            presence if required else Optional(),
            NumberRange(min=0, max=maximum, message=f"Enter a weight from 0 to {maximum}"),
        ],
    )


class SearchSettingsForm(FlaskForm):
    """Re-rank the search: optional filters and the weights of the score (GET, no token)."""

    class Meta:
        csrf = False

    max_km = IntegerField(
        "Only homes within (km)",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=1, max=1000, message="Enter a distance from 1 to 1000 km"),
        ],
    )
    grade = SelectField(
        "Lowest Ofsted grade",
        widget=GovSelect(),
        choices=choices(
            {
                "": "Any (inadequate stays excluded)",
                "good": "Good or better",
                "requires_improvement": "Requires improvement or better",
            }
        ),
        default="",
    )
    per_km_family = weight_field("per_km_family", required=False)
    per_pound = weight_field("per_pound", required=False)
    per_impact_point = weight_field("per_impact_point", required=False)
    why_not = StringField(
        "Why not this home? (URN)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=12, message="URN must be 12 characters or fewer")],
    )
    submit = SubmitField("Re-rank", widget=GovSubmitInput())


class OfferResponseForm(FlaskForm):
    decision = RadioField(
        "Can the home offer this child a place?",
        widget=GovRadioInput(),
        choices=choices({"accept": "Yes, accept", "decline": "No, decline"}),
        validators=[InputRequired(message="Select whether the home accepts or declines")],
    )
    decline_reason = SelectField(
        "Reason for declining",
        widget=GovSelect(),
        choices=choices({"": "Choose a reason", **vocabulary.DECLINE_REASONS}),
        default="",
    )
    impact_assessment = TextAreaField(
        "Your impact risk assessment",
        widget=GovCharacterCount(),
        validators=[
            InputRequired(message="Enter your impact risk assessment"),
            Length(max=2000, message="Impact risk assessment must be 2000 characters or fewer"),
        ],
    )
    submit = SubmitField("Send response", widget=GovSubmitInput())

    def validate_decline_reason(self, field):
        if self.decision.data == "decline" and not field.data:
            raise ValidationError("Select the reason for declining")


def field_names(form_class: type[FlaskForm]) -> list[str]:
    """The fields a person fills in on a form class, in declaration order."""
    return [
        name
        for name, value in sorted(
            ((n, v) for n, v in vars(form_class).items() if isinstance(v, UnboundField)),
            key=lambda item: item[1].creation_counter,
        )
        if name != "submit"
    ]


SECTIONS = {
    "child": ChildForm,
    "needs": NeedsForm,
    "risks": RisksForm,
    "living": LivingForm,
    "legal": LegalForm,
    "location": LocationForm,
}
