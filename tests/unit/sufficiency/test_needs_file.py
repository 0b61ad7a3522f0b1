"""Reading a needs analysis CSV: every problem with its line and column, or every line."""

from datetime import date

import pytest

from sufficiency.needs_file import (
    COLUMNS,
    NeedsFileError,
    allowed_periods,
    read_needs_file,
    template_csv,
)

TODAY = date(2026, 12, 1)  # in the financial year 2026-27


def errors_in(text: str) -> list[str]:
    with pytest.raises(NeedsFileError) as raised:
        read_needs_file(text.encode(), "E08000003", TODAY)
    return [str(error) for error in raised.value.errors]


def test_the_template_offered_for_download_reads_back():
    lines = read_needs_file(template_csv(TODAY).encode(), "E08000003", TODAY)
    assert [(line.need_category, line.placement_type) for line in lines] == [
        ("emotional_behavioural", "standard"),
        ("mental_health", "solo"),
        ("emotional_behavioural", "secure"),
    ]
    assert lines[0].projected_children == 24
    assert {line.la_code for line in lines} == {"E08000003"}


def test_every_bad_cell_is_reported_with_its_line_and_column():
    header = ",".join(COLUMNS)
    text = "\n".join(
        [
            header,
            "2025-27,autism,standard,4,3,1000",
            "2025-26,flying,standard,-1,3,1000",
            "2025-26,autism,hotel,4,three,£1,000",
        ]
    )
    assert errors_in(text) == [
        "line 2, column A (period): Enter the period as a financial year from 2021-22 to "
        "2036-37, like 2021-22",
        "line 3, column B (need_category): Enter a need category: one of emotional_behavioural, "
        "learning_disability, physical_disability, autism, mental_health, sexualised_behaviour, "
        "substance_misuse, therapeutic",
        "line 3, column D (projected_children): Enter a whole number from 0 to 10,000",
        "line 4, column C (placement_type): Enter a placement type: one of standard, solo, secure",
        "line 4, column E (current_placements): Enter a whole number from 0 to 10,000",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "line 1: The file is empty"),
        (
            "period,need_category\n",
            "line 1: The header is missing column placement_type, "
            "projected_children, current_placements, current_annual_spend",
        ),
        (",".join(COLUMNS) + "\n", "line 2: The file has no lines of figures"),
    ],
)
def test_a_file_without_figures_is_refused(content, message):
    assert errors_in(content) == [message]


def test_a_repeated_line_is_refused():
    template = template_csv(TODAY)
    lines = template.splitlines()
    header_at = next(i for i, text in enumerate(lines) if not text.startswith("#"))
    repeated = template + lines[header_at + 1] + "\n"
    assert errors_in(repeated) == [f"line {len(lines) + 1}: Repeats line {header_at + 2}"]


def test_the_template_lists_what_each_column_may_hold():
    comments = [text for text in template_csv(TODAY).splitlines() if text.startswith("#")]
    assert "# period: a financial year from 2021-22 to 2036-37, like 2021-22" in comments
    assert any(
        text.startswith("# need_category: one of emotional_behavioural (") for text in comments
    )
    assert any("solo (Solo)" in text for text in comments)


@pytest.mark.parametrize("period", ["2020-21", "2037-38", "2205-06"])
def test_a_period_outside_the_sensible_range_is_refused(period):
    text = ",".join(COLUMNS) + f"\n{period},autism,standard,4,3,1000\n"
    assert errors_in(text) == ["line 2, column A (period): Enter a period from 2021-22 to 2036-37"]


def test_periods_run_from_5_years_back_to_10_ahead_of_the_financial_year():
    assert allowed_periods(date(2026, 3, 31)) == ("2020-21", "2035-36")
    assert allowed_periods(TODAY) == ("2021-22", "2036-37")


def test_a_file_that_is_not_text_is_refused():
    with pytest.raises(NeedsFileError) as raised:
        read_needs_file(b"\xff\xfe\x00binary", "E08000003", TODAY)
    assert str(raised.value.errors[0]) == "line 1: The file must be UTF-8 CSV"
