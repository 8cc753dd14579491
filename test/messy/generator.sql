-- The messy-data generator: a seeded, deterministic transaction log with the
-- mess of real retail logs (UCI Online Retail, CDNOW, Olist), in the
-- proportions they show.  \i'd by sql/messy_workflow.sql; creates the schema
-- messy with the function messy.generate_log(seed, customers).
--
-- Deterministic on every platform and PostgreSQL version: the random numbers
-- come from the generator's own Park-Miller "minimal standard" sequence
-- (x <- 48271 x mod 2^31 - 1, exact in bigint), never from random(); every
-- float operation used is correctly rounded in IEEE 754 (+, -, *, /, sqrt,
-- floor), never exp/ln/pow; amounts are numeric products of integers;
-- local times are turned into timestamptz by the time zone rules of past
-- years (and of 2025, for the rows after the cut-off).  Each customer has
-- a stream of its own (seeded by seed and customer number), so one customer's
-- rows do not depend on the others'.
--
-- What is in it (per 20,000 customers, roughly; sql/messy_workflow.sql prints
-- the actual counts):
--   * invoices of 1-5 lines (UCI: one timestamp per invoice, so every line of
--     an invoice is a same-second row); amount = quantity x unit price;
--   * 42 % one-time buyers (CDNOW/Olist), 38 % occasional (2-5 invoices),
--     17 % regulars, 3 % heavy buyers (up to hundreds of invoices); each may
--     drop out after any invoice;
--   * zero unit prices on 0.5 % of lines (UCI 0.46 %), 1 % of lines
--     duplicated exactly (UCI 1.0 %), cancellations of 3 % of invoices as
--     negative quantities up to 40 days later (UCI: 2.0 % of rows negative), NULL
--     amounts and NULL timestamps on 0.05 % of lines;
--   * guest invoices without a customer id: about a quarter of the rows
--     (UCI 25 %), with UCI's "Adjust bad debt" rows among them;
--   * customers in Europe/Berlin (75 %) and America/New_York (25 %), store
--     hours and night orders, invoices at nonexistent and ambiguous local
--     times of DST changes and around midnight;
--   * rows after the cut-off 2024-11-30 (the log runs to 2025-03-31), and
--     customers whose only purchases are after it;
--   * special customers (ids 1000001 ...): thousands of rows (a daily buyer,
--     a test account of 0.01/0.00 rows, 2,500 lines in one second), purchases
--     decades apart (1975 ... 2024), only $0 purchases, $0 repeat purchases
--     (40 customers), refunds only, NULL amounts only, future rows only, an
--     amount of 1e9, UCI's 80,995 x 2.08 order cancelled the same day,
--     sub-cent amounts, net refunds above purchases.
CREATE SCHEMA messy;

-- One line per row: the log's columns
CREATE TYPE messy.log_row AS (
	invoice text,				-- invoice number, 'C' prefix for a cancellation
	customer_id bigint,			-- NULL for guest orders
	zone text,					-- the customer's time zone
	purchased_at timestamptz,	-- invoice time (NULL on a few lines)
	purchased_on date,			-- its calendar day in zone
	quantity integer,			-- negative on cancellations
	unit_price numeric,			-- 0 on some lines, negative for bad debt
	amount numeric				-- quantity x unit_price (NULL on a few lines)
);

-- The generator: the rows of a log of `customers` customers (plus guests and
-- the special customers), a function of seed and customers only
CREATE FUNCTION messy.generate_log(seed bigint, customers integer) RETURNS SETOF messy.log_row
	LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	m constant bigint := 2147483647;		-- the Park-Miller modulus 2^31 - 1
	s bigint;					-- the current customer's random state
	r messy.log_row;
	c integer;					-- customer number
	kind float8;				-- customer type draw
	n_max integer;				-- invoices at most
	gap_mean float8;			-- mean days between invoices
	p_drop float8;				-- chance of dropping out after an invoice
	inv integer;				-- invoices so far
	day_f float8;				-- days since 2021-12-01 of the next invoice
	at_local timestamp;
	lines integer;
	q integer;
	cents bigint;
	canc boolean;
	first_local constant timestamp := '2021-12-01 00:00';
	last_local constant timestamp := '2025-03-31 23:59:59';
	window_days constant float8 := 1096;	-- 2021-12-01 .. 2024-11-30
	invoice_no bigint := 536365;
	i integer;
	k integer;
