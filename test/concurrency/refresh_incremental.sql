-- pgbench script: incremental scorecard refresh with its registered models
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'sc_inc',
                           incremental => true, refit => false);
