# corroborate — make demo / make test are the quickstart.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= demo.db
SHARED ?= ../shared

.PHONY: setup demo test lint vendor gazetteer train eval clean

# Create .venv with the corroborate command and every optional extra.
setup: $(BIN)/corroborate

$(BIN)/corroborate: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[all]"
	@touch $(BIN)/corroborate

# Build a SQLite database from the bundled sample articles, print the
# incidents, and serve the web UI on http://127.0.0.1:8000 until Ctrl-C.
demo: setup
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/corroborate ingest src/corroborate/samples/articles.jsonl --db $(DB)
	$(BIN)/corroborate incidents --db $(DB)
	$(BIN)/corroborate serve --db $(DB) --host 127.0.0.1 --port 8000

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/mypy

# Score extraction on ../shared/benchmark/dev and write the table into README.md.
eval: setup
	$(BIN)/python scripts/eval_all.py --shared $(SHARED)

# Rebuild the learned artifacts (committed under src/corroborate/extract/data/models/)
# from ../shared/benchmark/dev.
train: setup
	$(BIN)/python scripts/train_events.py --data $(SHARED)/benchmark/dev

# Vendor the web UI's JavaScript, CSS and basemap from the npm registry
# (the results are committed, so a fresh clone needs no npm).
vendor:
	bash scripts/vendor.sh

# Rebuild the gazetteer artifact from installed packages.
gazetteer: setup
	$(BIN)/python scripts/build_gazetteer.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(DB) $(DB)-wal $(DB)-shm
