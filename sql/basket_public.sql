-- Cross-selling rules on public data not in ../shared: R's datasets::Titanic
-- (the 2,201 people aboard by class, sex, age and survival; Dawson 1995),
-- the classic basket-style data of association-rule tutorials.  Each person
-- is a basket of four items, one per attribute ('Class=2nd', 'Sex=Female',
-- 'Age=Child', 'Survived=Yes' ...).  test/reference/basket_titanic.R (R 4.2.2)
-- writes the baskets (test/reference/titanic.csv, one row per passenger and
-- item, items coded 1..10) and, computed independently of crm from the
-- cells of the 4-way table, every itemset of 1 to 3 items with its count
-- (titanic_itemsets.csv, 95 itemsets) and every rule X -> y with one or two
-- items in X (titanic_rules.csv, 220 rules, 10 of confidence 1 whose
-- conviction is infinite and left empty), floats with 17 significant digits.
-- Checked: crm's frequent itemsets (sizes 1-3) and rules equal
--   (a) plain-SQL counts on the loaded rows (all itemsets and rules at or
--       above 3 minimum supports, EXCEPT both ways; support and confidence
--       exactly, lift and conviction to 1e-12 relative), and
--   (b) R's numbers: counts exactly, support, confidence, lift and
--       conviction to 1e-12 relative (R prints 17 digits; crm and R divide
--       the same counts, in another order for lift and conviction); a
--       conviction is NULL in crm exactly where R's is infinite.
-- R printed, for the textbook rules shown below: {Class=2nd, Age=Child} =>
-- {Survived=Yes} count 24 of 24, support 0.010904134484, confidence 1,
-- lift 3.095639943741 (= 2201/711), conviction Inf; {Class=1st, Sex=Female}
-- => {Survived=Yes} 141 of 145, lift 3.010242979776, conviction
-- 24.539981826442; {Class=3rd, Sex=Male} => {Survived=No} 422 of 510, lift
-- 1.222295038821, conviction 1.872134566932.  crm.recommend is checked
-- against the best R rule per item for every basket of 1 to 3 attributes.
CREATE SCHEMA basket_public;
SET search_path = basket_public, public;
CREATE TABLE titanic (passenger int, item_id bigint, item text);
\copy titanic FROM 'test/reference/titanic.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE r_itemsets (itemset bigint[], size int, count bigint, support float8);
\copy r_itemsets FROM 'test/reference/titanic_itemsets.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE r_rules (antecedent bigint[], consequent bigint[], antecedent_count bigint, consequent_count bigint,
                      count bigint, support float8, confidence float8, lift float8, conviction float8);
\copy r_rules FROM 'test/reference/titanic_rules.csv' WITH (FORMAT csv, HEADER true, FORCE_NULL (conviction))
CREATE TABLE labels AS SELECT DISTINCT item_id, item FROM titanic;
-- a set of item codes as labels, for reading
CREATE FUNCTION labelled(ids bigint[]) RETURNS text LANGUAGE sql STABLE AS $$
SELECT string_agg(l.item, ', ' ORDER BY l.item_id) FROM unnest(ids) i JOIN basket_public.labels l ON l.item_id = i
$$;
SELECT count(*) AS rows, count(DISTINCT passenger) AS passengers, count(DISTINCT item_id) AS items,
       (SELECT count(*) FROM r_itemsets) AS r_itemsets, (SELECT count(*) FROM r_rules) AS r_rules,
       (SELECT count(*) FROM r_rules WHERE conviction IS NULL) AS r_infinite_conviction
FROM titanic;
SELECT item_id, item, count(*) AS passengers FROM titanic GROUP BY 1, 2 ORDER BY 1;

