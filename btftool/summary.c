// SPDX-License-Identifier: BSD-2-Clause
/* btftool summary: what a BTF source holds, at a glance. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "btftool.h"

static const char *src_str(enum btfx_source_kind k)
{
	switch (k) {
	case BTFX_SRC_RAW: return "raw BTF";
	case BTFX_SRC_ELF: return "ELF .BTF";
	case BTFX_SRC_IMAGE: return "kernel image";
	case BTFX_SRC_COMPRESSED: return "compressed ELF";
	}
	return "?";
}

int cmd_summary(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "base", required_argument, NULL, 'B' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *base_path = NULL, *file = NULL;
	struct btfx *btf, *base;
	struct btfx_error err;
	struct btfx_header_info h;
	uint32_t per_kind[128] = { 0 };
	bool json = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "B:j", opts, NULL)) != -1) {
		if (c == 'B')
			base_path = optarg;
		else if (c == 'j')
			json = true;
		else
			return bad_option("summary", argc, argv);
	}
	if (optind < argc)
		file = argv[optind];
	btf = open_btf(file, base_path, &base, &err);
	if (!btf)
		return p_btfx_err(&err);
	btfx_header(btf, &h);
	for (uint32_t id = btfx_start_id(btf); id < btfx_type_cnt(btf); id++)
		per_kind[btfx_kind(btfx_type_by_id(btf, id))]++;
	if (json) {
		printf("{\"file\":\"%s\",\"source\":\"%s\",\"endian\":\"%s\",\"split\":%s,\"start_id\":%u,"
		       "\"types\":%u,\"type_bytes\":%u,\"string_bytes\":%u,\"layout\":%s,\"kinds\":{",
		       btfx_path(btf), src_str(btfx_source(btf)), btfx_is_foreign_endian(btf) ? "foreign" : "native",
		       btfx_base(btf) ? "true" : "false", btfx_start_id(btf), btfx_type_cnt(btf) - btfx_start_id(btf),
		       h.type_len, h.str_len, h.layout_len ? "true" : "false");
		bool first = true;
		for (unsigned k = 1; k < 128; k++)
			if (per_kind[k]) {
				printf("%s\"%s\":%u", first ? "" : ",", btfx_kind_str(k), per_kind[k]);
				first = false;
			}
		printf("}}\n");
	} else {
		printf("%s: %s, %s endian, %s\n", btfx_path(btf), src_str(btfx_source(btf)),
		       btfx_is_foreign_endian(btf) ? "foreign" : "native",
		       btfx_base(btf) ? "split BTF on a base" : "self-contained");
		printf("  types: %u (ids %u..%u), %u bytes; strings: %u bytes%s\n", btfx_type_cnt(btf) - btfx_start_id(btf),
		       btfx_start_id(btf), btfx_type_cnt(btf) - 1, h.type_len, h.str_len,
		       h.layout_len ? "; kind-layout section" : "");
		printf("  valid: accepted under the kernel's BTF rules\n");
		for (unsigned k = 1; k < 128; k++)
			if (per_kind[k])
				printf("  %-11s %u\n", btfx_kind_str(k), per_kind[k]);
	}
	btfx_free(btf);
	btfx_free(base);
	return EXIT_OK;
}
