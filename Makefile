# CNN Lab — the two commands a new user runs:
#   make book   build the course website into _build/html, 中文版 into _build/html/zh (creates .venv on first run)
#   make test   run every test: unit tests, notebooks (nbval), the book build with -W, browser tests
# Other targets: make serve (read the built site on http://127.0.0.1:8000), make venv,
# make katex, make bench, make clean.
# Needs: python3 (>= 3.11, with venv; the pinned numpy/scipy/matplotlib need it), make, npm (fetches the pinned
# KaTeX once) and node (typesets the formulas at build time).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8000

# KaTeX for the website, from the npm registry, pinned by version and checksum, unpacked into
# node_modules/ (gitignored): book/_ext/katex_math.py typesets every formula with it at build time
# (through node) and copies its stylesheet and fonts into the built site.
KATEX_VERSION   := 0.19.1
KATEX_INTEGRITY := sha512-jG8uKntjSEcm2EpQOh0XturpPuuC9r3Sq5HLHdsFdWZT27E672SF19QEi+of0/YeOy15lDgRhKvr5614uRrEfA==
KATEX_DIR       := node_modules/katex
KATEX_STAMP     := $(KATEX_DIR)/.installed-$(KATEX_VERSION)

JB_BUILD := $(BIN)/jupyter-book build . -W --keep-going

.PHONY: book test serve bench clean venv katex

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.2"
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

katex: $(KATEX_STAMP)

$(KATEX_STAMP):
	@command -v npm >/dev/null || { echo "npm is needed once, to fetch KaTeX $(KATEX_VERSION) (Debian: apt-get install npm)"; exit 1; }
	rm -rf $(KATEX_DIR) && mkdir -p $(KATEX_DIR)
	cd $(KATEX_DIR) && npm pack --silent --ignore-scripts katex@$(KATEX_VERSION) >/dev/null
	$(PYTHON) -c 'import base64, hashlib, sys; d = open(sys.argv[1], "rb").read(); h = "sha512-" + base64.b64encode(hashlib.sha512(d).digest()).decode(); sys.exit(0 if h == sys.argv[2] else "KaTeX tarball checksum mismatch: " + h)' \
		$(KATEX_DIR)/katex-$(KATEX_VERSION).tgz '$(KATEX_INTEGRITY)'
	tar -xzf $(KATEX_DIR)/katex-$(KATEX_VERSION).tgz -C $(KATEX_DIR) --strip-components=1
	rm $(KATEX_DIR)/katex-$(KATEX_VERSION).tgz
	touch $(KATEX_STAMP)

# Both editions: English into _build/html, then Chinese into _build/html/zh from the same sources,
# the catalogs in locales/ and the English build's execution cache (the notebooks run once).
ZH_BUILD := $(BIN)/python scripts/editions.py zh

book: $(STAMP) $(KATEX_STAMP)
	$(JB_BUILD)
	$(ZH_BUILD)

# The whole site is rebuilt (--all) so that every notebook runs and every asset is copied, then
# the Chinese edition; then unit tests, browser tests (they read _build/html, both editions) and
# every notebook under nbval.
test: $(STAMP) $(KATEX_STAMP)
	$(JB_BUILD) --all
	$(ZH_BUILD)
	$(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env -p no:cacheprovider; \
	rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: treated as a failure"; fi; \
	exit $$rc

serve:
	@test -d _build/html || { echo "no built site: run 'make book' first"; exit 1; }
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

bench: $(STAMP)
	$(BIN)/python bench/bench_kernels.py

clean:
	rm -rf _build .pytest_cache .hypothesis test-artifacts
