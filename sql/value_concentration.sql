-- crm.concentration_fit and its accessors: top shares, customers for a
-- share, Gini, Lorenz curve.  Tiny inputs with answers known by hand, then
-- the CDNOW sample against the same measures computed in plain SQL with
-- window functions (1e-12).
CREATE SCHEMA value_concentration;
SET search_path = value_concentration, public;

-- hand-checked: values 0, 1, 2, 2, 5 (n = 5, total 10).  From the top:
-- 5 holds 0.5 with 0.2 of the customers, the two 2s bring 0.9 at 0.6, 1 brings
-- 1.0 at 0.8, and the 0 customer adds no value.  Gini = sum (2i - n - 1) x_i /
-- (n sum x) over ascending x = (-2 + 0 + 4 + 20) / 50 = 0.44.
CREATE TABLE five AS SELECT * FROM (VALUES (1, 0.0::float8), (2, 1), (3, 2), (4, 2), (5, 5)) v(id, v);
SELECT crm.concentration_fit(v) FROM five;
SELECT crm.customers(c), crm.total_value(c), crm.distinct_values(c),
       crm.top_share(c, 0.2) AS top_20, crm.top_share(c, 0.5) AS top_50, crm.top_share(c, 0.8) AS top_80,
       crm.top_share(c, 1) AS top_all, round(crm.gini(c)::numeric, 12) AS gini,
       crm.customers_for_share(c, 0.5) AS for_50, crm.customers_for_share(c, 0.8) AS for_80,
       crm.customers_for_share(c, 1) AS for_all
FROM (SELECT crm.concentration_fit(v) AS c FROM five) s;
-- a fractional customer at the boundary counts with that fraction of its value:
-- the top 0.3 of 5 customers is 1.5 customers, 5 + 0.5 * 2 = 6 of 10
SELECT round(crm.top_share(c, 0.3)::numeric, 12) AS top_30,
       round(crm.customers_for_share(c, 0.6)::numeric, 12) AS for_60
FROM (SELECT crm.concentration_fit(v) AS c FROM five) s;
-- the Lorenz curve: vertices (exact), and at 5 points (bottom shares)
SELECT customer_share, round(value_share::numeric, 12) AS value_share
FROM crm.lorenz((SELECT crm.concentration_fit(v) FROM five));
SELECT customer_share, round(value_share::numeric, 12) AS value_share
FROM crm.lorenz((SELECT crm.concentration_fit(v) FROM five), 5);

-- all values equal: top_share(f) = f and customers_for_share(s) = s exactly,
-- Gini 0, the Lorenz curve is the diagonal
CREATE TABLE equal AS SELECT i AS id, 3.7::float8 AS v FROM generate_series(1, 7) i;
SELECT f, crm.top_share(c, f) = f AS top_share_is_f, crm.customers_for_share(c, f) = f AS inverse_is_f
FROM (SELECT crm.concentration_fit(v) AS c FROM equal) s,
     (VALUES (0.01::float8), (0.1), (1.0 / 3), (0.2), (0.5), (0.7), (0.9999), (1)) f(f);
SELECT crm.gini(c) AS gini, crm.distinct_values(c),
       (SELECT bool_and(customer_share = value_share) FROM crm.lorenz(c, 11)) AS lorenz_is_diagonal
FROM (SELECT crm.concentration_fit(v) AS c FROM equal) s;

-- one customer: Gini 0, every share its own
SELECT crm.gini(c) AS gini, crm.top_share(c, 0.3) AS top_30, crm.customers_for_share(c, 0.5) AS for_50,
       crm.customers(c)
FROM (SELECT crm.concentration_fit(42.0) AS c) s;

-- zero values count as customers: 0, 0, 10 -> the top third holds everything,
-- Gini = 1 - 1/n = 2/3
SELECT crm.top_share(c, 1.0 / 3) AS top_third, crm.top_share(c, 0.5) AS top_half,
       crm.customers_for_share(c, 1) = 1.0 / 3 AS for_all_is_third,
       round(crm.gini(c)::numeric, 12) AS gini, crm.customers(c)
FROM (SELECT crm.concentration_fit(v) AS c FROM (VALUES (0.0::float8), (0), (10)) v(v)) s;
-- all values 0: shares are undefined (NULL), the customers are still counted
SELECT crm.customers(c), crm.total_value(c), crm.top_share(c, 0.2) IS NULL AS top_null,
       crm.customers_for_share(c, 0.8) IS NULL AS for_null, crm.gini(c) IS NULL AS gini_null,
       (SELECT count(*) FILTER (WHERE value_share IS NULL) FROM crm.lorenz(c, 3)) AS lorenz_null_rows
