-- Cross-selling rules on a public groceries basket data set from a Debian
-- package: Weka's supermarket.arff (Debian's weka 3.6.14-3; 4,627 baskets of
-- a New Zealand supermarket, the departments bought, and the basket total
-- low / high), read by test/load/supermarket_arff.sh (from the installed
-- package, or extracted once from the package file; GPL-2, so not copied
-- into crm).  Items are the 216 departments ('bread and cake=t', coded 1 ..
-- 216 in the file's order) and the total ('total=low' 217, 'total=high'
-- 218), as Weka names them.  Checked:
--   (a) against plain-SQL counts on the parsed rows: every frequent itemset
--       (sizes 1-3) and every rule at 0.1, 0.2 and 0.3 minimum support
--       (EXCEPT both ways; support and confidence exactly, lift and
--       conviction to 1e-12 relative), and crm.recommend against the best
--       plain-SQL rule per item;
--   (b) against Weka's Apriori on the same file
--       (test/reference/basket_supermarket_weka.sh, Weka 3.6.14 on Java 17,
--       support 0.2 = 925 baskets as Weka rounds it): its 565 large itemsets
--       of 1 to 3 items with their counts (supermarket_weka_itemsets.csv) and
--       its 1,356 rules with one or two items in X
--       (supermarket_weka_rules.csv), compared with crm at min_support
--       925/4627: itemsets, rules and counts exactly, the confidence to
--       Weka's 2 printed decimals (0.005).
CREATE SCHEMA basket_supermarket;
SET search_path = basket_supermarket, public;
CREATE TABLE arff (n bigserial, line text);
\copy arff (line) FROM PROGRAM 'test/load/supermarket_arff.sh' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02')
-- the attributes in order; the data lines after @data
CREATE TABLE attributes AS
SELECT row_number() OVER (ORDER BY n) AS k, (regexp_match(line, '^@attribute ''([^'']*)''', 'i'))[1] AS name
FROM arff WHERE line ILIKE '@attribute %';
CREATE TABLE labels (item_id bigint PRIMARY KEY, item text);
INSERT INTO labels SELECT k, name || '=t' FROM attributes WHERE name <> 'total';
INSERT INTO labels VALUES (217, 'total=low'), (218, 'total=high');
CREATE TABLE lines AS
SELECT b.basket, CASE WHEN v.value = 't' AND v.k < 217 THEN v.k WHEN v.value = 'low' THEN 217 WHEN v.value = 'high' THEN 218 END AS item_id
FROM (SELECT row_number() OVER (ORDER BY n) AS basket, line FROM arff
      WHERE n > (SELECT n FROM arff WHERE line ILIKE '@data%') AND line <> '') b,
     unnest(string_to_array(b.line, ',')) WITH ORDINALITY v(value, k)
WHERE v.value <> '?';
SELECT (SELECT count(*) FROM attributes) AS attributes, (SELECT max(k) FROM attributes WHERE name = 'total') AS total_at,
       count(DISTINCT basket) AS baskets, count(*) AS lines, count(*) FILTER (WHERE item_id IS NULL) AS unparsed,
       count(DISTINCT item_id) AS items, round(count(*)::numeric / count(DISTINCT basket), 2) AS mean_items
FROM lines;
-- a set of item codes as Weka's labels
CREATE FUNCTION labelled(ids bigint[]) RETURNS text LANGUAGE sql STABLE AS $$
SELECT string_agg(l.item, '|' ORDER BY l.item_id) FROM unnest(ids) i JOIN basket_supermarket.labels l ON l.item_id = i
$$;

CREATE TABLE baskets AS SELECT basket, array_agg(item_id) AS items FROM lines GROUP BY basket;
CREATE TABLE fit AS SELECT crm.basket_fit(items) AS s FROM baskets;
CREATE TABLE fit3 AS SELECT crm.basket_fit(items, (SELECT s FROM fit), 0.1) AS s FROM baskets;
SELECT 'pairs' AS pass, (crm.basket_summary(s)).* FROM fit
UNION ALL SELECT 'triples', (crm.basket_summary(s)).* FROM fit3;

