"""The referral form, one page per section, following the placements data standard v2; and
the commissioner's other forms: search, sending, siblings, confirming, withdrawing, ending.

A section page checks only its own fields, so a commissioner can save a draft part-way; the
check-your-answers page lets them submit once every section has been saved. Each section form
turns its answers into the referral's columns (record) and back (answers_of), so the services
never read a form.
"""

import re
from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovDateInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, DateField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

import matching
from commissioning.forms import (
    Choice,
    Choices,
    RadioChoice,
    WholeNumber,
    age_field,
    long_text,
    refuse_nul,
    sex_field,
    text_field,
    weight_field,
)
from commissioning.record.referrals import DEFAULT_SCHOOL_KM
from commissioning.record.referrals import SECTIONS as SECTION_ORDER
from commissioning.vocabulary import (
    ApprovalKind,
    CommunicationNeed,
    LivingAlongside,
    Need,
    NeededBy,
    OfstedGrade,
    Pets,
    PlacementEndReason,
    RiskToOthers,
    RiskToSelf,
    WithdrawalReason,
)

NO_IDENTIFIERS = "Do not include names, addresses, dates of birth or other identifying details."
FREE_TEXT_LIMIT = 300
SECTOR = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9]$")
FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
YES_NO = {"yes": "Yes", "no": "No"}
_DEFAULTS = matching.Weights()


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
        description="The postcode sector only, like M14 5: never the full postcode.",
        render_kw={"params": {"classes": "govuk-input--width-5", "spellcheck": False}},
        validators=[
            presence,
            refuse_nul,
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


def free_text(label: str):
    return long_text(label, limit=FREE_TEXT_LIMIT, hint=NO_IDENTIFIERS)


class SectionForm(FlaskForm):
    section: str
    title: str
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    @classmethod
    def answers_of(cls, referral) -> dict:
        """The form's fields filled from the referral."""
        return {name: getattr(referral, name, None) for name in cls.columns()}

    @classmethod
    def columns(cls) -> list[str]:
        return [name for name in cls.__dict__ if hasattr(cls.__dict__[name], "field_class")]

    def record(self) -> dict:
        """The referral's columns from the answers given."""
        return {name: self[name].data for name in self.columns()}


class ChildForm(SectionForm):
    section = "child"
    title = "About the child"
    age = age_field("Age in years", "Enter the child's age in years")
    sex = sex_field()
    needed_by = RadioChoice(
        "When is the placement needed?", NeededBy, message="Select when the placement is needed"
    )


class NeedsForm(SectionForm):
    section = "needs"
    title = "Needs"
    needs = Choices("Needs the home must cater for", Need, message="Select needs from the list")
    communication_needs = Choices(
        "Communication needs", CommunicationNeed, message="Select communication needs from the list"
    )
    home_adaptation = free_text("Adaptations the home needs")
    cultural_needs = free_text("Cultural, religious or language needs")
    additional_support = free_text("Additional support the child needs")


class RisksForm(SectionForm):
    section = "risks"
    title = "Risks"
    risks_to_self = Choices(
        "Risks to the child", RiskToSelf, message="Select risks to the child from the list"
    )
    risks_to_others = Choices(
        "Risks to others or property", RiskToOthers, message="Select risks to others from the list"
    )


class LivingForm(SectionForm):
    section = "living"
    title = "Living with others"
    living_alongside = RadioChoice(
        "Who can the child live alongside?",
        LivingAlongside,
        message="Select who the child can live alongside",
    )
    pets = RadioChoice("Pets", Pets, message="Select whether the child can live with pets")


class YesNoForm(SectionForm):
    """Yes/no radios stored as booleans."""

    booleans: tuple[str, ...] = ()

    @classmethod
    def answers_of(cls, referral) -> dict:
        answers = super().answers_of(referral)
        if cls.section in referral.sections_done:
            for name in cls.booleans:
                answers[name] = "yes" if answers[name] else "no"
        else:
            for name in cls.booleans:
                answers[name] = None
        return answers

    def record(self) -> dict:
        answers = super().record()
        for name in self.booleans:
            answers[name] = answers[name] == "yes"
        return answers


class LegalForm(YesNoForm):
    section = "legal"
    title = "Legal status"
    booleans = ("secure_order", "deprivation_of_liberty")
    secure_order = RadioChoice(
        "Is there a secure accommodation order (section 25, Children Act 1989)?",
        YES_NO,
        message="Select yes if there is a secure accommodation order",
    )
    deprivation_of_liberty = RadioChoice(
        "Is there a deprivation of liberty order?",
        YES_NO,
        message="Select yes if there is a deprivation of liberty order",
    )
    inadequate_override_reason = free_text("Reason to consider homes graded inadequate (optional)")


class LocationForm(SectionForm):
    section = "location"
    title = "Where the child is from"
    family_sector = postcode_sector("Family home postcode sector", required=True)
    school_sector = postcode_sector("School postcode sector (optional)", required=False)
    keep_school = BooleanField(
        "The child must keep going to this school", widget=GovCheckboxInput()
    )
    max_school_km = WholeNumber(
        "Furthest journey to that school, in km",
        minimum=1,
        maximum=200,
        example=DEFAULT_SCHOOL_KM,
        unit=" km",
        called="Furthest journey to the school",
        hint=f"Only homes this close to the school are suggested. Hearth uses "
        f"{DEFAULT_SCHOOL_KM} km unless you give another distance.",
    )
    max_distance_km = WholeNumber(
        "Furthest distance from the family home in km (optional)",
        minimum=1,
        maximum=1000,
        example=50,
        unit=" km",
        called="Furthest distance from the family home",
    )
    avoid_sector = postcode_sector(
        "Area the child must be kept away from (optional)", required=False
    )
    avoid_radius_km = WholeNumber(
        "Keep this far away from it, in km",
        minimum=1,
        maximum=200,
        example=5,
        unit=" km",
        called="Distance to keep away",
    )

    @classmethod
    def columns(cls) -> list[str]:
        return [
            name for name in super().columns() if name not in ("avoid_sector", "avoid_radius_km")
        ]

    @classmethod
    def answers_of(cls, referral) -> dict:
        answers = super().answers_of(referral)
        if referral.avoid:
            answers["avoid_sector"] = referral.avoid[0]["sector"]
            answers["avoid_radius_km"] = referral.avoid[0]["radius_km"]
        return answers

    def record(self) -> dict:
        answers = super().record()
        if self.keep_school.data and answers["max_school_km"] is None:
            answers["max_school_km"] = DEFAULT_SCHOOL_KM
        if not self.keep_school.data:
            answers["max_school_km"] = None
        sector = self.avoid_sector.data
        answers["avoid"] = (
            [{"sector": sector, "radius_km": self.avoid_radius_km.data}] if sector else []
        )
        return answers

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


_FORMS = {
    form.section: form
    for form in (ChildForm, NeedsForm, RisksForm, LivingForm, LegalForm, LocationForm)
}
SECTIONS = {section: _FORMS[section] for section in SECTION_ORDER}


class SiblingForm(FlaskForm):
    sibling_reference = StringField(
        "Reference of the brother's or sister's referral",
        widget=GovTextInput(),
        filters=[lambda value: value.strip().upper() if value else value],
        description="Their open referral from your authority, like R-7K2Q9M.",
        render_kw={"params": {"classes": "govuk-input--width-10", "spellcheck": False}},
        validators=[
            InputRequired(message="Enter the reference of the brother's or sister's referral"),
            refuse_nul,
            Length(max=16, message="Referral reference must be 16 characters or fewer"),
        ],
    )
    submit = SubmitField("Add to the group", widget=GovSubmitInput())


class SendOffersForm(FlaskForm):
    homes = Choices(
        "Homes to send the referral to",
        {},
        message="Select homes from the list",
        required="Select at least one home to send the referral to",
    )
    submit = SubmitField("Send the referral to the chosen homes", widget=GovSubmitInput())


class ButtonForm(FlaskForm):
    """A form that is only its button (and the CSRF token): withdraw an offer, delete."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class GovDate(DateField):
    """A GOV.UK date input (day, month, year) that says what is wrong in words."""

    def __init__(self, label: str, required: str, hint: str = "For example, 27 3 2027", **kwargs):
        super().__init__(
            label,
            widget=GovDateInput(),
            format="%d %m %Y",
            description=hint,
            validators=[_date_given(required)],
            **kwargs,
        )

    def process_formdata(self, valuelist):
        parts = [part.strip() for part in valuelist]
        self.data = None
        if not any(parts):
            self.raw_data = None  # the widget redraws three empty boxes
            return
        if len(parts) != 3 or not all(re.fullmatch(r"[0-9]{1,4}", part) for part in parts):
            raise ValueError(f"{self.label.text} must be a real date, like 27 3 2027")
        day, month, year = (int(part) for part in parts)
        try:
            self.data = date(year, month, day)
        except ValueError as error:
            raise ValueError(f"{self.label.text} must be a real date, like 27 3 2027") from error


def _date_given(message: str):
    def check(form, field):
        if field.data is None and not field.errors:
            raise ValidationError(message)

    return check


class ConfirmPlacementForm(FlaskForm):
    """The check page before a placement is made: when it starts, and the approvals reg 11
    requires, recorded before the placement (never after). Only the approvals this
    placement needs are asked for, and each of them must be answered in full."""

    start_date = GovDate("Planned start date", "Enter the planned start date")
    out_of_area_name = text_field("Name of the nominated officer who approved it", limit=100)
    out_of_area_job_title = text_field("Their job title", limit=100)
    out_of_area_approved_on = GovDate(
        "Date the nominated officer approved it", "Enter the date the nominated officer approved it"
    )
    at_a_distance_name = text_field(
        "Name of the Director of Children's Services who approved it", limit=100
    )
    at_a_distance_job_title = text_field("Their job title", limit=100)
    at_a_distance_approved_on = GovDate(
        "Date the director approved it", "Enter the date the director approved it"
    )
    submit = SubmitField("Confirm placement", widget=GovSubmitInput())

    def __init__(self, *args, needed: list[ApprovalKind], **kwargs):
        super().__init__(*args, **kwargs)
        self.needed = needed

    def validate(self, extra_validators=None) -> bool:
        unneeded = {
            f"{kind}_{part}"
            for kind in ApprovalKind
            if kind not in self.needed
            for part in ("name", "job_title", "approved_on")
        }
        valid = self.csrf_token.validate(self) if "csrf_token" in self._fields else True
        for name, field in self._fields.items():
            if name not in unneeded and name != "csrf_token":
                valid = field.validate(self) and valid
        for kind in self.needed:
            for part, message in (
                ("name", "Enter the name of the person who approved the placement"),
                ("job_title", "Enter the job title of the person who approved the placement"),
            ):
                field = self[f"{kind}_{part}"]
                if not field.errors and not field.data:
                    field.errors.append(message)
                    valid = False
        return valid

    def approvals(self) -> list[tuple]:
        return [
            (
                kind,
                self[f"{kind}_name"].data,
                self[f"{kind}_job_title"].data,
                self[f"{kind}_approved_on"].data,
            )
            for kind in self.needed
        ]


class WithdrawReferralForm(FlaskForm):
    reason = RadioChoice(
        "Why is the referral being withdrawn?",
        WithdrawalReason,
        message="Select why the referral is being withdrawn",
    )
    submit = SubmitField("Withdraw referral", widget=GovSubmitInput())


class EndPlacementForm(FlaskForm):
    end_date = GovDate("Date the placement ended", "Enter the date the placement ended")
    reason = Choice(
        "Reason the placement ended",
        PlacementEndReason,
        blank="Choose a reason",
        message="Select the reason the placement ended",
    )
    submit = SubmitField("End placement", widget=GovSubmitInput())


class SearchSettingsForm(FlaskForm):
    """Re-rank the search: optional filters and the weights of the score (GET, no token)."""

    class Meta:
        csrf = False

    max_km = WholeNumber(
        "Only homes within (km)",
        minimum=1,
        maximum=1000,
        example=30,
        unit=" km",
        called="Distance",
    )
    grade = Choice(
        "Lowest Ofsted grade",
        {
            "": "Any (inadequate stays excluded)",
            OfstedGrade.GOOD: "Good or better",
            OfstedGrade.REQUIRES_IMPROVEMENT: "Requires improvement or better",
        },
        message="Select a grade from the list",
        validators=[Optional()],
        default="",
    )
    per_km_family = weight_field("per_km_family", _DEFAULTS.per_km_family, required=False)
    per_pound = weight_field("per_pound", _DEFAULTS.per_pound, required=False)
    per_impact_point = weight_field("per_impact_point", _DEFAULTS.per_impact_point, required=False)
    why_not = text_field(
        "Why not this home? (URN)",
        limit=12,
        hint="The URN of a home that is not listed, to see why",
    )
    submit = SubmitField("Re-rank", widget=GovSubmitInput())

    def weight_overrides(self) -> dict:
        names = ("per_km_family", "per_pound", "per_impact_point")
        return {
            name: self[name].data
            for name in names
            if self[name].data is not None and not self[name].errors
        }

    def lowest_grade(self) -> OfstedGrade | None:
        return OfstedGrade(self.grade.data) if self.grade.data else None
