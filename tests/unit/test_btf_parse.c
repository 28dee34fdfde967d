// SPDX-License-Identifier: BSD-2-Clause
/*
 * Raw BTF parsing and kernel-rule validation: the bad-input corpus of
 * robustness.md section 6 (items 1-31, every sub-variant) and positive cases.
 * Each corpus case (helpers/corpus.c) is one cmocka test asserting the error
 * class, that the message names the problem, and the offending type id.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btfx/btfx.h"
#include "helpers/btf_builder.h"
#include "helpers/corpus.h"
#include "helpers/isolate.h"

static void run_case(void **state)
{
	const struct tcase *c = *state;
	struct btfx_error err;
	struct btfx *btf;
	size_t size;
	uint8_t *blob = c->build(&size);

	assert_non_null(blob);
	memset(&err, 0x5a, sizeof(err));
	btf = btfx_parse(blob, size, c->name, false, NULL, &err);
	if (c->code == BTFX_OK) {
		if (!btf)
			fail_msg("%s: expected accept, got %s: %s", c->name, btfx_errc_str(err.code), err.msg);
		assert_int_equal(err.code, BTFX_OK);
		assert_true(corpus_walk_accessors(btf) >= 1);
		btfx_free(btf);
	} else {
		if (btf) {
			btfx_free(btf);
			fail_msg("%s: expected %s, got accepted", c->name, btfx_errc_str(c->code));
		}
		if (err.code != c->code)
			fail_msg("%s: expected %s, got %s: %s", c->name, btfx_errc_str(c->code), btfx_errc_str(err.code),
				 err.msg);
		assert_true(err.msg[0] != 0);
		assert_non_null(memchr(err.msg, 0, sizeof(err.msg)));
		/* the message names the input ... */
		assert_int_equal(strncmp(err.msg, c->name, strlen(c->name)), 0);
		/* ... and the problem */
		if (c->msg && !strstr(err.msg, c->msg))
			fail_msg("%s: message \"%s\" does not contain \"%s\"", c->name, err.msg, c->msg);
		if (err.type_id != c->type_id)
			fail_msg("%s: type_id %u, expected %u (%s)", c->name, err.type_id, c->type_id, err.msg);
		if (c->type_id && c->type_id != BTFX_MAX_TYPE) {
			char idstr[24];
			snprintf(idstr, sizeof(idstr), "[%u]", c->type_id);
			if (!strstr(err.msg, idstr))
				fail_msg("%s: message \"%s\" does not name %s", c->name, err.msg, idstr);
		}
		assert_true(err.sys_errno > 0);
	}
	free(blob);
}

/* The kernel's btf_name_valid_identifier(), byte by byte (Latin-1 ctype above 0x9f). */
static bool ref_ident(const unsigned char *s)
{
	size_t n = 0;
#define REF_ALPHA(c) (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z' ? 1 : ((c) >= 192 && (c) != 215 && (c) != 247))
#define REF_ALNUM(c) (REF_ALPHA(c) || ((c) >= '0' && (c) <= '9'))
	if (!REF_ALPHA(s[0]) && s[0] != '_' && s[0] != '.')
		return false;
	for (n = 1; s[n] && n < 512; n++)
		if (!REF_ALNUM(s[n]) && s[n] != '_' && s[n] != '.')
			return false;
	return !s[n];
#undef REF_ALNUM
#undef REF_ALPHA
}

/*
 * Typedef names of every length around the 64-byte blocks of the
 * identifier bitmap and the 512-byte limit, at every alignment in the
 * string section, with a bad byte, a Latin-1 letter or a digit at the
 * start, the end or in the middle: the verdict is the kernel rule's.
 */
