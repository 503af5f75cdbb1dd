-- The privacy budget ledger: set_privacy_budget (superusers), spends made
-- by a background worker in a transaction of their own (so ROLLBACK keeps
-- them), viewstats.privacy_budget_remaining() for the login role, and what an
-- unprivileged analyst cannot do.  Amounts are checked against plain
-- numeric arithmetic.  Spends go through pg_temp.spend, a test-only entry
-- point (no extension script creates it) until restricted mode spends.

SELECT current_user AS superuser \gset
CREATE ROLE regress_budget_analyst LOGIN;
CREATE ROLE regress_budget_other;
CREATE ROLE regress_budget_none;
GRANT regress_budget_other TO regress_budget_analyst;
CREATE FUNCTION pg_temp.spend(regrole, float8) RETURNS float8
	AS 'viewstats', 'viewstats_budget_spend_sql' LANGUAGE C;
-- what the ledger holds, as numeric
CREATE FUNCTION pg_temp.ledger(r regrole, OUT budget numeric, OUT spent numeric)
	LANGUAGE sql AS $$ SELECT budget, spent FROM privacy_budget WHERE role = r $$;

-- ---- the table: empty, dumped, closed to PUBLIC ----
SELECT count(*) AS rows FROM privacy_budget;
SELECT extconfig @> ARRAY['privacy_budget'::regclass::oid] AS dumped
FROM pg_extension WHERE extname = 'viewstats';
SELECT p AS privilege, has_table_privilege('regress_budget_analyst', 'privacy_budget', p) AS analyst_has
FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p;
SELECT has_function_privilege('regress_budget_analyst', 'viewstats.set_privacy_budget(regrole, float8)', 'EXECUTE')
       AS analyst_may_set,
       has_function_privilege('regress_budget_analyst', 'viewstats.privacy_budget_remaining()', 'EXECUTE')
       AS analyst_may_read_own;

-- ---- setting a budget ----
SELECT viewstats.set_privacy_budget('regress_budget_analyst', 0.3);
SELECT * FROM pg_temp.ledger('regress_budget_analyst');
-- more than 12 decimals: the budget is rounded down, never up
SELECT viewstats.set_privacy_budget('regress_budget_other', 1.0 / 3);
SELECT budget, budget = trunc((1.0::float8 / 3)::numeric, 12) AS rounded_down
FROM pg_temp.ledger('regress_budget_other');
-- bad budgets, with their SQLSTATEs
\set VERBOSITY sqlstate
SELECT viewstats.set_privacy_budget('regress_budget_analyst', -1);
SELECT viewstats.set_privacy_budget('regress_budget_analyst', 'NaN');
SELECT viewstats.set_privacy_budget('regress_budget_analyst', 'Infinity');
SELECT viewstats.set_privacy_budget('regress_budget_analyst', 1000001);
SELECT viewstats.set_privacy_budget('regress_budget_analyst', NULL);
SELECT viewstats.set_privacy_budget(NULL, 1);
SELECT viewstats.set_privacy_budget(4000000000::oid::regrole, 1);
SELECT viewstats.set_privacy_budget('regress_nobody', 1);
\set VERBOSITY default
SELECT viewstats.set_privacy_budget('regress_budget_analyst', -1);
SELECT viewstats.set_privacy_budget(4000000000::oid::regrole, 1);
-- nothing changed
SELECT * FROM pg_temp.ledger('regress_budget_analyst');

-- ---- spending: exact, no float drift ----
-- 0.1 three times fits a budget of 0.3 exactly (in float8, 0.1 + 0.1 + 0.1
-- is above 0.3), and a fourth is refused with nothing spent
SELECT 0.1::float8 + 0.1::float8 + 0.1::float8 > 0.3::float8 AS float8_would_overshoot;
SELECT pg_temp.spend('regress_budget_analyst', 0.1) AS left1,
       pg_temp.spend('regress_budget_analyst', 0.1) AS left2,
       pg_temp.spend('regress_budget_analyst', 0.1) AS left3;
