# crm -- PGXS build.  Quick start: `make demo` and `make test` (see README.md).

EXTENSION  = crm
EXTVERSION = 0.1

MODULE_big = crm
OBJS = src/common/crm.o src/common/calendar.o src/summary/summary_state.o src/summary/summary.o \
	src/rfm/rfm_score.o src/rfm/rfm_fit.o src/rfm/rfm_model.o src/rfm/rfm_segment.o \
	src/common/numerics.o src/clv/clv_fit_state.o src/clv/clv_checks.o src/clv/clv_model.o src/clv/clv_bgnbd.o src/clv/clv_gammagamma.o \
	src/clv/clv_value.o src/clv/clv_unit.o src/clv/clv_paretonbd.o src/clv/clv_bgbb.o src/clv/clv_sbg.o \
	src/retention/survival.o src/retention/cohort_state.o src/retention/cohort_table.o \
	$(OBJS_SURVEY) $(OBJS_PLS) $(OBJS_VALUE) $(OBJS_WORKFLOW)

# Domains under construction: each sets its own objects, SQL sources and tests
# here, one variable per line, kept apart so that their edits do not collide

# survey indices (NPS, CSAT, CES, CSI)
OBJS_SURVEY = src/survey/survey.o src/survey/survey_csi.o
SQL_SURVEY = src/survey/survey.sql
REGRESS_SURVEY = survey survey_parallel survey_errors

# PLS path modelling (ACSI/ECSI)
OBJS_PLS = src/survey/pls_spec.o src/survey/pls_algorithm.o src/survey/pls_state.o src/survey/pls_model.o src/survey/pls_access.o
SQL_PLS = src/survey/pls.sql
REGRESS_PLS = pls pls_ecsi pls_parallel pls_errors

# customer value: concentration, tiers, value x potential, metrics
OBJS_VALUE = src/value/value_text.o src/value/value_state.o src/value/value_concentration.o src/value/value_tier.o \
	src/value/value_potential.o src/value/value_metrics.o
SQL_VALUE = src/value/value.sql
REGRESS_VALUE = value_concentration value_tiers value_potential value_parallel value_errors

# workflows and BI: model registry, scorecard refresh (full and incremental)
OBJS_WORKFLOW = src/workflow/workflow.o
SQL_WORKFLOW = src/workflow/workflow.sql
REGRESS_WORKFLOW = workflow

# real data, real mistakes (issue 22): one line per part, kept apart
REGRESS_EXTREME = extreme_values
REGRESS_LIMITS = limits
REGRESS_REGISTRY = registry
REGRESS_MESSY = messy_workflow
REGRESS_REALDATA = $(REGRESS_EXTREME) $(REGRESS_LIMITS) $(REGRESS_REGISTRY) $(REGRESS_MESSY)

# Per-domain SQL declarations, concatenated in this order into the install script
SQL_SOURCES = src/common/crm.sql src/common/trusted.sql src/summary/summary.sql src/rfm/rfm_score.sql src/rfm/rfm_model.sql \
	src/rfm/rfm_segment.sql src/clv/clv_model.sql src/clv/clv_model_types.sql src/clv/clv_bgnbd.sql src/clv/clv_gammagamma.sql \
	src/clv/clv_paretonbd.sql src/clv/clv_bgbb.sql src/clv/clv_sbg.sql src/clv/clv_unit.sql src/retention/survival.sql src/retention/cohort.sql \
	$(SQL_SURVEY) $(SQL_PLS) $(SQL_VALUE) $(SQL_WORKFLOW) src/common/version.sql

# 0.0 is the pre-release API: 0.1 without crm.version().  Until 0.1 is
# released its install script is built from the same sources (so it cannot
# drift); on release, crm--0.1.sql is frozen into src/upgrade/ instead.
SQL_SOURCES_0_0 = $(filter-out src/common/version.sql,$(SQL_SOURCES))

DATA_built = crm--$(EXTVERSION).sql crm--0.0.sql