-- (a) plain SQL: items and pairs of all items; triples of the items held by
-- at least 10 % of the baskets (the only ones a triple at >= 10 % can have)
CREATE TABLE n AS SELECT count(DISTINCT basket) AS n FROM lines;
CREATE TABLE frequent_lines AS
SELECT l.* FROM lines l JOIN (SELECT item_id FROM lines GROUP BY item_id HAVING count(*)::float8 / (SELECT n FROM n) >= 0.1) f USING (item_id);
CREATE TABLE sql_sets AS
SELECT ARRAY[a.item_id] AS itemset, count(*) AS count FROM lines a GROUP BY a.item_id
UNION ALL
SELECT ARRAY[a.item_id, b.item_id], count(*) FROM lines a JOIN lines b ON a.basket = b.basket AND a.item_id < b.item_id
GROUP BY a.item_id, b.item_id
UNION ALL
SELECT ARRAY[a.item_id, b.item_id, c.item_id], count(*)
FROM frequent_lines a JOIN frequent_lines b ON a.basket = b.basket AND a.item_id < b.item_id
  JOIN frequent_lines c ON c.basket = a.basket AND b.item_id < c.item_id GROUP BY a.item_id, b.item_id, c.item_id;
SELECT min_support, count(*) AS itemsets, count(*) FILTER (WHERE size = 2) AS pairs, count(*) FILTER (WHERE size = 3) AS triples,
       (SELECT count(*) FROM (SELECT itemset, count FROM crm.frequent_itemsets((SELECT s FROM fit3), min_support)
                              EXCEPT SELECT itemset, count FROM sql_sets, n WHERE count::float8 / n >= min_support) d) AS not_in_sql,
       (SELECT count(*) FROM (SELECT itemset, count FROM sql_sets, n WHERE count::float8 / n >= min_support
                              EXCEPT SELECT itemset, count FROM crm.frequent_itemsets((SELECT s FROM fit3), min_support)) d) AS not_in_crm,
       bool_and(support = count::float8 / (SELECT n FROM n)) AS support_exact
FROM unnest(ARRAY[0.1, 0.2, 0.3]::float8[]) min_support, crm.frequent_itemsets((SELECT s FROM fit3), min_support)
GROUP BY min_support ORDER BY 1;
CREATE TABLE sql_rules AS
SELECT x.itemset AS antecedent, ARRAY[y] AS consequent, x.count AS x_count, yc.count AS y_count, xy.count AS count,
       xy.count::float8 / n AS support, xy.count::float8 / x.count AS confidence,
       xy.count::float8 * n / (x.count::float8 * yc.count) AS lift,
       CASE WHEN xy.count = x.count THEN NULL
            ELSE (n - yc.count)::float8 * x.count / (n::float8 * (x.count - xy.count)) END AS conviction
FROM sql_sets xy CROSS JOIN n CROSS JOIN LATERAL unnest(xy.itemset) AS y
JOIN sql_sets x ON x.itemset = array_remove(xy.itemset, y)
JOIN sql_sets yc ON yc.itemset = ARRAY[y]
WHERE cardinality(xy.itemset) >= 2;
-- crm's rules against the plain-SQL ones at a support and confidence: rows,
-- rules that differ (missing, a count, support or confidence not exactly
-- equal, lift or conviction beyond 1e-12 relative), NULL convictions
CREATE FUNCTION rules_equal(state crm.basket_state, min_support float8, min_confidence float8)
RETURNS TABLE (rules bigint, differing bigint, conviction_null bigint) LANGUAGE sql AS $$
WITH c AS (SELECT * FROM crm.association_rules(state, min_support, min_confidence)),
     s AS (SELECT r.* FROM basket_supermarket.sql_rules r, basket_supermarket.n
           WHERE r.count::float8 / n.n >= min_support AND r.confidence >= min_confidence)
SELECT (SELECT count(*) FROM c),
       (SELECT count(*) FROM c FULL JOIN s USING (antecedent, consequent)
        WHERE c.count IS DISTINCT FROM s.count OR c.antecedent_count IS DISTINCT FROM s.x_count
           OR c.consequent_count IS DISTINCT FROM s.y_count OR c.support IS DISTINCT FROM s.support
           OR c.confidence IS DISTINCT FROM s.confidence OR NOT abs(c.lift - s.lift) <= 1e-12 * s.lift
           OR (c.conviction IS NULL) <> (s.conviction IS NULL) OR abs(c.conviction - s.conviction) > 1e-12 * s.conviction),
       (SELECT count(*) FROM c WHERE c.conviction IS NULL)
$$;
SELECT s.min_support, s.min_confidence, r.*
FROM (VALUES (0.1, 0), (0.2, 0), (0.2, 0.8), (0.3, 0.5)) s(min_support, min_confidence),
     rules_equal((SELECT s FROM fit3), s.min_support, s.min_confidence) r;
-- the strongest rules at 20 % support
SELECT labelled(antecedent) AS antecedent, labelled(consequent) AS consequent, antecedent_count, count,
       round(confidence::numeric, 4) AS confidence, round(lift::numeric, 4) AS lift, round(conviction::numeric, 4) AS conviction
