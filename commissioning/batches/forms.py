from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import IntegerField, RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange

from commissioning.providers.forms import choices
from commissioning.referrals.forms import WEIGHTS, weight_field


class StartBatchForm(FlaskForm):
    referrals = SelectMultipleField(
        "Referrals to include",
        widget=GovCheckboxesInput(),
        validators=[InputRequired(message="Select at least one referral")],
    )
    time_limit = IntegerField(
        "Time limit in seconds",
        widget=GovTextInput(),
        default=10,
        validators=[
            InputRequired(message="Enter a time limit"),
            NumberRange(min=1, max=600, message="Time limit must be between 1 and 600 seconds"),
        ],
    )
    per_km_family = weight_field("per_km_family", required=True)
    per_pound = weight_field("per_pound", required=True)
    per_impact_point = weight_field("per_impact_point", required=True)
    at_a_distance = weight_field("at_a_distance", required=True)
    submit = SubmitField("Start the proposal", widget=GovSubmitInput())

    def weights(self) -> dict:
        return {name: self[name].data for name in WEIGHTS}


class PairingForm(FlaskForm):
    """Pin a child to a home, or rule a home out for them, and run again from this result."""

    referral = StringField(
        "Referral",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter a referral reference"),
            Length(max=16, message="Referral reference must be 16 characters or fewer"),
        ],
    )
    home = StringField(
        "Home URN",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter a home URN"),
            Length(max=12, message="URN must be 12 characters or fewer"),
        ],
    )
    action = RadioField(
        "What to do",
        widget=GovRadioInput(),
        choices=choices(
            {"pin": "Place this child in this home", "exclude": "Never this home for this child"}
        ),
        validators=[InputRequired(message="Select pin or exclude")],
    )
    submit = SubmitField("Run again with this change", widget=GovSubmitInput())


class SendProposalsForm(FlaskForm):
    proposals = SelectMultipleField(
        "Proposals to send",
        widget=GovCheckboxesInput(),
        validators=[InputRequired(message="Select at least one proposal whose bed is still free")],
    )
    submit = SubmitField("Send the chosen proposals to their homes", widget=GovSubmitInput())


class CancelForm(FlaskForm):
    submit = SubmitField("Cancel this proposal", widget=GovSubmitInput())
