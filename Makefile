# CNN Lab — the two commands a new user runs:
#   make book   build the course website into _build/html (creates .venv on first run)
#   make test   run every test: unit tests, notebooks (nbval), the book build with -W, browser tests
# Other targets: make serve (read the built site on http://127.0.0.1:8000), make venv,
# make mathjax, make bench, make clean.
# Needs: python3 (>= 3.11, with venv; the pinned numpy/scipy/matplotlib need it), make, npm (fetches the pinned MathJax once).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8000

# MathJax 3 for the website, from the npm registry, pinned by version and checksum, unpacked
# into node_modules/ (gitignored); book/_ext/offline_site.py copies it into the built site.
MATHJAX_VERSION   := 3.2.2
MATHJAX_INTEGRITY := sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==
MATHJAX_DIR       := node_modules/mathjax
MATHJAX_STAMP     := $(MATHJAX_DIR)/.installed-$(MATHJAX_VERSION)

JB_BUILD := $(BIN)/jupyter-book build . -W --keep-going

.PHONY: book test serve bench clean venv mathjax

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.2"
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

mathjax: $(MATHJAX_STAMP)

$(MATHJAX_STAMP):
	@command -v npm >/dev/null || { echo "npm is needed once, to fetch MathJax $(MATHJAX_VERSION) (Debian: apt-get install npm)"; exit 1; }
	rm -rf $(MATHJAX_DIR) && mkdir -p $(MATHJAX_DIR)
	cd $(MATHJAX_DIR) && npm pack --silent --ignore-scripts mathjax@$(MATHJAX_VERSION) >/dev/null
	$(PYTHON) -c 'import base64, hashlib, sys; d = open(sys.argv[1], "rb").read(); h = "sha512-" + base64.b64encode(hashlib.sha512(d).digest()).decode(); sys.exit(0 if h == sys.argv[2] else "MathJax tarball checksum mismatch: " + h)' \
		$(MATHJAX_DIR)/mathjax-$(MATHJAX_VERSION).tgz '$(MATHJAX_INTEGRITY)'
	tar -xzf $(MATHJAX_DIR)/mathjax-$(MATHJAX_VERSION).tgz -C $(MATHJAX_DIR) --strip-components=1
	rm $(MATHJAX_DIR)/mathjax-$(MATHJAX_VERSION).tgz
	touch $(MATHJAX_STAMP)

book: $(STAMP) $(MATHJAX_STAMP)
	$(JB_BUILD)

# The whole site is rebuilt (--all) so that every notebook runs and every asset is copied;
# then unit tests, browser tests (they read _build/html) and every notebook under nbval.
test: $(STAMP) $(MATHJAX_STAMP)
	$(JB_BUILD) --all
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
