-- Markov-chain customer lifetime value (crm.markov_clv, Pfeifer & Carraway
-- 2000): the paper's recency example, closed forms, equality with a
-- plain-SQL value iteration on a generated chain, and every error with its
-- SQLSTATE.
\i test/load/sqlstate_of.sql
CREATE SCHEMA markov;
SET search_path = markov, public;

-- ---------------------------------------------------------------------------
-- The recency example of Pfeifer & Carraway (2000), CONSTRUCTED from the
-- paper's model description (its printed table of results was not found):
-- recency states 1..5, purchase probabilities 0.30, 0.20, 0.15, 0.05, 0
-- (a purchase moves the customer to state 1, else to the next state; state 5
-- is absorbing), net contribution 40 per purchase, contact cost 4 in states
-- 1..4, discount rate 0.2 per period.  The reference values come from an
-- independent closed form, backward substitution in exact rational
-- arithmetic (test/reference/markov_clv_recency.py), printed to 12
-- decimals: tolerance 1e-9.
-- ---------------------------------------------------------------------------
CREATE TABLE recency AS
SELECT ARRAY[[0.30, 0.70, 0, 0, 0],
             [0.20, 0, 0.80, 0, 0],
             [0.15, 0, 0, 0.85, 0],
             [0.05, 0, 0, 0, 0.95],
             [0, 0, 0, 0, 1]]::float8[] AS p,
       ARRAY[40, 0, 0, 0, 0]::float8[] AS reward,
       ARRAY[4, 4, 4, 4, 0]::float8[] AS cost;
SELECT state, round(value::numeric, 6) AS value
FROM recency, crm.markov_clv(p, reward, cost, 0.2);
WITH ref(horizon, state, value) AS (VALUES
	(NULL, 1, 52.319609438568), (NULL, 2, 5.553783563873), (NULL, 3, 1.250772986168),
	(NULL, 4, -1.820016273393), (NULL, 5, 0),
	(0, 1, 36), (0, 2, -4), (0, 3, -4), (0, 4, -4), (0, 5, 0),
	(1, 1, 42.666666666667), (1, 2, -0.666666666667), (1, 3, -2.333333333333), (1, 4, -2.5), (1, 5, 0),
	(4, 1, 50.114969135802), (4, 2, 4.219907407407), (4, 3, 0.592110339506), (4, 4, -1.980131172840), (4, 5, 0),
	(20, 1, 52.318980122504), (20, 2, 5.553405862861), (20, 3, 1.250590325792), (20, 4, -1.820059968363), (20, 5, 0))
SELECT coalesce(ref.horizon::text, 'limit') AS horizon, count(*) AS states,
       count(*) FILTER (WHERE abs(v.value - ref.value) <= 1e-9) AS within_1e9
FROM ref, recency,
     LATERAL (SELECT * FROM crm.markov_clv(p, reward, cost, 0.2) WHERE ref.horizon IS NULL
              UNION ALL
              SELECT * FROM crm.markov_clv(p, reward, cost, 0.2, ref.horizon) WHERE ref.horizon IS NOT NULL) v
WHERE v.state = ref.state
GROUP BY ref.horizon ORDER BY ref.horizon NULLS LAST;
-- the contact cost is the same as a net reward
SELECT count(*) FILTER (WHERE a.value = b.value) AS equal
FROM recency, crm.markov_clv(p, reward, cost, 0.2) a
     JOIN crm.markov_clv(p, ARRAY[36, -4, -4, -4, 0]::float8[], 0.2) b USING (state);
SELECT count(*) FILTER (WHERE a.value = b.value) AS equal
FROM recency, crm.markov_clv(p, reward, cost, 0.2, 7) a
     JOIN crm.markov_clv(p, ARRAY[36, -4, -4, -4, 0]::float8[], 0.2, 7) b USING (state);

