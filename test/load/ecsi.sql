-- Load plspm's satisfaction data (the ECSI survey of a Spanish bank, 250
-- respondents; ../shared/data/satisfaction_ecsi.csv) into ecsi(id, the 27
-- items imag1 .. loy4 on 1..10, gender) and ecsi_items(id, gender, items
-- float8[27]), and set the psql variable ecsi_spec to the ECSI model: blocks
-- IMAG 1-5, EXPE 6-10, QUAL 11-15, VAL 16-19, SAT 20-23, LOY 24-27, paths
-- IMAG -> EXPE, SAT, LOY; EXPE -> QUAL, VAL, SAT; QUAL -> VAL, SAT;
-- VAL -> SAT; SAT -> LOY.  The file is read from $CRM_DATA_DIR.
CREATE TABLE ecsi (
	imag1 float8, imag2 float8, imag3 float8, imag4 float8, imag5 float8,
	expe1 float8, expe2 float8, expe3 float8, expe4 float8, expe5 float8,
	qual1 float8, qual2 float8, qual3 float8, qual4 float8, qual5 float8,
	val1 float8, val2 float8, val3 float8, val4 float8,
	sat1 float8, sat2 float8, sat3 float8, sat4 float8,
	loy1 float8, loy2 float8, loy3 float8, loy4 float8,
	gender text);
\copy ecsi FROM PROGRAM 'cat "$CRM_DATA_DIR/satisfaction_ecsi.csv"' WITH (FORMAT csv, HEADER true)
ALTER TABLE ecsi ADD COLUMN id serial;
CREATE TABLE ecsi_items AS
SELECT id, gender,
       ARRAY[imag1, imag2, imag3, imag4, imag5, expe1, expe2, expe3, expe4, expe5,
             qual1, qual2, qual3, qual4, qual5, val1, val2, val3, val4,
             sat1, sat2, sat3, sat4, loy1, loy2, loy3, loy4] AS items
FROM ecsi;
ANALYZE ecsi_items;
-- the item names by position, for reading results
CREATE TABLE ecsi_item_names AS
SELECT position::int AS item, name
FROM unnest(ARRAY['imag1', 'imag2', 'imag3', 'imag4', 'imag5', 'expe1', 'expe2', 'expe3', 'expe4', 'expe5',
                  'qual1', 'qual2', 'qual3', 'qual4', 'qual5', 'val1', 'val2', 'val3', 'val4',
                  'sat1', 'sat2', 'sat3', 'sat4', 'loy1', 'loy2', 'loy3', 'loy4']) WITH ORDINALITY AS n(name, position);
\set ecsi_spec '{"blocks": {"IMAG": [1, 2, 3, 4, 5], "EXPE": [6, 7, 8, 9, 10], "QUAL": [11, 12, 13, 14, 15], "VAL": [16, 17, 18, 19], "SAT": [20, 21, 22, 23], "LOY": [24, 25, 26, 27]}, "paths": [["IMAG", "EXPE"], ["IMAG", "SAT"], ["IMAG", "LOY"], ["EXPE", "QUAL"], ["EXPE", "VAL"], ["EXPE", "SAT"], ["QUAL", "VAL"], ["QUAL", "SAT"], ["VAL", "SAT"], ["SAT", "LOY"]]}'
