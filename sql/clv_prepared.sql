-- The prepared scorers of crm.p_alive and the conditional
-- crm.expected_purchases (BG/NBD, MBG/NBD, Pareto/NBD): per call site they
-- keep the model they last saw and what they prepared for it (per-frequency
-- terms, Taylor polynomials of the expectation per cell of its argument).
-- Checked here: (1) their answers against references computed in numeric
-- with 100 digits from the papers' formulas, over customers whose T spans
-- many cells, with horizons inside and beyond the polynomials' range, and
-- models on both sides of a = 1 and of alpha = beta (1e-13 relative); (2)
-- a call site whose model changes from row to row gives, row by row, the
-- same bits as call sites that each see one model; (3) a model that is not
-- scorable is refused even right after a scorable one with the same
-- parameters.
CREATE SCHEMA prep;
SET search_path = prep, public;
\i test/load/sqlstate_of.sql

-- BG/NBD (FHL 2005, eq. 10 and 13) and MBG/NBD (Batislam et al. 2007):
-- {P(alive), the expected purchases in (T, T + t]}, in numeric
CREATE FUNCTION bg_reference(kind text, r numeric, alpha numeric, a numeric, b numeric,
	t numeric, x numeric, t_x numeric, age numeric) RETURNS numeric[]
LANGUAGE plpgsql AS $$
DECLARE
	big_a numeric := r + x;
	big_b numeric := CASE kind WHEN 'bgnbd' THEN b + x ELSE b + x + 1 END;
	big_c numeric := CASE kind WHEN 'bgnbd' THEN a + b + x - 1 ELSE a + b + x END;
	z numeric := round(t / (alpha + age + t), 100);
	term numeric := 1;
	series numeric := 1;
	odds numeric := 0;
BEGIN
	FOR n IN 0 .. 20000 LOOP
		term := round(term * (big_a + n) * (big_b + n) / ((big_c + n) * (n + 1)) * z, 100);
		series := series + term;
		EXIT WHEN abs(term) <= 1e-40 * abs(series);
	END LOOP;
	IF kind = 'mbgnbd' OR x > 0 THEN
		odds := a / CASE kind WHEN 'bgnbd' THEN b + x - 1 ELSE b + x END
			* exp(round(big_a * ln(round((alpha + age) / (alpha + t_x), 100)), 100));
	END IF;
	RETURN ARRAY[1 / (1 + odds), big_c / (a - 1)
		* (1 - exp(round(big_a * ln(round((alpha + age) / (alpha + age + t), 100)), 100)) * series)
		/ (1 + odds)];
END $$;

-- Pareto/NBD (Fader & Hardie's note on the likelihood): with M = max(alpha,
-- beta), G(u) = 2F1(r+s+x, b2; r+s+x+1; |alpha-beta| / (M+u)) / (M+u)^(r+s+x),
-- b2 = s + 1 when alpha >= beta, else r + x; the odds of having dropped out
-- are s / (r+s+x) (alpha+T)^(r+x) (beta+T)^s (G(t_x) - G(T)); {P(alive),
-- the expected purchases in (T, T + t]}
CREATE FUNCTION pnbd_g(rsx numeric, b2 numeric, d numeric, u numeric) RETURNS numeric
LANGUAGE plpgsql AS $$
DECLARE
	z numeric := round(d / u, 100);
	power numeric := 1;			-- (b2)_n z^n / n!
	series numeric := 1;
	term numeric;
BEGIN
	FOR n IN 1 .. 20000 LOOP
		power := round(power * (b2 + n - 1) / n * z, 100);
		term := round(rsx / (rsx + n) * power, 100);
		series := series + term;
		EXIT WHEN abs(term) <= 1e-40 * series;
	END LOOP;
	RETURN series * exp(round(-rsx * ln(u), 100));
END $$;
CREATE FUNCTION pnbd_reference(r numeric, alpha numeric, s numeric, beta numeric,
	t numeric, x numeric, t_x numeric, age numeric) RETURNS numeric[]
LANGUAGE plpgsql AS $$
DECLARE
	rsx numeric := r + s + x;
	b2 numeric := CASE WHEN alpha >= beta THEN s + 1 ELSE r + x END;
	d numeric := abs(alpha - beta);
	odds numeric;
BEGIN
	odds := s / rsx * exp(round((r + x) * ln(alpha + age) + s * ln(beta + age), 100))
		* (pnbd_g(rsx, b2, d, greatest(alpha, beta) + t_x) - pnbd_g(rsx, b2, d, greatest(alpha, beta) + age));
	RETURN ARRAY[1 / (1 + odds), (r + x) * (beta + age) / ((alpha + age) * (s - 1))
		* (1 - exp(round((s - 1) * ln(round((beta + age) / (beta + age + t), 100)), 100))) / (1 + odds)];
END $$;

-- customers with continuous ages from 0.3 to 150 (their T spans the cells
-- of z = t / (alpha + T + t) at every horizon), each frequency with
-- t_x at several fractions of T (0 for x = 0)
CREATE TABLE customers AS
SELECT row_number() OVER (ORDER BY x, age, share) AS id, x::float8 AS x,
       CASE WHEN x = 0 THEN 0 ELSE age * share END AS t_x, age
FROM unnest(ARRAY[0, 1, 3, 12, 40]) x,
     (SELECT 0.3 * power(500, k / 9.0) AS age FROM generate_series(0, 9) k) a,
     unnest(ARRAY[0.05, 0.5, 0.97, 1]) share
