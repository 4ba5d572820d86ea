# The pip command both layer Makefiles install with: wheels for the Lambda platform
# (arm64, CPython 3.13) on any build machine, without Docker, into the layer's python/
# folder (ARTIFACTS_DIR is set by `sam build`, or by `make bench`). Not compiled here:
# `make build` compiles the whole build afterwards.
PYTHON ?= python3.13
PIP = $(PYTHON) -m pip install --quiet --disable-pip-version-check \
	--target "$(ARTIFACTS_DIR)/python" --platform manylinux2014_aarch64 \
	--implementation cp --python-version 3.13 --only-binary=:all: --no-compile
