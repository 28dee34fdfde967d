// SPDX-License-Identifier: BSD-2-Clause
/*
 * btftool sanitize: rewrite a BTF for an older kernel's BTF loader, as
 * libbpf does before loading (kinds and flags the kernel lacks become forms
 * it accepts; ids, sizes and offsets are kept).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btfx/sanitize.h"
#include "btftool.h"

static void sanitize_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s sanitize [FILE] [-B BASE] --for VERSION|running -o OUT [--list]\n"
		"       %s sanitize --for VERSION|running --features\n"
		"  --for VERSION   a kernel version (5.4, 6.1.0-56-amd64, ...): its BTF features\n"
		"                  from the table in docs/minimize.md\n"
		"  --for running   the running kernel's features, probed with BPF_BTF_LOAD\n"
		"  --list          print each rewrite done and how often\n"
		"  --features      print the features of that kernel and exit\n"
		"  --endian little|big|host  byte order of OUT (default: FILE's)\n"
		"FILE defaults to /sys/kernel/btf/vmlinux; a BPF object's .BTF is read as\n"
		"object BTF.  Type ids, sizes and member offsets are kept.\n",
		prog_name, prog_name);
}

static int print_features(uint32_t feat, const char *what)
{
	printf("BTF features of %s:\n", what);
	for (uint32_t i = 0; i < BTFX_FEAT_NR; i++) {
		uint32_t f = 1u << i;
		printf("  %-14s %-3s (since %s)\n", btfx_feature_name(f), feat & f ? "yes" : "no", btfx_feature_version(f));
	}
	return EXIT_OK;
}

int cmd_sanitize(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "for", required_argument, NULL, 'f' },
		{ "base", required_argument, NULL, 'B' },
		{ "output", required_argument, NULL, 'o' },
		{ "list", no_argument, NULL, 'l' },
		{ "features", no_argument, NULL, 'F' },
		{ "endian", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *forv = NULL, *base_path = NULL, *outp = NULL, *file = NULL;
	struct btfx_sanitize_opts so = { .sz = sizeof(so) };
	struct btfx_sanitize_report rep;
	struct btfx *btf = NULL, *base = NULL;
	struct btfx_error err;
	bool list = false, features = false;
	void *data = NULL;
	size_t size = 0;
	int c, e, rc = EXIT_ERROR;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:B:o:lFe:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': forv = optarg; break;
		case 'B': base_path = optarg; break;
		case 'o': outp = optarg; break;
		case 'l': list = true; break;
		case 'F': features = true; break;
		case 'e':
			if (!strcmp(optarg, "little"))
				so.endian = BTFX_ENDIAN_LITTLE;
			else if (!strcmp(optarg, "big"))
				so.endian = BTFX_ENDIAN_BIG;
			else if (!strcmp(optarg, "host") || !strcmp(optarg, "native"))
				so.endian = BTFX_ENDIAN_HOST;
			else {
				p_err("sanitize: --endian takes little, big or host, not '%s'", optarg);
				return EXIT_ERROR;
			}
			break;
		case 'h': sanitize_usage(stdout); return EXIT_OK;
		default: return bad_option("sanitize", argc, argv);
		}
	}
	if (optind < argc)
		file = argv[optind++];
	if (optind < argc) {
		p_err("sanitize: one FILE expected, got '%s' too", argv[optind]);
		return EXIT_ERROR;
	}
	if (!forv) {
		p_err("sanitize: --for VERSION|running is required (see '%s sanitize --help')", prog_name);
		return EXIT_ERROR;
	}
	if (!strcmp(forv, "running")) {
		if (btfx_features_probe(&so.features, &err))
			return p_btfx_err(&err);
	} else {
		e = btfx_features_for_version(forv, &so.features);
		if (e == -EOPNOTSUPP) {
			p_err("sanitize: kernel %s has no BTF support (BPF_BTF_LOAD appeared in 4.18)", forv);
			return EXIT_ERROR;
		}
		if (e) {
			p_err("sanitize: --for '%s' is not a kernel version (like 5.4 or 6.1.0-56-amd64) nor 'running'", forv);
			return EXIT_ERROR;
		}
	}
	if (features)
		return print_features(so.features, !strcmp(forv, "running") ? "the running kernel" : forv);
	if (!outp) {
		p_err("sanitize: -o OUT is required");
		return EXIT_ERROR;
	}
	btf = open_btf(file, base_path, &base, &err);
	if (!btf)
		return p_btfx_err(&err);
	if (btfx_sanitize(btf, &so, &data, &size, &rep, &err)) {
		rc = p_btfx_err(&err);
		goto out;
	}
	e = write_file_atomic(outp, data, size, false);
	if (e) {
		p_err("%s: cannot write: %s", outp, strerror(-e));
		goto out;
	}
	if (list) {
		bool any = false;
		for (int i = 0; i < BTFX_SAN__NR; i++)
			if (rep.count[i]) {
				printf("%6u  %s\n", rep.count[i], btfx_sanitize_rewrite_str((enum btfx_sanitize_rewrite)i));
				any = true;
			}
		if (rep.types_added)
			printf("%6u  helper INT types appended\n", rep.types_added);
		if (!any)
			printf("nothing to rewrite: kernel %s loads it as it is\n", forv);
	}
	rc = EXIT_OK;
out:
	free(data);
	btfx_free(btf);
	btfx_free(base);
	return rc;
}
