"""Each sufficiency dashboard in a real browser: its charts draw, nothing is fetched from
another server, the console stays clean and axe-core finds no WCAG 2.2 AA violation."""

import pytest

from sufficiency.dashboards import KINDS

pytestmark = pytest.mark.e2e

CHARTS_DRAWN = (
    "document.querySelectorAll('.hearth-chart').length > 0 && "
    "[...document.querySelectorAll('.hearth-chart')].every(c => c.querySelector('.main-svg'))"
)


@pytest.mark.parametrize("dashboard", list(KINDS))
def test_a_dashboard_draws_its_charts_offline_without_errors(page, dashboard):
    page.sign_in("analyst")
    page.open(f"/sufficiency/{dashboard}")
    page.wait_for(CHARTS_DRAWN)
    assert page.console_errors() == []
    assert page.requests_leaving_the_server() == []
    assert page.accessibility_violations() == []


@pytest.mark.parametrize(
    "path", ["/sufficiency/", "/sufficiency/needs-analyses", "/sufficiency/needs-analyses/add-line"]
)
def test_the_needs_analysis_pages_are_accessible(page, path):
    page.sign_in("analyst")
    page.open(path)
    assert page.console_errors() == []
    assert page.accessibility_violations() == []