BEGIN
	FOR c IN 1 .. customers LOOP
		-- the customer's own stream, warmed up
		s := 1 + ((seed % m) * 1000003 + c * 7919) % (m - 1);
		FOR i IN 1 .. 3 LOOP s := s * 48271 % m; END LOOP;
		r.customer_id := 12345 + c;
		s := s * 48271 % m;
		r.zone := CASE WHEN s < 0.75 * m THEN 'Europe/Berlin' ELSE 'America/New_York' END;
		s := s * 48271 % m;
		kind := s::float8 / m;
		IF kind < 0.42 THEN n_max := 1; gap_mean := 0; p_drop := 1;
		ELSIF kind < 0.80 THEN n_max := 5; gap_mean := 120; p_drop := 0.3;
		ELSIF kind < 0.97 THEN n_max := 40; gap_mean := 30; p_drop := 0.08;
		ELSE n_max := 300; gap_mean := 5; p_drop := 0.02;
		END IF;
		-- acquisition: uniform over the three years, a third of them bunched
		-- in November-December; 2 % after the cut-off
		s := s * 48271 % m;
		day_f := floor(s::float8 / m * window_days);
		s := s * 48271 % m;
		IF s < 0.33 * m THEN
			s := s * 48271 % m;
			day_f := 335 + 365 * floor(s::float8 / m * 3);
			s := s * 48271 % m;
			day_f := day_f + floor(s::float8 / m * 61);
		END IF;
		s := s * 48271 % m;
		IF s < 0.02 * m THEN
			day_f := window_days + floor(s::float8 / (0.02 * m) * 120);
		END IF;
		inv := 0;
		WHILE inv < n_max LOOP
			-- the invoice time: store hours (8-20 h), 10 % night orders
			s := s * 48271 % m;
			IF s < 0.1 * m THEN
				k := (floor(s::float8 / (0.1 * m) * 11)::integer + 21) % 24;	-- 21 .. 7 h
			ELSE
				k := 8 + floor((s - 0.1 * m) / (0.9 * m) * 13)::integer;
			END IF;
			s := s * 48271 % m;
			at_local := first_local + make_interval(days => day_f::integer, hours => k, secs => floor(s::float8 / m * 3600));
			EXIT WHEN at_local > last_local;
			invoice_no := invoice_no + 1;
			r.invoice := invoice_no::text;
			r.purchased_at := at_local AT TIME ZONE r.zone;
			r.purchased_on := (r.purchased_at AT TIME ZONE r.zone)::date;
			s := s * 48271 % m;
			canc := s < 0.03 * m;
			s := s * 48271 % m;
			lines := 1 + floor(5 * (s::float8 / m) * (s::float8 / m))::integer;
			FOR i IN 1 .. lines LOOP
				-- quantity: mostly a few units, 2 % bulk
				s := s * 48271 % m;
				q := (ARRAY[1, 1, 1, 1, 2, 2, 2, 3, 4, 6, 6, 12, 12, 24])[1 + floor(s::float8 / m * 14)::integer];
				s := s * 48271 % m;
				IF s < 0.02 * m THEN q := 48 + floor(s::float8 / (0.02 * m) * 950)::integer; END IF;
				-- unit price: heavy tailed (Lomax, shape 2) from 0.29, 0.5 % free
				s := s * 48271 % m;
				cents := 29 + least(floor(195 * (1 / sqrt((s + 1)::float8 / m) - 1)), 400000)::bigint;
				s := s * 48271 % m;
				IF s < 0.005 * m THEN cents := 0; END IF;
				r.quantity := q;
				r.unit_price := cents / 100.0;
				r.amount := q * r.unit_price;
				-- rare NULLs (Olist's missing payment and approval times)
				s := s * 48271 % m;
				IF s < 0.0005 * m THEN r.amount := NULL;
				ELSIF s < 0.001 * m THEN r.purchased_at := NULL; r.purchased_on := NULL;
				END IF;
				RETURN NEXT r;
				-- 1 % of lines twice (same second, same everything)
				s := s * 48271 % m;
				IF s < 0.01 * m THEN RETURN NEXT r; END IF;
				r.purchased_at := at_local AT TIME ZONE r.zone;
				r.purchased_on := (r.purchased_at AT TIME ZONE r.zone)::date;
				-- a cancelled invoice: its lines back, negative, 0-40 days later
				IF canc THEN
					s := s * 48271 % m;
					r.invoice := 'C' || invoice_no;
					r.purchased_at := (at_local + make_interval(days => floor(s::float8 / m * 41)::integer, mins => 7)) AT TIME ZONE r.zone;
					r.purchased_on := (r.purchased_at AT TIME ZONE r.zone)::date;
					r.quantity := -q;
					r.amount := -q * r.unit_price;
					RETURN NEXT r;
					r.invoice := invoice_no::text;
					r.purchased_at := at_local AT TIME ZONE r.zone;
					r.purchased_on := (r.purchased_at AT TIME ZONE r.zone)::date;
				END IF;
			END LOOP;
			inv := inv + 1;
			s := s * 48271 % m;
			EXIT WHEN s < p_drop * m;
			-- the next invoice: a heavy-tailed gap (Lomax, shape 2) of mean gap_mean days
			s := s * 48271 % m;
			day_f := day_f + least(floor(gap_mean * (1 / sqrt((s + 1)::float8 / m) - 1)), 5000);
		END LOOP;
	END LOOP;

	-- guest orders (no customer id): a quarter of the rows, more lines per invoice
	r.customer_id := NULL;
	s := 1 + ((seed % m) * 1000003 + 99991) % (m - 1);
	FOR c IN 1 .. customers * 3 / 4 LOOP
		s := s * 48271 % m;
		r.zone := CASE WHEN s < 0.75 * m THEN 'Europe/Berlin' ELSE 'America/New_York' END;
		s := s * 48271 % m;
		at_local := first_local + make_interval(days => floor(s::float8 / m * (window_days + 120))::integer);
		s := s * 48271 % m;
		at_local := at_local + make_interval(secs => 8 * 3600 + floor(s::float8 / m * 13 * 3600));
		invoice_no := invoice_no + 1;
		r.invoice := invoice_no::text;
		r.purchased_at := at_local AT TIME ZONE r.zone;
		r.purchased_on := at_local::date;
		s := s * 48271 % m;
		lines := 1 + floor(s::float8 / m * 8)::integer;
		FOR i IN 1 .. lines LOOP
			s := s * 48271 % m;
			r.quantity := 1 + floor(s::float8 / m * 6)::integer;
			s := s * 48271 % m;
			r.unit_price := (29 + least(floor(195 * (1 / sqrt((s + 1)::float8 / m) - 1)), 400000)::bigint) / 100.0;
			r.amount := r.quantity * r.unit_price;
			RETURN NEXT r;
		END LOOP;
	END LOOP;
	-- UCI's "Adjust bad debt" rows: no customer, a negative price
	r := ROW('A563185', NULL, 'Europe/Berlin', '2024-08-12 14:50:00+02', '2024-08-12', 1, -11062.06, -11062.06);
	RETURN NEXT r;
	r := ROW('A563186', NULL, 'Europe/Berlin', '2024-08-12 14:51:00+02', '2024-08-12', 1, 11062.06, 11062.06);
	RETURN NEXT r;

	-- the special customers, ids from 1000001
	RETURN QUERY SELECT * FROM messy.special_customers(seed);
END
$$;

-- The special customers: each is the minimal case of one kind of mess
CREATE FUNCTION messy.special_customers(seed bigint) RETURNS SETOF messy.log_row
	LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	m constant bigint := 2147483647;
	s bigint := 1 + ((seed % m) * 1000003 + 424242) % (m - 1);
	r messy.log_row;
	d integer;
	i integer;
BEGIN
	-- 1000001: a daily buyer, about 4,000 rows on about 1,000 days
	r := ROW(NULL, 1000001, 'Europe/Berlin', NULL, NULL, 1, 1.25, 1.25);
	FOR d IN 0 .. 1095 LOOP
		s := s * 48271 % m;
		CONTINUE WHEN s < 0.1 * m;
		FOR i IN 1 .. 1 + floor(s::float8 / m * 6)::integer LOOP
			s := s * 48271 % m;
			r.invoice := 'D' || d;
			r.purchased_at := (timestamp '2021-12-01 09:00' + make_interval(days => d, secs => i * 60)) AT TIME ZONE r.zone;
			r.purchased_on := (r.purchased_at AT TIME ZONE r.zone)::date;
			r.quantity := 1 + floor(s::float8 / m * 10)::integer;
			r.amount := r.quantity * r.unit_price;
			RETURN NEXT r;
		END LOOP;
	END LOOP;
	-- 1000002: a test account: 3,000 rows of 0.01 and 0.00 in its first two weeks
	r := ROW('T1', 1000002, 'Europe/Berlin', NULL, NULL, 1, 0.01, 0.01);
	FOR i IN 0 .. 2999 LOOP
		r.purchased_at := (timestamp '2024-03-04 10:00' + make_interval(days => i % 14, secs => i)) AT TIME ZONE r.zone;
		r.purchased_on := (r.purchased_at AT TIME ZONE r.zone)::date;
		r.unit_price := CASE WHEN i % 3 = 0 THEN 0 ELSE 0.01 END;
		r.amount := r.unit_price;
		RETURN NEXT r;
	END LOOP;
	-- 1000003: 2,500 lines in one second (one huge invoice): frequency 0
	r := ROW('B1', 1000003, 'America/New_York', '2023-06-01 12:00:00-04', '2023-06-01', 2, 3.5, 7.0);
	FOR i IN 1 .. 2500 LOOP RETURN NEXT r; END LOOP;
	-- 1000004 .. 1000008: purchases decades apart (store-card records of the
	-- 1970s-1990s imported into the shop's log)
	RETURN QUERY VALUES
		('L1', 1000004::bigint, 'Europe/Berlin', timestamptz '1975-06-14 11:00:00+01', date '1975-06-14', 1, 25.00::numeric, 25.00::numeric),
		('L2', 1000004, 'Europe/Berlin', '2024-06-14 11:00:00+02', '2024-06-14', 1, 30.00, 30.00),
		('L3', 1000005, 'America/New_York', '1975-03-01 10:00:00-05', '1975-03-01', 2, 9.99, 19.98),
		('L4', 1000005, 'America/New_York', '1982-07-04 10:00:00-04', '1982-07-04', 1, 15.00, 15.00),
		('L5', 1000005, 'America/New_York', '2024-11-29 10:00:00-05', '2024-11-29', 1, 49.90, 49.90),
		('L6', 1000006, 'Europe/Berlin', '1975-01-02 09:00:00+01', '1975-01-02', 1, 12.00, 12.00),
		('L7', 1000006, 'Europe/Berlin', '1976-01-02 09:00:00+01', '1976-01-02', 1, 12.00, 12.00),
		('L8', 1000007, 'Europe/Berlin', '1990-10-03 12:00:00+01', '1990-10-03', 1, 100.00, 100.00),
		('L9', 1000007, 'Europe/Berlin', '2024-10-03 12:00:00+02', '2024-10-03', 1, 0.00, 0.00),
		('L10', 1000008, 'America/New_York', '1979-12-31 23:59:59-05', '1979-12-31', 1, 5.00, 5.00),
		('L11', 1000008, 'America/New_York', '2000-01-01 00:00:00-05', '2000-01-01', 1, 5.00, 5.00),
		('L12', 1000008, 'America/New_York', '2024-02-29 12:00:00-05', '2024-02-29', 1, 5.00, 5.00);
	-- 1000010: one $0 purchase; 1000011: only $0 purchases, five days
	RETURN QUERY VALUES
		('Z1', 1000010::bigint, 'Europe/Berlin', timestamptz '2024-05-01 10:00:00+02', date '2024-05-01', 1, 0.00::numeric, 0.00::numeric);
	FOR d IN 0 .. 4 LOOP
		r := ROW('Z2', 1000011, 'Europe/Berlin', (timestamp '2023-01-10 10:00' + make_interval(days => 30 * d)) AT TIME ZONE 'Europe/Berlin',
				 date '2023-01-10' + 30 * d, 1, 0, 0);
		RETURN NEXT r;
	END LOOP;
	-- 1000100 .. 1000139: a paid first purchase, then only $0 repeat purchases
	-- (free samples, vouchers): mean repeat spend 0
	FOR i IN 0 .. 39 LOOP
		r := ROW('Z3', 1000100 + i, CASE WHEN i % 4 = 3 THEN 'America/New_York' ELSE 'Europe/Berlin' END, NULL, NULL, 1, 19.95, 19.95);
		r.purchased_at := (timestamp '2022-02-01 15:00' + make_interval(days => 17 * i)) AT TIME ZONE r.zone;
		r.purchased_on := (r.purchased_at AT TIME ZONE r.zone)::date;
		RETURN NEXT r;
		FOR d IN 1 .. 1 + i % 4 LOOP
			r.unit_price := 0; r.amount := 0;
			r.purchased_at := (timestamp '2022-02-01 15:00' + make_interval(days => 17 * i + 45 * d)) AT TIME ZONE r.zone;
			r.purchased_on := (r.purchased_at AT TIME ZONE r.zone)::date;
			RETURN NEXT r;
		END LOOP;
	END LOOP;
	RETURN QUERY VALUES
		-- 1000020: refunds only (of purchases before the log began)
		('C1', 1000020::bigint, 'Europe/Berlin', timestamptz '2022-01-05 10:00:00+01', date '2022-01-05', -3, 4.95::numeric, -14.85::numeric),
		('C2', 1000020, 'Europe/Berlin', '2022-01-06 10:00:00+01', '2022-01-06', -1, 4.95, -4.95),
		-- 1000021: NULL amounts only
		('N1', 1000021, 'Europe/Berlin', '2023-03-03 10:00:00+01', '2023-03-03', 1, NULL, NULL),
		('N2', 1000021, 'Europe/Berlin', '2023-04-03 10:00:00+02', '2023-04-03', 1, NULL, NULL),
		-- 1000022: every purchase after the cut-off
		('F1', 1000022, 'Europe/Berlin', '2024-12-24 10:00:00+01', '2024-12-24', 1, 59.00, 59.00),
		('F2', 1000022, 'Europe/Berlin', '2025-02-14 10:00:00+01', '2025-02-14', 1, 59.00, 59.00),
		-- 1000023: an amount of 1e9 (a keying error) among ordinary ones
		('E1', 1000023, 'Europe/Berlin', '2023-05-05 10:00:00+02', '2023-05-05', 1, 12.50, 12.50),
		('E2', 1000023, 'Europe/Berlin', '2023-06-05 10:00:00+02', '2023-06-05', 1, 1e9, 1e9),
		('E3', 1000023, 'Europe/Berlin', '2023-07-05 10:00:00+02', '2023-07-05', 1, 12.50, 12.50),
		-- 1000024: UCI's 80,995 x 2.08 order, cancelled 12 minutes later,
		-- after a small earlier purchase
		('581483', 1000024, 'Europe/Berlin', '2024-05-20 09:15:00+02', '2024-05-20', 2, 1.65, 3.30),
		('581484', 1000024, 'Europe/Berlin', '2024-11-09 09:15:00+01', '2024-11-09', 80995, 2.08, 168469.60),
		('C581484', 1000024, 'Europe/Berlin', '2024-11-09 09:27:00+01', '2024-11-09', -80995, 2.08, -168469.60),
		-- 1000025: sub-cent amounts
		('S1', 1000025, 'America/New_York', '2024-01-10 10:00:00-05', '2024-01-10', 1, 0.001, 0.001),
		('S2', 1000025, 'America/New_York', '2024-02-10 10:00:00-05', '2024-02-10', 1, 0.004, 0.004),
		-- 1000026: refunds above purchases (net revenue negative)
		('R1', 1000026, 'Europe/Berlin', '2024-03-01 10:00:00+01', '2024-03-01', 1, 10.00, 10.00),
		('R2', 1000026, 'Europe/Berlin', '2024-04-01 10:00:00+02', '2024-04-01', 1, 10.00, 10.00),
		('CR2', 1000026, 'Europe/Berlin', '2024-04-02 10:00:00+02', '2024-04-02', -5, 10.00, -50.00),
		-- 1000030 .. 1000035: DST changes and midnight: 02:30 on the spring
		-- Sundays does not exist, 02:30 (Berlin) / 01:30 (New York) on the autumn
		-- Sundays happens twice; 23:30 local is the next day in UTC
		('T1', 1000030, 'Europe/Berlin', '2022-03-27 02:30:00 Europe/Berlin', '2022-03-27', 1, 5.00, 5.00),
		('T2', 1000030, 'Europe/Berlin', '2022-10-30 02:30:00 Europe/Berlin', '2022-10-30', 1, 5.00, 5.00),
		('T3', 1000030, 'Europe/Berlin', '2022-10-30 02:30:00+01', '2022-10-30', 1, 5.00, 5.00),
		('T4', 1000031, 'America/New_York', '2023-03-12 02:30:00 America/New_York', '2023-03-12', 1, 7.00, 7.00),
		('T5', 1000031, 'America/New_York', '2023-11-05 01:30:00-04', '2023-11-05', 1, 7.00, 7.00),
		('T6', 1000031, 'America/New_York', '2023-11-05 01:30:00-05', '2023-11-05', 1, 7.00, 7.00),
		('T7', 1000032, 'Europe/Berlin', '2024-03-30 23:30:00 Europe/Berlin', '2024-03-30', 1, 8.00, 8.00),
		('T8', 1000032, 'Europe/Berlin', '2024-03-31 00:30:00 Europe/Berlin', '2024-03-31', 1, 8.00, 8.00),
		('T9', 1000032, 'Europe/Berlin', '2024-10-27 23:59:59.999999 Europe/Berlin', '2024-10-27', 1, 8.00, 8.00),
		('T10', 1000033, 'America/New_York', '2024-11-03 23:30:00 America/New_York', '2024-11-03', 1, 9.00, 9.00),
		('T11', 1000033, 'America/New_York', '2024-11-29 23:30:00 America/New_York', '2024-11-29', 1, 9.00, 9.00),
		-- 1000034: a first purchase in the last second before the cut-off
		-- (Berlin), 1000035: in the first second after it
		('T12', 1000034, 'Europe/Berlin', '2024-11-30 23:59:59 Europe/Berlin', '2024-11-30', 1, 15.00, 15.00),
		('T13', 1000035, 'Europe/Berlin', '2024-12-01 00:00:00 Europe/Berlin', '2024-12-01', 1, 15.00, 15.00);
END
$$;
