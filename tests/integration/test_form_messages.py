"""Every form of the service, given bad input of every kind, answers in its own GOV.UK words:
never one of WTForms' default messages ("Not a valid integer value.", "Not a valid choice.")."""

import glob
import importlib
import os
import pkgutil
import re

import pytest
import wtforms
from flask_wtf import FlaskForm

import commissioning
import sufficiency
from commissioning.vocabulary import ApprovalKind


def _wtforms_defaults() -> list[re.Pattern]:
    """Every message WTForms would show by default, read from its own source, as patterns."""
    messages = set()
    for path in glob.glob(os.path.dirname(wtforms.__file__) + "/**/*.py", recursive=True):
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
        messages |= set(re.findall(r'gettext\(\s*"([^"]+)"', source))
        messages |= set(re.findall(r"gettext\(\s*'([^']+)'", source))
    return [
        re.compile(re.sub(r"%\\\(\w+\\\)[sd]|%s", ".*", re.escape(message))) for message in messages
    ]


WTFORMS_DEFAULTS = _wtforms_defaults()
# Bad input of every kind a person, a slip or an attacker sends.
BAD_VALUES = [
    "",
    "   ",
    "x" * 100_000,
    "\x00",
    "abc",
    "-1",
    "2147483648",
    "9" * 5000,
    "١٤",
    "²",
    "1.5",
    "not-a-token",
    "<script>alert(1)</script>",
    "today\r\nX-Injected: 1",
]
# What some forms need to be built: the home's places, who needs approving, and so on.
CONSTRUCTOR_ARGUMENTS = {
    "VacanciesForm": {"places": 3, "living_there": 1},
    "StatementOfPurposeForm": {"living_there": 2},
    "ResidentForm": {"beds_free": 1},
    "ConfirmPlacementForm": {"needed": list(ApprovalKind)},
}


def _every_form_class() -> list[type[FlaskForm]]:
    for package in (commissioning, sufficiency):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if "migrations" not in module.name and not module.name.endswith("__main__"):
                importlib.import_module(module.name)
    found, waiting = set(), list(FlaskForm.__subclasses__())
    while waiting:
        form_class = waiting.pop()
        waiting.extend(form_class.__subclasses__())
        if form_class.__module__.startswith(("commissioning", "sufficiency")):
            found.add(form_class)
    return sorted(found, key=lambda form_class: form_class.__qualname__)


def _built(form_class: type[FlaskForm]) -> FlaskForm:
    """The form as its view builds it: constructor arguments, and choices the view fills in
    (a place-holder choice here) where the form leaves them to it."""
    form = form_class(**CONSTRUCTOR_ARGUMENTS.get(form_class.__name__, {}))
    for field in form:
        if getattr(field, "choices", False) is None:
            field.choices = [("chosen", "A choice")]
    return form


def _defaults_shown(form) -> list[str]:
    messages = [message for errors in form.errors.values() for message in errors]
    messages = [m for m in messages if isinstance(m, str)]
    return [m for m in messages if any(pattern.fullmatch(m) for pattern in WTFORMS_DEFAULTS)]


@pytest.mark.parametrize("form_class", _every_form_class(), ids=lambda f: f.__qualname__)
def test_no_form_answers_bad_input_with_a_wtforms_default_message(app, form_class):
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        for value in BAD_VALUES:
            with app.test_request_context(method="POST", data={}):
                names = list(_built(form_class)._fields)
            data = dict.fromkeys(names, value)
            data |= {name: [value, value, value] for name in names if "date" in name}
            with app.test_request_context(method="POST", data=data):
                form = _built(form_class)
                form.validate()
                assert _defaults_shown(form) == [], (value[:20], form.errors)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True


def test_the_check_knows_wtforms_defaults():
    assert any(pattern.fullmatch("Not a valid integer value.") for pattern in WTFORMS_DEFAULTS)
    assert any(
        pattern.fullmatch("'flying' is not a valid choice for this field.")
        for pattern in WTFORMS_DEFAULTS
    )
    assert not any(pattern.fullmatch("Enter the child's age") for pattern in WTFORMS_DEFAULTS)
