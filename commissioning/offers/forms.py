"""A home's answer to a referral, with its impact risk assessment."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import ValidationError

from commissioning.forms import Choice, RadioChoice, long_text
from commissioning.vocabulary import DeclineReason

ASSESSMENT_LIMIT = 2000
# An assessment is a considered view, not a word: fewer characters than this is not one.
SHORTEST_ASSESSMENT = 20
NO_NAMES = "Do not name anyone."


class AnswerForm(FlaskForm):
    decision = RadioChoice(
        "Can the home offer a place?",
        {"accept": "Yes, accept", "decline": "No, decline"},
        message="Select whether the home accepts or declines",
    )
    decline_reason = Choice(
        "Reason for declining",
        DeclineReason,
        blank="Choose a reason",
        message="Select the reason for declining",
        validators=[],
        default="",
    )
    impact_on_group = long_text(
        "Impact on the children living in the home now",
        limit=ASSESSMENT_LIMIT,
        hint="How the children referred and the children living here would affect each other. "
        + NO_NAMES,
    )
    managing_risks = long_text(
        "How the home would manage the risks",
        limit=ASSESSMENT_LIMIT,
        hint="Staffing, routines, supervision and support you would put in place. " + NO_NAMES,
    )
    submit = SubmitField("Send response", widget=GovSubmitInput())

    @property
    def accepts(self) -> bool:
        return self.decision.data == "accept"

    def validate_decline_reason(self, field):
        if self.decision.data == "decline" and not field.data:
            raise ValidationError("Select the reason for declining")

    def validate(self, extra_validators=None) -> bool:
        """Children's Homes Regulations 2015, reg 14: a home admits a child only after
        weighing the child against the children already living there, so an acceptance
        needs both halves of the assessment. Checked here, after the fields: an empty
        optional field stops its own validators."""
        valid = super().validate(extra_validators)
        if not self.accepts:
            return valid
        for field, message in (
            (self.impact_on_group, "Enter the impact on the children living in the home now"),
            (self.managing_risks, "Enter how the home would manage the risks"),
        ):
            if field.errors:
                continue
            if not field.data:
                field.errors.append(message)
            elif len(field.data) < SHORTEST_ASSESSMENT:
                field.errors.append(
                    f"{field.label.text} must be {SHORTEST_ASSESSMENT} characters or more"
                )
        return valid and not self.impact_on_group.errors and not self.managing_risks.errors
