# Public basket-style data not in ../shared for sql/basket_public.sql: R's
# datasets::Titanic (Dawson 1995; the 2,201 people aboard by class, sex,
# age and survival), the classic data of association-rule tutorials.  Each
# person is a basket of four items, one per attribute: 'Class=1st',
# 'Sex=Male', 'Age=Adult', 'Survived=No' ...
#
# Writes, under test/reference/:
#   - titanic.csv: one row per (passenger, item): passenger id (1..2201, in
#     the order of as.data.frame(Titanic) with each cell repeated Freq
#     times), the item's code (1..10, fixed below) and its label;
#   - titanic_itemsets.csv: every itemset of 1 to 3 items held by at least
#     one passenger, its count and support;
#   - titanic_rules.csv: every rule X -> y (X of 1 or 2 items, X u {y} held
#     by at least one passenger) with the counts of X, y and X u {y},
#     support, confidence, lift and conviction (empty where the confidence
#     is 1: conviction is infinite there).
# The counts are computed independently of crm and of the expanded rows:
# the count of an itemset is the sum of the 4-way table's cells that match
# it; the measures are base arithmetic on those counts (support c/n,
# confidence c/c(X), lift confidence / (c(y)/n), conviction
# (1 - c(y)/n) / (1 - confidence)).  Floats are written with 17
# significant digits.  It also prints the textbook rules quoted in the test.
# Run: Rscript test/reference/basket_titanic.R
tab <- as.data.frame(Titanic, stringsAsFactors = FALSE)
attrs <- c("Class", "Sex", "Age", "Survived")
items <- data.frame(
  item_id = 1:10,
  attr = c(rep("Class", 4), rep("Sex", 2), rep("Age", 2), rep("Survived", 2)),
  value = c("1st", "2nd", "3rd", "Crew", "Male", "Female", "Child", "Adult", "No", "Yes"),
  stringsAsFactors = FALSE)
items$label <- paste0(items$attr, "=", items$value)
n <- sum(tab$Freq)

# one row per (passenger, item)
people <- tab[rep(seq_len(nrow(tab)), tab$Freq), attrs]
rows <- do.call(rbind, lapply(seq_len(nrow(people)), function(p) {
  lab <- paste0(attrs, "=", unlist(people[p, attrs]))
  data.frame(passenger = p, item_id = match(lab, items$label), item = lab)
}))
write.csv(rows, "test/reference/titanic.csv", row.names = FALSE, quote = FALSE)

# the count of an itemset (item ids) from the table's cells
count_of <- function(ids) {
  keep <- rep(TRUE, nrow(tab))
  for (i in ids) keep <- keep & tab[[items$attr[i]]] == items$value[i]
  sum(tab$Freq[keep])
}
sets <- c(lapply(1:10, function(i) i), combn(10, 2, simplify = FALSE), combn(10, 3, simplify = FALSE))
cnt <- vapply(sets, count_of, numeric(1))
keep <- cnt > 0
sets <- sets[keep]
cnt <- cnt[keep]
key <- vapply(sets, function(s) paste0("{", paste(s, collapse = ","), "}"), "")
fmt <- function(x) ifelse(is.finite(x), sprintf("%.17g", x), "")
write.csv(data.frame(itemset = key, size = lengths(sets), count = cnt, support = fmt(cnt / n)),
          "test/reference/titanic_itemsets.csv", row.names = FALSE, quote = TRUE)
cnt_of_key <- setNames(cnt, key)
rules <- do.call(rbind, lapply(sets[lengths(sets) >= 2], function(s) {
  do.call(rbind, lapply(s, function(y) {
    x <- setdiff(s, y)
    cx <- count_of(x)
    cy <- count_of(y)
    c <- count_of(s)
    conf <- c / cx
    data.frame(antecedent = paste0("{", paste(x, collapse = ","), "}"), consequent = paste0("{", y, "}"),
               antecedent_count = cx, consequent_count = cy, count = c,
               support = c / n, confidence = conf, lift = conf / (cy / n),
               conviction = (1 - cy / n) / (1 - conf))
  }))
}))
out <- rules
for (col in c("support", "confidence", "lift", "conviction")) out[[col]] <- fmt(rules[[col]])
write.csv(out, "test/reference/titanic_rules.csv", row.names = FALSE, quote = TRUE)

cat(R.version.string, "\n")
cat(sprintf("passengers %d, rows %d, itemsets %d (sizes 1-3), rules %d, rules with confidence 1: %d\n",
            n, nrow(rows), length(sets), nrow(rules), sum(rules$confidence == 1)))
show <- function(x, y) {
  r <- rules[rules$antecedent == paste0("{", paste(sort(match(x, items$label)), collapse = ","), "}") &
             rules$consequent == paste0("{", match(y, items$label), "}"), ]
  cat(sprintf("{%s} => {%s}: count %d of %d, support %.12f, confidence %.12f, lift %.12f, conviction %s\n",
              paste(x, collapse = ", "), y, r$count, r$antecedent_count, r$support, r$confidence, r$lift,
              if (is.finite(r$conviction)) sprintf("%.12f", r$conviction) else "Inf"))
}
show(c("Class=2nd", "Age=Child"), "Survived=Yes")
show(c("Class=1st", "Sex=Female"), "Survived=Yes")
show(c("Class=3rd", "Sex=Male"), "Survived=No")
show(c("Sex=Female"), "Survived=Yes")
show(c("Class=Crew"), "Age=Adult")
