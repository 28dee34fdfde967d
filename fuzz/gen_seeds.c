// SPDX-License-Identifier: BSD-2-Clause
/*
 * Writes the synthetic seed inputs of the fuzz corpora (not a harness):
 *   gen_seeds OUTDIR
 * creates OUTDIR/{btf_raw,btf_split,layout,emit,diff,core}/ files: the
 * crafted cases of tests/unit/helpers/corpus.c (robustness.md section 6),
 * blobs with every kind, struct layouts, split BTF on the fixed base of
 * fuzz/common.h, and BTF pairs for the diff.  Run by fuzz/mkcorpus.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "btf_builder.h"
#include "common.h"
#include "corpus.h"

static const char *outdir;

static void put(const char *dir, const char *name, const void *data, size_t size)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void put_bb(const char *dir, const char *name, struct bb *b)
{
	size_t size;
	uint8_t *blob = bb_emit_simple(b, &size);

	put(dir, name, blob, size);
	free(blob);
}

/* every kind, valid */
static struct bb *all_kinds(void)
{
	struct bb *b = bb_seed_v();                   /* [1..8] */
	uint32_t u, e64, f, arr, ch, ul;

	ch = bb_int(b, "char", 1, BTFX_INT_CHAR, 0, 8);              /* [9] */
	ul = bb_int(b, "unsigned long", 8, 0, 0, 64);                 /* [10] */
	arr = bb_array(b, ch, 1, 16);                                 /* [11] */
	u = bb_union(b, "u", 8);                                      /* [12] */
	bb_member(b, "i", 1, 0);
	bb_member(b, "l", ul, 0);
	e64 = bb_enum64(b, "e64", 8, true);                           /* [13] */
	bb_enum64_val(b, "BIG", 0x123456789ull);
	bb_enum64_val(b, "NEG", (uint64_t)-1);
	bb_fwd(b, "fwd_s", false);                                    /* [14] */
	bb_fwd(b, "fwd_u", true);                                     /* [15] */
	bb_typedef(b, "u_t", u);                                      /* [16] */
	bb_volatile(b, 1);                                            /* [17] */
	bb_const(b, 17);                                              /* [18] */
	bb_restrict(b, bb_ptr(b, 1));                                 /* [19],[20] */
	f = bb_float(b, "double", 8);                                 /* [21] */
	bb_decl_tag(b, "tag1", 3, 0);                                 /* [22] */
	bb_decl_tag(b, "bpf_kfunc", 5, -1);                           /* [23] */
	bb_type_tag(b, "user", 1);                                    /* [24] */
	bb_ptr(b, 24);                                                /* [25] */
	bb_struct(b, "big", 64);                                      /* [26] */
	bb_member(b, "name", arr, 0);
	bb_member(b, "d", f, 128);
	bb_member(b, "x", e64, 192);
	bb_member(b, "un", u, 256);
	bb_member(b, "up", 25, 320);
	bb_member(b, "fs", bb_type_cnt(b), 384);       /* the PTR below */
	bb_ptr(b, 14);                                                /* [27] */
	bb_proto(b, 0);                                               /* [28] */
	bb_param(b, "a", 1);
	bb_param(b, NULL, 0);                                         /* vararg */
	bb_func(b, "vfunc", 28, BTFX_LINKAGE_STATIC);                 /* [29] */
	return b;
}

/* bitfields, holes, anonymous members, arrays of anonymous structs, cachelines */
static struct bb *layouts(void)
{
	struct bb *b = bb_new();
	uint32_t i32 = bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);   /* [1] */
	uint32_t u8 = bb_int(b, "unsigned char", 1, 0, 0, 8);        /* [2] */
	uint32_t u64 = bb_int(b, "u64", 8, 0, 0, 64);                /* [3] */
	uint32_t anon_s, anon_u, arr, en, an_arr;

	anon_s = bb_struct(b, NULL, 8);                               /* [4] */
	bb_member(b, "x", i32, 0);
	bb_member(b, "y", i32, 32);
	anon_u = bb_union(b, NULL, 8);                                /* [5] */
	bb_member(b, "l", u64, 0);
	bb_member(b, NULL, anon_s, 0);
	arr = bb_array(b, u8, i32, 3);                                /* [6] */
	en = bb_enum(b, "col", 4, false);                             /* [7] */
	bb_enum_val(b, "RED", 0);
	bb_enum_val(b, "BLUE", 7);
	an_arr = bb_array(b, anon_s, i32, 2);                         /* [8] */
	bb_struct(b, "lay", 160);                                     /* [9] */
	bb_member_bf(b, "a", i32, 0, 3);
	bb_member_bf(b, "b", i32, 3, 5);
	bb_member_bf(b, "c", en, 8, 4);
	bb_member_bf(b, "d", u8, 16, 0);
	bb_member_bf(b, "e", u64, 64, 0);
	bb_member_bf(b, NULL, anon_u, 128, 0);
	bb_member_bf(b, "arr", arr, 192, 0);
	bb_member_bf(b, "aa", an_arr, 256, 0);
	bb_member_bf(b, "tail", u64, 1152, 0);
	bb_typedef(b, "lay_t", 9);                                    /* [10] */
	bb_const(b, 10);                                              /* [11] */
	bb_union(b, "un", 8);                                         /* [12] */
	bb_member(b, "a", i32, 0);
	bb_member(b, "s", anon_s, 0);
	bb_struct(b, "flex", 4);                                      /* [13] */
	bb_member(b, "n", i32, 0);
	bb_member(b, "data", bb_type_cnt(b), 32);      /* the ARRAY below */
	bb_array(b, u8, i32, 0);                                      /* [14] */
	bb_struct(b, "packed", 5);                                    /* [15] */
	bb_member(b, "c", u8, 0);
	bb_member(b, "i", i32, 8);
	return b;
}

