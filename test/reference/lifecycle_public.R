# Public data not in ../shared for sql/lifecycle_public.sql: the laboratory
# visits of R's survival package data `nafld2` (Allen et al. 2018, the
# Rochester Epidemiology Project NAFLD cohort; one row per lab test, `days`
# from the individual's index date) with the follow-up of `nafld1` (`futime`
# days from the index date to death or last follow-up, `status` 1 = died).
#
# The stand-in purchase log: an individual is a customer, a day with at
# least one lab test is a purchase (same-day tests are one visit).  The data
# give days relative to each individual's own index date, not calendar
# dates, so every index date is put on 2000-01-01: visit date = 2000-01-01 +
# days.  Individuals with id <= 3000 (2,658 of them have lab visits, 33,745
# visit days from 1979 to 2019), so the files stay small.
#
# Writes (from the repository root):
#   test/reference/nafld_visits.csv    id, day        (visit date = 2000-01-01 + day)
#   test/reference/nafld_followup.csv  id, futime, died
#   test/reference/nafld_km.csv        case, time, n_risk, n_event, surv, std_err
#   test/reference/nafld_stage_counts.csv  as_of, stage, customers
#   test/reference/nafld_stage_flows.csv   from_as_of, to_as_of, from_stage, to_stage, customers
#   test/reference/nafld_migration.csv     from_label, to_label, customers
# and prints the summary numbers, all computed here independently of crm:
#   - churn events by the rule of docs/lifecycle.md (last visit L up to as_of,
#     threshold th: churned on L + th if L + th <= as_of, else censored at
#     as_of; tenure in days from the first visit), then survfit();
#   - lifecycle stages by the rules of docs/lifecycle.md, for the "clinic"
#     model new 1 year, active 1 year, lapsed after 2 years, lost after 5
#     years, at the quarter ends 1995-03-31 + 3k months up to 2005-12-31;
#   - stage migration from 1999-12-31 to 2002-12-31; an individual whose
#     follow-up ended before a date (2000-01-01 + futime < date) has left
#     (label NA), one with no visit up to a date has not entered.
# Intervals add as PostgreSQL's date + interval does: months first (the day
# clamped to the month's last day, 2000-02-29 + 1 year = 2001-02-28), then days.
#
# Run: Rscript test/reference/lifecycle_public.R   (R 4.2.2, survival 3.5.3)
suppressPackageStartupMessages(library(survival))
out <- "test/reference"
base <- as.Date("2000-01-01")

v <- unique(nafld2[nafld2$id <= 3000, c("id", "days")])
v <- v[order(v$id, v$days), ]
names(v) <- c("id", "day")
write.csv(v, file.path(out, "nafld_visits.csv"), row.names = FALSE, quote = FALSE)
fu <- nafld1[nafld1$id %in% v$id, c("id", "futime", "status")]
fu <- fu[order(fu$id), ]
names(fu) <- c("id", "futime", "died")
write.csv(fu, file.path(out, "nafld_followup.csv"), row.names = FALSE, quote = FALSE)
cat(sprintf("visits %d individuals %d from %s to %s; died %d\n", nrow(v), length(unique(v$id)),
            format(base + min(v$day)), format(base + max(v$day)), sum(fu$died)))

# date + interval '<months> months <days> days', as PostgreSQL computes it
first_of <- function(ym) as.Date(sprintf("%04d-%02d-01", ym %/% 12, ym %% 12 + 1))
add <- function(d, months = 0, days = 0) {
  lt <- as.POSIXlt(d)
  ym <- (lt$year + 1900) * 12 + lt$mon + months
  month_days <- as.integer(first_of(ym + 1) - first_of(ym))
  first_of(ym) + pmin(lt$mday, month_days) - 1 + days
}
stopifnot(add(as.Date("2000-02-29"), 12) == as.Date("2001-02-28"),
          add(as.Date("2024-01-31"), 1) == as.Date("2024-02-29"),
          add(as.Date("1999-12-31"), 2, 1) == as.Date("2000-03-01"))

by_id <- split(base + v$day, v$id)

