# Public censored times not in ../shared for sql/service_public.sql: there
# is no public ticket data in Debian, so the NCCTG lung cancer data of R's
# survival package (lung: 228 patients, survival time in days, status 1 =
# censored, 2 = dead) stands in for resolution times: a death is a
# resolution after `time` days, a censored patient a ticket still open at
# as_of, `time` days old.  The mapping of the other columns to ticket flags
# and service-recovery groups is a relabelling, to check crm's arithmetic on
# public proportions, not a claim about service:
#   first_contact_resolved = female (sex 2); reopened = ECOG score >= 2
#   (NULL where ph.ecog is NA); recovery groups: no complaint = ECOG 0,
#   resolved complaint = ECOG 1, unresolved complaint = ECOG >= 2 (skipped
#   where NA), repurchased = alive at the last follow-up (status 1).
# Writes test/reference/lung.csv (id, time, status, sex, ph_ecog) and
# test/reference/lung_km.csv (the Kaplan-Meier curve of survfit: time,
# n.risk, n.event, n.censor, surv, 17 significant digits) and prints,
# computed independently of crm:
#   - quantile.survfit of the Kaplan-Meier curve (deaths the events,
#     censored patients censored) and of the deaths alone (every one an
#     event), at 0.1, 0.25, 0.5, 0.75, 0.9 (NA where the curve does not
#     reach p), and of the deaths alone at p = 33/165 and 99/165, on flat
#     stretches.  R's rule: the first time t with 1 - S(t) >= p, and where
#     1 - S equals p (within sqrt(.Machine$double.eps)) on a flat stretch,
#     the middle of that time and the next event time;
#   - Wilson intervals (prop.test without continuity correction) of the
#     shares and of SLA attainment at 180 and 365 days (met: dead within the
#     target; missed: dead later or censored later than the target;
#     censored: censored by the target, left out);
#   - the pairwise two-proportion comparisons of the recovery groups:
#     prop.test(c(x_a, x_b), c(n_a, n_b), correct = FALSE): its interval is
#     the unpooled Wald interval of the difference, its X-squared the square
#     of the pooled z statistic.
# Run: Rscript test/reference/service_public.R
suppressPackageStartupMessages(library(survival))
d <- data.frame(id = seq_len(nrow(lung)), time = lung$time, status = lung$status,
                sex = lung$sex, ph_ecog = lung$ph.ecog)
write.csv(d, "test/reference/lung.csv", row.names = FALSE, quote = FALSE, na = "")
cat(R.version.string, "survival", format(packageVersion("survival")), "\n")
dead <- d$status == 2
cat(sprintf("patients %d, dead (resolved) %d, censored (open) %d, distinct times %d\n",
            nrow(d), sum(dead), sum(!dead), length(unique(d$time))))

fit <- survfit(Surv(time, dead) ~ 1, data = d)
write.csv(data.frame(time = fit$time, n_risk = fit$n.risk, n_event = fit$n.event, n_censor = fit$n.censor,
                     surv = sprintf("%.17g", fit$surv)),
          "test/reference/lung_km.csv", row.names = FALSE, quote = FALSE)
p <- c(0.1, 0.25, 0.5, 0.75, 0.9)
q_km <- quantile(fit, probs = p, conf.int = FALSE)
q_dead <- quantile(survfit(Surv(d$time[dead], rep(1, sum(dead))) ~ 1), probs = p, conf.int = FALSE)
cat("p          ", sprintf("%6g", p), "\n")
cat("km days    ", sprintf("%6s", format(q_km)), "\n")
cat("dead days  ", sprintf("%6s", format(q_dead)), "\n")
# the deaths alone at p = k / 165, where 1 - S equals p on a flat stretch
# (unless the k-th and (k+1)-th deaths tie): the middle of the two times
p_flat <- c(33, 99) / sum(dead)
cat("dead at p =", sprintf("%.12f", p_flat), ":", format(quantile(survfit(Surv(d$time[dead], rep(1, sum(dead))) ~ 1),
    probs = p_flat, conf.int = FALSE)), "; the 33rd, 34th, 99th, 100th death times:",
    sort(d$time[dead])[c(33, 34, 99, 100)], "\n")
cat(sprintf("km median %s days; median of the dead alone %s days\n",
            format(q_km[3]), format(median(d$time[dead]))))

wilson <- function(label, x, n) {
  ci <- prop.test(x, n, correct = FALSE)$conf.int
  cat(sprintf("%-26s %4d / %4d  rate %.12f  wilson95 [%.12f, %.12f]\n", label, x, n, x / n, ci[1], ci[2]))
}
wilson("resolved", sum(dead), nrow(d))
wilson("first_contact_resolution", sum(d$sex == 2), nrow(d))
known <- !is.na(d$ph_ecog)
wilson("reopened", sum(d$ph_ecog[known] >= 2), sum(known))
for (target in c(180, 365)) {
  met <- sum(dead & d$time <= target)
  missed <- sum(d$time > target)
  cat(sprintf("SLA %d days: met %d missed %d censored %d\n", target, met, missed, nrow(d) - met - missed))
  wilson(sprintf("attainment %d", target), met, met + missed)
}

grp <- ifelse(d$ph_ecog == 0, "no_complaint", ifelse(d$ph_ecog == 1, "resolved", "unresolved"))
alive <- d$status == 1
for (g in c("resolved", "unresolved", "no_complaint"))
  wilson(g, sum(alive[grp == g], na.rm = TRUE), sum(grp == g, na.rm = TRUE))
for (pair in list(c("resolved", "no_complaint"), c("resolved", "unresolved"), c("unresolved", "no_complaint"))) {
  x <- sapply(pair, function(g) sum(alive[grp == g], na.rm = TRUE))
  n <- sapply(pair, function(g) sum(grp == g, na.rm = TRUE))
  t <- prop.test(x, n, correct = FALSE)
  diff <- x[1] / n[1] - x[2] / n[2]
  cat(sprintf("%s - %s: difference %.12f wald95 [%.12f, %.12f] z %.12f p %.12f\n", pair[1], pair[2], diff,
              t$conf.int[1], t$conf.int[2], sign(diff) * sqrt(unname(t$statistic)), t$p.value))
}
