# Public data not in ../shared for sql/clv_public.sql: the chronic
# granulomatous disease trial of R's survival package (`cgd`: 128 patients
# randomized 1989-06-07 .. 1989-12-29, 76 serious infections, follow-up of
# 91 to 439 days per patient; Fleming & Harrington 1991, appendix D.2),
# read as a purchase log.  Public purchase logs are not packaged in Debian;
# a recurrent-event log is what the BTYD models consume: each patient is a
# customer born at randomization (the first "purchase"), every infection day
# a repeat purchase, and the patient's own end of follow-up the as-of date
# (observation is censored there, as a customer base is at its as-of date).
#
# Writes test/reference/cgd_log.csv (id, event_on, follow_up_end: one row
# for the randomization and one per infection) and
# test/reference/cgd_reference.csv (kind, key, value), and prints the
# reference numbers; all computed here, independently of crm:
#   - per-patient summaries in days, over the whole follow-up and for a
#     calibration period to 1990-03-31 (or the end of follow-up if earlier)
#     with the holdout from there to the end of follow-up: totals of x, t_x,
#     T and of the holdout repeat purchases;
#   - the BG/NBD log-likelihood written out from Fader, Hardie & Lee (2005,
#     eq. 6) and maximised with optim (BFGS on log-parameters) from four
#     starts; the Pareto/NBD log-likelihood written as a one-dimensional
#     integral over the time of dropout (no hypergeometric function),
#     maximised the same way; and the NBD (no dropout) fitted alone.  On
#     this data both models' maxima lie on the boundary of the parameter
#     space (no patient "drops out" of infections: a -> 0 and b -> infinity
#     for the BG/NBD, s -> 0 for the Pareto/NBD), where both become the
#     NBD: the supremum of their log-likelihood is the NBD's maximum and r,
#     alpha tend to the NBD's;
#   - at the BG/NBD parameters the best optim run reached on the calibration
#     period (printed with 10 significant digits, the point both sides
#     evaluate): each patient's expected holdout infections by the closed
#     form of Fader, Hardie & Lee (2005, eq. 10), the unconditional E[X(t)]
#     (eq. 7) and the tracking curve (the sum over patients born before the
#     end of each week since 1989-06-07 of E[X(end - birth)]), with the
#     Gauss hypergeometric series summed term by term;
#   - the NBD's expected holdout infections (r + x) / (alpha + T) t.
# Run: Rscript test/reference/clv_public.R (R 4.2.2, survival 3.5-3)
suppressPackageStartupMessages(library(survival))
day <- function(s) as.numeric(as.Date(s))
ids <- sort(unique(cgd$id))
birth_by_id <- tapply(as.numeric(cgd$random), cgd$id, min)
stopifnot(identical(as.integer(names(birth_by_id)), ids))
birth <- as.numeric(birth_by_id)
fu_end <- birth + as.numeric(tapply(cgd$tstop, cgd$id, max))
inf <- cgd[cgd$status == 1, c("id", "tstop")]
inf_day <- birth[match(inf$id, ids)] + inf$tstop
stopifnot(!any(duplicated(paste(inf$id, inf_day))), all(inf$tstop > 0))

log_rows <- rbind(data.frame(id = ids, event_on = birth, k = 0),
                  data.frame(id = inf$id, event_on = inf_day, k = 1))
log_rows <- log_rows[order(log_rows$id, log_rows$event_on), ]
out <- data.frame(id = log_rows$id,
                  event_on = format(as.Date(log_rows$event_on, origin = "1970-01-01")),
                  follow_up_end = format(as.Date(fu_end[match(log_rows$id, ids)], origin = "1970-01-01")))
write.csv(out, "test/reference/cgd_log.csv", row.names = FALSE, quote = FALSE)