WHERE x > 0 OR share = 1;
CREATE TABLE models (kind text, m text, p numeric[]);
INSERT INTO models VALUES
	('bgnbd', 'r=0.243 alpha=4.414 a=0.793 b=2.426', ARRAY[0.243, 4.414, 0.793, 2.426]),
	('bgnbd', 'r=0.5 alpha=10 a=2.5 b=30', ARRAY[0.5, 10, 2.5, 30]),
	('mbgnbd', 'r=0.243 alpha=4.414 a=0.793 b=2.426', ARRAY[0.243, 4.414, 0.793, 2.426]),
	('paretonbd', 'r=0.553 alpha=10.578 s=0.606 beta=11.669', ARRAY[0.553, 10.578, 0.606, 11.669]),
	('paretonbd', 'r=0.553 alpha=12.578 s=0.606 beta=3.669', ARRAY[0.553, 12.578, 0.606, 3.669]),
	('paretonbd', 'r=1.2 alpha=0.5 s=0.8 beta=30', ARRAY[1.2, 0.5, 0.8, 30]);
CREATE TABLE horizons AS SELECT unnest(ARRAY[0.5, 10, 52, 300]) AS t;

-- every model scored at its own call sites (a statement per model, the
-- model a constant): every customer at every horizon
CREATE TABLE single_site (kind text, m text, t numeric, id bigint, p_alive float8, expected float8);
DO $$
DECLARE
	o record;
BEGIN
	FOR o IN SELECT * FROM models LOOP
		EXECUTE format('INSERT INTO single_site SELECT %L, %L, h.t, c.id, crm.p_alive(%L::crm.%I, c.x, c.t_x, c.age),
			crm.expected_purchases(%L::crm.%I, h.t, c.x, c.t_x, c.age) FROM horizons h, customers c',
			o.kind, o.m, o.m, o.kind, o.m, o.kind);
	END LOOP;
END $$;

-- (1) against the references
SELECT s.kind, s.m, count(*) AS scored,
       count(*) FILTER (WHERE s.p_alive IS NULL OR s.expected IS NULL) AS no_answer,
       count(*) FILTER (WHERE abs(s.p_alive::numeric - r[1]) > 1e-13 * r[1]) AS p_alive_off,
       count(*) FILTER (WHERE abs(s.expected::numeric - r[2]) > 1e-13 * r[2]) AS expected_off
FROM single_site s JOIN models o USING (kind, m) JOIN customers c USING (id),
     LATERAL (SELECT CASE WHEN o.kind = 'paretonbd'
                          THEN pnbd_reference(o.p[1], o.p[2], o.p[3], o.p[4], s.t, c.x::numeric, c.t_x::numeric, c.age::numeric)
                          ELSE bg_reference(o.kind, o.p[1], o.p[2], o.p[3], o.p[4], s.t, c.x::numeric, c.t_x::numeric, c.age::numeric)
                     END AS r) ref
GROUP BY s.kind, s.m ORDER BY s.kind, s.m;

-- (2) one call site per kind whose model changes from row to row (each
-- customer scored by every model of its kind in turn) against the call
-- sites that saw one model each: the same bits
SELECT a.kind, count(*) AS compared,
       count(*) FILTER (WHERE a.p_alive IS DISTINCT FROM s.p_alive OR a.expected IS DISTINCT FROM s.expected) AS differ
FROM (SELECT o.kind, o.m, c.id,
             CASE o.kind WHEN 'bgnbd' THEN crm.p_alive(o.m::crm.bgnbd, c.x, c.t_x, c.age)
                         WHEN 'mbgnbd' THEN crm.p_alive(o.m::crm.mbgnbd, c.x, c.t_x, c.age)
                         ELSE crm.p_alive(o.m::crm.paretonbd, c.x, c.t_x, c.age) END AS p_alive,
             CASE o.kind WHEN 'bgnbd' THEN crm.expected_purchases(o.m::crm.bgnbd, 52, c.x, c.t_x, c.age)
                         WHEN 'mbgnbd' THEN crm.expected_purchases(o.m::crm.mbgnbd, 52, c.x, c.t_x, c.age)
                         ELSE crm.expected_purchases(o.m::crm.paretonbd, 52, c.x, c.t_x, c.age) END AS expected
      FROM customers c
      CROSS JOIN LATERAL (SELECT * FROM models WHERE c.id > 0 ORDER BY kind, m) o) a
JOIN single_site s ON s.kind = a.kind AND s.m = a.m AND s.id = a.id AND s.t = 52
GROUP BY a.kind ORDER BY a.kind;

-- (3) the same parameters, fitted but not converged, right after the
-- scorable model in the same call site: refused (22023), and scored once
-- accepted
SELECT sqlstate_of($$SELECT crm.p_alive(m::crm.bgnbd, 1, 1, 2) FROM (VALUES
	(1, 'r=0.243 alpha=4.414 a=0.793 b=2.426'),
	(2, 'r=0.243 alpha=4.414 a=0.793 b=2.426 ll=-1 n=10 iterations=5 converged=false')) v(i, m)$$) AS unconverged,
       (SELECT count(*) FROM (VALUES
	(1, 'r=0.243 alpha=4.414 a=0.793 b=2.426'::crm.bgnbd),
	(2, crm.accept_unconverged('r=0.243 alpha=4.414 a=0.793 b=2.426 ll=-1 n=10 iterations=5 converged=false'::crm.bgnbd))) v(i, m)
	WHERE crm.p_alive(m, 1, 1, 2) = crm.p_alive('r=0.243 alpha=4.414 a=0.793 b=2.426'::crm.bgnbd, 1, 1, 2)) AS accepted_equal;

RESET search_path;
DROP SCHEMA prep CASCADE;