# SQL blocks repeated per model type are generated from one template each
# (src/*/*.sql.in: a 2-line header, then @NAME@ placeholders filled from the
# columns of src/clv/clv_model_types), not pasted
CLV_TYPES = src/clv/clv_model_types
CLV_PURCHASE_TYPES = bgnbd mbgnbd paretonbd
EXPAND = perl src/common/expand_template.pl

src/clv/clv_model_types.sql: src/clv/clv_model_type.sql.in $(CLV_TYPES) src/common/expand_template.pl
	$(EXPAND) src/clv/clv_model_type.sql.in $(CLV_TYPES) > $@

src/clv/clv_unit.sql: src/clv/clv_unit_head.sql src/clv/clv_unit_fit.sql.in src/clv/clv_unit_model.sql.in \
		src/clv/clv_unit_purchase.sql.in src/clv/clv_unit_tail.sql $(CLV_TYPES) src/common/expand_template.pl
	{ cat src/clv/clv_unit_head.sql; \
	  $(EXPAND) src/clv/clv_unit_fit.sql.in $(CLV_TYPES) $(CLV_PURCHASE_TYPES); \
	  $(EXPAND) src/clv/clv_unit_model.sql.in $(CLV_TYPES); \
	  $(EXPAND) src/clv/clv_unit_purchase.sql.in $(CLV_TYPES) $(CLV_PURCHASE_TYPES); \
	  cat src/clv/clv_unit_tail.sql; } > $@
DATA = $(wildcard src/upgrade/crm--*--*.sql)

# Tests of the probabilistic models and of retention (one line each)
REGRESS_PARETONBD = paretonbd
REGRESS_BGBB = bgbb bgbb_reference bgbb_errors
REGRESS_SBG = sbg
REGRESS_KM = survival
REGRESS_COHORT = cohort cohort_cdnow cohort_parallel cohort_errors
REGRESS = summary summary_cdnow summary_parallel summary_forms summary_errors rfm_score rfm_model rfm_reference \
	rfm_segment clv_model clv_fit clv_large clv_reference clv_errors clv_units clv_zero_spend $(REGRESS_PARETONBD) $(REGRESS_BGBB) $(REGRESS_SBG) \
	$(REGRESS_KM) $(REGRESS_COHORT) $(REGRESS_SURVEY) $(REGRESS_PLS) $(REGRESS_VALUE) $(REGRESS_WORKFLOW) \
	$(REGRESS_REALDATA) catalog security fuzz_inputs fuzz_regressions upgrade
REGRESS_OPTS = --inputdir=. --load-extension=crm

PG_CONFIG ?= /usr/lib/postgresql/15/bin/pg_config
# Server headers as system headers, so that -Wextra (CI: PG_CFLAGS="-Wall
# -Wextra -Werror") judges crm's code and not PostgreSQL's inline functions.
# One folder per domain under src/; headers are found in every folder
CRM_DOMAINS = common summary rfm clv retention survey value workflow
PG_CPPFLAGS = -isystem $(shell $(PG_CONFIG) --includedir-server 2>/dev/null) \
	$(addprefix -Isrc/,$(CRM_DOMAINS)) -DCRM_VERSION=\"$(EXTVERSION)\"
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
endif

# PGXS tracks no header dependencies (Debian's server is built without
# --enable-depend): rebuild every object when a header changes, so a changed
# struct can never be compiled into only some of them
$(OBJS): $(wildcard src/*/*.h)

crm--$(EXTVERSION).sql: $(SQL_SOURCES)
	cat $^ > $@

crm--0.0.sql: $(SQL_SOURCES_0_0)
	cat $^ > $@

EXTRA_CLEAN = tmp_install tmp regression.diffs regression.out results src/clv/clv_unit.sql \
	src/clv/clv_model_types.sql

.PHONY: test demo bench
test:
	test/run

demo:
	test/demo

bench:
	test/bench/run
