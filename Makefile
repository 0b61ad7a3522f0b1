# Two commands do everything on a fresh machine: `make run` and `make test` (see README.md).
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := commissioning.app:create_app
GOVUK_DIST := node_modules/govuk-frontend/dist/govuk
GOVUK_STATIC := commissioning/static/govuk
PLOTLY_DIST := node_modules/plotly.js-basic-dist-min/plotly-basic.min.js
PLOTLY_STATIC := commissioning/static/plotly

.PHONY: run test install demo

run: demo
	# Plain http on this machine only, so the session cookie may not insist on https here.
	HEARTH_INSECURE_COOKIES=1 $(BIN)/gunicorn --bind 127.0.0.1:8000 --workers 2 --access-logfile - wsgi:app

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m tests.run_all

install: $(VENV)/.installed $(GOVUK_STATIC)/.installed $(PLOTLY_STATIC)/.installed

demo: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# GOV.UK Frontend from npm, at the version govuk-frontend-jinja 4.1.0 ports (6.3.0).
$(GOVUK_STATIC)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(GOVUK_STATIC)
	mkdir -p $(GOVUK_STATIC)
	cp $(GOVUK_DIST)/govuk-frontend.min.css $(GOVUK_DIST)/govuk-frontend.min.js $(GOVUK_STATIC)/
	cp -r $(GOVUK_DIST)/assets $(GOVUK_STATIC)/assets
	# The stylesheet looks for its fonts and images at /assets/; the app serves them here.
	sed -i 's#url(/assets/#url(/static/govuk/assets/#g' $(GOVUK_STATIC)/govuk-frontend.min.css
	touch $@

# plotly.js with only the chart types the dashboards draw (bar, scatter), compressed once here
# so that the app sends it gzip or brotli without compressing it on every request.
$(PLOTLY_STATIC)/.installed: package.json package-lock.json $(VENV)/.installed $(GOVUK_STATIC)/.installed
	rm -rf $(PLOTLY_STATIC)
	mkdir -p $(PLOTLY_STATIC)
	cp $(PLOTLY_DIST) $(PLOTLY_STATIC)/plotly-basic.min.js
	gzip -9 -k -n $(PLOTLY_STATIC)/plotly-basic.min.js
	$(BIN)/python -c "import brotli, sys; p = sys.argv[1]; open(p + '.br', 'wb').write(brotli.compress(open(p, 'rb').read(), quality=11))" $(PLOTLY_STATIC)/plotly-basic.min.js
	touch $@
