from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, Length


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter your email address"),
            Email(message="Enter an email address in the correct format, like name@example.com"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[
            DataRequired(message="Enter your password"),
            Length(max=200, message="Password must be 200 characters or fewer"),
        ],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())
