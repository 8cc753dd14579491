# Funnel plots (sourced by test/plots/render; uses qa, $data and $out):
#   funnel_times.svg  share of leads converted by days since each stage (1 - Kaplan-Meier S(t),
#                     open leads censored at as_of), on the generated leads of docs/lifecycle.md
# The leads are generated as in docs/lifecycle.md ("Funnel and win rate"), in
# a schema of their own that is dropped afterwards.
qa <<SQL
CREATE SCHEMA plot_funnel;
SET search_path = plot_funnel;
SELECT setseed(0.5) \gset
CREATE TABLE lead_events AS
WITH l AS (SELECT i AS lead_id, timestamptz '2024-01-01' + (random() * 180)::int * interval '1 day' AS entered,
                  random() AS u1, random() AS u2, random() AS u3, random() AS g1, random() AS g2, random() AS g3,
                  random() AS missing
           FROM generate_series(1, 2000) i)
SELECT lead_id, 'lead' AS stage, entered AS happened_at FROM l
UNION ALL SELECT lead_id, 'qualified', entered + (g1 * 20)::int * interval '1 day' FROM l WHERE u1 < 0.55 AND missing > 0.03
UNION ALL SELECT lead_id, 'proposal', entered + (g1 * 20 + g2 * 30)::int * interval '1 day' FROM l WHERE u1 < 0.55 AND u2 < 0.5
UNION ALL SELECT lead_id, 'won', entered + (g1 * 20 + g2 * 30 + g3 * 40)::int * interval '1 day' FROM l
          WHERE u1 < 0.55 AND u2 < 0.5 AND u3 < 0.4;
CREATE TABLE funnel AS
SELECT crm.funnel_fit(ARRAY['lead', 'qualified', 'proposal', 'won'], stage_times, timestamptz '2024-06-30', interval '1 day') AS f
FROM (SELECT ARRAY[min(happened_at) FILTER (WHERE stage = 'lead'), min(happened_at) FILTER (WHERE stage = 'qualified'),
                   min(happened_at) FILTER (WHERE stage = 'proposal'), min(happened_at) FILTER (WHERE stage = 'won')] AS stage_times
      FROM lead_events GROUP BY lead_id) x;
-- per transition, the step curve 1 - S(t) from (0, 0), one point before and after each event time
\copy (SELECT k, t, converted FROM (SELECT k, 0::float8 AS t, 0::float8 AS converted, 0 AS o FROM generate_series(1, 4) k UNION ALL SELECT k, s."time", 1 - coalesce(lag(s.survival) OVER (PARTITION BY k ORDER BY s."time"), 1), 1 FROM plot_funnel.funnel, (VALUES (1, 'lead', 'qualified'), (2, 'qualified', 'proposal'), (3, 'proposal', 'won'), (4, 'lead', 'won')) tr(k, a, b), crm.survival_table(crm.funnel_survival(f, a, b)) s UNION ALL SELECT k, s."time", 1 - s.survival, 2 FROM plot_funnel.funnel, (VALUES (1, 'lead', 'qualified'), (2, 'qualified', 'proposal'), (3, 'proposal', 'won'), (4, 'lead', 'won')) tr(k, a, b), crm.survival_table(crm.funnel_survival(f, a, b)) s) c ORDER BY k, t, o) TO '$data/funnel_times.csv' WITH (FORMAT csv)
SET client_min_messages = warning;
DROP SCHEMA plot_funnel CASCADE;
SQL

gnuplot <<GP
set terminal svg size 720,460 font "sans,11" background rgb "white"
set datafile separator ","
set output "$out/funnel_times.svg"
set title "Generated leads (docs/lifecycle.md): share converted by days since the stage (Kaplan-Meier, as of 2024-06-30)"
set title font ",10"
set xlabel "days since reaching the stage"
set ylabel "share converted to the next stage"
set yrange [0:1]
set xrange [0:90]
set key left top
set grid
plot "$data/funnel_times.csv" using (\$1 == 1 ? \$2 : NaN):3 with lines lw 2 title "lead -> qualified", \
     "" using (\$1 == 2 ? \$2 : NaN):3 with lines lw 2 title "qualified -> proposal", \
     "" using (\$1 == 3 ? \$2 : NaN):3 with lines lw 2 title "proposal -> won", \
     "" using (\$1 == 4 ? \$2 : NaN):3 with lines lw 2 dt 2 title "lead -> won (entry to win)"
GP
