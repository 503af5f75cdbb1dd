EXTENSION = viewstats
EXTVERSION = 0.3.0

MODULE_big = viewstats
OBJS = \
	src/core/dayset_core.o \
	src/core/ck_siphash.o \
	src/core/ck_unitset.o \
	src/core/ck_runs.o \
	src/core/ck_ptable.o \
	src/core/ck_noise.o \
	src/core/ck_suppress.o \
	src/core/pb_ledger.o \
	src/core/rs_core.o \
	src/viewstats.o \
	src/dayset.o \
	src/dayset_ops.o \
	src/streak_agg.o \
	src/streak_window.o \
	src/privacy_settings.o \
	src/privacy_secret.o \
	src/unit_state.o \
	src/safe_count.o \
	src/unit_support.o \
	src/unit_hash.o \
	src/safe_count_args.o \
	src/suppress.o \
	src/privacy_budget.o \
	src/restricted/labels.o \
	src/restricted/session.o \
	src/restricted/validator.o \
	src/restricted/gate.o \
	src/restricted/channels.o \
	src/restricted/bound.o \
	src/restricted/timing.o \
	src/restricted/hooks.o

PG_CPPFLAGS = -I$(srcdir)/src
SHLIB_LINK = -lm

DATA = $(wildcard sql/$(EXTENSION)--*.sql)

# pg_regress files in sql/ and expected/, in order
REGRESS = \
	dayset_io \
	dayset_ops \
	streak_agg \
	streak_window \
	timezones \
	parallel \
	partitionwise \
	differential \
	rollups \
	agg_fast_paths \
	bad_input \
	privacy_suppress \
	privacy_cells \
	privacy_perturb \
	privacy_dp \
	privacy_roles \
	privacy_oracle \
	privacy_budget \
	privacy_attacks \
	privacy_membership \
	privacy_scale \
	restricted_setup \
	restricted_attacks \
	restricted_usability \
	restricted_bound
REGRESS_OPTS = --load-extension=$(EXTENSION)

# ---- Orchestration (scripts under test/scripts) ----
# Plain `make` builds; without this the first rule below would be the goal.
.DEFAULT_GOAL := all

# PGXS does not track header dependencies: a changed struct must rebuild all.
$(OBJS): src/pg_compat.h src/viewstats.h src/privacy.h src/unit_state.h src/unit_hash.h \
	$(wildcard src/core/*.h) src/restricted/restricted.h

.PHONY: demo test unit bench matrix mutation deb dist
# Both set up everything themselves (apt, build, private install in
# tmp_install/, throwaway cluster) and clean up after themselves.
demo:
	@bash test/scripts/demo.sh

test:
	@bash test/scripts/run_tests.sh

unit:
	@$(MAKE) -C test/unit run

# The benchmark (not part of test): viewstats beside plain SQL on a seeded
# 10M-row log.  make bench [SCALE=rows] [RUNS=n] [SEED=n] [SECTIONS=...]
# [ONLY=groups] [WORK_MEM=size] [HASH_MEM_MULTIPLIER=x]; see README, Performance.
bench:
	@SCALE="$(SCALE)" RUNS="$(RUNS)" SEED="$(SEED)" SECTIONS="$(SECTIONS)" \
		ONLY="$(ONLY)" WORK_MEM="$(WORK_MEM)" SCALE_UNITS="$(SCALE_UNITS)" \
		SCALE_GROUPS="$(SCALE_GROUPS)" \
		HASH_MEM_MULTIPLIER="$(HASH_MEM_MULTIPLIER)" bash test/bench/bench.sh

# The tests against each PostgreSQL major in a cached Debian chroot (root
# only): make matrix [MAJORS="15 17 18"]; see README, Development.
matrix:
	@MAJORS="$(MAJORS)" bash test/matrix/run.sh

# Mutation testing (not part of test): each one-line change listed in
# test/mutation/mutations, in a scratch copy, against the fast suites; the
# kill rate.  make mutation [MUTATIONS=name,...] [SUITES="regress ..."];
# see README, Reliability.
mutation:
	@VS_MUTATION_ONLY="$(MUTATIONS)" VS_MUTATION_SUITES="$(SUITES)" bash test/mutation/run.sh

# Debian packages (debian/, pg_buildext) for each major, each installed in
# a throwaway environment and tested with lintian and the regression suite
# (root only): make deb [MAJORS="15 17 18"]; see README, Installation.
deb:
	@MAJORS="$(MAJORS)" bash test/packaging/run.sh

# The PGXN distribution $(EXTENSION)-$(EXTVERSION).zip of HEAD, with
# META.json validated; see README, Development.
dist:
	@bash test/packaging/dist.sh

# The private install tree they build.
EXTRA_CLEAN += tmp_install .tmp_install.lock

# `make -s print-REGRESS`: lets the scripts read lists from this file.
print-%:
	@echo '$($*)'

# Bootstrap: on a fresh machine pg_config or the PGXS headers may be missing
# until test/scripts installs them, so only include PGXS when it is there.
PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
endif
