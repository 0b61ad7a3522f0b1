"""Writing needs analyses: each upload or entered line makes a new version for the authority,
committed whole or not at all, with an audit event. A version that would replace the figures
an authority has is kept pending until its author confirms it; the replaced version stays in
the history."""

from datetime import date

from sqlalchemy import delete

from commissioning.audit import record
from commissioning.extensions import db
from commissioning.models import User
from commissioning.transactions import transactional
from commissioning.vocabulary import (
    AuditAction,
    AuditObject,
    NeedsAnalysisSource,
    NeedsAnalysisStatus,
)
from sufficiency.metrics.demand import NeedLine
from sufficiency.models import NeedsAnalysis, NeedsAnalysisLine
from sufficiency.needs_file import COLUMNS, read_needs_file
from sufficiency.queries import latest_needs_analysis


def _line_row(line: NeedLine | NeedsAnalysisLine) -> NeedsAnalysisLine:
    return NeedsAnalysisLine(**{name: getattr(line, name) for name in COLUMNS})


def _key(line: NeedLine | NeedsAnalysisLine) -> tuple[str, str, str]:
    return line.period, line.need_category, line.placement_type


def _figures(line: NeedLine | NeedsAnalysisLine) -> tuple:
    return tuple(getattr(line, name) for name in COLUMNS)


def _save(
    user: User, la_code: str, source: str, lines: list, replaces: bool, filename: str | None
) -> NeedsAnalysis:
    # One pending version per author and authority: a new attempt replaces the last one.
    db.session.execute(
        delete(NeedsAnalysis).where(
            NeedsAnalysis.la_code == la_code,
            NeedsAnalysis.created_by_id == user.id,
            NeedsAnalysis.status == NeedsAnalysisStatus.PENDING,
        )
    )
    analysis = NeedsAnalysis(
        la_code=la_code,
        created_by=user,
        source=source,
        filename=filename,
        status=NeedsAnalysisStatus.PENDING if replaces else NeedsAnalysisStatus.SAVED,
        lines=[_line_row(line) for line in lines],
    )
    db.session.add(analysis)
    db.session.flush()
    if not replaces:
        _record_saved(user, analysis)
    return analysis


def _record_saved(user: User, analysis: NeedsAnalysis) -> None:
    record(
        user,
        AuditAction(f"needs_analysis.{analysis.source}"),
        AuditObject.NEEDS_ANALYSIS,
        analysis.id,
        after={
            "la_code": analysis.la_code,
            "lines": len(analysis.lines),
            "filename": analysis.filename,
        },
    )


@transactional
def upload_needs_analysis(
    user: User, la_code: str, filename: str, content: bytes, today: date
) -> NeedsAnalysis:
    """A new version from a CSV: saved, or pending where it would replace the authority's
    current one. Raises NeedsFileError (writing nothing) if any cell is bad."""
    lines = read_needs_file(content, la_code, today)
    replaces = latest_needs_analysis(la_code) is not None
    return _save(user, la_code, NeedsAnalysisSource.UPLOAD, lines, replaces, filename)


@transactional
def save_needs_line(user: User, line: NeedLine) -> NeedsAnalysis:
    """A new version: the current one's lines, with this line added, or replacing the line
    for the same period, need and placement type (pending then, if its figures differ)."""
    latest = latest_needs_analysis(line.la_code)
    lines = latest.lines if latest else []
    replaced = [old for old in lines if _key(old) == _key(line)]
    kept = [old for old in lines if _key(old) != _key(line)]
    replaces = any(_figures(old) != _figures(line) for old in replaced)
    return _save(user, line.la_code, NeedsAnalysisSource.FORM, [*kept, line], replaces, None)


@transactional
def confirm_needs_analysis(user: User, analysis: NeedsAnalysis) -> None:
    """The author confirms a pending version: it becomes the authority's current one."""
    analysis.status = NeedsAnalysisStatus.SAVED
    _record_saved(user, analysis)


@transactional
def discard_needs_analysis(analysis: NeedsAnalysis) -> None:
    db.session.delete(analysis)
