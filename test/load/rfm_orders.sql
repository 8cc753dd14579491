-- Load the rfm package's rfm_data_orders (customer_id, order_date, revenue)
-- into rfm_orders, and its expected RFM table for analysis date 2006-12-31
-- into rfm_expected.  Files are read from $CRM_DATA_DIR (set by test/lib.sh).
CREATE TABLE rfm_orders (customer_id text, order_date date, revenue float8);
\copy rfm_orders FROM PROGRAM 'cat "$CRM_DATA_DIR/rfm_data_orders.csv"' WITH (FORMAT csv, HEADER true)
CREATE TABLE rfm_expected (customer_id text, recency_days int, transaction_count int, amount float8,
	recency_score int, frequency_score int, monetary_score int, rfm_score int, segment text);
\copy rfm_expected FROM PROGRAM 'cat "$CRM_DATA_DIR/rfm_orders_expected_2006-12-31.csv"' WITH (FORMAT csv, HEADER true)
ANALYZE rfm_orders;
