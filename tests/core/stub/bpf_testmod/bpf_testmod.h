/* SPDX-License-Identifier: BSD-2-Clause */
/* Stand-in for the selftests' bpf_testmod.h: only the type whose size
 * prog_tests/core_reloc.c takes (its module cases are skipped). */
#ifndef BTFX_STUB_BPF_TESTMOD_H
#define BTFX_STUB_BPF_TESTMOD_H
#include <sys/types.h>
#include <stddef.h>
struct bpf_testmod_test_read_ctx {
	char *buf;
	loff_t off;
	size_t len;
};
#endif
