/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Crafted BTF cases shared by test_btf_parse (expected btfx verdicts) and
 * test_kernel_oracle (same blobs against the running kernel).
 *
 * - robustness.md section 6 items 1-31 (every sub-variant) and positive cases,
 *   each with the error class, a message substring and the type id btfx
 *   must report;
 * - kernel-rule probes (CF_PROBE): inputs where the right verdict is simply
 *   "whatever the kernel says"; only the oracle uses them.
 */
#ifndef BTFX_TEST_CORPUS_H
#define BTFX_TEST_CORPUS_H

#include <stddef.h>
#include <stdint.h>

#include "btfx/btfx.h"

enum case_flags {
	CF_NO_ORACLE = 1u << 0, /* deliberate deviation: layout section / foreign endian / kind >= 20 */
	CF_PROBE = 1u << 1,     /* no btfx expectation; kernel oracle only */
	CF_BIG = 1u << 2,       /* megabytes: do not hex dump in full */
};

struct tcase {
	const char *name;
	uint8_t *(*build)(size_t *size); /* malloc'd blob, exactly *size bytes */
	enum btfx_errc code;             /* BTFX_OK: must be accepted */
	const char *msg;                 /* substring err.msg must contain, or NULL */
	uint32_t type_id;                /* err.type_id expected (0: none) */
	unsigned flags;
};

extern const struct tcase corpus[];
extern const size_t corpus_len;

/* Exercise every public accessor on every type of an accepted object (for
 * crashes / sanitizer reports); returns the number of types visited. */
size_t corpus_walk_accessors(struct btfx *btf);

#endif
