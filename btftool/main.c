// SPDX-License-Identifier: BSD-2-Clause
/* btftool: command dispatch and shared helpers. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btftool.h"

const char *prog_name = "btftool";

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct cmd cmds[] = {
	{ "dump", cmd_dump, "dump [FILE] [-B BASE] [--format raw|json|btf|layout] [-t NAME]... [--id ID]... [-o OUT]" },
	{ "core", cmd_core, "core explain|reloc|check OBJ... [--target FILE]... [--target-dir DIR] [--json] [-o OUT]" },
	{ "diff", cmd_diff, "diff OLD NEW [-B BASE_OLD] [--base-new BASE_NEW] [-t NAME]... [--kind KINDS] [--for-object OBJ] [--json] [--stat]" },
	{ "header", cmd_header, "header [FILE] [-B BASE] [-o OUT] [--types NAME,...] [--from-object OBJ]... [--assert-layout]" },
	{ "minimize", cmd_minimize, "minimize OBJ... (--target FILE | --target-dir DIR) [-B BASE] -o OUT [--json]" },
	{ "sanitize", cmd_sanitize, "sanitize FILE [-B BASE] --for VERSION|running -o OUT [--list]" },
	{ "load", cmd_load, "load OBJ [--target FILE] [--pin DIR] [--kernel IMAGE]... [--json]" },
	{ "summary", cmd_summary, "summary [FILE] [-B BASE] [--json]" },
	{ "help", cmd_help, "help" },
	{ "version", cmd_version, "version" },
	{ NULL, NULL, NULL },
};

void p_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int bad_option(const char *cmd, int argc, char **argv)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

	if (optopt && optopt != '?' && strncmp(arg, "--", 2))
		p_err("%s: option '-%c' is unknown or needs a value (see '%s %s --help')", cmd, optopt, prog_name, cmd);
	else
		p_err("%s: option '%s' is unknown or needs a value (see '%s %s --help')", cmd, arg, prog_name, cmd);
	return EXIT_ERROR;
}

int p_btfx_err(const struct btfx_error *err)
{
	p_err("%s", err->msg[0] ? err->msg : "unknown error");
	return EXIT_ERROR;
}

struct btfx *open_btf(const char *path, const char *base_path, struct btfx **base_out, struct btfx_error *err)
{
	struct btfx_open_opts o = { .sz = sizeof(o) };
	struct btfx *base = NULL, *btf;
	struct btfx_error err2;

	*base_out = NULL;
	if (base_path) {
		struct btfx_open_opts bo = { .sz = sizeof(bo), .flags = BTFX_F_NO_AUTO_BASE };
		base = btfx_open(base_path, &bo, err);
		if (!base)
			return NULL;
		o.base = base;
	}
	btf = btfx_open(path, &o, err);
	if (!btf && (err->code == BTFX_E_DATASEC || err->code == BTFX_E_LINKAGE || err->code == BTFX_E_NAME ||
		     err->code == BTFX_E_REF)) {
		/* Raw BTF taken out of a BPF object, before a loader's fix-ups
		 * (DATASEC sizes, extern linkage): the kernel rejects it as is,
		 * but it is a well-formed object BTF; read it as such. */
		o.flags |= BTFX_F_OBJECT;
		btf = btfx_open(path, &o, &err2);
	}
	if (!btf) {
		btfx_free(base);
		return NULL;
	}
	*base_out = base;
	return btf;
}

int write_file_atomic(const char *path, const void *data, size_t size, bool keep_if_same)
{
	char *tmp;
	int fd, e = 0;
	size_t off = 0;

	if (keep_if_same) {
		FILE *f = fopen(path, "rb");
		if (f) {
			struct stat st;
			bool same = false;
			if (!fstat(fileno(f), &st) && (size_t)st.st_size == size) {
				char *cur = malloc(size ? size : 1);
				if (cur && fread(cur, 1, size, f) == size && !memcmp(cur, data, size))
					same = true;
				free(cur);
			}
			fclose(f);
			if (same)
				return 0;
		}
	}
	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkstemp(tmp);
	if (fd < 0) {
		e = -errno;
		free(tmp);
		return e;
	}
	while (off < size) {
		ssize_t n = write(fd, (const char *)data + off, size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = -errno;
			break;
		}
		off += (size_t)n;
	}
	if (!e && fchmod(fd, 0644))
		e = -errno;
	if (!e && fsync(fd))
		e = -errno;
	if (close(fd) && !e)
		e = -errno;
	if (!e && rename(tmp, path))
		e = -errno;
	if (e)
		unlink(tmp);
	free(tmp);
	return e;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s COMMAND [ARGS]\n\nCommands:\n", prog_name);
	for (const struct cmd *c = cmds; c->name; c++)
		fprintf(f, "  %s %s\n", prog_name, c->help);
	fprintf(f, "\nFILE is raw BTF, an ELF file with .BTF (vmlinux, module, BPF object),\n"
		   "a kernel image (vmlinuz) or a compressed module; default /sys/kernel/btf/vmlinux.\n"
		   "Exit status: 0 success, 1 negative answer, 2 error.\n");
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return EXIT_OK;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("btftool 0.1.0\n");
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	opterr = 0; /* option errors are reported on one line by each command */
	if (argc < 2) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return cmd_help(0, NULL);
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version"))
		return cmd_version(0, NULL);
	for (const struct cmd *c = cmds; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->fn(argc - 1, argv + 1);
	p_err("unknown command '%s' (see '%s help')", argv[1], prog_name);
	return EXIT_ERROR;
}
