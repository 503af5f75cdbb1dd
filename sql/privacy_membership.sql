-- Membership inference against dp_count within a privacy budget.  In each
-- trial a fair coin puts the target (unit 0) in a group of 50 others or
-- not; the attacker, whose budget is epsilon 1 in all, queries dp_count
-- until the ledger refuses, then guesses.  For total epsilon 1 no attacker
-- beats e / (1 + e) = 0.731 on average (plus delta), so over the trials
-- the number of right guesses must stay below the one-sided binomial
-- critical value at 1e-6.  A control attacker who ignores the budget must
-- go beyond it, or the test could not fail.  Spends go through the
-- library's test-only entry point, as restricted mode will.

CREATE SCHEMA regress_mi;
CREATE ROLE regress_mi_attacker;
CREATE FUNCTION pg_temp.spend(regrole, float8) RETURNS float8
	AS 'viewstats', 'viewstats_budget_spend_sql' LANGUAGE C;

-- smallest k with P(Binomial(n, p) >= k) <= alpha
CREATE FUNCTION regress_mi.critical(n int, p float8, alpha float8) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	pmf float8[] := array_fill(0::float8, ARRAY[n + 1]);
	tail float8 := 0;
BEGIN
	pmf[1] := (1 - p) ^ n;
	FOR k IN 1 .. n LOOP
		pmf[k + 1] := pmf[k] * (n - k + 1) / k * p / (1 - p);
	END LOOP;
	FOR k IN REVERSE n .. 0 LOOP
		tail := tail + pmf[k + 1];
		IF tail > alpha THEN
			RETURN k + 1;
		END IF;
	END LOOP;
	RETURN 0;
END $$;

-- One trial: answers of dp_count at epsilon eps, bought from the budget
-- until it refuses (or, for the control, k answers without a budget).  The
-- budget is reset before, in a transaction of its own: the worker that
-- records a spend waits for any transaction holding the budget's row.
CREATE FUNCTION regress_mi.answers(member bool, eps float8, budgeted bool, k int DEFAULT 0)
RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE
	out bigint[] := '{}';
	x bigint;
BEGIN
	LOOP
		IF budgeted THEN
			BEGIN
				PERFORM pg_temp.spend('regress_mi_attacker', eps);
			EXCEPTION WHEN insufficient_privilege THEN
				RETURN out;   -- the ledger refused: no more answers
			END;
		ELSIF cardinality(out) >= k THEN
			RETURN out;
		END IF;
		SELECT dp_count(u, eps) INTO x
		FROM (SELECT u FROM generate_series(1, 50) u UNION ALL SELECT 0 WHERE member) s;
		out := out || x;
	END LOOP;
END $$;

-- The guess: the likelihood ratio of "51 units" against "50" for discrete
-- Laplace answers is decided by how many answers are at least 51 (each such
-- answer counts for, each other against, with weight epsilon); ties say no.
CREATE FUNCTION regress_mi.guess(xs bigint[]) RETURNS bool LANGUAGE sql AS $$
	SELECT coalesce(sum(CASE WHEN x >= 51 THEN 1 ELSE -1 END), 0) > 0 FROM unnest(xs) x $$;

SELECT setseed(0.2024);
CREATE TABLE regress_mi.trials AS
SELECT i, random() < 0.5 AS member FROM generate_series(1, 200) i;
CREATE TABLE regress_mi.results (attacker text, i int, member bool, xs bigint[]);
SELECT viewstats.set_privacy_budget('regress_mi_attacker', 1.0);

-- each trial: reset the budget, then attack (one statement each; 400
-- trials, not echoed)
\set ECHO none
SELECT CASE WHEN a.budgeted
            THEN 'UPDATE privacy_budget SET spent = 0 WHERE role = ''regress_mi_attacker''::regrole' END,
       format('INSERT INTO regress_mi.results SELECT %L, %s, %L, regress_mi.answers(%L, %s, %L, %s)',
              a.attacker, t.i, t.member, t.member, a.eps, a.budgeted, a.k)
FROM regress_mi.trials t,
     (VALUES ('queries at epsilon 1 until refused', 1.0, true, 0),
             ('control: 25 queries at epsilon 1, no budget', 1.0, false, 25)) a(attacker, eps, budgeted, k)
ORDER BY a.attacker, t.i
\gexec
\set ECHO all

SELECT attacker, count(*) AS trials,
       min(cardinality(xs)) AS min_answers, max(cardinality(xs)) AS max_answers,
       round(exp(1.0) / (1 + exp(1.0)), 3) AS bound,
       count(*) FILTER (WHERE regress_mi.guess(xs) = member)
         < regress_mi.critical(count(*)::int, exp(1.0) / (1 + exp(1.0)), 1e-6) AS within_bound
FROM regress_mi.results
GROUP BY attacker ORDER BY attacker;

-- the targets were in about half of the trials
SELECT count(*) FILTER (WHERE member) BETWEEN 80 AND 160 AS balanced FROM regress_mi.trials;

DELETE FROM privacy_budget WHERE role = 'regress_mi_attacker'::regrole;
DROP SCHEMA regress_mi CASCADE;
DROP ROLE regress_mi_attacker;
