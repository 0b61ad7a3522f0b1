"""A commissioner browses the national register through the home directory."""

import re

import pytest

from commissioning.reference.geography import load_local_authorities


def summary(response) -> tuple[int, int]:
    """(homes, places) from the sentence above the table."""
    text = response.get_data(as_text=True)
    found = re.search(r"([\d,]+) homes? with ([\d,]+) registered places?", text)
    return int(found.group(1).replace(",", "")), int(found.group(2).replace(",", ""))


def urns_listed(response) -> list[str]:
    return re.findall(r'href="/homes/([^"]+)"', response.get_data(as_text=True))


def la_code(name: str) -> str:
    return next(la.code for la in load_local_authorities() if la.name == name)


def test_the_directory_lists_every_childrens_home_in_england(commissioner):
    response = commissioner.get("/homes")
    assert response.status_code == 200
    assert summary(response) == (3491, 14486)
    assert len(urns_listed(response)) == 50
    assert "Page 1 of 70" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("provision_type=secure_childrens_home", (13, 214)),
        ("region=E12000002", (875, None)),
        ("places=1", (None, None)),
        ("sector=health_authority", (9, None)),
        ("status=suspended", (6, None)),
        ("status=closed", (79, None)),
    ],
)
def test_filters_narrow_the_directory(commissioner, query, expected):
    homes, places = summary(commissioner.get(f"/homes?{query}"))
    assert 0 < homes < 3491
    if expected[0] is not None:
        assert homes == expected[0]
    if expected[1] is not None:
        assert places == expected[1]


def test_one_place_homes_have_one_place_each(commissioner):
    homes, places = summary(commissioner.get("/homes?places=1"))
    assert homes == places > 100


def test_filters_combine(commissioner):
    manchester = la_code("Manchester")
    everything, _ = summary(commissioner.get(f"/homes?la={manchester}"))
    good, _ = summary(commissioner.get(f"/homes?la={manchester}&grade=good"))
    vacant, _ = summary(commissioner.get(f"/homes?la={manchester}&grade=good&has_vacancies=y"))
    assert everything > good > vacant > 0


def test_requires_improvement_and_not_inspected_are_their_own_filters(commissioner):
    graded = sum(
        summary(commissioner.get(f"/homes?grade={grade}"))[0]
        for grade in ("outstanding", "good", "requires_improvement", "inadequate", "none")
    )
    assert graded == 3491


def test_sorting_by_places_puts_the_largest_first_when_descending(commissioner):
    response = commissioner.get("/homes?sort=places&order=desc")
    first = urns_listed(response)[0]
    page = commissioner.get(f"/homes/{first}").get_data(as_text=True)
    places = int(re.search(r"Registered places\s*</dt>\s*<dd[^>]*>\s*(\d+)", page).group(1))
    assert places >= 40


def test_pages_move_through_the_list_without_repeats(commissioner):
    first = urns_listed(commissioner.get("/homes?page=1"))
    second = urns_listed(commissioner.get("/homes?page=2"))
    assert len(second) == 50
    assert not set(first) & set(second)


def test_a_page_past_the_end_shows_the_last_page(commissioner):
    response = commissioner.get("/homes?page=999")
    assert response.status_code == 200
    assert "Page 70 of 70" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query, message",
    [
        ("grade=superb", "Select a grade from the list"),
        ("region=E99999999", "Select a region from the list"),
        ("sort=secret&order=asc", "Choose a column to sort by"),
        ("page=-3", "Page must be between 1 and 100,000"),
        ("page=abc", "Page must be a whole number, like 2"),
    ],
)
def test_bad_filters_get_a_message_and_the_rest_still_works(commissioner, query, message):
    response = commissioner.get(f"/homes?{query}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "govuk-error-summary" in text
    assert message in text
    assert summary(response)[0] == 3491


def test_a_home_page_shows_its_register_entry(commissioner):
    response = commissioner.get("/homes/SC046524")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "https://reports.ofsted.gov.uk/provider/44/SC046524" in text
    assert "Secure children&#39;s home" in text
    assert "Sheffield City Council" in text
    assert "Sheffield (Yorkshire and The Humber)" in text
    assert "How well children and young people are helped and protected" in text
    assert "Approximate: somewhere in its local authority" in text
    assert "Synthetic demo data" in text


def test_an_unknown_home_is_not_found(commissioner):
    response = commissioner.get("/homes/NOSUCH")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_stale_vacancies_are_marked_not_confirmed(commissioner):
    text = commissioner.get("/homes?sort=vacancies&order=desc").get_data(as_text=True)
    assert "(vacancy not confirmed)" in text