static void test_ident_names(void **state)
{
	static const unsigned lens[] = { 1, 2, 15, 16, 17, 31, 63, 64, 65, 66, 127, 128, 129, 448, 511, 512, 513, 514,
					 575, 576, 577, 1100 };
	static const unsigned char odd[] = { 0, '-', 0xe9, 0x80, '7', 0xd7 }; /* 0: none */
	unsigned checked = 0;

	(void)state;
	for (unsigned pad = 0; pad < 66; pad++)
		for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++)
			for (size_t oi = 0; oi < sizeof(odd); oi++)
				for (unsigned where = 0; where < 3; where++) {
					unsigned len = lens[li];
					char name[1200], padstr[80];
					struct btfx_error err;
					struct bb *b;
					struct btfx *btf;
					uint32_t int_id;
					uint8_t *blob;
					size_t size;
					bool want;

					if (oi == 0 && where) /* one plain name per length */
						continue;
					b = bb_new();
					memset(name, 'a', len);
					name[len] = 0;
					if (odd[oi])
						name[where == 0 ? 0 : where == 1 ? len - 1 : len / 2] = (char)odd[oi];
					memset(padstr, 'p', pad);
					padstr[pad] = 0;
					if (pad)
						bb_str(b, padstr);
					int_id = bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
					bb_typedef(b, name, int_id);
					bb_str(b, "zz"); /* a string after it: the name is not the section's last */
					blob = bb_emit_simple(b, &size);
					want = ref_ident((const unsigned char *)name);
					btf = btfx_parse(blob, size, "x", false, NULL, &err);
					if (!btf != !want)
						fail_msg("pad %u len %u byte 0x%02x at %u: btfx %s, the kernel's rule %s", pad, len,
							 odd[oi], where, btf ? "accepts" : "rejects", want ? "accepts" : "rejects");
					if (!btf)
						assert_non_null(strstr(err.msg, "Invalid name"));
					btfx_free(btf);
					free(blob);
					bb_free(b);
					checked++;
				}
	assert_true(checked > 1000);
}

/* The same blob parsed with copy=true gives the same verdict and frees cleanly. */
static void test_copy_mode(void **state)
{
	(void)state;
	for (size_t i = 0; i < corpus_len; i++) {
		const struct tcase *c = &corpus[i];
		struct btfx_error e1, e2;
		struct btfx *a, *b;
		size_t size;
		uint8_t *blob;

		if (c->flags & (CF_BIG | CF_PROBE))
			continue;
		blob = c->build(&size);
		a = btfx_parse(blob, size, "x", false, NULL, &e1);
		b = btfx_parse(blob, size, "x", true, NULL, &e2);
		memset(blob, 0xa5, size); /* copy must not reference the caller's buffer */
		if (!a != !b || (!a && e1.code != e2.code))
			fail_msg("%s: copy=false/true verdicts differ", c->name);
		if (b)
			corpus_walk_accessors(b);
		btfx_free(a);
		btfx_free(b);
		free(blob);
	}
}

/* Record size of a known kind in host order. */
static size_t rec_size(const struct btfx_type *t)
{
	switch (btfx_kind(t)) {
	case BTFX_KIND_INT: case BTFX_KIND_VAR: case BTFX_KIND_DECL_TAG: return 16;
	case BTFX_KIND_ARRAY: return 24;
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: case BTFX_KIND_DATASEC: case BTFX_KIND_ENUM64:
		return 12 + 12 * (size_t)btfx_vlen(t);
	case BTFX_KIND_ENUM: case BTFX_KIND_FUNC_PROTO: return 12 + 8 * (size_t)btfx_vlen(t);
	default: return 12;
	}
}

static void assert_same_types(const struct btfx *a, const struct btfx *b)
{
	assert_int_equal(btfx_type_cnt(a), btfx_type_cnt(b));
	for (uint32_t id = 1; id < btfx_type_cnt(a); id++) {
		const struct btfx_type *ta = btfx_type_by_id(a, id), *tb = btfx_type_by_id(b, id);
		assert_non_null(ta);
		assert_non_null(tb);
		if (btfx_kind(ta) < BTFX_KIND_NR)
			assert_memory_equal(ta, tb, rec_size(ta));
		else
			assert_memory_equal(ta, tb, sizeof(*ta));
		assert_string_equal(btfx_name(a, ta), btfx_name(b, tb));
	}
}

static int run_dump(const char *tool, const char *file, char *out, size_t cap)
{
	char cmd[512];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "'%s' dump '%s' --format raw 2>&1", tool, file);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, cap - 1, p);
	out[n] = 0;
	return pclose(p);
}

