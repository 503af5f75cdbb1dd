/*
 * test_dayset_core.c
 *		Unit tests of the pure C core (src/core/dayset_core.c), run outside
 *		the server under ASan and UBSan.
 *
 * Each suite lives in its own file; this one seeds the PRNG and runs them.
 * The last line printed is "N passed, N failed"; the exit status is non-zero
 * when any test failed.  DS_UNIT_SEED=<hex> replays a random run.
 */
#include "test_util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

void		run_calendar_tests(void);
void		run_text_tests(void);
void		run_algebra_tests(void);
void		run_builder_tests(void);
void		run_binary_tests(void);
void		run_property_tests(void);

int
main(void)
{
	const char *seed = getenv("DS_UNIT_SEED");

	if (seed != NULL && *seed != '\0')
		test_seed = strtoull(seed, NULL, 16);
	printf("dayset core unit tests, seed 0x%016" PRIx64 "\n", test_seed);
	fflush(stdout);

	run_calendar_tests();
	run_text_tests();
	run_algebra_tests();
	run_builder_tests();
	run_binary_tests();
	run_property_tests();

	return ut_finish();
}
