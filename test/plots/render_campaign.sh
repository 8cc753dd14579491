# Plots of the campaign domain, sourced by test/plots/render inside the
# demo's cluster (uses qa, $data and $out); the data are generated here from
# hashes of the customer number (the same every run): 20,000 customers, a
# score, a treatment flag (two in three treated), and a response that rises
# with the score, more so when treated
#   gains_chart.svg  cumulative gains of the score (crm.gains_curve, crm.auc)
#   qini_curve.svg   the Qini curve against random targeting (crm.qini_curve, crm.qini)
auc=$(qa <<SQL
CREATE TEMP TABLE plot_campaign AS
SELECT i AS id, round(u::numeric, 2)::float8 AS score, t AS treated,
       (abs(hashint4(i + 100000)) % 10000) / 10000.0 < 0.03 + 0.2 * u + CASE WHEN t THEN 0.1 * u ELSE 0 END AS responded
FROM generate_series(1, 20000) i,
     LATERAL (SELECT (abs(hashint4(i)) % 10000) / 10000.0 AS u, abs(hashint4(i + 200000)) % 3 <> 0 AS t) r;
\copy (SELECT g.pct_customers, g.gain FROM (SELECT crm.gains_fit(score, responded) AS s FROM plot_campaign) a, crm.gains_curve(a.s) g ORDER BY g.point) TO '$data/gains.csv' WITH (FORMAT csv)
\copy (SELECT q.pct_customers, q.qini, q.random FROM (SELECT crm.uplift_fit(score, responded, treated) AS s FROM plot_campaign) a, crm.qini_curve(a.s) q ORDER BY q.point) TO '$data/qini.csv' WITH (FORMAT csv)
SELECT round(crm.auc(crm.gains_fit(score, responded))::numeric, 3) || ' ' ||
       round(crm.qini(crm.uplift_fit(score, responded, treated))::numeric, 3) FROM plot_campaign;
SQL
)
qini=${auc#* }
auc=${auc% *}

gnuplot <<GP
set terminal svg size 560,480 font "sans,11" background rgb "white"
set datafile separator ","
set output "$out/gains_chart.svg"
set title "Cumulative gains of a campaign score (20,000 generated customers, AUC $auc)"
set xlabel "share of customers targeted (highest score first)"
set ylabel "share of all responders reached"
set xrange [0:1]
set yrange [0:1]
set key left top
set grid
plot "$data/gains.csv" using 1:2 with lines lw 2 lc rgb "#d62728" title "score", \
     x with lines dt 2 lc rgb "#555555" title "random"

set output "$out/qini_curve.svg"
set title "Qini curve of the same score on the treated and control groups (Qini $qini)"
set xlabel "share of customers targeted (highest score first)"
set ylabel "incremental responders"
set yrange [*:*]
plot "$data/qini.csv" using 1:2 with lines lw 2 lc rgb "#1f77b4" title "score", \
     "" using 1:3 with lines dt 2 lc rgb "#555555" title "random"
GP
