"""Each sufficiency dashboard in a real browser: its charts draw, nothing is fetched from
another server, the console stays clean and axe-core finds no WCAG 2.2 AA violation; and how
long a first visit takes to draw its charts (measured and reported, not asserted: timings on
a shared machine are not a test)."""

import pytest

from sufficiency.dashboards import KINDS

pytestmark = pytest.mark.e2e

CHARTS_DRAWN = (
    "document.querySelectorAll('.hearth-chart').length > 0 && "
    "[...document.querySelectorAll('.hearth-chart')].every(c => c.querySelector('.main-svg'))"
)
# Set by commissioning/static/sufficiency/charts.js once every chart is drawn.
DRAWN_MARK = "performance.getEntriesByName('hearth-charts-drawn').length > 0"
FIRST_VISIT = (
    "const drawn = performance.getEntriesByName('hearth-charts-drawn')[0].startTime;"
    "const plotly = performance.getEntriesByType('resource')"
    "  .find(entry => entry.name.includes('/plotly-basic.'));"
    "return {drawn: drawn, plotly_bytes: plotly.transferSize, plotly_ms: plotly.duration};"
)


@pytest.mark.parametrize("dashboard", list(KINDS))
def test_a_dashboard_draws_its_charts_offline_without_errors(page, dashboard):
    page.sign_in("analyst")
    page.open(f"/sufficiency/{dashboard}")
    page.wait_for(CHARTS_DRAWN)
    assert page.console_errors() == []
    assert page.requests_leaving_the_server() == []
    assert page.accessibility_violations() == []


@pytest.mark.parametrize("dashboard", list(KINDS))
def test_a_first_visit_draws_the_charts_with_nothing_from_another_server(
    page, dashboard, record_property
):
    page.sign_in("analyst")
    page.driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    page.open(f"/sufficiency/{dashboard}")
    page.wait_for(DRAWN_MARK, seconds=30)
    visit = page.driver.execute_script(FIRST_VISIT)
    assert page.requests_leaving_the_server() == []
    assert visit["plotly_bytes"] < 500_000  # compressed, and from the network: not cached
    record_property("first_visit_ms", round(visit["drawn"]))
    print(
        f"\n{dashboard}: charts drawn {visit['drawn']:.0f} ms after a first visit began; "
        f"plotly {visit['plotly_bytes'] / 1000:.0f} kB in {visit['plotly_ms']:.0f} ms"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/sufficiency/",
        "/sufficiency/needs-analyses",
        "/sufficiency/needs-analyses/add-line",
        "/sufficiency/needs-analyses/upload",
        "/sufficiency/needs-analyses/E08000003/history",
    ],
)
def test_the_needs_analysis_pages_are_accessible(page, path):
    page.sign_in("analyst")
    page.open(path)
    assert page.console_errors() == []
    assert page.accessibility_violations() == []
