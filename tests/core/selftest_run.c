// SPDX-License-Identifier: BSD-2-Clause
/*
 * The kernel's CO-RE selftests (tools/testing/selftests/bpf/prog_tests/
 * core_reloc.c) as a peer suite for btfx, run for real on this kernel.
 *
 * Built at test time by tests/cli/core.sh against a copy of core_reloc.c
 * unpacked from Debian's linux-source package (never stored here):
 *
 *   cc -I tests/core/stub -I SELFTESTS -o selftest_run selftest_run.c -lbpf
 *
 * core_reloc.c is #included for its test_cases[] table (program object,
 * target BTF object, input bytes, expected output bytes, `fails`) and its
 * setup functions; the driving loop is this file's.  For each case:
 *
 *   btfx mode:   btftool core reloc test_core_reloc_X.bpf.o
 *                        --target btf__core_reloc_Y.bpf.o (or the running
 *                        kernel's vmlinux) -o R.o
 *                then libbpf loads R.o (no CO-RE records left: libbpf
 *                relocates nothing), the program is attached to sys_enter,
 *                fed the case's input and triggered; its output must equal
 *                the expected bytes.  A case marked `fails` must fail: a
 *                relocation error from btftool, or a verifier rejection
 *                (a reachable poisoned instruction).
 *   libbpf mode: the same with libbpf's own CO-RE (btf_custom_path), to
 *                show what Debian's libbpf 1.1 itself makes of each case.
 *
 *   selftest_run btfx|libbpf OBJDIR BTFTOOL [CASE...]
 *   selftest_run list       (one line per case: name, program object,
 *                           target object or "-" for the running kernel,
 *                           fails 0/1, needs_testmod 0/1; tab-separated)
 *
 * Prints per case "ok selftest/MODE/NAME ..." or "not ok selftest/MODE/NAME:
 * why" (or "skip ..."), and exits 1 if any case failed.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "test_progs.h"

int stub_failed;
struct stub_env env;

#include "prog_tests/core_reloc.c"

static const char *btftool;
static char logbuf[1 << 16];
static size_t loglen;

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	if (loglen < sizeof(logbuf) - 1) {
		int n = vsnprintf(logbuf + loglen, sizeof(logbuf) - loglen, fmt, ap);
		if (n > 0)
			loglen += (size_t)n < sizeof(logbuf) - loglen ? (size_t)n : sizeof(logbuf) - loglen - 1;
	}
	return 0;
}

/* the last line of the captured log that mentions CO-RE or the verifier's verdict */
static const char *log_reason(void)
{
	static char line[300];
	const char *best = NULL;
	char *save = NULL, *l, copy[sizeof(logbuf)];

	memcpy(copy, logbuf, loglen + 1);
	for (l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (strstr(l, "CO-RE") || strstr(l, "invalid func") || strstr(l, "relo #") ||
		    strstr(l, "unknown#195896080"))
			best = l;
	snprintf(line, sizeof(line), "%s", best ? best : "(no libbpf message)");
	return line;
}

/* btftool core reloc OBJ --target T -o OUT: its exit status, stderr in err */
static int run_reloc(const char *obj, const char *target, const char *out, char *err, size_t errsz)
{
	int pfd[2], st;
	pid_t pid;
	ssize_t n;
	size_t got = 0;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(pfd[1], 2);
		dup2(pfd[1], 1);
		close(pfd[0]);
		execl(btftool, btftool, "core", "reloc", obj, "--target", target, "-o", out, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	/* keep the first line, drain the rest (btftool may print one line per
	 * failed relocation) */
	for (;;) {
		char tmp[4096];
		n = read(pfd[0], tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t k = 0; k < n && got < errsz - 1; k++)
			err[got++] = tmp[k];
	}
	err[got] = 0;
	err[strcspn(err, "\n")] = 0;
	close(pfd[0]);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

enum outcome { RAN, FAIL_RELOC, FAIL_LOAD, HARNESS };

static int run_case(const struct core_reloc_test_case *orig, bool use_btfx)
{
	const size_t mmap_sz = roundup_page(sizeof(struct data));
	struct core_reloc_test_case tc = *orig;
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	const char *mode = use_btfx ? "btfx" : "libbpf";
	char relo_path[] = "/tmp/btfx-core-selftest.XXXXXX";
	char err[1024] = "", out_buf[256];
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	struct bpf_link *link = NULL;
	struct bpf_map *map;
	struct data *data = NULL;
	enum outcome oc = HARNESS;
	const char *why = "";
	int rc = 0, fd = -1;
	uint64_t my_pid_tgid = getpid() | ((uint64_t)sys_gettid() << 32);

	stub_failed = 0;
	loglen = 0;
	logbuf[0] = 0;
	if (tc.needs_testmod) {
		printf("skip selftest/%s/%s: needs bpf_testmod\n", mode, tc.case_name);
		return 0;
	}
	/* setup reads the original object's and the target's BTF (type ids) */
	if (tc.setup) {
		static char outcopy[256];
		memcpy(outcopy, tc.output, tc.output_len);
		tc.output = outcopy;
		if (tc.setup(&tc) || stub_failed) {
			printf("not ok selftest/%s/%s: setup failed\n", mode, tc.case_name);
			return 1;
		}
	}
	if (use_btfx) {
		int r;
		fd = mkstemp(relo_path);
		if (fd < 0) {
			printf("not ok selftest/%s/%s: mkstemp: %s\n", mode, tc.case_name, strerror(errno));
			return 1;
		}
		close(fd);
		r = run_reloc(tc.bpf_obj_file, tc.btf_src_file ? tc.btf_src_file : "/sys/kernel/btf/vmlinux",
			      relo_path, err, sizeof(err));
		if (r == 1) {
			oc = FAIL_RELOC;
			why = err;
			goto verdict;
		}
		if (r != 0) {
			snprintf(out_buf, sizeof(out_buf), "btftool core reloc exit %d: %.200s", r, err);
			why = out_buf;
			goto verdict;
		}
		obj = bpf_object__open_file(relo_path, &opts);
	} else {
		opts.btf_custom_path = tc.btf_src_file;
		obj = bpf_object__open_file(tc.bpf_obj_file, &opts);
	}
	if (!obj || libbpf_get_error(obj)) {
		obj = NULL;
		why = "bpf_object__open_file failed";
		goto verdict;
	}
	prog = bpf_object__find_program_by_name(obj, tc.prog_name);
	if (!prog) {
		why = "program not found";
		goto verdict;
	}
	if (bpf_object__load(obj)) {
		oc = FAIL_LOAD;
		why = log_reason();
		goto verdict;
	}
	map = bpf_object__find_map_by_name(obj, ".bss");
	if (!map) {
		why = ".bss not found";
		goto verdict;
	}
	data = mmap(NULL, mmap_sz, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(map), 0);
	if (data == MAP_FAILED) {
		data = NULL;
		why = ".bss mmap failed";
		goto verdict;
	}
	memset(data, 0, sizeof(*data));
	if (tc.input_len)
		memcpy(data->in, tc.input, tc.input_len);
	data->my_pid_tgid = my_pid_tgid;
	link = tc.raw_tp_name ? bpf_program__attach_raw_tracepoint(prog, tc.raw_tp_name) : bpf_program__attach(prog);
	if (!link || libbpf_get_error(link)) {
		link = NULL;
		why = "attach failed";
		goto verdict;
	}
	usleep(1);
	oc = RAN;

verdict:
	if (oc == HARNESS) {
		printf("not ok selftest/%s/%s: harness: %s\n", mode, tc.case_name, why);
		rc = 1;
	} else if (tc.fails) {
		if (oc == RAN) {
			printf("not ok selftest/%s/%s: expected to fail, but %s relocated it and it loaded and ran\n",
			       mode, tc.case_name, mode);
			rc = 1;
		} else {
			printf("ok selftest/%s/%s (fails as expected: %s: %.200s)\n", mode, tc.case_name,
			       oc == FAIL_RELOC ? "relocation error" : "load rejected", why);
		}
	} else if (oc != RAN) {
		printf("not ok selftest/%s/%s: %s: %.300s\n", mode, tc.case_name,
		       oc == FAIL_RELOC ? "relocation error" : "load rejected", why);
		rc = 1;
	} else if (data->skip) {
		printf("skip selftest/%s/%s: the program skipped itself\n", mode, tc.case_name);
	} else if (memcmp(data->out, tc.output, tc.output_len)) {
		int n = 0;
		printf("not ok selftest/%s/%s: output differs:", mode, tc.case_name);
		for (int j = 0; j < tc.output_len && n < 12; j++)
			if (data->out[j] != tc.output[j]) {
				printf(" byte %d exp 0x%02x got 0x%02x;", j, (unsigned char)tc.output[j],
				       (unsigned char)data->out[j]);
				n++;
			}
		printf("\n");
		rc = 1;
	} else if (stub_failed) {
		printf("not ok selftest/%s/%s: an assertion failed\n", mode, tc.case_name);
		rc = 1;
	} else {
		printf("ok selftest/%s/%s (output matches, %d bytes)\n", mode, tc.case_name, tc.output_len);
	}
	if (data)
		munmap(data, mmap_sz);
	bpf_link__destroy(link);
	bpf_object__close(obj);
	if (use_btfx)
		unlink(relo_path);
	return rc;
}

int main(int argc, char **argv)
{
	bool use_btfx;
	int bad = 0;

	if (argc == 2 && !strcmp(argv[1], "list")) {
		for (size_t i = 0; i < ARRAY_SIZE(test_cases); i++)
			printf("%s\t%s\t%s\t%d\t%d\n", test_cases[i].case_name, test_cases[i].bpf_obj_file,
			       test_cases[i].btf_src_file ? test_cases[i].btf_src_file : "-", test_cases[i].fails,
			       test_cases[i].needs_testmod);
		return 0;
	}
	if (argc < 4 || (strcmp(argv[1], "btfx") && strcmp(argv[1], "libbpf"))) {
		fprintf(stderr, "usage: %s btfx|libbpf OBJDIR BTFTOOL [CASE...]\n", argv[0]);
		return 2;
	}
	use_btfx = !strcmp(argv[1], "btfx");
	btftool = argv[3];
	if (chdir(argv[2])) {
		perror(argv[2]);
		return 2;
	}
	/* the "kernel" case reads current->comm */
	prctl(PR_SET_NAME, "test_progs", 0, 0, 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(print_fn);
	for (size_t i = 0; i < ARRAY_SIZE(test_cases); i++) {
		bool want = argc == 4;
		for (int a = 4; a < argc; a++)
			want |= !strcmp(argv[a], test_cases[i].case_name);
		if (want)
			bad += run_case(&test_cases[i], use_btfx);
	}
	return bad ? 1 : 0;
}
