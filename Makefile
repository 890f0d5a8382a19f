# Two commands set everything up: `make demo` (install + run the main job on bundled data)
# and `make test` (install + the whole test suite). Both create .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/longarm classify --chip nvidia-h800-sxm --as-of 2023-01-01
	$(BIN)/longarm classify --chip nvidia-h800-sxm --as-of 2024-01-01
	$(BIN)/longarm chips --as-of 2024-01-01
	$(BIN)/longarm chips --compare huawei-ascend-910c nvidia-h100-sxm
	mkdir -p demo
	$(BIN)/longarm chips --plot demo/chips-2024-01-01.png --as-of 2024-01-01
	$(BIN)/longarm assess examples/h100-to-china-2024.yaml
	$(BIN)/longarm assess examples/ascend-910c-use-malaysia-2025.yaml
	$(BIN)/longarm screen "华为技术有限公司" --country CN
	$(BIN)/longarm batch examples/order-book.csv --out demo/order-book-results.csv --report demo/report.html
	$(BIN)/longarm audit verify

test: $(STAMP) browser
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	$(BIN)/python -m pytest

# The browser tests drive Debian's Chromium; install it (and a CJK font for the screenshots) when missing.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver fonts-wqy-microhei)

bench: $(STAMP)
	$(BIN)/python bench/batch_bench.py > bench/batch-1m.json
	$(BIN)/python bench/run.py
	$(BIN)/python bench/screen_quality.py --split heldout
	$(BIN)/python -m longarm.docs README.md

docs: $(STAMP)
	$(BIN)/python -m longarm.docs README.md

.PHONY: install demo test bench docs browser