-- the baskets; one pass with every item and pair, then the triples of
-- pairs held by any passenger (0.0004 < 1/2201: nothing is pruned)
CREATE TABLE baskets AS SELECT passenger, array_agg(item_id ORDER BY item_id) AS items FROM titanic GROUP BY passenger;
CREATE TABLE fit AS SELECT crm.basket_fit(items) AS s FROM baskets;
CREATE TABLE fit3 AS SELECT crm.basket_fit(items, (SELECT s FROM fit), 0.0004) AS s FROM baskets;
SELECT 'pairs' AS pass, (crm.basket_summary(s)).* FROM fit
UNION ALL SELECT 'triples', (crm.basket_summary(s)).* FROM fit3;
-- states of disjoint passengers merge to the one pass
SELECT crm.basket_merge(s)::text = (SELECT s::text FROM fit3) AS merged_equals_one_pass
FROM (SELECT crm.basket_fit(items, (SELECT s FROM fit), 0.0004) AS s FROM baskets GROUP BY passenger % 4) p;

-- (a) the plain-SQL counts: the passengers holding each item, pair, triple
CREATE TABLE sql_sets AS
SELECT ARRAY[a.item_id] AS itemset, count(*) AS count FROM titanic a GROUP BY a.item_id
UNION ALL
SELECT ARRAY[a.item_id, b.item_id], count(*) FROM titanic a JOIN titanic b ON a.passenger = b.passenger AND a.item_id < b.item_id
GROUP BY a.item_id, b.item_id
UNION ALL
SELECT ARRAY[a.item_id, b.item_id, c.item_id], count(*) FROM titanic a JOIN titanic b ON a.passenger = b.passenger AND a.item_id < b.item_id
  JOIN titanic c ON c.passenger = a.passenger AND b.item_id < c.item_id GROUP BY a.item_id, b.item_id, c.item_id;
CREATE TABLE n AS SELECT count(DISTINCT passenger) AS n FROM titanic;
SELECT min_support, count(*) AS itemsets, count(*) FILTER (WHERE size = 3) AS triples,
       (SELECT count(*) FROM (SELECT itemset, count FROM crm.frequent_itemsets((SELECT s FROM fit3), min_support)
                              EXCEPT SELECT itemset, count FROM sql_sets, n WHERE count::float8 / n >= min_support) d) AS not_in_sql,
       (SELECT count(*) FROM (SELECT itemset, count FROM sql_sets, n WHERE count::float8 / n >= min_support
                              EXCEPT SELECT itemset, count FROM crm.frequent_itemsets((SELECT s FROM fit3), min_support)) d) AS not_in_crm,
       bool_and(support = count::float8 / (SELECT n FROM n)) AS support_exact
FROM unnest(ARRAY[0.0004, 0.01, 0.05]::float8[]) min_support, crm.frequent_itemsets((SELECT s FROM fit3), min_support)
GROUP BY min_support ORDER BY 1;
CREATE TABLE sql_rules AS
SELECT x.itemset AS antecedent, ARRAY[y] AS consequent, x.count AS x_count, yc.count AS y_count, xy.count AS count,
       xy.count::float8 / n AS support, xy.count::float8 / x.count AS confidence,
       xy.count::float8 * n / (x.count::float8 * yc.count) AS lift,
       CASE WHEN xy.count = x.count THEN NULL
            ELSE (n - yc.count)::float8 * x.count / (n::float8 * (x.count - xy.count)) END AS conviction
