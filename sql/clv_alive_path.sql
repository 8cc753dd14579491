-- crm.p_alive_path(model, purchase days, through, unit [, step]): one
-- customer's P(alive) at every step from the first purchase (lifetimes'
-- calculate_alive_path).  Checked on CDNOW customers (weeks) against P(alive)
-- of (x, t_x, T) counted independently in SQL from the log at each date:
-- the BG/NBD's closed form written out here, the Pareto/NBD's crm.p_alive;
-- every purchase model type; steps, units, NULLs and errors.
CREATE SCHEMA alive_path;
SET search_path = alive_path, public;
\i test/load/cdnow.sql
\i test/load/sqlstate_of.sql
CREATE TABLE fit AS
SELECT crm.bgnbd_fit(frequency, recency, t, interval '1 week') AS bg,
       crm.paretonbd_fit(frequency, recency, t, interval '1 week') AS pnbd
FROM (SELECT (crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week')).* FROM cdnow_log GROUP BY customer_id) s;
CREATE TABLE days AS
SELECT customer_id, array_agg(purchased_on ORDER BY purchased_on) AS purchased_on FROM cdnow_log GROUP BY customer_id;

-- (x, t_x, T) at every weekly date from the first purchase to 1998-06-30,
-- counted from the distinct purchase days of customers 1..40
CREATE TABLE counted AS
SELECT c.customer_id, g::date AS as_of,
       (SELECT count(DISTINCT purchased_on) - 1 FROM cdnow_log l WHERE l.customer_id = c.customer_id AND purchased_on <= g::date)::float8 AS x,
       ((SELECT max(purchased_on) FROM cdnow_log l WHERE l.customer_id = c.customer_id AND purchased_on <= g::date) - c.first) / 7.0 AS t_x,
       (g::date - c.first) / 7.0 AS t
FROM (SELECT customer_id, min(purchased_on) AS first FROM cdnow_log WHERE customer_id <= 40 GROUP BY 1) c,
     generate_series(c.first::timestamp, timestamp '1998-06-30', interval '1 week') g;
SELECT count(*) AS dates, count(DISTINCT customer_id) AS customers FROM counted;

-- the BG/NBD: 1 / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))
SELECT count(*) AS rows,
       bool_and(abs(p.p_alive - CASE WHEN c.x = 0 THEN 1 ELSE
                    1 / (1 + crm.parameter(bg, 'a') / (crm.parameter(bg, 'b') + c.x - 1)
                         * ((crm.parameter(bg, 'alpha') + c.t) / (crm.parameter(bg, 'alpha') + c.t_x)) ^ (crm.parameter(bg, 'r') + c.x)) END)
                < 1e-12) AS bgnbd_closed_form
FROM fit, days d, crm.p_alive_path(bg, d.purchased_on, date '1998-06-30', interval '1 week') p
JOIN counted c ON c.as_of = p.as_of
WHERE c.customer_id = d.customer_id AND d.customer_id <= 40;
-- the Pareto/NBD, against its scorer at the counted (x, t_x, T)
SELECT count(*) AS rows, bool_and(abs(p.p_alive - crm.p_alive(pnbd, c.x, c.t_x, c.t)) < 1e-13) AS paretonbd_scorer
FROM fit, days d, crm.p_alive_path(pnbd, d.purchased_on, date '1998-06-30', interval '1 week') p
JOIN counted c ON c.as_of = p.as_of
WHERE c.customer_id = d.customer_id AND d.customer_id <= 40;
-- customer 1's path, every 8th week: P(alive) jumps back after each purchase
SELECT to_char(p.as_of, 'YYYY-MM-DD') AS as_of, round(p_alive::numeric, 4) AS bgnbd, round(q.p::numeric, 4) AS paretonbd
FROM fit, days d, crm.p_alive_path(bg, d.purchased_on, date '1998-06-30', interval '1 week') p
JOIN LATERAL (SELECT p_alive AS p FROM crm.p_alive_path(pnbd, d.purchased_on, date '1998-06-30', interval '1 week') x
              WHERE x.as_of = p.as_of) q ON true
WHERE d.customer_id = 1 AND ((p.as_of - date '1997-01-01') % 56 = 0 OR p.as_of IN (date '1997-01-15', date '1997-08-06'))
ORDER BY p.as_of;
SELECT array_to_string(array(SELECT to_char(unnest(purchased_on), 'YYYY-MM-DD')), ', ') AS customer_1_purchases FROM days WHERE customer_id = 1;

-- every purchase model type has it; a daily step for a weekly model; a
-- model without a unit takes the one given
SELECT (SELECT count(*) FROM crm.p_alive_path(crm.mbgnbd(0.5, 5, 1, 3), '{2020-01-01,2020-01-20}', '2020-02-01', interval '1 week')) AS mbgnbd_rows,
       (SELECT count(*) FROM crm.p_alive_path(crm.ggomnbd(0.5, 5, 0.1, 0.5, 5), '{2020-01-01,2020-01-20}', '2020-02-01', interval '1 week')) AS ggomnbd_rows,
       (SELECT count(*) FROM crm.p_alive_path(crm.bgcnbd(2, 0.5, 5, 1, 3), '{2020-01-01,2020-01-20}', '2020-02-01', interval '1 week')) AS bgcnbd_rows,
       (SELECT count(*) FROM crm.p_alive_path(crm.mbgcnbd(2, 0.5, 5, 1, 3), '{2020-01-01,2020-01-20}', '2020-02-01', interval '1 week')) AS mbgcnbd_rows;
SELECT count(*) AS daily_rows, to_char(min(as_of), 'YYYY-MM-DD') AS first, to_char(max(as_of), 'YYYY-MM-DD') AS last
FROM fit, crm.p_alive_path(bg, '{1997-01-01,1997-02-01}', '1997-03-01', interval '1 week', interval '1 day');
-- same-day purchases count once, NULL days are skipped, the order of the
-- array does not matter
SELECT (SELECT array_agg(p_alive) FROM fit, crm.p_alive_path(bg, '{1997-02-01,NULL,1997-01-01,1997-02-01}', '1997-03-01', interval '1 week'))
     = (SELECT array_agg(p_alive) FROM fit, crm.p_alive_path(bg, '{1997-01-01,1997-02-01}', '1997-03-01', interval '1 week')) AS same_path;
-- nothing before the first purchase, no purchase days, a NULL argument: no rows
SELECT (SELECT count(*) FROM fit, crm.p_alive_path(bg, '{1997-05-01}', '1997-03-01', interval '1 week')) AS through_before_first,
       (SELECT count(*) FROM fit, crm.p_alive_path(bg, '{}', '1997-03-01', interval '1 week')) AS no_days,
       (SELECT count(*) FROM fit, crm.p_alive_path(bg, '{1997-01-01}', NULL, interval '1 week')) AS null_through;

-- errors: a unit other than the model's; a zero step; a purchase day of
-- -infinity (days after through, +infinity included, are ignored)
SELECT q, sqlstate_of(q) FROM (VALUES
	($$SELECT * FROM alive_path.fit, crm.p_alive_path(bg, '{1997-01-01}', '1997-03-01', interval '1 day')$$),
	($$SELECT * FROM alive_path.fit, crm.p_alive_path(bg, '{1997-01-01}', '1997-03-01', interval '1 week', interval '0')$$),
	($$SELECT * FROM alive_path.fit, crm.p_alive_path(bg, '{-infinity,1997-01-01}', '1997-03-01', interval '1 week')$$)
) v(q);
