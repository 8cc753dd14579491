# crm -- PGXS build.  Quick start: `make demo` and `make test` (see README.md).

EXTENSION  = crm
EXTVERSION = 0.1

MODULE_big = crm

# One folder per domain under src/, each with its C, headers and SQL
# declarations.  Everything below is derived from this list: objects are
# every src/<domain>/*.c, the install script is every domain's SQL in this
# order (within a domain in name order, except the files a domain lists in
# SQL_FIRST_<domain> / SQL_LAST_<domain> because others use their objects),
# and the regression tests are every sql/*.sql.
CRM_DOMAINS = common summary rfm clv retention survey value campaign lifecycle basket service quality workflow
CRM_DIRS = $(addprefix src/,$(CRM_DOMAINS))

OBJS = $(patsubst %.c,%.o,$(sort $(wildcard $(addsuffix /*.c,$(CRM_DIRS)))))

# SQL blocks repeated per model type are generated at build time from one
# template each (src/<domain>/*.sql.in: a 2-line header, then @NAME@
# placeholders filled from the columns of a type list), not pasted
SQL_GENERATED = src/clv/clv_model_types.sql src/clv/clv_cnbd_types.sql src/clv/clv_unit.sql \
	src/clv/clv_covariate_types.sql src/clv/clv_tracking_types.sql src/retention/cohort_ids.sql \
	src/clv/clv_interval_types.sql
SQL_FIRST_common = src/common/crm.sql src/common/trusted.sql
SQL_FIRST_clv = src/clv/clv_model.sql src/clv/clv_model_types.sql src/clv/clv_covariates.sql
SQL_LAST_clv = src/clv/clv_unit.sql src/clv/clv_covariate_types.sql src/clv/clv_tracking_types.sql
SQL_FIRST_rfm = src/rfm/rfm_score.sql
DomainSql = $(SQL_FIRST_$(1)) \
	$(filter-out $(SQL_FIRST_$(1)) $(SQL_LAST_$(1)),$(sort $(wildcard src/$(1)/*.sql) $(filter src/$(1)/%,$(SQL_GENERATED)))) \
	$(SQL_LAST_$(1))
SQL_SOURCES = $(foreach d,$(CRM_DOMAINS),$(call DomainSql,$(d)))

# 0.0 is the pre-release API: 0.1 without crm.version().  Until 0.1 is
# released its install script is built from the same sources (so it cannot
# drift); on release, crm--0.1.sql is frozen into src/upgrade/ instead.
SQL_SOURCES_0_0 = $(filter-out src/common/version.sql,$(SQL_SOURCES))

DATA_built = crm--$(EXTVERSION).sql crm--0.0.sql
DATA = $(wildcard src/upgrade/crm--*--*.sql)

# Every sql/NAME.sql is a test, in name order; the suite-wide checks of the
# installed objects run last
REGRESS_LAST = catalog surface security fuzz_inputs fuzz_regressions upgrade
REGRESS = $(filter-out $(REGRESS_LAST),$(sort $(basename $(notdir $(wildcard sql/*.sql))))) $(REGRESS_LAST)
REGRESS_OPTS = --inputdir=. --load-extension=crm

PG_CONFIG ?= /usr/lib/postgresql/15/bin/pg_config
# Server headers as system headers, so that -Wextra (CI: PG_CFLAGS="-Wall
# -Wextra -Werror") judges crm's code and not PostgreSQL's inline functions.
# Headers are found in every domain folder
PG_CPPFLAGS = -isystem $(shell $(PG_CONFIG) --includedir-server 2>/dev/null) \
	$(addprefix -I,$(CRM_DIRS)) -DCRM_VERSION=\"$(EXTVERSION)\"
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
endif

# PGXS tracks no header dependencies (Debian's server is built without
# --enable-depend): rebuild every object when a header changes, so a changed
# struct can never be compiled into only some of them
$(OBJS): $(wildcard $(addsuffix /*.h,$(CRM_DIRS)))

# Objects also depend on the PG_CFLAGS they were compiled with: a plain
# `make` followed by `make test` (-Wall -Wextra -Werror) recompiles
# everything instead of linking objects the stricter flags never judged
CFLAGS_STAMP = .cflags-stamp
$(CFLAGS_STAMP): FORCE
	@echo '$(PG_CFLAGS)' | cmp -s - $@ || echo '$(PG_CFLAGS)' > $@
# (not for install and installcheck, which use what the build made)
ifeq ($(filter install installcheck,$(MAKECMDGOALS)),)
$(OBJS): $(CFLAGS_STAMP)
endif
.PHONY: FORCE

# Generated SQL (after PGXS, so that `make` still means `make all`)
CLV_TYPES = src/clv/clv_model_types
# the purchase models (SHAPE purchases in the type list)
CLV_PURCHASE_TYPES = $(shell awk -F'|' '!/^\#/ && $$6 == "purchases" { print $$1 }' $(CLV_TYPES))
# the regularity models, fitted on (x, t_x, T, litt) (SHAPE regularity)
CLV_REGULARITY_TYPES = $(shell awk -F'|' '!/^\#/ && $$6 == "regularity" { print $$1 }' $(CLV_TYPES))
EXPAND = perl src/common/expand_template.pl

src/clv/clv_model_types.sql: src/clv/clv_model_type.sql.in $(CLV_TYPES) src/common/expand_template.pl
	$(EXPAND) src/clv/clv_model_type.sql.in $(CLV_TYPES) > $@

src/clv/clv_cnbd_types.sql: src/clv/clv_cnbd_type.sql.in $(CLV_TYPES) src/common/expand_template.pl
	$(EXPAND) src/clv/clv_cnbd_type.sql.in $(CLV_TYPES) $(CLV_REGULARITY_TYPES) > $@

src/clv/clv_unit.sql: src/clv/clv_unit_head.sql.part src/clv/clv_unit_fit.sql.in src/clv/clv_unit_model.sql.in \
		src/clv/clv_unit_purchase.sql.in src/clv/clv_unit_value.sql.in src/clv/clv_unit_tail.sql.part \
		$(CLV_TYPES) src/common/expand_template.pl
	{ cat src/clv/clv_unit_head.sql.part; \
	  $(EXPAND) src/clv/clv_unit_fit.sql.in $(CLV_TYPES) $(CLV_PURCHASE_TYPES); \
	  $(EXPAND) src/clv/clv_unit_model.sql.in $(CLV_TYPES); \
	  for type in $(CLV_PURCHASE_TYPES); do \
	    $(EXPAND) src/clv/clv_unit_purchase.sql.in $(CLV_TYPES) $$type; \
	    $(EXPAND) src/clv/clv_unit_value.sql.in $(CLV_TYPES) $$type; \
	  done; \
	  $(EXPAND) src/clv/clv_unit_purchase.sql.in $(CLV_TYPES) $(CLV_REGULARITY_TYPES); \
	  cat src/clv/clv_unit_tail.sql.part; } > $@

src/clv/clv_covariate_types.sql: src/clv/clv_covariate_type.sql.in src/clv/clv_covariate_types \
		src/common/expand_template.pl
	$(EXPAND) src/clv/clv_covariate_type.sql.in src/clv/clv_covariate_types > $@

src/clv/clv_tracking_types.sql: src/clv/clv_tracking_type.sql.in $(CLV_TYPES) src/common/expand_template.pl
	$(EXPAND) src/clv/clv_tracking_type.sql.in $(CLV_TYPES) $(CLV_PURCHASE_TYPES) $(CLV_REGULARITY_TYPES) > $@

src/clv/clv_interval_types.sql: src/clv/clv_interval_type.sql.in $(CLV_TYPES) src/common/expand_template.pl
	$(EXPAND) src/clv/clv_interval_type.sql.in $(CLV_TYPES) bgnbd mbgnbd paretonbd > $@

src/retention/cohort_ids.sql: src/retention/cohort_id.sql.in src/retention/cohort_id_types src/common/expand_template.pl
	$(EXPAND) src/retention/cohort_id.sql.in src/retention/cohort_id_types > $@

# The install scripts (rebuilt when the Makefile changes too: it fixes the order)
crm--$(EXTVERSION).sql: $(SQL_SOURCES) Makefile
	cat $(SQL_SOURCES) > $@

crm--0.0.sql: $(SQL_SOURCES_0_0) Makefile
	cat $(SQL_SOURCES_0_0) > $@

EXTRA_CLEAN = tmp_install tmp regression.diffs regression.out results $(SQL_GENERATED) $(CFLAGS_STAMP)

.PHONY: test test-citus test-package dist dist-check demo bench
test:
	test/run

# Packages (docs/release.md).  test-package: build the Debian package
# (debian/) from a clean copy of the checkout, install it into the system
# PostgreSQL 15, use it in a throwaway cluster, remove it, and check the
# PGXN zip (test/package/run; not part of make test)
test-package:
	test/package/run

# The PGXN zip crm-VERSION.zip (VERSION from META.json) of the files committed
# at HEAD, written to DIST_DIR; dist-check validates its META.json and builds
# crm from it
DIST_DIR ?= .
DIST_VERSION = $(shell perl -MJSON::PP -e 'print decode_json(join("", <STDIN>))->{version}' < META.json)
dist:
	@git diff --quiet HEAD -- || echo "make dist: uncommitted changes are not in the zip (it is made from HEAD)" >&2
	git archive --format=zip --prefix=crm-$(DIST_VERSION)/ -o $(DIST_DIR)/crm-$(DIST_VERSION).zip HEAD

dist-check:
	test/package/run dist

# crm on a Citus cluster (coordinator + 2 workers; builds Citus once into
# ~/.cache/crm); run by CI after make test
test-citus:
	test/citus/run

demo:
	test/demo

bench:
	test/bench/run