FROM sql_sets xy CROSS JOIN n CROSS JOIN LATERAL unnest(xy.itemset) AS y
JOIN sql_sets x ON x.itemset = ARRAY(SELECT e FROM unnest(xy.itemset) e WHERE e <> y ORDER BY e)
JOIN sql_sets yc ON yc.itemset = ARRAY[y]
WHERE cardinality(xy.itemset) >= 2;
-- the rules of crm and of a reference table r (plain SQL or R) at a support
-- and confidence: rows, rules that differ (a missing rule, a count, or a
-- measure beyond its tolerance), NULL convictions in each
CREATE FUNCTION rules_equal(state crm.basket_state, min_support float8, min_confidence float8, reference text)
RETURNS TABLE (rules bigint, differing bigint, crm_conviction_null bigint, reference_conviction_null bigint)
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format($q$CREATE TEMP VIEW ref AS
		SELECT antecedent, consequent, %s AS x_count, %s AS y_count, count, support, confidence, lift, conviction
		FROM basket_public.%I r, basket_public.n WHERE r.count::float8 / n.n >= %s AND r.confidence >= %s$q$,
		CASE reference WHEN 'sql_rules' THEN 'x_count' ELSE 'antecedent_count' END,
		CASE reference WHEN 'sql_rules' THEN 'y_count' ELSE 'consequent_count' END,
		reference, min_support, min_confidence);
	RETURN QUERY
	WITH c AS (SELECT * FROM crm.association_rules(state, min_support, min_confidence))
	SELECT (SELECT count(*) FROM c),
	       (SELECT count(*) FROM c FULL JOIN ref s USING (antecedent, consequent)
	        WHERE c.count IS DISTINCT FROM s.count OR c.antecedent_count IS DISTINCT FROM s.x_count
	           OR c.consequent_count IS DISTINCT FROM s.y_count
	           OR NOT abs(c.support - s.support) <= 1e-12 * s.support
	           OR NOT abs(c.confidence - s.confidence) <= 1e-12 * s.confidence
	           OR NOT abs(c.lift - s.lift) <= 1e-12 * s.lift
	           OR (c.conviction IS NULL) <> (s.conviction IS NULL)
	           OR abs(c.conviction - s.conviction) > 1e-12 * s.conviction),
	       (SELECT count(*) FROM c WHERE c.conviction IS NULL),
	       (SELECT count(*) FROM ref WHERE ref.conviction IS NULL);
	DROP VIEW ref;
END $$;
SELECT s.min_support, s.min_confidence, r.*
FROM (VALUES (0.0004, 0), (0.01, 0), (0.01, 0.8), (0.05, 0.5)) s(min_support, min_confidence),
     rules_equal((SELECT s FROM fit3), s.min_support, s.min_confidence, 'sql_rules') r;
-- support and confidence are the same float8 divisions as in SQL: exact
SELECT bool_and(c.support = s.support AND c.confidence = s.confidence) AS support_confidence_exact
FROM crm.association_rules((SELECT s FROM fit3), 0.0004, 0) c JOIN sql_rules s USING (antecedent, consequent);

-- (b) R's itemsets and rules (tolerance above)
SELECT count(*) AS itemsets,
       (SELECT count(*) FROM (SELECT itemset, size, count FROM crm.frequent_itemsets((SELECT s FROM fit3), 0.0004)
                              EXCEPT SELECT itemset, size, count FROM r_itemsets) d) AS not_in_r,
       (SELECT count(*) FROM (SELECT itemset, size, count FROM r_itemsets
                              EXCEPT SELECT itemset, size, count FROM crm.frequent_itemsets((SELECT s FROM fit3), 0.0004)) d) AS not_in_crm,
       bool_and(abs(c.support - r.support) <= 1e-12 * r.support) AS support_within_1e12
FROM crm.frequent_itemsets((SELECT s FROM fit3), 0.0004) c JOIN r_itemsets r USING (itemset);
SELECT s.min_support, s.min_confidence, r.*
FROM (VALUES (0.0004, 0), (0.01, 0), (0.01, 0.8), (0.05, 0.5)) s(min_support, min_confidence),
     rules_equal((SELECT s FROM fit3), s.min_support, s.min_confidence, 'r_rules') r;
-- no NaN or Infinity anywhere in the rules
SELECT count(*) FILTER (WHERE 'NaN' IN (support, confidence, lift, conviction)
                           OR abs(support) = 'Infinity' OR abs(lift) = 'Infinity' OR abs(conviction) = 'Infinity') AS not_finite
