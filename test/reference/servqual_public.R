# Public paired data not in ../shared for sql/quality_servqual_public.sql.
# crm.servqual_fit's interval of a gap is the one-sample Student t interval
# of the per-respondent gaps P - E (mean +- t(n - 1) sd / sqrt(n)): R's
# paired t.test(P, E, paired = TRUE)$conf.int.  Two public paired data sets
# of base R stand in for expectation and perception (a relabelling, to check
# the arithmetic, not a survey):
#   - datasets::sleep (Cushny & Peebles): 10 patients, extra hours of sleep
#     with drug 1 (E) and drug 2 (P): one item;
#   - MASS::immer (Immer et al. 1934): barley yields of 5 varieties (items,
#     in the order M, P, S, T, V) at 6 locations (respondents), 1931 (E)
#     and 1932 (P); a map of two dimensions, a = items 1-2, b = items 3-5,
#     and importance weights 1 and 3.
# A respondent's dimension gap is the mean of its items' gaps, the overall
# gap the mean of its dimension gaps, the weighted gap (1 g_a + 3 g_b) / 4:
# each is then t-tested over the respondents.
# Writes test/reference/sleep.csv (id, drug1, drug2) and
# test/reference/immer.csv (loc, var, item, y1931, y1932) and prints the
# means and the 95 % and 99 % intervals.
# Run: Rscript test/reference/servqual_public.R
suppressPackageStartupMessages(library(MASS))
cat(R.version.string, "MASS", format(packageVersion("MASS")), "\n")
s <- data.frame(id = 1:10, drug1 = sleep$extra[sleep$group == 1], drug2 = sleep$extra[sleep$group == 2])
stopifnot(all(sleep$ID[sleep$group == 1] == 1:10), all(sleep$ID[sleep$group == 2] == 1:10))
write.csv(s, "test/reference/sleep.csv", row.names = FALSE, quote = FALSE)
vars <- c("M", "P", "S", "T", "V")
im <- data.frame(loc = as.character(immer$Loc), var = as.character(immer$Var),
                 item = match(as.character(immer$Var), vars), y1931 = immer$Y1, y1932 = immer$Y2)
im <- im[order(im$loc, im$item), ]
write.csv(im, "test/reference/immer.csv", row.names = FALSE, quote = FALSE)

show <- function(label, g) {
  for (level in c(0.95, 0.99)) {
    ci <- t.test(g, conf.level = level)$conf.int
    cat(sprintf("%-12s n %2d gap %.12f sd %.12f  %g: [%.12f, %.12f]\n", label, length(g), mean(g), sd(g),
                level, ci[1], ci[2]))
  }
}
show("sleep", s$drug2 - s$drug1)
ci <- t.test(s$drug2, s$drug1, paired = TRUE)$conf.int
cat(sprintf("sleep, t.test(drug2, drug1, paired = TRUE): [%.12f, %.12f]\n", ci[1], ci[2]))
gap <- with(im, tapply(y1932 - y1931, list(loc, item), identity))   # respondents x items
for (i in 1:5) show(sprintf("immer item %d", i), gap[, i])
ga <- rowMeans(gap[, 1:2])
gb <- rowMeans(gap[, 3:5])
show("immer dim a", ga)
show("immer dim b", gb)
show("immer overall", (ga + gb) / 2)
show("immer weighted", (1 * ga + 3 * gb) / 4)
