"""The application factory."""

import secrets
from pathlib import Path

from flask import Flask, current_app, g, render_template, request, session
from flask_compress import Compress
from flask_wtf.csrf import CSRFError
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.middleware.proxy_fix import ProxyFix

import matching
from commissioning import vocabulary
from commissioning.auth.access import enforce_declared_access
from commissioning.batches import runner as batch_runner
from commissioning.config import UPLOAD_LIMIT_MB, config_from_environment
from commissioning.extensions import csrf, db, limiter, login_manager, migrate
from commissioning.homes import vacancy_is_confirmed
from commissioning.sqlite import keep_postgresql_promises

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Pages may widen style-src by setting g.csp_style_src (the plotly dashboards do, for plotly.js's
# injected stylesheet: sufficiency.views); every other page keeps it strict.
STRICT_STYLE_SRC = "'self'"
# Browsers keep to https for a year once they have seen this over https (RFC 6797).
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

COMPRESSED_TYPES = ("text/html", "text/css", "text/javascript", "application/json", "text/csv")

ERROR_PAGES = {
    400: ("Sorry, there is a problem with your request", "Go back, reload the page and try again."),
    403: ("You do not have permission to see this page", "Sign in with an account that may."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    413: (
        "The file or form you sent is too large",
        f"A file must be smaller than {UPLOAD_LIMIT_MB} MB. Go back and choose a smaller file, "
        "or shorten what you typed.",
    ),
    429: ("Too many attempts", "Wait 15 minutes, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
    503: ("Sorry, the service is unavailable", "Try again later."),
}


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.update(config_from_environment(Path(app.instance_path)))
    app.config.update(overrides or {})
    if hops := app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    _set_up_templates(app)
    _set_up_extensions(app)
    _register_blueprints(app)
    _set_up_security(app)
    _register_error_pages(app)
    _register_commands(app)
    return app


def _set_up_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)
    app.jinja_env.globals.update(vocabulary=vocabulary)
    app.jinja_env.tests["confirmed_vacancy"] = vacancy_is_confirmed
    app.jinja_env.filters.update(
        label=vocabulary.label,
        labels=vocabulary.labels,
        yes_no=vocabulary.yes_no,
        reason_words=matching.REASON_TEXT.__getitem__,
    )


def _set_up_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True
    )
    with app.app_context():
        keep_postgresql_promises(db.engine)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    # Pages and CSV go compressed (zstd, brotli or gzip, as the browser accepts). Streamed
    # responses (static files) do not: Flask-Compress 1.25 would leave their files open.
    app.config.setdefault("COMPRESS_MIMETYPES", [*COMPRESSED_TYPES])
    app.config.setdefault("COMPRESS_STREAMS", False)
    Compress(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.session_protection = "strong"
    batch_runner.init_app(app)
    import commissioning.auth.users  # noqa: F401  (registers the user loader)
    import sufficiency.models  # noqa: F401  (its tables, for migrations and `flask db check`)


def _register_blueprints(app: Flask) -> None:
    from commissioning.admin.views import admin
    from commissioning.auth.views import auth
    from commissioning.batches.views import batches
    from commissioning.offers.views import offers
    from commissioning.providers.views import providers
    from commissioning.referrals.views import referrals
    from commissioning.registry.views import registry
    from sufficiency.views import sufficiency

    for blueprint in (auth, registry, referrals, batches, providers, offers, admin, sufficiency):
        app.register_blueprint(blueprint)


def _set_up_security(app: Flask) -> None:
    @app.before_request
    def make_csp_nonce():
        g.csp_nonce = secrets.token_urlsafe(16)

    app.before_request(enforce_declared_access)

    @app.context_processor
    def inject_nonce():
        return {"cspNonce": g.get("csp_nonce", "")}

    @app.after_request
    def security_headers(response):
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{g.get('csp_nonce', '')}'; "
            f"style-src {g.get('csp_style_src', STRICT_STYLE_SRC)}; img-src 'self' data:; "
            "font-src 'self'; "
            "connect-src 'self'; object-src 'none'; base-uri 'self'; "
            "form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
        # Signed-in pages show children's records: no browser or proxy may keep a copy. (The
        # session says who is signed in without asking the database, which may be down.) A
        # response that chose its own caching (a script named by its content) keeps it.
        signed_in = "_user_id" in session
        if request.endpoint != "static" and signed_in and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response


def _register_error_pages(app: Flask) -> None:
    def render_error(status: int, template: str = "error.html"):
        title, advice = ERROR_PAGES[status]
        return render_template(template, title=title, advice=advice), status

    def database_unavailable(error: Exception):
        current_app.logger.error("The database is unavailable: %s", error)
        # Render as for nobody signed in (Flask-Login would ask the database again), keeping
        # the session, and in a header that names no user.
        login_manager._update_request_context_with_user()
        return render_error(503, "unavailable.html")

    for status in ERROR_PAGES:
        app.register_error_handler(status, lambda error, status=status: render_error(status))
    app.register_error_handler(CSRFError, lambda error: render_error(400))
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(InterfaceError, database_unavailable)


def _register_commands(app: Flask) -> None:
    from commissioning.cli import demo_cli, registry_cli

    app.cli.add_command(registry_cli)
    app.cli.add_command(demo_cli)