static void test_swapped_v_same_types(void **state)
{
	size_t size;
	uint8_t *native = bb_seed_v_blob(&size), *swapped = malloc(size);
	struct btfx_error err;
	struct btfx *a, *b;
	const char *tool = getenv("BTFTOOL");
	size_t rsz;

	(void)state;
	memcpy(swapped, native, size);
	assert_int_equal(bb_swap_blob(swapped, size), 0);
	assert_memory_not_equal(native, swapped, 24);
	a = btfx_parse(native, size, "native", false, NULL, &err);
	assert_non_null(a);
	b = btfx_parse(swapped, size, "swapped", false, NULL, &err);
	if (!b)
		fail_msg("swapped V rejected: %s", err.msg);
	assert_false(btfx_is_foreign_endian(a));
	assert_true(btfx_is_foreign_endian(b));
	/* raw data is the input as given */
	assert_ptr_equal(btfx_raw_data(b, &rsz), swapped);
	assert_int_equal(rsz, size);
	assert_same_types(a, b);
	{
		struct btfx_header_info ha, hb;
		btfx_header(a, &ha);
		btfx_header(b, &hb);
		assert_memory_equal(&ha, &hb, sizeof(ha));
	}
	/* swapping back gives the original bytes */
	assert_int_equal(bb_swap_blob(swapped, size), 0);
	assert_memory_equal(native, swapped, size);

	/* the CLI dumps the same text for both (when run from tests/run.sh) */
	if (tool && access(tool, X_OK) == 0) {
		char fa[] = "/tmp/btfx-native-XXXXXX", fb[] = "/tmp/btfx-swapped-XXXXXX";
		static char oa[65536], ob[65536];
		int da = mkstemp(fa), db = mkstemp(fb);
		assert_true(da >= 0 && db >= 0);
		assert_int_equal(bb_swap_blob(swapped, size), 0);
		assert_int_equal(write(da, native, size), (ssize_t)size);
		assert_int_equal(write(db, swapped, size), (ssize_t)size);
		close(da);
		close(db);
		assert_int_equal(run_dump(tool, fa, oa, sizeof(oa)), 0);
		assert_int_equal(run_dump(tool, fb, ob, sizeof(ob)), 0);
		unlink(fa);
		unlink(fb);
		assert_true(strstr(oa, "STRUCT 's'") != NULL);
		assert_string_equal(oa, ob);
	}
	btfx_free(a);
	btfx_free(b);
	free(native);
	free(swapped);
}

static void test_swapped_every_kind_same_types(void **state)
{
	const struct tcase *c = NULL;
	size_t size;
	uint8_t *native, *swapped;
	struct btfx_error err;
	struct btfx *a, *b;

	(void)state;
	for (size_t i = 0; i < corpus_len; i++)
		if (!strcmp(corpus[i].name, "p_every_kind") || !strcmp(corpus[i].name, "p_layout_kind20")) {
			c = &corpus[i];
			native = c->build(&size);
			swapped = malloc(size);
			memcpy(swapped, native, size);
			assert_int_equal(bb_swap_blob(swapped, size), 0);
			a = btfx_parse(native, size, "native", false, NULL, &err);
			assert_non_null(a);
			b = btfx_parse(swapped, size, "swapped", false, NULL, &err);
			if (!b)
				fail_msg("%s swapped: %s", c->name, err.msg);
			assert_same_types(a, b);
			btfx_free(a);
			btfx_free(b);
			free(native);
			free(swapped);
		}
	assert_non_null(c);
}

