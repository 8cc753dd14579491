# Plots of the lifecycle domain, sourced by test/plots/render inside the
# demo's cluster (uses qa, $data and $out; cdnow_log comes from test/demo.sql):
#   stage_flows.svg       CDNOW customers by lifecycle stage at each month end
#                         (crm.stage_path, crm.stage_counts, crm.stage_count_table)
#   migration_heatmap.svg where the customers of each stage at 1997-12-31 are at
#                         1998-06-30 (crm.migration of crm.lifecycle_stage labels)

# month end x cumulative stage counts, stacked in lifecycle order
qa -c "\\copy (SELECT to_char(as_of, 'YYYY-MM-DD'),
                     sum(customers) FILTER (WHERE stage = 'new'),
                     sum(customers) FILTER (WHERE stage IN ('new', 'active')),
                     sum(customers) FILTER (WHERE stage IN ('new', 'active', 'reactivated')),
                     sum(customers) FILTER (WHERE stage IN ('new', 'active', 'reactivated', 'at_risk')),
                     sum(customers) FILTER (WHERE stage IN ('new', 'active', 'reactivated', 'at_risk', 'lapsed')),
                     sum(customers)
              FROM (SELECT crm.stage_counts(p) AS c
                    FROM (SELECT crm.stage_path(crm.lifecycle_model(), array_agg(purchased_on),
                                                date '1997-01-31', date '1998-06-30', interval '1 month') AS p
                          FROM cdnow_log GROUP BY customer_id) s) x,
                   crm.stage_count_table(x.c)
              GROUP BY as_of ORDER BY as_of) TO '$data/stages.csv' WITH (FORMAT csv)"
# stage at 1997-12-31 x stage at 1998-06-30 -> row share (%), in lifecycle order
qa -c "\\copy (WITH m AS (
                     SELECT crm.migration(crm.lifecycle_stage(crm.lifecycle_model(), days, date '1997-12-31'),
                                          crm.lifecycle_stage(crm.lifecycle_model(), days, date '1998-06-30')) AS m
                     FROM (SELECT array_agg(purchased_on) AS days FROM cdnow_log GROUP BY customer_id) d),
                   o(stage, k) AS (VALUES ('new', 0), ('active', 1), ('reactivated', 2), ('at_risk', 3), ('lapsed', 4), ('lost', 5))
              SELECT f.k, t.k, round((100 * coalesce(r.row_share, 0))::numeric, 1), f.stage, t.stage
              FROM o f CROSS JOIN o t
                   LEFT JOIN (SELECT r.* FROM m, crm.migration_table(m.m) r) r ON r.from_label = f.stage AND r.to_label = t.stage
              ORDER BY f.k, t.k) TO '$data/stage_migration.csv' WITH (FORMAT csv)"

gnuplot <<GP
set terminal svg size 760,460 font "sans,11" background rgb "white"
set datafile separator ","
set output "$out/stage_flows.svg"
set title "CDNOW: customers by lifecycle stage at each month end (default stage model)"
set xdata time
set timefmt "%Y-%m-%d"
set format x "%b %Y"
set xrange ["1997-01-31":"1998-06-30"]
set xtics autofreq
set ylabel "customers"
set yrange [0:*]
set key outside right top
set grid
plot "$data/stages.csv" using 1:6:7 with filledcurves lc rgb "#969696" title "lost", \
     "" using 1:5:6 with filledcurves lc rgb "#fdae6b" title "lapsed", \
     "" using 1:4:5 with filledcurves lc rgb "#fee391" title "at risk", \
     "" using 1:3:4 with filledcurves lc rgb "#9e9ac8" title "reactivated", \
     "" using 1:2:3 with filledcurves lc rgb "#74c476" title "active", \
     "" using 1:(0):2 with filledcurves lc rgb "#3182bd" title "new"
unset xdata
set format x "% h"

set terminal svg size 640,520 font "sans,11" background rgb "white"
set output "$out/migration_heatmap.svg"
set title "CDNOW: stage on 1998-06-30 of the customers in each stage on 1997-12-31 (% of the row)"
set xlabel "stage on 1998-06-30"
set ylabel "stage on 1997-12-31"
set cblabel "% of the row"
set palette defined (0 "#f7fbff", 30 "#6baed6", 100 "#08306b")
set cbrange [0:100]
set xrange [-0.5:5.5]
set yrange [5.5:-0.5]
set xtics ("new" 0, "active" 1, "reactivated" 2, "at risk" 3, "lapsed" 4, "lost" 5)
set ytics ("new" 0, "active" 1, "reactivated" 2, "at risk" 3, "lapsed" 4, "lost" 5)
unset key
unset grid
plot "$data/stage_migration.csv" using 2:1:3 with image notitle, \
     "" using 2:1:(sprintf("%.1f", \$3)) with labels font ",9" notitle
GP
sed -i "s/<image /<image style='image-rendering:optimizeSpeed;image-rendering:pixelated' /" "$out/migration_heatmap.svg"