FROM (SELECT crm.concentration_fit(0.0) AS c FROM generate_series(1, 4)) s;
-- -0 and 0 are one value
SELECT crm.concentration_fit(v) FROM (VALUES (-0.0::float8), (0.0), (1)) v(v);

-- NULL rows are skipped; no rows and only NULL rows give NULL
SELECT crm.customers(crm.concentration_fit(v)) FROM (SELECT v FROM five UNION ALL SELECT NULL) x;
SELECT crm.concentration_fit(v) IS NULL AS empty_is_null FROM five WHERE false;
SELECT crm.concentration_fit(NULL::float8) IS NULL AS all_null_is_null FROM five;
SELECT crm.top_share(NULL, 0.2) IS NULL AS null_value, crm.top_share(crm.concentration_fit(v), NULL) IS NULL AS null_fraction
FROM five;

-- values of groups merge into the value of their union; merged in any order
SELECT crm.concentration_merge(c)::text = (SELECT crm.concentration_fit(v)::text FROM five) AS merge_equals_whole
FROM (SELECT id % 2 AS g, crm.concentration_fit(v) AS c FROM five GROUP BY 1) s;
SELECT crm.concentration_combine(a, b)::text = crm.concentration_combine(b, a)::text AS combine_commutes,
       crm.concentration_combine(a, b) AS combined
FROM (SELECT crm.concentration_fit(v) FILTER (WHERE id <= 2) AS a, crm.concentration_fit(v) FILTER (WHERE id > 2) AS b
      FROM five) s;
SELECT crm.concentration_merge(c) IS NULL AS merge_of_nothing_is_null FROM (SELECT NULL::crm.concentration AS c) s;

-- text, binary and jsonb forms
SELECT 'v1 n=4 values={0:1,2.5:2,1e3:1}'::crm.concentration;
SELECT crm.gini('v1 n=4 values={0:1,2.5:2,1e3:1}'::crm.concentration) = crm.gini(c) AS text_form_is_the_data
FROM (SELECT crm.concentration_fit(v) AS c FROM (VALUES (0.0::float8), (2.5), (1000), (2.5)) v(v)) s;
CREATE TABLE stored AS SELECT id % 2 AS g, crm.concentration_fit(v * 1.1) AS c FROM five GROUP BY 1;
SELECT count(*) AS text_round_trip_differs FROM stored WHERE c::text::crm.concentration::text <> c::text;
\copy stored TO 'results/value_concentration.bin' WITH (FORMAT binary)
CREATE TABLE stored_back (LIKE stored);
\copy stored_back FROM 'results/value_concentration.bin' WITH (FORMAT binary)
SELECT count(*) AS binary_round_trip_differs FROM stored a JOIN stored_back b USING (g) WHERE a.c::text <> b.c::text;
SELECT crm.concentration_fit(v)::jsonb FROM five;

