-- Bounded mutation fuzzing of every crm type's text input: thousands of
-- corrupted variants of valid values (characters replaced, deleted,
-- inserted, duplicated, truncated) must each either parse or raise a
-- data-exception class error (SQLSTATE 22xxx) -- never anything else, and
-- never crash the server.  Whatever parses must print and re-read to itself.
\i test/load/sqlstate_of.sql
SELECT setseed(0.2024);

-- one random mutation of a string
CREATE FUNCTION mutate(s text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	alphabet constant text := '0123456789-+.,:;{}=/ eEnNaIfvx' || chr(9) || 'é';
	pos int := 1 + floor(random() * greatest(length(s), 1))::int;
	ch text := substr(alphabet, 1 + floor(random() * length(alphabet))::int, 1);
BEGIN
	CASE floor(random() * 5)::int
		WHEN 0 THEN RETURN overlay(s placing ch from pos for 1);             -- replace
		WHEN 1 THEN RETURN overlay(s placing '' from pos for 1);             -- delete
		WHEN 2 THEN RETURN overlay(s placing ch from pos for 0);             -- insert
		WHEN 3 THEN RETURN overlay(s placing substr(s, pos, 3) from pos for 0); -- duplicate
		ELSE RETURN left(s, pos - 1);                                         -- truncate
	END CASE;
END $$;

CREATE TABLE seeds (type text, value text);
INSERT INTO seeds VALUES
	('crm.rfm', '543'), ('crm.rfm', '5-4-3'), ('crm.rfm(5)', '515'),
	('crm.summary_state', 'v1 flags=2 asof=8811/0 holdout=8840/0 period=0/1 unit=0/7/0 days=8775/8789 tx=3/1 spend=15/30/99/7.5 cal={8775,8789} hold={8826}'),
	('crm.summary_state', 'v1 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=3/9 tx=2/0 spend=1.5/2.25/0/0 cal={3,9} hold={}'),
	('crm.rfm_model', 'quantile bins=5 n=995 recency={115,181,297.4,482} frequency={4,5,6,8} monetary={255.8,382,506.4,666}'),
	('crm.rfm_model', 'thresholds bins=3 n=0 recency={10,20} frequency={2,5} monetary={100,500}'),
	('crm.rfm_fit_state', 'v1 method=quantile bins=3 n=2 recency={1:1,5:1} frequency={1:2} monetary={0.5:2}'),
	('crm.bgnbd', 'r=0.243 alpha=4.414 a=0.793 b=2.426'),
	('crm.mbgnbd', 'r=0.525 alpha=6.183 a=0.891 b=1.614 ll=-9582.13 n=2357 iterations=25 converged=true se_r=0.08 se_alpha=0.7 se_a=0.15 se_b=0.54 penalizer=0.1'),
	('crm.gammagamma', 'p=6.25 q=3.74 gamma=15.44 ll=-4055.92 n=946 iterations=17 converged=false'),
	('crm.paretonbd', 'r=0.553 alpha=10.578 s=0.606 beta=11.669 ll=-9594.98 n=2357 iterations=27 converged=true se_beta=6.2'),
	('crm.sbg', 'alpha=0.704 beta=1.182'),
	('crm.sbg', 'alpha=0.7040769561639242 beta=1.1820422451349464 ll=-1680.2651884633 n=1000 iterations=9 converged=true se_alpha=0.0626 se_beta=0.1352'),
	('crm.clv_fit_state', 'v1 shape=tenures n=10 tuples={1,1:4;2,1:2;3,0:3;3,1:1}'),
	('crm.clv_fit_state', 'v1 shape=purchases n=4 penalizer=0.5 tuples={0,0,10.5:2;1,2,8:1;2,3.25,10.5:1}'),
	('crm.clv_fit_state', 'v1 shape=spend n=6 tuples={1,7:3;2,12.5:3}'),
	('crm.bgbb', 'alpha=1.204 beta=0.75 gamma=0.657 delta=2.783'),
	('crm.bgbb', 'alpha=1.2035224681474062 beta=0.7497163990440154 gamma=0.6567181593910766 delta=2.7834419327281256 ll=-33225.58127434701 n=11104 iterations=18 converged=true se_alpha=0.07 se_beta=0.04 se_gamma=0.05 se_delta=0.38 penalizer=0.01'),
	('crm.clv_fit_state', 'v1 shape=opportunities n=5 tuples={0,0,6:2;2,4,6:1;6,6,6:2}'),
	('crm.clv_fit_state', 'v1 shape=durations n=4 tuples={0,1:1;2.5,0:1;2.5,1:2}'),
	('crm.survival', 'v1 n=7 times={9:1,0;13:1,1;18:1,0;23:1,0;28:0,1;31:1,0}'),
	('crm.survival', 'v1 n=6 times={0:2,0;0.25:0,1;1.5e3:1,2}'),
	('crm.cohort_state', 'v1 unit=1 month through=1997-04-30 events=10 ignored=2 pairs={11d5619ac3bc2f2b:1997-03-01;329f2d4f439edcf6:1997-01-01,1997-02-01;a4dd7e40fe534f97:1997-02-01,1997-04-01}'),
	('crm.cohort_state', 'v1 unit=2 weeks through=1997-01-19 events=3 ignored=1 pairs={ab:1997-01-06;abc:1996-12-09,1996-12-23}'),
	('crm.cohort_table', 'unit=1 month through=1997-04-30 first=1997-01-01 events=10 active={2,1,1,1;1,0,1;1,0;0} retained={2,2,1,1;1,1,1;1,0;0}'),
	('crm.cohort_table', 'unit=2 weeks through=1997-01-19 first=1996-12-23 events=4 active={2,1;1} retained={2,1;1}'),
	('crm.nps', 'promoters=100 passives=60 detractors=40'),
	('crm.csat', 'scale_max=5 counts={2,3,10,40,45}'),
	('crm.ces', 'counts={1,2,4,8,20,30,35}'),
	('crm.csi_state', 'scale_min=1 scale_max=10 respondents=3 items={0.5,21,3;0.3,15,3;0.2,9.5,2}'),
	('crm.pls_state', 'v1 p=2 n=3 skipped=1 mean={2,5} comoment={2,1,2}'),
	('crm.pls_state', 'v1 p=3 n=4 skipped=0 mean={2,5,1.5} comoment={2,1,0.5,2,-1,3} scheme=path scaled=false spec={"blocks": {"A": [1, 3], "B": [2]}, "paths": [["A", "B"]], "tol": 1e-06, "maxiter": 100}'),
	('crm.pls_model', '{"scheme": "centroid", "scaled": false, "items": 4, "respondents": 4, "skipped": 0, "iterations": 4, "converged": true, "tol": 1e-06, "maxiter": 100, "gof": 0.743, "lvs": [{"name": "A", "sign": 1, "r2": 0, "items": [{"item": 1, "mean": 2.5, "sd": 1.118, "weight": 0.592, "loading": 0.972}, {"item": 2, "mean": 2.5, "sd": 1.118, "weight": 0.347, "loading": 0.918}]}, {"name": "B", "sign": 1, "r2": 0.613, "items": [{"item": 3, "mean": 3, "sd": 0.707, "weight": 0.261, "loading": 0.908}, {"item": 4, "mean": 3, "sd": 1.225, "weight": 0.682, "loading": 0.996}]}], "paths": [{"from": "A", "to": "B", "coefficient": 0.783}]}'),
	('crm.concentration', 'v1 n=6 values={0:1,2.5:3,10:2}'),
	('crm.value_fit_state', 'v1 kind=pyramid n=5 cuts={0.01,0.05,0.2,1} names={"Platinum","Gold","Iron","Lead"} values={0:1,2.5:3,10:1}'),
	('crm.value_fit_state', 'v1 kind=abc n=3 cuts={0.8,0.95,1} names={"A","B","C"} values={1:2,7.5:1}'),
	('crm.value_fit_state', 'v1 kind=potential n=3 values={-1:1,4:2} potentials={0.5:2,9:1}'),
	('crm.value_tier_model', 'pyramid n=10 total=55 cuts={0.1,0.5,1} names={"Go\\"ld","Silver","Bronze"} thresholds={10,6,1} customers={1,4,5} values={10,30,15}'),
	('crm.value_tier_model', 'abc n=5 total=100 cuts={0.8,0.95,1} names={"A","B","C"} thresholds={30,5,5} customers={2,3,0} values={80,20,0}'),
	('crm.value_potential_model', 'value_threshold=36.11 potential_threshold=10.329 n=2357');

-- mutate each seed 1 to 3 times, 400 variants per seed
CREATE TABLE cases AS
SELECT type, v AS input FROM (
	SELECT s.type,
	       CASE WHEN k = 1 THEN mutate(s.value) WHEN k = 2 THEN mutate(mutate(s.value))
	            ELSE mutate(mutate(mutate(s.value))) END AS v
	FROM seeds s, generate_series(1, 400) i, LATERAL (SELECT 1 + (i % 3) AS k) kk) x;

CREATE TABLE outcomes AS
SELECT type, input, sqlstate_of(format('SELECT %L::%s', input, type)) AS outcome FROM cases;

-- every outcome is a parse or a 22xxx error
SELECT type, count(*) AS cases,
       count(*) FILTER (WHERE outcome = 'no error') AS parsed,
       count(*) FILTER (WHERE outcome LIKE '22%') AS data_errors,
       count(*) FILTER (WHERE outcome <> 'no error' AND outcome NOT LIKE '22%') AS other
FROM outcomes GROUP BY type ORDER BY type;
SELECT type, input, outcome FROM outcomes WHERE outcome <> 'no error' AND outcome NOT LIKE '22%' LIMIT 10;

-- whatever parses prints and re-reads to the same text
CREATE FUNCTION reparses(type text, input text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	once text;
	twice text;
BEGIN
	EXECUTE format('SELECT %L::%s::text', input, type) INTO once;
	EXECUTE format('SELECT %L::%s::text', once, type) INTO twice;
	RETURN once = twice;
END $$;
SELECT count(*) FILTER (WHERE NOT reparses(type, input)) AS not_round_tripping
FROM outcomes WHERE outcome = 'no error';

DROP TABLE seeds, cases, outcomes;
DROP FUNCTION mutate(text), reparses(text, text);
