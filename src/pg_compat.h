/*
 * pg_compat.h
 *		What differs between the PostgreSQL majors viewstats supports
 *		(15 to 18), in one place, so the fmgr files need no version tests
 *		of their own for these.
 *
 * Include it right after postgres.h.
 */
#ifndef VIEWSTATS_PG_COMPAT_H
#define VIEWSTATS_PG_COMPAT_H

#include "postgres.h"

/* 16 moved VARSIZE, SET_VARSIZE, VARDATA and friends out of postgres.h */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/*
 * 18 replaced the postfix pg_attribute_noreturn() with pg_noreturn, which
 * goes before the declaration.  gcc and clang accept the attribute there
 * too, so older majors get the same spelling.
 */
#ifndef pg_noreturn
#define pg_noreturn pg_attribute_noreturn()
#endif

#endif							/* VIEWSTATS_PG_COMPAT_H */
