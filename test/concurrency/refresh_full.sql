-- pgbench script: full scorecard refresh, refitting and registering its models
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'sc');