/* Header accessor reports what was parsed, including hdr_len 40 and layout. */
static void test_header_info(void **state)
{
	struct bb *v = bb_seed_v();
	struct bb_emit_opts o = BB_EMIT_DEFAULT;
	struct btfx_header_info h;
	struct btfx_error err;
	struct btfx *btf;
	size_t size;
	uint8_t *blob;

	(void)state;
	o.hdr_len = 40;
	blob = bb_emit(v, &o, &size);
	btf = btfx_parse(blob, size, "h40", false, NULL, &err);
	assert_non_null(btf);
	btfx_header(btf, &h);
	assert_int_equal(h.hdr_len, 40);
	assert_int_equal(h.type_off, 0);
	assert_int_equal(h.type_len, bb_types_len(v));
	assert_int_equal(h.str_len, bb_str_len(v));
	assert_int_equal(h.layout_len, 0);
	assert_int_equal(h.version, 1);
	assert_int_equal(btfx_type_cnt(btf), 9);
	btfx_free(btf);
	free(blob);

	bb_layout_default(v, 20);
	blob = bb_emit_simple(v, &size);
	btf = btfx_parse(blob, size, "layout", false, NULL, &err);
	if (!btf)
		fail_msg("%s", err.msg);
	btfx_header(btf, &h);
	assert_int_equal(h.hdr_len, 32);
	assert_int_equal(h.layout_off, bb_types_len(v));
	assert_int_equal(h.layout_len, 80);
	assert_int_equal(h.str_off, bb_types_len(v) + 80);
	btfx_free(btf);
	free(blob);
	bb_free(v);
}

/* The opaque kind-20 type is sized by the layout: the types after it are found. */
static void test_layout_kind20_opaque(void **state)
{
	size_t size;
	uint8_t *blob = NULL;
	struct btfx_error err;
	struct btfx *btf;
	const struct btfx_type *t;

	(void)state;
	for (size_t i = 0; i < corpus_len; i++)
		if (!strcmp(corpus[i].name, "p_layout_kind20"))
			blob = corpus[i].build(&size);
	assert_non_null(blob);
	btf = btfx_parse(blob, size, "k20", false, NULL, &err);
	if (!btf)
		fail_msg("%s", err.msg);
	assert_int_equal(btfx_type_cnt(btf), 11);
	t = btfx_type_by_id(btf, 9);
	assert_int_equal(btfx_kind(t), 20);
	assert_int_equal(btfx_vlen(t), 2);
	assert_string_equal(btfx_name(btf, t), "k20");
	assert_string_equal(btfx_kind_str(20), "UNKNOWN");
	t = btfx_type_by_id(btf, 10);
	assert_int_equal(btfx_kind(t), BTFX_KIND_PTR);
	assert_int_equal(t->type, 3);
	assert_int_equal(btfx_find(btf, "k20", 20), 9);
	btfx_free(btf);

	/* without the layout entry for kind 20 it cannot be framed */
	{
		struct bb *b = bb_seed_v();
		const uint32_t w[5] = { 0 };
		bb_layout_default(b, 20);
		bb_kind(b, 0, 20, 2, false, 0, w, 5);
		free(blob);
		blob = bb_emit_simple(b, &size);
		bb_free(b);
		assert_null(btfx_parse(blob, size, "k20", false, NULL, &err));
		assert_int_equal(err.code, BTFX_E_KIND);
		assert_int_equal(err.type_id, 9);
		assert_non_null(strstr(err.msg, "[9] Invalid kind:20"));
	}
	free(blob);
}

/* BTFX_F_NO_VALIDATE skips kernel rules but not framing. */
static void test_no_validate(void **state)
{
	struct bb *b = bb_seed_v();
	struct btfx_open_opts opts = { .sz = sizeof(opts), .flags = BTFX_F_NO_VALIDATE };
	struct btfx_error err;
	struct btfx *btf;
	size_t size;
	uint8_t *blob;

	(void)state;
	bb_type(b, 2)->type = 2; /* loop */
	blob = bb_emit_simple(b, &size);
	assert_null(btfx_parse(blob, size, "loop", false, NULL, &err));
	assert_int_equal(err.code, BTFX_E_LOOP);
	btf = btfx_parse(blob, size, "loop", false, &opts, &err);
	assert_non_null(btf);
	assert_int_equal(btfx_skip_mods(btf, 2, true), 2);
	corpus_walk_accessors(btf);
	btfx_free(btf);
	free(blob);
	bb_free(b);
}