/* split on the fixed base: ids from FZ_BASE_NR_TYPES + 1, strings after the base's */
static struct bb *split(void)
{
	struct bb *b = bb_new_split(FZ_BASE_NR_TYPES + 1, sizeof(fz_base_strs));
	uint32_t s;

	s = bb_struct(b, "mod_s", 32);               /* [18] */
	bb_member(b, "task", 12, 0);                 /* struct task_struct * */
	bb_member(b, "link", 4, 64);                 /* struct list_head */
	bb_member(b, "pid", 9, 192);                 /* pid_t */
	bb_ptr(b, s);                                /* [19] */
	bb_proto(b, 1);                              /* [20] */
	bb_param(b, "m", 19);
	bb_param(b, "name", 14);                     /* const char * */
	bb_func(b, "mod_init", 20, BTFX_LINKAGE_GLOBAL); /* [21] */
	bb_var(b, "mod_count", 1, 1);                /* [22] */
	bb_datasec(b, ".data", 4);                   /* [23] */
	bb_secinfo(b, 22, 0, 4);
	bb_enum(b, "mod_state", 4, false);           /* [24] */
	bb_enum_val(b, "MOD_LIVE", 0);
	bb_typedef(b, "task_t", 7);                  /* [25] */
	bb_struct(b, "fwd_s", 8);                    /* [26] completes the base's fwd */
	bb_member(b, "u", 15, 0);
	return b;
}

int main(int argc, char **argv)
{
	struct bb *b;
	size_t size;
	uint8_t *blob;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds OUTDIR\n");
		return 2;
	}
	outdir = argv[1];
	mkdir(outdir, 0755);

	/* robustness.md section 6 cases (small ones) */
	for (size_t i = 0; i < corpus_len; i++) {
		if (corpus[i].flags & CF_BIG)
			continue;
		blob = corpus[i].build(&size);
		if (size <= 4096)
			put("btf_raw", corpus[i].name, blob, size);
		free(blob);
	}
	b = all_kinds();
	put_bb("btf_raw", "all_kinds", b);
	put_bb("emit", "all_kinds", b);
	put_bb("layout", "all_kinds", b);
	blob = bb_emit_simple(b, &size);
	if (bb_swap_blob(blob, size) == 0)
		put("btf_raw", "all_kinds_swapped", blob, size);
	free(blob);
	bb_layout_default(b, 21);
	{
		struct bb_emit_opts o = BB_EMIT_DEFAULT;
		blob = bb_emit(b, &o, &size);
		put("btf_raw", "all_kinds_layout_sec", blob, size);
		free(blob);
	}
	bb_free(b);

	b = layouts();
	put_bb("layout", "layouts", b);
	put_bb("emit", "layouts", b);
	put_bb("btf_raw", "layouts", b);
	bb_free(b);
	b = bb_seed_v();
	put_bb("layout", "seed_v", b);
	put_bb("emit", "seed_v", b);
	bb_free(b);

	/* split */
	b = split();
	put_bb("btf_split", "mod", b);
	bb_free(b);
	b = bb_new_split(FZ_BASE_NR_TYPES + 1, sizeof(fz_base_strs));
	bb_ptr(b, 7);
	put_bb("btf_split", "one_ptr", b);
	bb_free(b);
	b = bb_new_split(FZ_BASE_NR_TYPES + 1, sizeof(fz_base_strs));
	put_bb("btf_split", "empty", b);
	bb_free(b);
	blob = fz_base_blob(&size);
	put("btf_raw", "fuzz_base", blob, size);
	put("layout", "fuzz_base", blob, size);
	put("emit", "fuzz_base", blob, size);

	/* diff: pairs, each blob's extent given by its header */
	{
		struct bb *x = bb_seed_v(), *y = bb_seed_v(), *z = layouts(), *w = all_kinds();
		uint8_t *bx, *by, *bz, *bw, *pair;
		size_t sx, sy, sz, sw;
		/* y: member p moved, enum value changed, a new member */
		bb_words(y, 3)[5] = 128;
		bb_enum_val(y, "B", 1);
		bx = bb_emit_simple(x, &sx);
		by = bb_emit_simple(y, &sy);
		bz = bb_emit_simple(z, &sz);
		bw = bb_emit_simple(w, &sw);
		pair = malloc(sx + sy + sz + sw);
#define PAIR(n, a, la, c, lc) do { memcpy(pair, a, la); memcpy(pair + (la), c, lc); put("diff", n, pair, (la) + (lc)); } while (0)
		PAIR("v_v2", bx, sx, by, sy);
		PAIR("v_layouts", bx, sx, bz, sz);
		PAIR("layouts_all", bz, sz, bw, sw);
		PAIR("all_v", bw, sw, bx, sx);
		PAIR("base_v", blob, size, bx, sx);
#undef PAIR
		free(pair);
		free(bx);
		free(by);
		free(bz);
		free(bw);
		bb_free(x);
		bb_free(y);
		bb_free(z);
		bb_free(w);
	}
	free(blob);
	return 0;
}
