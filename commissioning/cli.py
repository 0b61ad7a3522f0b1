"""Flask CLI commands. Each commits its own work once it has all been checked (outside
requests, writes commit here or in a batch job, commissioning/batches/jobs.py)."""

from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from commissioning import demo
from commissioning.extensions import db
from commissioning.reference.register import (
    REGISTER_FILES,
    RegisterFileError,
    read_register,
)
from commissioning.registry.loading import import_register, load_geography

registry_cli = AppGroup("registry", help="The national register of children's homes.")
demo_cli = AppGroup("demo", help="Synthetic demo data layered on the real register.")

# The as-at dates of the registers shipped in commissioning/data (see its README).
SHIPPED_REGISTERS = ((2023, date(2023, 8, 31)), (2024, date(2024, 3, 31)))


@registry_cli.command("load-geography")
def load_geography_command():
    """Load regions, authorities, adjacency and postcode centroids (once)."""
    load_geography()
    db.session.commit()
    click.echo("Geography loaded.")


@registry_cli.command("import-ofsted")
@click.argument("places_csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("grades_csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--as-at",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=str(date.today()),
    show_default="today",
    help="The date the register describes (YYYY-MM-DD).",
)
def import_ofsted_command(places_csv: Path, grades_csv: Path, as_at):
    """Upsert children's homes by URN from Ofsted's PLACES and GRADES files.

    Every row is validated first: any malformed row is reported with its line number and
    nothing is written. Homes absent from the register are marked closed.
    """
    load_geography()
    try:
        register = read_register(places_csv, grades_csv)
    except RegisterFileError as error:
        for row_error in error.errors:
            click.echo(str(row_error), err=True)
        db.session.rollback()
        raise click.ClickException(
            f"{len(error.errors)} problem(s) found; nothing was imported."
        ) from None
    summary = import_register(register, as_at.date())
    db.session.commit()
    click.echo(f"Imported {len(register)} children's homes as at {as_at:%Y-%m-%d}: {summary}.")


@demo_cli.command("load")
@click.option("--seed", default=2024, show_default=True, help="Seed for the synthetic data.")
def load_demo_command(seed: int):
    """Geography, the 2023 and 2024 registers, and synthetic demo data (idempotent)."""
    load_geography()
    for year, as_at in SHIPPED_REGISTERS:
        summary = import_register(read_register(*REGISTER_FILES[year]), as_at)
        click.echo(f"Register {as_at}: {summary}.")
    demo.seed(seed)
    db.session.commit()
    click.echo(f"Demo data seeded (seed {seed}). Demo accounts: see README.md.")