-- ---------------------------------------------------------------------------
-- CDNOW: customer value = total spend up to 1997-09-30 (crm.summary), 2357
-- customers, some with a spend of 0
-- ---------------------------------------------------------------------------
\i test/load/cdnow.sql
CREATE TABLE cdnow AS
SELECT customer_id, (crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week')).monetary_total AS v
FROM cdnow_log GROUP BY customer_id;
CREATE TABLE cdnow_c AS SELECT crm.concentration_fit(v) AS c FROM cdnow;
SELECT crm.customers(c), round(crm.total_value(c)::numeric, 2) AS total, crm.distinct_values(c),
       (SELECT count(*) FROM cdnow WHERE v = 0) AS zero_spend
FROM cdnow_c;

-- the same measures in plain SQL: customers ranked by value (descending for
-- the top shares, ascending for the Lorenz curve and the Gini coefficient)
CREATE TABLE ranked AS
SELECT v, row_number() OVER (ORDER BY v DESC) AS rank_desc, row_number() OVER (ORDER BY v) AS rank_asc,
       count(*) OVER () AS n, sum(v) OVER () AS total
FROM cdnow;
-- the share of the total held by the first q of the customers in rank order,
-- a fractional customer at the boundary counted with that fraction of its value
CREATE FUNCTION sql_share(q float8, from_top boolean) RETURNS float8 LANGUAGE sql AS $$
SELECT (coalesce(sum(v) FILTER (WHERE r <= floor(q * n)), 0)
        + (q * max(n) - floor(q * max(n))) * coalesce(max(v) FILTER (WHERE r = floor(q * n) + 1), 0)) / max(total)
FROM (SELECT v, CASE WHEN from_top THEN rank_desc ELSE rank_asc END AS r, n, total FROM ranked) x $$;
-- the top 20 %: 0.2 * 2357 = 471.4 customers, the top 471 plus 0.4 of the 472nd;
-- Gini = sum (2i - n - 1) x_i / (n sum x) over ascending x
CREATE TABLE sql_measures AS
SELECT sql_share(0.2, true) AS top_20,
       (SELECT sum((2 * rank_asc - n - 1) * v) / (max(n) * max(total)) FROM ranked) AS gini;
SELECT round(top_20::numeric, 6) AS top_20_share, round(gini::numeric, 6) AS gini FROM sql_measures;
SELECT abs(crm.top_share(c, 0.2) - top_20) < 1e-12 AS top_20_equals_sql,
       abs(crm.gini(c) - gini) < 1e-12 AS gini_equals_sql
FROM cdnow_c, sql_measures;
-- other top shares, and the share of customers holding 50 %, 80 % and 95 % of
-- the spend (the customer crossing the share, interpolated within it)
SELECT f, round(crm.top_share(c, f)::numeric, 6) AS top_share,
       abs(crm.top_share(c, f) - sql_share(f, true)) < 1e-12 AS equals_sql
FROM cdnow_c, (VALUES (0.01::float8), (0.05), (0.1), (0.5), (0.9)) f(f);
SELECT s, round(crm.customers_for_share(c, s)::numeric, 6) AS customers_for_share,
       abs(crm.customers_for_share(c, s) -
           (SELECT (rank_desc - 1 + (s * total - (top_sum - v)) / v) / n
            FROM (SELECT *, sum(v) OVER (ORDER BY rank_desc) AS top_sum FROM ranked) r
            WHERE top_sum >= s * total ORDER BY rank_desc LIMIT 1)) < 1e-12 AS equals_sql
FROM cdnow_c, (VALUES (0.5::float8), (0.8), (0.95)) s(s);
-- the inverse really inverts
SELECT max(abs(crm.top_share(c, crm.customers_for_share(c, k / 100.0::float8)) - k / 100.0::float8)) < 1e-12
	AS inverse_round_trip
FROM cdnow_c, generate_series(1, 100) k;
-- the Lorenz curve at 11 points, and at every vertex, equals SQL's cumulative shares
SELECT customer_share, round(value_share::numeric, 6) AS value_share,
       abs(value_share - sql_share(customer_share, false)) < 1e-12 AS equals_sql
FROM cdnow_c, crm.lorenz(c, 11);
WITH d AS (SELECT v, count(*) AS cnt, sum(v) AS s FROM cdnow GROUP BY v),
cum AS (SELECT 1::bigint AS k, 0::numeric AS customers, 0::float8 AS value
        UNION ALL
        SELECT 1 + row_number() OVER (ORDER BY v), sum(cnt) OVER (ORDER BY v), sum(s) OVER (ORDER BY v) FROM d)
SELECT count(*) AS vertices, count(*) = max(crm.distinct_values(c)) + 1 AS one_per_distinct_value_and_origin,
       count(*) FILTER (WHERE l.customer_share <> cum.customers::float8 / 2357
                        OR abs(l.value_share - cum.value / crm.total_value(c)) > 1e-12) AS differ_from_sql
FROM cdnow_c, crm.lorenz(c) WITH ORDINALITY l(customer_share, value_share, k) JOIN cum USING (k);
-- the Gini coefficient is 1 - 2 * (area under the Lorenz vertices)
SELECT abs(crm.gini(c) - (1 - 2 * (SELECT sum((customer_share - lag_c) * (value_share + lag_v) / 2)
                                   FROM (SELECT customer_share, value_share,
                                                lag(customer_share) OVER w AS lag_c, lag(value_share) OVER w AS lag_v
                                         FROM crm.lorenz(c) WINDOW w AS (ORDER BY customer_share)) q))) < 1e-12 AS gini_is_area
FROM cdnow_c;
