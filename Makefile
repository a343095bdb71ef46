# stacklab — every target does its own set-up from nothing (as root on Debian 12) and reuses what
# exists on a second run: apt packages, podman settings, the virtualenv, the host image, the mirror.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
export STACKLAB_CACHE ?= /var/cache/stacklab
# Builds that no registry serves (Mesos), with their .sha512 files: the mirror takes them from here
# (an operator points it at their own package repository). On the project's machines they sit in
# ../shared/artifacts beside the checkout, or in /work/shared/artifacts for a clone elsewhere.
export STACKLAB_ARTIFACTS ?= $(firstword $(wildcard $(abspath $(CURDIR)/../shared/artifacts) /work/shared/artifacts))
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
# Overridable: `make bench EXPERIMENT=experiments/...`
EXPERIMENT ?= experiments/sparkos-scheduler-local.yml
# Empty: the experiment's own (`stacklab inventory`: inventories/<target>; on the local sandbox a
# stack with Hadoop runs on inventories/local-interference).
INVENTORY ?=
# `stack`: every framework's tests on one converged cluster (molecule/stack); `mesos`: Mesos and
# Spark 3.5 on it, on a cluster of its own (molecule/mesos); `osv`: OSv and Linux worker VMs under
# qemu with a Spark 3.5 client (molecule/osv). `a+b`: a and b side by side (make test only; `make
# molecule` runs them one after the other). `make molecule SCENARIOS=spark` converges the shared
# cluster and runs one framework's tests.
SCENARIOS ?= stack mesos+osv

.PHONY: help setup host venv image mirror test lint role-readmes unit java-test molecule bench cloud-test benchmark-converge benchmark-analysis benchmark-provision benchmark-spark-scheduler benchmark-cell-overhead clean-sandbox

help:
	@echo "make test      lint, unit tests and molecule scenarios ($(SCENARIOS)); all set-up included"
	@echo "make bench     set up, run bench.yml on the local sandbox ($(EXPERIMENT)), print the results folder"
	@echo "make lint | unit | molecule SCENARIOS=spark   one tier of the tests (molecule: zookeeper, hadoop, spark, storm, stack, mesos or osv)"
	@echo "make role-readmes   write each role's README.md from its meta/argument_specs.yml (lint checks them)"
	@echo "make java-test    the JUnit tests of workloads/ (offline, against the mirror's local Maven repository)"
	@echo "make cloud-test   only the cloud tests (provisioning against a local moto_server EC2 endpoint)"
	@echo "make setup     only the set-up: apt packages, podman, virtualenv, host image, artifact mirror"

setup: host venv image mirror

host:
	@bash scripts/setup-host.sh

# ansible.cfg and pytest find the collection stacklab.bigdata (this checkout) through this link;
# it sits in .venv/, which every tool here leaves alone (a link inside the tree back to the tree
# would be a loop for anything that walks it).
COLLECTION_LINK := .venv/collections/ansible_collections/stacklab/bigdata

venv: $(VENV)/.installed $(COLLECTION_LINK)
$(COLLECTION_LINK):
	@mkdir -p $(@D)
	@ln -sfn $(CURDIR) $@
$(VENV)/.installed: pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/python -m pip install -q --upgrade pip
	@echo "venv: installing pinned Python dependencies (a few minutes on a new machine)"
	@$(VENV)/bin/python -m pip install -q -e '.[dev]'
	@touch $@

# The sandbox host image, and the Linux worker guest made from it (system linux-vm, beside OSv).
image: host
	@bash scripts/build-image.sh
	@bash scripts/build-vm-image.sh

mirror: venv host
	@ansible-playbook playbooks/mirror.yml

lint: venv
	yamllint --strict .
	ansible-lint --profile production
	ruff check .
	ruff format --check .
	mypy plugins tests molecule benchmarks src scripts
	python scripts/role_readmes.py --check

# Each role's README.md, from its meta/argument_specs.yml and defaults (lint checks they are current).
role-readmes: venv
	python scripts/role_readmes.py

unit: venv
	pytest -q -n 2 -m "not sandbox and not cloud"

# The JUnit tests of workloads/, offline against the local Maven repository that `make mirror` fills.
java-test: mirror
	mvn --batch-mode --quiet --offline -Dmaven.repo.local=$(STACKLAB_CACHE)/maven/repository --file workloads/pom.xml test

# The cloud tests: provision/teardown/reap against a moto_server EC2 endpoint the tests start on loopback.
cloud-test: venv
	pytest -q -n 2 -m cloud

molecule: setup
	@for scenario in $(subst +, ,$(SCENARIOS)); do molecule test -s $$scenario || exit 1; done

test: setup
	@bash scripts/run-tests "$(SCENARIOS)"

bench: setup
	inventory="$(or $(INVENTORY),$$(stacklab inventory $(EXPERIMENT)))"; \
	ansible-playbook bench.yml -i "$$inventory" -e experiment=$(EXPERIMENT)

benchmark-converge: setup
	python -m benchmarks.converge

benchmark-analysis: venv
	python -m benchmarks.analysis_throughput

benchmark-spark-scheduler: setup
	python -m benchmarks.spark_scheduler

benchmark-cell-overhead: setup
	python -m benchmarks.cell_overhead

benchmark-provision: venv
	python -m benchmarks.provision

clean-sandbox: venv
	inventory="$(or $(INVENTORY),$$(stacklab inventory $(EXPERIMENT)))"; \
	ansible-playbook playbooks/teardown.yml -i "$$inventory"
