-- ---------------------------------------------------------------------------
-- Markov-chain customer lifetime value, Pfeifer & Carraway (2000) (src/lifecycle/lifecycle_markov.c)
-- ---------------------------------------------------------------------------

CREATE FUNCTION crm.markov_clv(transition float8[], reward float8[], discount_rate float8,
	OUT state integer, OUT value float8)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'markov_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION crm.markov_clv(float8[], float8[], float8) IS
	'expected discounted value of a customer in each state of a Markov chain, unbounded horizon: (I - P/(1+d))^-1 R (Pfeifer & Carraway 2000); transition[i][j] = P(state i -> j), reward per period in each state, discount rate d per period (d = 0 when the rewards stop: an absorbing lost state without reward)';
CREATE FUNCTION crm.markov_clv(transition float8[], reward float8[], discount_rate float8, horizon integer,
	OUT state integer, OUT value float8)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'markov_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION crm.markov_clv(float8[], float8[], float8, integer) IS
	'expected discounted value of a customer in each state over the current period and horizon more: sum_{t=0..horizon} (P/(1+d))^t R (Pfeifer & Carraway 2000)';
CREATE FUNCTION crm.markov_clv(transition float8[], reward float8[], contact_cost float8[], discount_rate float8,
	OUT state integer, OUT value float8)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'markov_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION crm.markov_clv(float8[], float8[], float8[], float8) IS
	'Markov-chain value per state, unbounded horizon, with a contact cost per period in each state (net reward R - C)';
CREATE FUNCTION crm.markov_clv(transition float8[], reward float8[], contact_cost float8[], discount_rate float8,
	horizon integer, OUT state integer, OUT value float8)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'markov_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION crm.markov_clv(float8[], float8[], float8[], float8, integer) IS
	'Markov-chain value per state over a finite horizon, with a contact cost per period in each state (net reward R - C)';