# ---- churn events and Kaplan-Meier ------------------------------------------
cases <- list(list(name = "1999_1y", as_of = as.Date("1999-12-31"), months = 12, days = 0),
              list(name = "1999_180d", as_of = as.Date("1999-12-31"), months = 0, days = 180),
              list(name = "2004_2y", as_of = as.Date("2004-12-31"), months = 24, days = 0))
km <- NULL
for (cs in cases) {
  upto <- lapply(by_id, function(d) d[d <= cs$as_of])
  upto <- upto[lengths(upto) > 0]
  first <- as.Date(sapply(upto, min), origin = "1970-01-01")
  last <- as.Date(sapply(upto, max), origin = "1970-01-01")
  churn <- add(last, cs$months, cs$days)
  churned <- churn <= cs$as_of
  tenure <- as.numeric(ifelse(churned, churn - first, cs$as_of - first))
  fit <- survfit(Surv(tenure, as.integer(churned)) ~ 1)
  s <- summary(fit)
  cat(sprintf("%s: n %d churned %d censored %d median %s; S at 365, 730, 1825, 3650: %s\n",
              cs$name, length(tenure), sum(churned), sum(!churned), format(s$table["median"]),
              paste(sprintf("%.10f", summary(fit, times = c(365, 730, 1825, 3650))$surv), collapse = " ")))
  km <- rbind(km, data.frame(case = cs$name, time = s$time, n_risk = s$n.risk, n_event = s$n.event,
                             surv = sprintf("%.12f", s$surv), std_err = sprintf("%.12f", s$std.err)))
}
write.csv(km, file.path(out, "nafld_km.csv"), row.names = FALSE, quote = FALSE)

# ---- lifecycle stages ----------------------------------------------------------
# the stage at each date of `at` of one individual with sorted visit dates `d`;
# thresholds are c(months, days)
levels_ <- c("new", "active", "reactivated", "at_risk", "lapsed", "lost")
stages_of <- function(d, at, m) {
  within <- function(x, th) add(x, th[1], th[2]) > at
  k <- findInterval(as.numeric(at), as.numeric(d))            # visits up to each date
  ret <- c(FALSE, d[-1] >= add(d[-length(d)], m$lapsed[1], m$lapsed[2]))
  last_ret_k <- cummax(ifelse(ret, seq_along(d), 0L))         # index of the last return so far
  st <- rep(NA_character_, length(at))
  has <- k > 0
  F <- rep(d[1], length(at))
  L <- d[pmax(k, 1)]
  R <- d[pmax(last_ret_k[pmax(k, 1)], 1)]
  has_ret <- has & last_ret_k[pmax(k, 1)] > 0
  st[has] <- "lost"
  st[has & within(L, m$lost)] <- "lapsed"
  st[has & within(L, m$lapsed)] <- "at_risk"
  st[has & within(L, m$active)] <- "active"
  st[has & within(L, m$active) & has_ret & within(R, m$active)] <- "reactivated"
  st[has & within(F, m$new)] <- "new"
  st
}
clinic <- list(new = c(12, 0), active = c(12, 0), lapsed = c(24, 0), lost = c(60, 0))
series <- add(as.Date("1995-03-31"), 3 * (0:43))
stopifnot(series[44] == as.Date("2005-12-31"), series[2] == as.Date("1995-06-30"))
paths <- t(sapply(by_id, stages_of, at = series, m = clinic))   # individuals x dates
counts <- NULL
for (j in seq_along(series)) {
  tab <- table(factor(paths[, j], levels = levels_))
  counts <- rbind(counts, data.frame(as_of = format(series[j]), stage = levels_, customers = as.integer(tab)))
}
write.csv(counts, file.path(out, "nafld_stage_counts.csv"), row.names = FALSE, quote = FALSE)
flows <- NULL
for (j in seq_len(length(series) - 1)) {
  a <- paths[, j]
  b <- paths[, j + 1]
  keep <- !is.na(b)
  f <- aggregate(list(customers = rep(1L, sum(keep))),
                 list(from_stage = ifelse(is.na(a[keep]), "", a[keep]), to_stage = b[keep]), sum)
  flows <- rbind(flows, data.frame(from_as_of = format(series[j]), to_as_of = format(series[j + 1]), f))
}
write.csv(flows, file.path(out, "nafld_stage_flows.csv"), row.names = FALSE, quote = FALSE)
for (j in c(1, 20, 44)) {
  cat(format(series[j]), ":", paste(levels_, counts$customers[counts$as_of == format(series[j])], collapse = " "), "\n")
}