FROM crm.association_rules((SELECT s FROM fit3), 0.2, 0.8) LIMIT 5;
-- no NaN or Infinity
SELECT count(*) AS rules, count(*) FILTER (WHERE 'NaN' IN (support, confidence, lift, conviction)
                           OR abs(lift) = 'Infinity' OR abs(conviction) = 'Infinity') AS not_finite
FROM crm.association_rules((SELECT s FROM fit3), 0.1, 0);

-- recommendations: crm.recommend (k 5, 10 % support) = the best plain-SQL
-- rule per item not in the basket, in the rules' order, for the first 200
-- baskets and for Weka's textbook basket
SELECT rank, labelled(ARRAY[item]) AS item, labelled(antecedent) AS antecedent, count, round(confidence::numeric, 4) AS confidence
FROM crm.recommend((SELECT s FROM fit3),
                   ARRAY(SELECT item_id FROM labels WHERE item IN ('biscuits=t', 'frozen foods=t', 'fruit=t', 'total=high')), 3, 0.1, 0);
CREATE TABLE crm_recommend AS
SELECT b.basket, x.* FROM baskets b, fit3, crm.recommend(fit3.s, b.items, 5, 0.1, 0) x WHERE b.basket <= 200;
CREATE TABLE sql_recommend AS
SELECT basket, rank, item, antecedent
FROM (SELECT basket, consequent[1] AS item, antecedent,
             row_number() OVER (PARTITION BY basket ORDER BY confidence DESC, lift DESC, count DESC,
                                                            cardinality(antecedent), antecedent, consequent) AS rank
      FROM (SELECT DISTINCT ON (b.basket, r.consequent) b.basket, r.*
            FROM baskets b JOIN (SELECT r.* FROM sql_rules r, n WHERE r.count::float8 / n.n >= 0.1 OFFSET 0) r
              ON r.antecedent <@ b.items AND NOT r.consequent <@ b.items
            WHERE b.basket <= 200
            ORDER BY b.basket, r.consequent, r.confidence DESC, r.lift DESC, r.count DESC, cardinality(r.antecedent),
                     r.antecedent) best) ranked
WHERE rank <= 5;
SELECT count(DISTINCT basket) AS baskets, count(*) AS recommendations,
       (SELECT count(*) FROM (SELECT basket, rank, item, antecedent FROM crm_recommend
                              EXCEPT SELECT basket, rank, item, antecedent FROM sql_recommend) d) AS not_in_sql,
       (SELECT count(*) FROM (SELECT basket, rank, item, antecedent FROM sql_recommend
                              EXCEPT SELECT basket, rank, item, antecedent FROM crm_recommend) d) AS not_in_crm
FROM crm_recommend;

-- (b) Weka's Apriori at 925 baskets (0.2 as Weka rounds it)
CREATE TABLE weka_itemsets (itemset text, size int, count bigint);
\copy weka_itemsets FROM 'test/reference/supermarket_weka_itemsets.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE weka_rules (antecedent text, consequent text, antecedent_count bigint, count bigint, confidence float8);
\copy weka_rules FROM 'test/reference/supermarket_weka_rules.csv' WITH (FORMAT csv, HEADER true)
-- Weka lists an itemset's labels in the file's attribute order, as labelled() does
CREATE TABLE crm_925 AS
SELECT labelled(itemset) AS itemset, size, count FROM crm.frequent_itemsets((SELECT s FROM fit3), 925.0 / 4627);
SELECT (SELECT count(*) FROM weka_itemsets) AS weka_itemsets, (SELECT count(*) FROM crm_925) AS crm_itemsets,
       (SELECT count(*) FROM (SELECT * FROM crm_925 EXCEPT SELECT * FROM weka_itemsets) d) AS not_in_weka,
       (SELECT count(*) FROM (SELECT * FROM weka_itemsets EXCEPT SELECT * FROM crm_925) d) AS not_in_crm,
       (SELECT min(count) FROM crm_925) AS least_count;
SELECT (SELECT count(*) FROM weka_rules) AS weka_rules, count(*) AS crm_rules,
       count(*) FILTER (WHERE w.antecedent IS NULL) AS not_in_weka,
       (SELECT count(*) FROM weka_rules) - count(w.antecedent) AS not_in_crm,
       count(*) FILTER (WHERE w.antecedent_count <> c.antecedent_count OR w.count <> c.count) AS counts_differ,
       count(*) FILTER (WHERE abs(w.confidence - c.confidence) > 0.005) AS confidence_differs
FROM crm.association_rules((SELECT s FROM fit3), 925.0 / 4627, 0) c
LEFT JOIN weka_rules w ON w.antecedent = labelled(c.antecedent) AND w.consequent = labelled(c.consequent);
DROP SCHEMA basket_supermarket CASCADE;
