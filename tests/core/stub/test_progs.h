/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A minimal stand-in for the kernel selftests' test_progs.h, just enough
 * to compile prog_tests/core_reloc.c (unpacked at test time from Debian's
 * linux-source package, never stored in this repository) into
 * tests/core/selftest_run.c, which uses only its test_cases[] table, its
 * expected outputs and its setup functions.
 *
 * The assertion macros record a failure in stub_failed (the current case
 * then fails) and print what failed.
 */
#ifndef BTFX_STUB_TEST_PROGS_H
#define BTFX_STUB_TEST_PROGS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/types.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

extern int stub_failed;

struct stub_env {
	bool has_testmod;
};
extern struct stub_env env;

static inline bool stub_check(bool cond, const char *tag, const char *what)
{
	if (cond) {
		stub_failed = 1;
		printf("# FAIL %s: %s\n", tag, what);
	}
	return cond;
}

#define CHECK(cond, tag, fmt, ...)                                                                 \
	({                                                                                         \
		bool c_ = !!(cond);                                                                \
		(void)duration;                                                                    \
		if (c_) {                                                                          \
			stub_failed = 1;                                                           \
			printf("# FAIL %s: " fmt, tag, ##__VA_ARGS__);                             \
		}                                                                                  \
		c_;                                                                                \
	})
#define CHECK_FAIL(cond) ({ stub_check(!!(cond), "CHECK_FAIL", #cond); })
#define ASSERT_OK(res, name) ({ !stub_check((res) != 0, name, "not ok (" #res ")"); })
#define ASSERT_OK_PTR(ptr, name) ({ !stub_check(!(ptr) || libbpf_get_error(ptr), name, "NULL/error pointer"); })
#define ASSERT_GE(a, b, name) ({ !stub_check(!((a) >= (b)), name, #a " < " #b); })
#define ASSERT_FALSE(x, name) ({ !stub_check(!!(x), name, #x " is true"); })

static inline bool test__start_subtest(const char *name)
{
	(void)name;
	return true;
}
static inline void test__skip(void)
{
}

static inline pid_t sys_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* bpf_testmod is not loaded: the module cases are skipped */
static inline void trigger_module_test_read(int len)
{
	(void)len;
}

#endif
