# Reference for sql/lifecycle_churn.sql: Kaplan-Meier on churn events derived
# from the CDNOW sample log, computed independently of crm with R's survival
# package.  Run: Rscript test/reference/km_churn_cdnow.R [path/to/CDNOW_sample.txt]
#
# Rule (docs/lifecycle.md): as of 1998-06-30 with an inactivity threshold of
# 90 days, a customer whose last purchase up to as_of is L churned on L + 90
# if L + 90 <= as_of, else is censored at as_of; tenure is in days from the
# first purchase to the churn date (or to as_of).
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args) > 0) args[1] else "../shared/data/lifetimes/CDNOW_sample.txt"
log <- read.table(path, col.names = c("master_id", "customer", "ymd", "cds", "amount"))
log$day <- as.Date(as.character(log$ymd), format = "%Y%m%d")
as_of <- as.Date("1998-06-30")
log <- log[log$day <= as_of, ]
for (threshold in c(90, 180)) {
  first <- tapply(log$day, log$customer, min)
  last <- tapply(log$day, log$customer, max)
  churn <- last + threshold
  churned <- churn <= as.numeric(as_of)
  tenure <- ifelse(churned, churn - first, as.numeric(as_of) - first)
  fit <- survfit(Surv(tenure, as.integer(churned)) ~ 1)
  s <- summary(fit)
  cat(sprintf("threshold %d days: n %d, churned %d, censored %d, median %s\n", threshold,
              length(tenure), sum(churned), sum(!churned), format(summary(fit)$table["median"])))
  # the curve at chosen days, and the rows of the table at the first event times
  at <- c(90, 180, 365, 500)
  cat("S at", at, ":", format(summary(fit, times = at)$surv, digits = 10), "\n")
  print(data.frame(time = s$time, n.risk = s$n.risk, n.event = s$n.event,
                   surv = sprintf("%.10f", s$surv), std.err = sprintf("%.10f", s$std.err))[c(1:5, length(s$time)), ])
  # repeat buyers only (at least two purchase days)
  ndays <- tapply(log$day, log$customer, function(d) length(unique(d)))
  rep <- ndays >= 2
  fr <- survfit(Surv(tenure[rep], as.integer(churned[rep])) ~ 1)
  cat(sprintf("repeat buyers: n %d, median %s\n", sum(rep), format(summary(fr)$table["median"])))
}
