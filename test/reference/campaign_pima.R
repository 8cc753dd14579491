# Public data not in ../shared for sql/campaign_public.sql: the Pima Indians
# diabetes test set of R's MASS package (Pima.te: 332 women, plasma glucose
# `glu`, diabetic `type`), glucose as a score and diabetes as the response.
# Writes test/reference/pima_te.csv (id, glu, diabetic) and prints reference
# numbers computed independently of crm:
#   - AUC by the Mann-Whitney statistic (ties counted 1/2: wilcox.test's W),
#     and Gini = 2 AUC - 1;
#   - the response rate with the Wilson score interval at 95 % (prop.test
#     without continuity correction);
#   - cumulative customers and responders of the first b of 10 score
#     buckets, ties never split: a customer of rank r (SQL rank(), 1 + the
#     number of strictly higher scores) is in bucket ceil(10 r / N), so the
#     first b buckets are the customers with r <= floor(b N / 10).
# Run: Rscript test/reference/campaign_pima.R
suppressPackageStartupMessages(library(MASS))
d <- data.frame(id = seq_len(nrow(Pima.te)), glu = Pima.te$glu, diabetic = Pima.te$type == "Yes")
write.csv(d, "test/reference/pima_te.csv", row.names = FALSE, quote = FALSE)
pos <- d$glu[d$diabetic]
neg <- d$glu[!d$diabetic]
w <- suppressWarnings(wilcox.test(pos, neg, exact = FALSE)$statistic)
auc <- as.numeric(w) / (length(pos) * length(neg))
cat(sprintf("N %d responders %d\n", nrow(d), sum(d$diabetic)))
cat(sprintf("AUC %.12f Gini %.12f\n", auc, 2 * auc - 1))
ci <- prop.test(sum(d$diabetic), nrow(d), conf.level = 0.95, correct = FALSE)$conf.int
cat(sprintf("rate %.12f wilson95 [%.12f, %.12f]\n", mean(d$diabetic), ci[1], ci[2]))
rank_desc <- sapply(d$glu, function(g) 1 + sum(d$glu > g))
for (b in c(1, 2, 3, 5)) {
  top <- rank_desc <= floor(b * nrow(d) / 10)
  cat(sprintf("buckets 1-%d: customers %d responders %d\n", b, sum(top), sum(d$diabetic[top])))
}
