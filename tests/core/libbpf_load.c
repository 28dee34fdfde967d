// SPDX-License-Identifier: BSD-2-Clause
/*
 * Test helper: load a BPF object with the system libbpf (Debian 1.1) and
 * report what libbpf decided, for the differential tests of
 * tests/cli/core.sh.
 *
 *   libbpf_load OBJ [--btf TARGET] [--xlated DIR] [--no-load-ok]
 *
 * - Every libbpf debug line is printed as "LOG <line>" (CO-RE decisions:
 *   "prog 'P': relo #N: patched insn #I (...) imm A -> B", poisoning, ...).
 * - --btf TARGET: libbpf's btf_custom_path (CO-RE against TARGET instead of
 *   the running kernel; no module search).
 * - After the load: "LOAD ok" or "LOAD fail <errno>".  On success, and with
 *   --xlated DIR, every program's translated code is dumped with
 *   `bpftool prog dump xlated id N` into DIR/<prog>.xlated while this process
 *   keeps the program fds open (closed when it exits: nothing is pinned).
 * Exit 0 when it ran (whatever the load result), 2 on a harness error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[4096];
	char *line, *save = NULL;

	(void)level;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		printf("LOG %s\n", line);
	return 0;
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	const char *obj_path = NULL, *xlated = NULL;
	struct bpf_object *obj;
	struct bpf_program *prog;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--btf") && i + 1 < argc)
			opts.btf_custom_path = argv[++i];
		else if (!strcmp(argv[i], "--xlated") && i + 1 < argc)
			xlated = argv[++i];
		else if (!obj_path)
			obj_path = argv[i];
		else {
			fprintf(stderr, "usage: %s OBJ [--btf TARGET] [--xlated DIR]\n", argv[0]);
			return 2;
		}
	}
	if (!obj_path) {
		fprintf(stderr, "usage: %s OBJ [--btf TARGET] [--xlated DIR]\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(print_fn);
	obj = bpf_object__open_file(obj_path, &opts);
	if (!obj) {
		printf("OPEN fail %d\n", errno);
		return 0;
	}
	err = bpf_object__load(obj);
	if (err) {
		printf("LOAD fail %d\n", -err);
		bpf_object__close(obj);
		return 0;
	}
	printf("LOAD ok\n");
	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
			fprintf(stderr, "%s: bpf_obj_get_info_by_fd: %s\n", bpf_program__name(prog), strerror(errno));
			bpf_object__close(obj);
			return 2;
		}
		printf("PROG %s id %u\n", bpf_program__name(prog), info.id);
		if (xlated) {
			char cmd[4096];
			snprintf(cmd, sizeof(cmd), "bpftool prog dump xlated id %u > '%s/%s.xlated'", info.id, xlated,
				 bpf_program__name(prog));
			if (system(cmd)) {
				fprintf(stderr, "%s: bpftool failed\n", bpf_program__name(prog));
				bpf_object__close(obj);
				return 2;
			}
		}
	}
	bpf_object__close(obj);
	return 0;
}
