from flask import Blueprint, abort, current_app, render_template, request, url_for

from commissioning.auth.access import allow, public
from commissioning.homes import local_authorities, regions
from commissioning.registry import queries
from commissioning.registry.forms import DirectoryFilterForm
from commissioning.vocabulary import Role

registry = Blueprint("registry", __name__)

READERS_OF_THE_REGISTER = (Role.COMMISSIONER, Role.ANALYST, Role.ADMIN)


@registry.route("/")
@public
def start():
    return render_template("registry/start.html")


@registry.route("/homes")
@allow(*READERS_OF_THE_REGISTER)
def directory():
    form = DirectoryFilterForm(request.args)
    form.set_place_choices(regions(), local_authorities())
    if request.args:
        form.validate()
    page = queries.directory_page(form.to_query(), current_app.config["HOMES_PER_PAGE"])
    return render_template("registry/directory.html", form=form, page=page)


@registry.route("/homes/<urn>")
@allow(*READERS_OF_THE_REGISTER)
def home(urn: str):
    found = queries.home_by_urn(urn)
    if found is None:
        abort(404)
    return render_template("registry/home.html", home=found)


@registry.app_template_global()
def directory_url(**changes) -> str:
    """The directory's URL with the current filters and some of them changed."""
    args = request.args.to_dict()
    args.update(changes)
    return url_for("registry.directory", **{k: v for k, v in args.items() if v not in ("", None)})


@registry.app_template_global()
def pagination(page: queries.DirectoryPage) -> dict:
    """Parameters for govukPagination: first, last and two pages either side of this one."""
    items: list[dict] = []
    for number in range(1, page.pages + 1):
        if number in (1, page.pages) or abs(number - page.page) <= 2:
            items.append(
                {
                    "number": number,
                    "href": directory_url(page=number),
                    "current": number == page.page,
                }
            )
        elif abs(number - page.page) == 3:
            items.append({"ellipsis": True})
    return {
        "items": items,
        "previous": {"href": directory_url(page=page.page - 1)} if page.page > 1 else None,
        "next": {"href": directory_url(page=page.page + 1)} if page.page < page.pages else None,
    }
