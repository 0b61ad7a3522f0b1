"""Writing needs analyses: each upload or entered line makes a new version for the authority,
committed whole or not at all, with an audit event."""

from commissioning.audit import record
from commissioning.extensions import db
from commissioning.models import User
from commissioning.transactions import transactional
from commissioning.vocabulary import AuditAction, AuditObject
from sufficiency.metrics.demand import NeedLine
from sufficiency.models import NeedsAnalysis, NeedsAnalysisLine
from sufficiency.needs_file import COLUMNS, read_needs_file
from sufficiency.queries import latest_needs_analysis


def _line_row(line: NeedLine | NeedsAnalysisLine) -> NeedsAnalysisLine:
    return NeedsAnalysisLine(**{name: getattr(line, name) for name in COLUMNS})


def _key(line: NeedLine | NeedsAnalysisLine) -> tuple[str, str, str]:
    return line.period, line.need_category, line.placement_type


def _save(user: User, la_code: str, source: str, lines: list, filename: str | None = None):
    analysis = NeedsAnalysis(
        la_code=la_code,
        created_by=user,
        source=source,
        filename=filename,
        lines=[_line_row(line) for line in lines],
    )
    db.session.add(analysis)
    db.session.flush()
    record(
        user,
        AuditAction(f"needs_analysis.{source}"),
        AuditObject.NEEDS_ANALYSIS,
        analysis.id,
        after={"la_code": la_code, "lines": len(lines), "filename": filename},
    )
    return analysis


@transactional
def upload_needs_analysis(user: User, la_code: str, filename: str, content: bytes):
    """A new version from a CSV; raises NeedsFileError (writing nothing) if any cell is bad."""
    return _save(user, la_code, "upload", read_needs_file(content, la_code), filename)


@transactional
def save_needs_line(user: User, line: NeedLine):
    """A new version: the latest one's lines, with this line added or replacing its match."""
    latest = latest_needs_analysis(line.la_code)
    kept = [old for old in (latest.lines if latest else []) if _key(old) != _key(line)]
    return _save(user, line.la_code, "form", [*kept, line])