SELECT spent, spent = 0.1 * 3 AS exact FROM pg_temp.ledger('regress_budget_analyst');
SELECT pg_temp.spend('regress_budget_analyst', 0.1);
SELECT pg_temp.spend('regress_budget_analyst', 1e-12);
SELECT * FROM pg_temp.ledger('regress_budget_analyst');
-- a spend below 10^-12 is charged one unit (rounded up, never down)
SELECT viewstats.set_privacy_budget('regress_budget_other', 1);
SELECT pg_temp.spend('regress_budget_other', 1e-20) < 1 AS charged;
SELECT spent FROM pg_temp.ledger('regress_budget_other');
-- bad spends spend nothing
\set VERBOSITY sqlstate
SELECT pg_temp.spend('regress_budget_other', 0);
SELECT pg_temp.spend('regress_budget_other', -0.5);
SELECT pg_temp.spend('regress_budget_other', 'NaN');
SELECT pg_temp.spend('regress_budget_other', 'Infinity');
SELECT pg_temp.spend('regress_budget_other', 1e7);
-- a role without a budget has none to spend
SELECT pg_temp.spend('regress_budget_none', 0.1);
\set VERBOSITY default
SELECT pg_temp.spend('regress_budget_other', 'Infinity');
SELECT pg_temp.spend('regress_budget_none', 0.1);
SELECT spent FROM pg_temp.ledger('regress_budget_other');

-- ---- setting it again keeps what was spent ----
SELECT viewstats.set_privacy_budget('regress_budget_analyst', 1);
SELECT budget, spent, budget - spent AS remaining FROM pg_temp.ledger('regress_budget_analyst');
-- lowering it below the spend leaves nothing (not a negative amount)
SELECT viewstats.set_privacy_budget('regress_budget_analyst', 0.2);
SELECT pg_temp.spend('regress_budget_analyst', 0.01);
SELECT viewstats.set_privacy_budget('regress_budget_analyst', 1);

-- ---- the spend survives the caller's transaction ----
BEGIN;
SELECT pg_temp.spend('regress_budget_analyst', 0.25);
ROLLBACK;
SELECT spent = 0.3 + 0.25 AS kept_after_rollback FROM pg_temp.ledger('regress_budget_analyst');
-- an error after the answer
BEGIN;
SELECT pg_temp.spend('regress_budget_analyst', 0.125);
SELECT 1 / 0;
COMMIT;
SELECT spent = 0.3 + 0.25 + 0.125 AS kept_after_error FROM pg_temp.ledger('regress_budget_analyst');
-- a savepoint rolled back, inside a transaction that commits
BEGIN;
SAVEPOINT s;
SELECT pg_temp.spend('regress_budget_analyst', 0.125);
ROLLBACK TO SAVEPOINT s;
COMMIT;
SELECT spent = 0.3 + 0.25 + 0.125 + 0.125 AS kept_after_savepoint,
       budget - spent AS remaining
FROM pg_temp.ledger('regress_budget_analyst');
-- in a REPEATABLE READ transaction that began before the spend, the
-- remaining budget is still read as of now
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT budget - spent AS remaining_in_snapshot FROM pg_temp.ledger('regress_budget_analyst');
SELECT pg_temp.spend('regress_budget_analyst', 0.1) AS remaining_now;
SELECT budget - spent AS snapshot_still_says FROM pg_temp.ledger('regress_budget_analyst');
COMMIT;

-- ---- the test entry point refuses non-superusers ----
SET ROLE regress_budget_analyst;
SELECT pg_temp.spend('regress_budget_analyst', 0.1);
RESET ROLE;

-- ---- the analyst ----
ANALYZE privacy_budget;   -- so pg_stats has something to hide
SELECT count(*) > 0 AS superuser_sees_stats FROM pg_stats WHERE tablename = 'privacy_budget';
SELECT budget - spent AS analyst_remaining FROM pg_temp.ledger('regress_budget_analyst');
\c - regress_budget_analyst
SELECT current_user, viewstats.privacy_budget_remaining();
-- SET ROLE does not change whose budget is read
SET ROLE regress_budget_other;
SELECT current_user, viewstats.privacy_budget_remaining();
RESET ROLE;
-- no way to read another role's budget, nor to change one's own
SELECT pg_get_function_identity_arguments(oid) AS privacy_budget_remaining_takes
FROM pg_proc WHERE proname = 'privacy_budget_remaining';
SELECT * FROM privacy_budget;
SELECT count(*) FROM privacy_budget WHERE role = 'regress_budget_other'::regrole;
UPDATE privacy_budget SET spent = 0;
INSERT INTO privacy_budget VALUES ('regress_budget_analyst', 1000, 0);
DELETE FROM privacy_budget;
TRUNCATE privacy_budget;
SELECT viewstats.set_privacy_budget('regress_budget_analyst', 1000);
SELECT count(*) AS stats_rows FROM pg_stats WHERE tablename = 'privacy_budget';
-- nor to declare the spend entry point
CREATE FUNCTION pg_temp.spend(regrole, float8) RETURNS float8
	AS 'viewstats', 'viewstats_budget_spend_sql' LANGUAGE C;
\c - :superuser
SELECT role, budget, spent FROM privacy_budget ORDER BY role::text;

DELETE FROM privacy_budget;
DROP ROLE regress_budget_analyst, regress_budget_other, regress_budget_none;
