\set ECHO none
-- Test helper: customers simulated from a known BG/NBD, MBG/NBD or
-- Pareto/NBD model, with a calibration period and a holdout window, for the
-- coverage checks of the prediction intervals (sql/clv_intervals.sql,
-- test/bench/intervals.sh).  Seeded by setseed() before the call.  Each
-- customer: lambda ~ Gamma(r, alpha); BG/NBD and MBG/NBD: p ~ Beta(a, b),
-- dropout right after each repeat purchase with probability p (MBG/NBD also
-- at time 0); Pareto/NBD (a = s, b = beta): lifetime ~ Exponential(mu), mu
-- ~ Gamma(s, beta).  Birth at time 0, calibration age T uniform in [t_min,
-- t_max], then purchases in (T, T + horizon] counted as x_holdout, and the
-- spend of each purchase ~ Gamma(p_spend, nu), nu ~ Gamma(q, gamma) (the
-- Gamma-Gamma model), m = mean calibration spend (0 without repeat
-- purchases) and the holdout spend.

-- A Gamma(shape, rate) draw from random() (Marsaglia & Tsang)
CREATE OR REPLACE FUNCTION public.sim_gamma(shape float8, rate float8) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
	boost float8 := 1;
	d float8;
	c float8;
	z float8;
	v float8;
	u float8;
BEGIN
	IF shape < 1 THEN
		boost := exp(ln(1 - random()) / shape);
		shape := shape + 1;
	END IF;
	d := shape - 1.0 / 3;
	c := 1 / sqrt(9 * d);
	LOOP
		z := sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random());
		v := 1 + c * z;
		CONTINUE WHEN v <= 0;
		v := v * v * v;
		u := 1 - random();
		IF ln(u) < 0.5 * z * z + d * (1 - v + ln(v)) THEN
			RETURN d * v * boost / rate;
		END IF;
	END LOOP;
END $$;

CREATE OR REPLACE FUNCTION public.sim_btyd(kind text, n integer, r float8, alpha float8, a float8, b float8,
	t_min float8, t_max float8, horizon float8,
	p_spend float8 DEFAULT 6, q float8 DEFAULT 4, gamma float8 DEFAULT 15)
RETURNS TABLE (id bigint, x float8, t_x float8, t float8, m float8, x_holdout float8, spend_holdout float8)
LANGUAGE plpgsql AS $$
DECLARE
	lambda float8;
	p float8;
	death float8;
	nu float8;
	s float8;
	z float8;
	spent float8;
BEGIN
	FOR i IN 1 .. n LOOP
		id := i;
		t := t_min + (t_max - t_min) * random();
		lambda := public.sim_gamma(r, alpha);
		nu := public.sim_gamma(q, gamma);
		death := 'Infinity';
		p := 0;
		IF kind = 'paretonbd' THEN
			death := -ln(1 - random()) / public.sim_gamma(a, b);
		ELSE
			p := public.sim_gamma(a, 1);
			p := p / (p + public.sim_gamma(b, 1));
			IF kind = 'mbgnbd' AND random() < p THEN
				death := 0;
			END IF;
		END IF;
		x := 0; t_x := 0; x_holdout := 0; spend_holdout := 0; spent := 0;
		s := 0;
		LOOP
			s := s - ln(1 - random()) / lambda;
			EXIT WHEN s > death OR s > t + horizon;
			z := public.sim_gamma(p_spend, nu);
			IF s <= t THEN
				x := x + 1; t_x := s; spent := spent + z;
			ELSE
				x_holdout := x_holdout + 1; spend_holdout := spend_holdout + z;
			END IF;
			IF p > 0 AND random() < p THEN
				death := s;
			END IF;
		END LOOP;
		m := CASE WHEN x > 0 THEN spent / x ELSE 0 END;
		RETURN NEXT;
	END LOOP;
END $$;
\set ECHO all