# x, t_x, T (days) of every patient up to a per-patient cut-off day
cbs <- function(cut) {
  x <- tx <- numeric(length(ids))
  for (k in seq_along(ids)) {
    d <- inf_day[inf$id == ids[k] & inf_day <= cut[k]] - birth[k]
    x[k] <- length(d)
    tx[k] <- if (length(d)) max(d) else 0
  }
  data.frame(x = x, tx = tx, T = cut - birth)
}
full <- cbs(fu_end)
cal_end <- pmin(day("1990-03-31"), fu_end)
cal <- cbs(cal_end)
cal$x_star <- full$x - cal$x
cal$t_star <- fu_end - cal_end
cat(sprintf("patients %d infections %d repeaters %d\n", length(ids), nrow(inf), sum(full$x > 0)))
cat(sprintf("whole follow-up: sum x %d sum t_x %d sum T %d\n", sum(full$x), sum(full$tx), sum(full$T)))
cat(sprintf("calibration: sum x %d sum t_x %d sum T %d repeaters %d; holdout: sum x %d sum duration %d\n",
            sum(cal$x), sum(cal$tx), sum(cal$T), sum(cal$x > 0), sum(cal$x_star), sum(cal$t_star)))

# BG/NBD log-likelihood, Fader, Hardie & Lee (2005), eq. 6, in log space
bg_ll <- function(p, d) {
  r <- p[1]; al <- p[2]; a <- p[3]; b <- p[4]
  A <- lgamma(r + d$x) - lgamma(r) + r * log(al)
  l1 <- lbeta(a, b + d$x) - lbeta(a, b) + A - (r + d$x) * log(al + d$T)
  l2 <- ifelse(d$x > 0, lbeta(a + 1, b + pmax(d$x, 1) - 1) - lbeta(a, b) + A - (r + d$x) * log(al + d$tx), -Inf)
  m <- pmax(l1, l2)
  sum(m + log(exp(l1 - m) + exp(l2 - m)))
}
# Pareto/NBD: L = Gamma(r+x) alpha^r / Gamma(r) [(alpha+T)^-(r+x) (beta/(beta+T))^s
#   + int_{t_x}^T (alpha+u)^-(r+x) s beta^s (beta+u)^-(s+1) du] (alive at T, or
#   dropout at u in (t_x, T]), integrated numerically
pn_ll1 <- function(p, x, tx, T) {
  r <- p[1]; al <- p[2]; s <- p[3]; be <- p[4]
  A <- lgamma(r + x) - lgamma(r) + r * log(al)
  g <- function(u) -(r + x) * log(al + u) + log(s) + s * log(be) - (s + 1) * log(be + u)
  l1 <- -(r + x) * log(al + T) + s * log(be / (be + T))
  if (T <= tx) return(A + l1)
  m <- g(tx)
  I <- tryCatch(integrate(function(u) exp(g(u) - m), tx, T, rel.tol = 1e-12, abs.tol = 0,
                          subdivisions = 1000L)$value, error = function(e) NA)
  l2 <- m + log(I)
  mm <- max(l1, l2)
  A + mm + log(exp(l1 - mm) + exp(l2 - mm))
}
pn_ll <- function(p, d) sum(mapply(function(x, tx, T) pn_ll1(p, x, tx, T), d$x, d$tx, d$T))
# NBD: no dropout
nbd_ll <- function(p, d) sum(lgamma(p[1] + d$x) - lgamma(p[1]) + p[1] * log(p[2]) - (p[1] + d$x) * log(p[2] + d$T))

fit <- function(ll, d, starts, label, maxit = 10000) {
  best <- NULL
  for (s in starts) {
    o <- optim(log(s), function(lp) { v <- -ll(exp(lp), d); if (is.finite(v)) v else 1e300 },
               method = "BFGS", control = list(maxit = maxit, reltol = 1e-15))
    cat(sprintf("  %s from (%s): %s ll %.9f\n", label, paste(s, collapse = ", "),
                paste(sprintf("%.8g", exp(o$par)), collapse = " "), -o$value))
    if (is.null(best) || o$value < best$value) best <- o
  }
  best
}
starts4 <- list(c(1, 1, 1, 1), c(0.5, 100, 0.5, 2), c(0.2, 50, 1, 5), c(2, 500, 2, 200))
for (part in c("whole follow-up", "calibration")) {
  d <- if (part == "calibration") cal else full
  cat(part, ":\n", sep = "")
  bg <- fit(bg_ll, d, starts4, "BG/NBD")
  pn <- fit(pn_ll, d, starts4, "Pareto/NBD", maxit = 200)
  nb <- fit(nbd_ll, d, list(c(1, 1), c(0.2, 50), c(2, 500)), "NBD")
  nb <- nlminb(nb$par, function(lp) -nbd_ll(exp(lp), d))
  cat(sprintf("  NBD (nlminb): r %.10g alpha %.10g ll %.10f\n", exp(nb$par[1]), exp(nb$par[2]), -nb$objective))
  if (part == "calibration") {
    bg_cal <- exp(bg$par)
    pn_cal <- exp(pn$par)
    nbd_cal <- exp(nb$par)
  }
}