-- Undiscounted (d = 0), the limit exists when the rewards stop (state 5 is
-- absorbing and earns and costs nothing).  The example's parameters as
-- published in a worked reading of the paper (Celis 2020, "Modelling
-- customer relationships as Markov chains"): a customer in recency 1 is
-- worth 64.25 undiscounted; stopping contacts in recency 4 (no cost there),
-- which lowers p_4 to 0.01, makes it 65.7 — published to two and one
-- decimals, tolerance half a unit of the last one; and the exact rational
-- values of test/reference/markov_clv_recency.py to 1e-9
SELECT round(v.value::numeric, 4) AS recency_1_undiscounted, abs(v.value - 64.25) <= 0.005 AS published_64_25,
       abs(v.value - 64.254754533392) <= 1e-9 AS exact
FROM recency, crm.markov_clv(p, reward, cost, 0) v WHERE v.state = 1;
SELECT round(v.value::numeric, 4) AS recency_1_no_contact_at_4, abs(v.value - 65.7) <= 0.05 AS published_65_7,
       abs(v.value - 65.699006875477) <= 1e-9 AS exact
FROM crm.markov_clv(ARRAY[[0.30, 0.70, 0, 0, 0], [0.20, 0, 0.80, 0, 0], [0.15, 0, 0, 0.85, 0],
                          [0.01, 0, 0, 0, 0.99], [0, 0, 0, 0, 1]]::float8[],
                    ARRAY[40, 0, 0, 0, 0]::float8[], ARRAY[4, 4, 4, 0, 0]::float8[], 0) v
WHERE v.state = 1;
-- every state: the exact values, and the undiscounted limit is where the
-- finite horizons go (2,000 periods)
WITH ref(state, value) AS (VALUES (1, 64.254754533392), (2, 12.826183104821), (3, 4.969040247678),
                                  (4, -0.787262273330), (5, 0))
SELECT count(*) FILTER (WHERE abs(v.value - ref.value) <= 1e-9) AS exact_states,
       count(*) FILTER (WHERE abs(v.value - h.value) <= 1e-9) AS horizon_2000_equal
FROM ref, recency, crm.markov_clv(p, reward, cost, 0) v, crm.markov_clv(p, reward, cost, 0, 2000) h
WHERE v.state = ref.state AND h.state = ref.state;
-- states that cannot reach a reward are worth 0; rewards that never stop
-- (an absorbing state with a reward, a closed pair of states, a single
-- state that keeps paying) have no undiscounted limit (22023)
SELECT state, value FROM crm.markov_clv(ARRAY[[0.5, 0.5, 0], [0, 1, 0], [0, 0, 1]]::float8[], ARRAY[10, 0, 0]::float8[], 0);
SELECT q, sqlstate_of(q) AS result FROM (VALUES
	($$SELECT * FROM crm.markov_clv(ARRAY[[0.5, 0.5], [0, 1]]::float8[], ARRAY[1, 2]::float8[], 0)$$),
	($$SELECT * FROM crm.markov_clv(ARRAY[[0.5, 0.5, 0], [0, 0, 1], [0, 1, 0]]::float8[], ARRAY[1, 0, 3]::float8[], 0)$$),
	($$SELECT * FROM crm.markov_clv(ARRAY[[1]]::float8[], ARRAY[5]::float8[], 0)$$)) v(q);

-- a state that keeps most of its customers and another that feeds it (the
-- first version's partial pivoting refused this chain): V = R + P V / (1 +
-- d) holds, discounted and undiscounted (state 3 is lost, no reward)
WITH chain(p, r) AS (VALUES (ARRAY[[0.99, 0.01, 0], [0.5, 0.4, 0.1], [0, 0, 1]]::float8[], ARRAY[1, 1, 0]::float8[])),
     v AS (SELECT d, s.state, s.value FROM chain, unnest(ARRAY[0.01, 0]::float8[]) d, LATERAL crm.markov_clv(chain.p, chain.r, d) s)
SELECT d, count(*) AS states,
       max(abs(v.value - (chain.r[v.state] + (SELECT sum(chain.p[v.state][w.state] * w.value) FROM v w WHERE w.d = v.d) / (1 + d)))
           / greatest(abs(v.value), 1)) < 1e-12 AS bellman_holds
FROM v, chain GROUP BY d ORDER BY d;
-- a leak below double precision: the value cannot be computed (22003)
SELECT sqlstate_of($$SELECT * FROM crm.markov_clv(ARRAY[[1, 1e-20], [0, 1]]::float8[], ARRAY[1, 0]::float8[], 0)$$) AS leak_lost_to_rounding;

-- ---------------------------------------------------------------------------
-- Closed forms: a retention chain (alive with probability r, else lost for
-- good) has V = m (1 + d) / (1 + d - r) and V_T = m (1 - q^(T+1)) / (1 - q),
-- q = r / (1 + d)
-- ---------------------------------------------------------------------------
SELECT r, d, t,
       abs(v.value - CASE WHEN t IS NULL THEN 100 * (1 + d) / (1 + d - r)
                          ELSE 100 * (1 - (r / (1 + d)) ^ (t + 1)) / (1 - r / (1 + d)) END) <= 1e-9 AS within_1e9
FROM (VALUES (0.8, 0.1, NULL), (0.8, 0.1, 10), (0.5, 0.05, 3), (0.99, 0.01, NULL), (1.0, 0.1, NULL), (0.9, 0, 25)) c(r, d, t),
     LATERAL (SELECT * FROM crm.markov_clv(ARRAY[[r, 1 - r], [0, 1]]::float8[], ARRAY[100, 0]::float8[], d::float8)
              WHERE t IS NULL
              UNION ALL
              SELECT * FROM crm.markov_clv(ARRAY[[r, 1 - r], [0, 1]]::float8[], ARRAY[100, 0]::float8[], d::float8, t)
              WHERE t IS NOT NULL) v
WHERE v.state = 1
ORDER BY r, d, t NULLS LAST;

-- ---------------------------------------------------------------------------
-- Generated chain (seeded, 8 states): equal to a plain-SQL value iteration
-- (finite horizons) and to the fixed point V = R + P V / (1 + d) (limit)
-- ---------------------------------------------------------------------------
SELECT setseed(0.27);
CREATE TABLE w AS SELECT i, j, random() ^ 3 AS w FROM generate_series(1, 8) i, generate_series(1, 8) j;
CREATE TABLE p AS SELECT i, j, w / sum(w) OVER (PARTITION BY i) AS p FROM w;
CREATE TABLE r AS SELECT i, round((random() * 200 - 50)::numeric, 2)::float8 AS r FROM generate_series(1, 8) i;
CREATE TABLE chain AS
SELECT (SELECT array_agg(row ORDER BY i) FROM (SELECT i, array_agg(p ORDER BY j) AS row FROM p GROUP BY i) x)::float8[] AS p,
       (SELECT array_agg(r ORDER BY i) FROM r) AS r;
SELECT array_dims(p) AS dims FROM chain;
-- value iteration in SQL: V_0 = R, V_t = R + P V_(t-1) / 1.1
CREATE TABLE iterated AS
WITH RECURSIVE it(t, i, v) AS (
	SELECT 0, i, r FROM r
	UNION ALL
	SELECT n.t, n.i, n.v FROM (
		SELECT it.t + 1 AS t, p.i, r.r + sum(p.p * it.v) OVER (PARTITION BY p.i) / 1.1 AS v,
		       row_number() OVER (PARTITION BY p.i) AS k
		FROM it JOIN p ON p.j = it.i JOIN r ON r.i = p.i
		WHERE it.t < 60) n
	WHERE n.k = 1)
SELECT * FROM it;
SELECT t, count(*) AS states, count(*) FILTER (WHERE abs(v.value - s.v) <= 1e-9 * greatest(1, abs(s.v))) AS equal_1e9
FROM iterated s, chain, LATERAL crm.markov_clv(chain.p, chain.r, 0.1, s.t) v
WHERE v.state = s.i AND s.t IN (0, 1, 2, 10, 60)
GROUP BY t ORDER BY t;
-- the limit solves V = R + P V / (1 + d), and a long horizon converges to it
SELECT max(abs(v.value - (r.r + (SELECT sum(p.p * w.value) FROM p JOIN crm.markov_clv(chain.p, chain.r, 0.1) w ON w.state = p.j
                                   WHERE p.i = v.state) / 1.1))) <= 1e-9 AS fixed_point,
       max(abs(v.value - h.value)) <= 1e-9 AS horizon_400_converged
FROM chain, crm.markov_clv(chain.p, chain.r, 0.1) v
     JOIN r ON r.i = v.state
     JOIN crm.markov_clv(chain.p, chain.r, 0.1, 400) h USING (state);
-- a discount rate of 0 with a horizon: the plain expected sum
SELECT state, value FROM crm.markov_clv(ARRAY[[0.5, 0.5], [0, 1]]::float8[], ARRAY[10, 1]::float8[], 0, 2);
-- one state
SELECT state, round(value::numeric, 9) AS value FROM crm.markov_clv(ARRAY[[1]]::float8[], ARRAY[5]::float8[], 0.25);
-- NULL arguments (STRICT): no rows
SELECT count(*) AS null_rows FROM crm.markov_clv(NULL, ARRAY[1]::float8[], 0.1);

-- ---------------------------------------------------------------------------
-- Errors
-- ---------------------------------------------------------------------------
SELECT q, sqlstate_of(q) FROM (VALUES
	($$SELECT * FROM crm.markov_clv(ARRAY[0.5, 0.5]::float8[], ARRAY[1, 2]::float8[], 0.1)$$),
	($$SELECT * FROM crm.markov_clv(ARRAY[[0.5, 0.5]]::float8[], ARRAY[1, 2]::float8[], 0.1)$$),
	($$SELECT * FROM crm.markov_clv(ARRAY[[0.5, 0.4], [0, 1]]::float8[], ARRAY[1, 2]::float8[], 0.1)$$),
	($$SELECT * FROM crm.markov_clv(ARRAY[[1.5, -0.5], [0, 1]]::float8[], ARRAY[1, 2]::float8[], 0.1)$$),
	($$SELECT * FROM crm.markov_clv(ARRAY[[0.5, NULL], [0, 1]]::float8[], ARRAY[1, 2]::float8[], 0.1)$$),
	($$SELECT * FROM crm.markov_clv(ARRAY[['NaN', 0.5], [0, 1]]::float8[], ARRAY[1, 2]::float8[], 0.1)$$),
	($$SELECT * FROM crm.markov_clv(ARRAY[[0.5, 0.5], [0, 1]]::float8[], ARRAY[1, 2, 3]::float8[], 0.1)$$),
	($$SELECT * FROM crm.markov_clv(ARRAY[[0.5, 0.5], [0, 1]]::float8[], ARRAY[1, 'Infinity']::float8[], 0.1)$$),
	($$SELECT * FROM crm.markov_clv(ARRAY[[0.5, 0.5], [0, 1]]::float8[], ARRAY[1, NULL]::float8[], 0.1)$$),
	($$SELECT * FROM crm.markov_clv(ARRAY[[0.5, 0.5], [0, 1]]::float8[], ARRAY[1, 2]::float8[], ARRAY[1]::float8[], 0.1)$$),
	($$SELECT * FROM crm.markov_clv(ARRAY[[0.5, 0.5], [0, 1]]::float8[], ARRAY[1, 2]::float8[], 0)$$),
	($$SELECT * FROM crm.markov_clv(ARRAY[[0.5, 0.5], [0, 1]]::float8[], ARRAY[1, 2]::float8[], 10)$$),
	($$SELECT * FROM crm.markov_clv(ARRAY[[0.5, 0.5], [0, 1]]::float8[], ARRAY[1, 2]::float8[], -0.1, 5)$$),
	($$SELECT * FROM crm.markov_clv(ARRAY[[0.5, 0.5], [0, 1]]::float8[], ARRAY[1, 2]::float8[], 0.1, -1)$$),
	($$SELECT * FROM crm.markov_clv(ARRAY[[0.5, 0.5], [0, 1]]::float8[], ARRAY[1, 2]::float8[], 0.1, 100001)$$),
	($$SELECT * FROM crm.markov_clv(array_fill(1.0 / 501, ARRAY[501, 501])::float8[], array_fill(1.0, ARRAY[501])::float8[], 0.1)$$),
	($$SELECT * FROM crm.markov_clv(ARRAY[[1]]::float8[], ARRAY[1e308]::float8[], 0.01)$$)
) v(q);

DROP SCHEMA markov CASCADE;