# ---- migration of stages from 1999-12-31 to 2002-12-31 ------------------------------
d1 <- as.Date("1999-12-31")
d2 <- as.Date("2002-12-31")
futime <- fu$futime[match(names(by_id), fu$id)]
l1 <- sapply(by_id, stages_of, at = d1, m = clinic)
l2 <- sapply(by_id, stages_of, at = d2, m = clinic)
l1[base + futime < d1] <- NA
l2[base + futime < d2] <- NA
keep <- !(is.na(l1) & is.na(l2))
mig <- aggregate(list(customers = rep(1L, sum(keep))),
                 list(from_label = ifelse(is.na(l1[keep]), "", l1[keep]), to_label = ifelse(is.na(l2[keep]), "", l2[keep])), sum)
write.csv(mig, file.path(out, "nafld_migration.csv"), row.names = FALSE, quote = FALSE)
cat(sprintf("migration: %d individuals, entering %d, leaving %d, pairs %d\n", sum(keep),
            sum(is.na(l1[keep])), sum(is.na(l2[keep])), nrow(mig)))

# ---- funnel: metabolic comorbidities (nafld3) ------------------------------------
# The survival package's own multi-state example counts an individual's
# metabolic comorbidities (diabetes, hypertension, dyslipidemia): the days at
# which the count reached 1, 2 and 3 are staged events (a later stage implies
# the earlier ones; equal days are ties).  Same individuals (id <= 3000), same
# calendar (2000-01-01 + days); written as test/reference/nafld_comorbidity.csv
# (id, one, two, three; empty where never reached).  The funnel is read as of
# 1999-12-31 (everyone is followed up to the index date): a stage after as_of
# is not reached; the time of a transition is in whole days, censored at as_of.
mc <- nafld3[nafld3$id %in% v$id & nafld3$event %in% c("diabetes", "htn", "dyslipidemia"), ]
first_mc <- aggregate(days ~ id + event, data = mc, FUN = min)
reach <- t(sapply(split(first_mc$days, first_mc$id), function(x) sort(x)[1:3]))
comor <- data.frame(id = as.integer(rownames(reach)), one = reach[, 1], two = reach[, 2], three = reach[, 3])
comor <- comor[order(comor$id), ]
write.csv(comor, file.path(out, "nafld_comorbidity.csv"), row.names = FALSE, quote = FALSE, na = "")
cut <- as.numeric(as.Date("1999-12-31") - base)            # as_of in days from 2000-01-01
leads <- comor[comor$one <= cut, ]
reached <- function(x) !is.na(x) & x <= cut
cat(sprintf("funnel as of 1999-12-31: leads %d, two %d, three %d, win rate %.12f\n", nrow(leads),
            sum(reached(leads$two)), sum(reached(leads$three)), mean(reached(leads$three))))
fk <- NULL
for (tr in list(c("one", "two"), c("two", "three"), c("one", "three"))) {
  d <- leads[reached(leads[[tr[1]]]), ]
  ev <- reached(d[[tr[2]]])
  dur <- ifelse(ev, d[[tr[2]]] - d[[tr[1]]], cut - d[[tr[1]]])
  fit <- survfit(Surv(dur, as.integer(ev)) ~ 1)
  q <- quantile(fit, probs = c(0.25, 0.5, 0.75))$quantile
  qc <- quantile(dur[ev], probs = c(0.25, 0.5, 0.75), type = 7)
  cat(sprintf("%s -> %s: leads %d converted %d censored %d; KM quartiles %s; converted-only quartiles %s\n",
              tr[1], tr[2], nrow(d), sum(ev), sum(!ev), paste(format(q), collapse = " "),
              paste(format(qc), collapse = " ")))
  s <- summary(fit)
  fk <- rbind(fk, data.frame(from_stage = tr[1], to_stage = tr[2], time = s$time, n_risk = s$n.risk,
                             n_event = s$n.event, surv = sprintf("%.12f", s$surv)))
}
write.csv(fk, file.path(out, "nafld_funnel_km.csv"), row.names = FALSE, quote = FALSE)