# Gauss hypergeometric 2F1(A, B; C; z), |z| < 1, its series summed term by term
h2f1 <- function(A, B, C, z) {
  term <- 1; s <- 1; k <- 0
  repeat {
    term <- term * (A + k) * (B + k) / ((C + k) * (k + 1)) * z
    s <- s + term; k <- k + 1
    if (abs(term) < 1e-17 * abs(s) || k > 100000) break
  }
  s
}
# BG/NBD E[X(t)] (eq. 7) and E[Y(t) | x, t_x, T] (eq. 10)
bg_ex <- function(p, t) {
  r <- p[1]; al <- p[2]; a <- p[3]; b <- p[4]
  (a + b - 1) / (a - 1) * (1 - (al / (al + t))^r * h2f1(r, b, a + b - 1, t / (al + t)))
}
bg_cond <- function(p, t, x, tx, T) {
  r <- p[1]; al <- p[2]; a <- p[3]; b <- p[4]
  num <- (a + b + x - 1) / (a - 1) *
    (1 - ((al + T) / (al + T + t))^(r + x) * h2f1(r + x, b + x, a + b + x - 1, t / (al + T + t)))
  num / (1 + (x > 0) * a / (b + x - 1) * ((al + T) / (al + tx))^(r + x))
}
# the evaluation point: the best calibration BG/NBD run, 10 significant digits
P <- signif(bg_cal, 10)
N <- signif(nbd_cal, 10)
cat(sprintf("evaluation point BG/NBD r %.10g alpha %.10g a %.10g b %.10g\n", P[1], P[2], P[3], P[4]))
cat(sprintf("evaluation point NBD r %.10g alpha %.10g\n", N[1], N[2]))
PN <- signif(pn_cal, 10)
cat(sprintf("calibration log-likelihoods: BG/NBD at its evaluation point %.10f; Pareto/NBD at r %.10g alpha %.10g s %.10g beta %.10g (its best run) %.10f\n",
            bg_ll(P, cal), PN[1], PN[2], PN[3], PN[4], pn_ll(PN, cal)))
cat(sprintf("calibration log-likelihood of the Pareto/NBD at the given point r 0.6 alpha 400 s 0.5 beta 300: %.10f\n",
            pn_ll(c(0.6, 400, 0.5, 300), cal)))
ref <- data.frame(kind = character(), key = numeric(), value = numeric())
add <- function(kind, key, value) ref <<- rbind(ref, data.frame(kind = kind, key = key, value = value))
for (k in seq_along(ids)) {
  add("bgnbd_holdout", ids[k], bg_cond(P, cal$t_star[k], cal$x[k], cal$tx[k], cal$T[k]))
  add("nbd_holdout", ids[k], (N[1] + cal$x[k]) / (N[2] + cal$T[k]) * cal$t_star[k])
}
for (t in c(7, 30, 91, 182, 365)) add("bgnbd_ex", t, bg_ex(P, t))
origin <- day("1989-06-07")
for (w in 1:42) {
  e <- origin + 7 * w
  born <- birth < e
  add("bgnbd_tracking", w, sum(sapply(e - birth[born], function(t) bg_ex(P, t))))
}
write.csv(transform(ref, value = sprintf("%.17g", value)), "test/reference/cgd_reference.csv",
          row.names = FALSE, quote = FALSE)
h <- ref[ref$kind == "bgnbd_holdout", "value"]
cat(sprintf("BG/NBD expected holdout infections: total %.10f, patient 1 %.10f\n", sum(h), h[1]))
cat(sprintf("BG/NBD E[X(t)], t = 7, 30, 91, 182, 365 days: %s\n",
            paste(sprintf("%.10f", ref[ref$kind == "bgnbd_ex", "value"]), collapse = " ")))
cat(sprintf("BG/NBD tracking, cumulative at week 42: %.10f\n", ref[ref$kind == "bgnbd_tracking", "value"][42]))