/* NULL data with a size is a usage error; err may be NULL. */
static void test_usage(void **state)
{
	struct btfx_error err;
	size_t size;
	uint8_t *blob = bb_seed_v_blob(&size);

	(void)state;
	assert_null(btfx_parse(NULL, 10, "n", false, NULL, &err));
	assert_int_equal(err.code, BTFX_E_USAGE);
	assert_null(btfx_parse(blob, 7, "n", false, NULL, NULL));
	blob[2] = 9;
	assert_null(btfx_parse(blob, size, NULL, true, NULL, &err));
	assert_int_equal(err.code, BTFX_E_HDR);
	assert_true(err.msg[0] != 0);
	assert_string_equal(btfx_errc_str(BTFX_E_HDR), "E_HDR");
	assert_string_equal(btfx_errc_str(BTFX_E_LOOP), "E_LOOP");
	free(blob);
}

/*
 * hdr_len 25..27 with a zero tail is accepted (the kernel accepts it too);
 * the type section then starts at an odd address, as it does when the
 * caller's buffer is at an odd address: every accessor must still work
 * without misaligned loads (UBSan: -fsanitize=alignment).
 * Isolated, because a sanitizer abort would end the whole binary.
 */
static int hdr_len_unaligned_body(void *arg)
{
	struct bb *v = bb_seed_v();
	int bad = 0;

	(void)arg;
	for (uint32_t hl = 25; hl <= 31; hl++) {
		struct bb_emit_opts o = BB_EMIT_DEFAULT;
		struct btfx_error err;
		struct btfx *btf;
		size_t size;
		uint8_t *blob;

		o.hdr_len = hl;
		blob = bb_emit(v, &o, &size);
		btf = btfx_parse(blob, size, "unaligned", false, NULL, &err);
		if (!btf) {
			fprintf(stderr, "hdr_len %u rejected: %s\n", hl, err.msg);
			bad = 1;
		} else {
			if (btfx_type_cnt(btf) != 9 || btfx_find(btf, "s", BTFX_KIND_STRUCT) != 3 ||
			    btfx_resolve_size(btf, 3) != 16) {
				fprintf(stderr, "hdr_len %u: wrong types\n", hl);
				bad = 1;
			}
			corpus_walk_accessors(btf);
			btfx_free(btf);
		}
		free(blob);
	}
	/* a caller buffer at an odd address, parsed in place (copy=false) */
	{
		struct btfx_error err;
		struct btfx *btf;
		size_t size;
		uint8_t *blob = bb_emit_simple(v, &size), *odd = malloc(size + 1);

		memcpy(odd + 1, blob, size);
		btf = btfx_parse(odd + 1, size, "odd", false, NULL, &err);
		if (!btf) {
			fprintf(stderr, "odd address rejected: %s\n", err.msg);
			bad = 1;
		} else {
			corpus_walk_accessors(btf);
			btfx_free(btf);
		}
		free(odd);
		free(blob);
	}
	bb_free(v);
	return bad;
}

static void test_hdr_len_unaligned(void **state)
{
	char why[256];

	(void)state;
	if (isolate_run(hdr_len_unaligned_body, NULL, why, sizeof(why)))
		fail_msg("hdr_len 25..31 / odd buffer address: %s (misaligned type records?)", why);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_copy_mode),
		cmocka_unit_test(test_swapped_v_same_types),
		cmocka_unit_test(test_swapped_every_kind_same_types),
		cmocka_unit_test(test_header_info),
		cmocka_unit_test(test_layout_kind20_opaque),
		cmocka_unit_test(test_ident_names),
		cmocka_unit_test(test_no_validate),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_hdr_len_unaligned),
	};
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]), n = 0;
	struct CMUnitTest *tests = calloc(corpus_len + nfixed, sizeof(*tests));
	int rc;

	for (size_t i = 0; i < corpus_len; i++) {
		if (corpus[i].flags & CF_PROBE)
			continue;
		tests[n].name = corpus[i].name;
		tests[n].test_func = run_case;
		tests[n].initial_state = (void *)&corpus[i];
		n++;
	}
	for (size_t i = 0; i < nfixed; i++)
		tests[n++] = fixed[i];
	rc = _cmocka_run_group_tests("btf_parse", tests, n, NULL, NULL);
	free(tests);
	return rc;
}