FROM crm.association_rules((SELECT s FROM fit3), 0.0004, 0);
-- the textbook rules, as crm reads them
SELECT labelled(antecedent) AS antecedent, labelled(consequent) AS consequent, antecedent_count, count,
       round(support::numeric, 6) AS support, round(confidence::numeric, 6) AS confidence,
       round(lift::numeric, 6) AS lift, round(conviction::numeric, 6) AS conviction
FROM crm.association_rules((SELECT s FROM fit3), 0.01, 0)
WHERE (antecedent, consequent) IN (('{2,7}', '{10}'), ('{1,6}', '{10}'), ('{3,5}', '{9}'), ('{6}', '{10}'), ('{4}', '{8}'));
SELECT abs(lift - 2201.0 / 711) <= 1e-12 * lift AS lift_is_2201_over_711
FROM crm.association_rules((SELECT s FROM fit3), 0.01, 0) WHERE antecedent = '{2,7}' AND consequent = '{10}';
-- the strongest rules with survival as the consequent
SELECT labelled(antecedent) AS antecedent, labelled(consequent) AS consequent, count,
       round(confidence::numeric, 4) AS confidence, round(lift::numeric, 4) AS lift, round(conviction::numeric, 4) AS conviction
FROM crm.association_rules((SELECT s FROM fit3), 0.005, 0.9) WHERE consequent <@ '{9,10}';

-- recommendations: for every basket of 1 to 3 items of different
-- attributes, crm.recommend (k 10, every rule counted) equals the best R
-- rule X -> y per item y not in the basket (X in the basket), ranked by
-- confidence, lift, count descending, then the shorter antecedent, its
-- items and the item
SELECT rank, labelled(ARRAY[item]) AS item, labelled(antecedent) AS antecedent, count,
       round(confidence::numeric, 4) AS confidence, round(lift::numeric, 4) AS lift
FROM crm.recommend((SELECT s FROM fit3), '{2,7}', 3);
CREATE TABLE probe AS
SELECT DISTINCT ARRAY(SELECT DISTINCT e FROM unnest(ARRAY[a, b, c]) e WHERE e IS NOT NULL ORDER BY e) AS basket
FROM (VALUES (1::bigint), (2), (3), (4), (NULL)) cl(a), (VALUES (5::bigint), (6), (NULL)) sx(b),
     (VALUES (7::bigint), (8), (NULL)) ag(c)
WHERE num_nonnulls(a, b, c) >= 1;
CREATE TABLE r_recommend AS
SELECT basket, row_number() OVER (PARTITION BY basket ORDER BY confidence DESC, lift DESC, count DESC,
                                  cardinality(antecedent), antecedent, consequent) AS rank,
       consequent[1] AS item, antecedent
FROM (SELECT DISTINCT ON (p.basket, r.consequent) p.basket, r.*
      FROM probe p JOIN r_rules r ON r.antecedent <@ p.basket AND NOT r.consequent <@ p.basket
      ORDER BY p.basket, r.consequent, r.confidence DESC, r.lift DESC, r.count DESC, cardinality(r.antecedent), r.antecedent) best;
SELECT count(*) AS baskets,
       count(*) FILTER (WHERE crm_rows = r_rows) AS same_recommendations,
       sum(cardinality(crm_rows)) AS recommendations
FROM (SELECT p.basket,
             (SELECT array_agg(x.rank || ':' || x.item || '<-' || x.antecedent::text ORDER BY x.rank)
              FROM crm.recommend((SELECT s FROM fit3), p.basket, 10) x) AS crm_rows,
             (SELECT array_agg(x.rank || ':' || x.item || '<-' || x.antecedent::text ORDER BY x.rank)
              FROM r_recommend x WHERE x.basket = p.basket AND x.rank <= 10) AS r_rows
      FROM probe p) t;
DROP SCHEMA basket_public CASCADE;
