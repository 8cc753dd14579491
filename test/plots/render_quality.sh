# shellcheck shell=bash
# The plots of docs/quality.md, sourced by test/plots/render (uses qa, $data
# and $out), from data generated here with a seed:
#   servqual_gaps.svg  SERVQUAL gap per dimension with its 95 % interval
#                      (crm.servqual_dimensions) of a generated survey
#   bsc_scores.svg     balanced scorecard perspective scores and the overall
#                      score of three periods (crm.bsc_score)
qa -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS crm"
qa -c "SET client_min_messages = warning; DROP TABLE IF EXISTS plot_servqual; SELECT setseed(0.42);
       CREATE TABLE plot_servqual AS
       SELECT r, array_agg(least(7, 4 + floor(random() * 4))::float8 ORDER BY i) AS e,
              array_agg(greatest(1, least(7, floor(random() * 6) + 2 - CASE WHEN i BETWEEN 5 AND 9 THEN 2 ELSE 0 END))::float8 ORDER BY i) AS p
       FROM generate_series(1, 400) r, generate_series(1, 22) i GROUP BY r" >/dev/null
qa -c "\\copy (SELECT d.ordinality - 1, x.dimension, round(x.gap::numeric, 4), round(x.ci_low::numeric, 4), round(x.ci_high::numeric, 4)
              FROM crm.servqual_dimensions((SELECT crm.servqual_fit(crm.servqual_map(), e, p) FROM plot_servqual)) WITH ORDINALITY x(dimension, n, expectation, perception, gap, gap_sd, ci_low, ci_high, importance)
              JOIN unnest(crm.servqual_map_dimensions(crm.servqual_map())) WITH ORDINALITY d(name, ordinality) ON d.name = x.dimension
              ORDER BY 1) TO '$data/servqual.csv' WITH (FORMAT csv)"
# three periods of KPI values on a four-perspective model
qa -c "\\copy (SELECT p.period, s.perspective, round(min(s.perspective_score)::numeric, 4), round(min(s.overall)::numeric, 4)
              FROM (VALUES (1, 'Q1', '{\"revenue_growth\": 0.03, \"nps\": 21, \"retention\": 0.66, \"resolution_days\": 3.8, \"training_hours\": 6}'),
                           (2, 'Q2', '{\"revenue_growth\": 0.06, \"nps\": 30, \"retention\": 0.72, \"resolution_days\": 2.9, \"training_hours\": 11}'),
                           (3, 'Q3', '{\"revenue_growth\": 0.08, \"nps\": 41, \"retention\": 0.79, \"resolution_days\": 2.1, \"training_hours\": 15}')) p(k, period, vals),
                   crm.bsc_score(crm.bsc_model(ARRAY['financial', 'customer', 'internal process', 'learning and growth'], '{0.4,0.3,0.2,0.1}',
                                               '{revenue_growth,nps,retention,resolution_days,training_hours}',
                                               ARRAY['financial', 'customer', 'customer', 'internal process', 'learning and growth'],
                                               '{higher,higher,higher,lower,higher}', '{0.1,50,0.85,1,20}', '{0,0,0.6,5,0}', '{1,1,1,1,1}'),
                                 p.vals::jsonb) s
              GROUP BY p.k, p.period, s.perspective ORDER BY p.k, array_position(ARRAY['financial', 'customer', 'internal process', 'learning and growth'], s.perspective)) TO '$data/bsc.csv' WITH (FORMAT csv)"
qa -c "DROP TABLE plot_servqual"
# one row per period: the four perspective scores and the overall score
awk -F, 'BEGIN { OFS = "," } { row[$1] = row[$1] "," $3; overall[$1] = $4; if (!($1 in seen)) { order[++n] = $1; seen[$1] = 1 } }
         END { for (i = 1; i <= n; i++) print order[i] row[order[i]] "," overall[order[i]] }' "$data/bsc.csv" > "$data/bsc_wide.csv"

gnuplot <<GP
set terminal svg size 640,400 font "sans,11" background rgb "white"
set datafile separator ","
set output "$out/servqual_gaps.svg"
set title "SERVQUAL gap (perception - expectation) per dimension, 95 % interval"
set ylabel "mean gap (points on a 1-7 scale)"
set yrange [-3.5:0.5]
set xrange [-0.6:4.6]
set style fill solid 0.8 border -1
set boxwidth 0.6
set grid ytics
set xzeroaxis lt -1
plot "$data/servqual.csv" using 1:3:xtic(2) with boxes lc rgb "#c0504d" notitle, \
     "" using 1:3:4:5 with yerrorbars lc rgb "black" pt 7 ps 0.4 notitle

set output "$out/bsc_scores.svg"
set title "Balanced scorecard: perspective scores per period"
set ylabel "score (attainment, 0-1)"
set yrange [0:1.05]
set xrange [*:*]
set style data histograms
set style histogram clustered gap 1
set boxwidth 0.9
set key top left
plot "$data/bsc_wide.csv" using 2:xtic(1) title "financial" lc rgb "#4f81bd", \
     "" using 3 title "customer" lc rgb "#9bbb59", \
     "" using 4 title "internal process" lc rgb "#f79646", \
     "" using 5 title "learning and growth" lc rgb "#8064a2", \
     "" using 6 title "overall" lc rgb "#404040"
GP
