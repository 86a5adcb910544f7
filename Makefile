# memberhub: the two commands are `make demo` (set up and run the demo stack) and `make test` (the test suite).
.PHONY: install services demo test lint lock bench clean

install:
	bash scripts/bootstrap.sh

services:
	bash scripts/services.sh

demo: install services
	bash scripts/demo.sh

test: install services
	bash scripts/test.sh

lint: install services
	bash scripts/lint.sh

# Re-pin every dependency from requirements.in into requirements.lock (needs network to the registry).
lock:
	python3 -m venv /tmp/memberhub-lock-venv && /tmp/memberhub-lock-venv/bin/pip install -q -r requirements.in \
	  && /tmp/memberhub-lock-venv/bin/pip freeze --exclude-editable | grep -v '^memberhub' > requirements.lock

bench: install services
	for b in benchmarks/bench_*.py; do echo "== $$b"; .venv/bin/python $$b || exit 1; done

clean:
	rm -rf var/documents var/media
