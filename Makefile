# corroborate — make demo / make test are the quickstart.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= demo.db
SHARED ?= ../shared

.PHONY: setup demo test stress lint vendor gazetteer train eval bench clean

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

# The long hardening runs of tests/hardening (10,000-item hostile corpus, 100 kill -9
# trials, thousands of fuzz examples, 200 clients for 60 s over 100k incidents), then
# their figures.
stress: setup
	$(BIN)/python scripts/stress.py

lint: setup
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/mypy

# Score extraction and incident resolution on ../shared/benchmark/dev (with the
# stress set of look-alike ACLED events) and write the tables into README.md.
eval: setup
	$(BIN)/python scripts/eval_all.py --shared $(SHARED)

# Extraction vs spaCy, memory, ingest scaling and Spark vs local on the texts of
# ../shared/benchmark/dev; prints a table and writes it into README.md
# (BENCH_ARGS=--quick for a short run).
bench: setup
	$(BIN)/python bench/run.py --shared $(SHARED) $(BENCH_ARGS)

# Rebuild the learned artifacts (committed under src/corroborate/extract/data/models/)
# from ../shared/benchmark/dev.
train: setup
	$(BIN)/python scripts/train_events.py --data $(SHARED)/benchmark/dev
	$(BIN)/python scripts/build_place_prior.py --data $(SHARED)/benchmark/dev
	$(BIN)/python scripts/train_framing.py --data $(SHARED)/benchmark/dev

# Vendor the web UI's JavaScript, CSS and basemap from the npm registry
# (the results are committed, so a fresh clone needs no npm).
vendor:
	bash scripts/vendor.sh

# Rebuild the gazetteer artifact from installed packages.
gazetteer: setup
	$(BIN)/python scripts/build_gazetteer.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(DB) $(DB)-wal $(DB)-shm
