# shellcheck shell=bash disable=SC2154  # qa, $data and $out come from test/plots/render
# Plots of the service domain (sourced by test/plots/render, which sets qa,
# $data and $out):
#   service_resolution.svg  Kaplan-Meier resolution curve per channel (share of
#                           tickets still open against hours since opening,
#                           open tickets censored at as_of; crm.resolution_curve)
#                           and, dashed, the naive curve of the resolved tickets
#                           alone
# drawn from the generated tickets of docs/service.md (the same seed and SQL),
# made here in a table of their own and dropped afterwards.
qa <<'SQL'
SET client_min_messages = warning;
DROP TABLE IF EXISTS service_plot_tickets;
SELECT setseed(0.2026) \g /dev/null
CREATE TABLE service_plot_tickets AS
SELECT i AS ticket_id, 1 + floor(random() * 5000)::int AS customer_id, o AS opened,
       CASE WHEN u < 0.12 THEN NULL ELSE o + d END AS resolved, channel,
       random() < CASE channel WHEN 'phone' THEN 0.7 ELSE 0.5 END AS first_contact_resolved,
       random() < 0.08 AS reopened
FROM generate_series(1, 20000) i,
     LATERAL (SELECT timestamptz '2026-01-01 00:00+00' + random() * interval '90 days' AS o, random() AS u,
                     (ARRAY['phone', 'email', 'chat'])[1 + floor(random() * 3)::int] AS channel
              WHERE i > 0) a,
     LATERAL (SELECT CASE WHEN random() < 0.33 THEN (1 + floor(random() * 24)) * interval '1 hour'
                          ELSE -ln(1 - random()) * CASE channel WHEN 'email' THEN interval '3 days'
                                                                ELSE interval '1 day' END END AS d
              WHERE i > 0) b;
SQL
# per channel: (hours, share still open) up to 10 days, starting at (0, 1), the
# last point of each quarter hour (the curve is a step function: enough for the
# plot, and the SVG stays small); then all channels, and the resolved tickets alone
for channel in phone chat email all; do
	filter="channel = '$channel'"
	[ "$channel" = all ] && filter=true
	qa -c "\\copy (SELECT 0, 1 UNION ALL
	              (SELECT DISTINCT ON (floor(c.\"time\" * 4)) c.\"time\", c.still_open
	               FROM (SELECT crm.ticket_fit(opened, resolved, timestamptz '2026-04-01 00:00+00') AS s
	                     FROM service_plot_tickets WHERE $filter) a,
	                    crm.resolution_curve(a.s, interval '1 hour') c
	               WHERE c.resolved > 0 AND c.\"time\" <= 240 ORDER BY floor(c.\"time\" * 4), c.\"time\" DESC) ORDER BY 1) TO '$data/service_km_$channel.csv' WITH (FORMAT csv)"
done
qa -c "\\copy (SELECT 0, 1 UNION ALL
              (SELECT DISTINCT ON (floor(x.hours * 4)) x.hours, 1 - x.cum / x.n
               FROM (SELECT extract(epoch FROM resolved - opened)::float8 / 3600 AS hours,
                            count(*) OVER (ORDER BY resolved - opened)::float8 AS cum, count(*) OVER ()::float8 AS n
                     FROM service_plot_tickets WHERE resolved <= timestamptz '2026-04-01 00:00+00') x
               WHERE x.hours <= 240 ORDER BY floor(x.hours * 4), x.hours DESC) ORDER BY 1) TO '$data/service_resolved_only.csv' WITH (FORMAT csv)"
qa -c "DROP TABLE service_plot_tickets"
gnuplot <<GP
set terminal svg size 640,420 font "sans,11" background rgb "white"
set datafile separator ","
set output "$out/service_resolution.svg"
set title "Resolution time: share of tickets still open (Kaplan-Meier, open tickets censored)"
set xlabel "hours since the ticket was opened"
set ylabel "share still open"
set xrange [0:240]
set yrange [0:1]
set xtics 24
set key right top
set grid
plot "$data/service_km_phone.csv" using 1:2 with steps lw 2 title "phone", \
     "$data/service_km_chat.csv" using 1:2 with steps lw 2 title "chat", \
     "$data/service_km_email.csv" using 1:2 with steps lw 2 title "e-mail", \
     "$data/service_km_all.csv" using 1:2 with steps lw 2 lc rgb "black" title "all channels", \
     "$data/service_resolved_only.csv" using 1:2 with steps lw 1 dt 2 lc rgb "black" title "all, resolved tickets only (naive)"
GP
