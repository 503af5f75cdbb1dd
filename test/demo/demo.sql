-- make demo: the December 2017 viewing-streak story, answered by viewstats.
\set ON_ERROR_STOP on
CREATE EXTENSION IF NOT EXISTS viewstats;
\echo 'Generating a seeded synthetic viewing log (about 680,000 views) ...'
\ir generate.sql
\ir report.sql
