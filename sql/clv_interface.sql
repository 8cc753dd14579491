-- The CLV model interface (src/clv/clv_ops.h), checked on the catalog: every
-- model type has its own fit final function and constructor in C
-- (NAME_fit_final, NAME_make), so no C code finds the kind from the declared
-- return type (which Citus does not pass to a final function); and the
-- functions on a model type are linked either to a generic scorer (clv_*,
-- dispatching on the model's kind) or to the type's own functions, never to
-- another kind's.  Each query lists violations; all lists are empty.

-- the model types: those read by the shared model input function
CREATE TEMP VIEW model_types AS
SELECT t.oid, t.typname FROM pg_type t JOIN pg_proc i ON i.oid = t.typinput
WHERE t.typnamespace = 'crm'::regnamespace AND i.prosrc = 'clv_model_in';
SELECT array_agg(typname ORDER BY typname)
       @> ARRAY['bgbb', 'bgnbd', 'gammagamma', 'mbgnbd', 'paretonbd', 'sbg']::name[] AS all_kinds_found
FROM model_types;

CREATE TEMP VIEW c_functions AS
SELECT p.* FROM pg_proc p
WHERE p.pronamespace = 'crm'::regnamespace AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c');

-- a model type without its own fit final function or constructor
SELECT m.typname AS model_type, f.symbol AS missing_c_function
FROM model_types m CROSS JOIN (VALUES ('_fit_final'), ('_make')) f(symbol)
WHERE NOT EXISTS (SELECT 1 FROM c_functions p WHERE p.prorettype = m.oid AND p.prosrc = m.typname || f.symbol)
ORDER BY 1, 2;

-- a C function that returns a model without taking one (nor the type OID,
-- as the input functions do) must be the type's own: its kind is then its
-- symbol, not a guess from the return type
SELECT p.oid::regprocedure AS kind_from_return_type, p.prosrc
FROM c_functions p JOIN model_types m ON m.oid = p.prorettype
WHERE NOT (p.prorettype = ANY (p.proargtypes::oid[]))
  AND p.prosrc NOT IN ('clv_model_in', 'clv_model_recv')
  AND p.prosrc NOT LIKE m.typname || '\_%'
ORDER BY 1::text;

-- a function on a model linked to another kind's C function
SELECT p.oid::regprocedure AS linked_to_another_kind, p.prosrc
FROM c_functions p
JOIN model_types m ON m.oid = p.proargtypes[0]
JOIN model_types other ON other.oid <> m.oid AND p.prosrc LIKE other.typname || '\_%'
ORDER BY 1::text;

-- the generic scorers serve several kinds each (a sanity check that the
-- queries above look at the functions they mean)
SELECT p.prosrc AS generic_scorer, count(DISTINCT m.typname) > 1 AS serves_several_kinds
FROM c_functions p JOIN model_types m ON m.oid = p.proargtypes[0]
WHERE p.prosrc IN ('clv_p_alive', 'clv_expected_purchases', 'clv_conditional_expected_purchases',
                   'clv_purchase_probability', 'clv_dert', 'clv_customer_loglik', 'clv_discounted_value')
GROUP BY 1 ORDER BY 1;
