/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Run a test body in a forked child, so that a crash or a sanitizer abort
 * (ASan/UBSan with -fno-sanitize-recover) fails that one test instead of
 * killing the whole cmocka binary.  The body must not use cmocka
 * assertions (they would longjmp into the runner's copy in the child): it
 * prints what went wrong and returns non-zero.
 */
#ifndef BTFX_TEST_ISOLATE_H
#define BTFX_TEST_ISOLATE_H

#include <stddef.h>

/* Body returns 0 (pass) or ISOLATE_FAILED (a failure it has reported).
 * isolate_run returns 0, ISOLATE_FAILED, or ISOLATE_CRASHED (signal, or a
 * sanitizer abort: any other exit status), with a description in why. */
#define ISOLATE_FAILED 42
#define ISOLATE_CRASHED (-1)
int isolate_run(int (*body)(void *arg), void *arg, char *why, size_t cap);

/* Memory shared between the parent and its isolated children (MAP_SHARED). */
void *isolate_shared(size_t size);

#endif
