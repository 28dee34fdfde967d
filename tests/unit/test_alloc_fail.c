// SPDX-License-Identifier: BSD-2-Clause
/*
 * Allocation-failure injection: every constructor, with its Nth
 * allocation failing, for N = 1, 2, ... until it no longer reaches an Nth
 * allocation, must return an error (E_NOMEM, with a message) or succeed
 * with a usable object, and in every case leak nothing.
 *
 * The binary is linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,
 * --wrap=strdup,--wrap=free (Makefile, fuzzing block), so every allocation
 * libbtfx makes (libbtfx.a is linked into this binary) goes through the
 * wrappers below.  Allocations inside shared libraries (libelf, zlib, ...)
 * are not counted.  Leaks are found without a sanitizer: while armed, every
 * block handed out is remembered until freed, and once the object is
 * destroyed nothing may remain (check-san adds LeakSanitizer on top).
 *
 * Constructors: btfx_parse (native, foreign endian, with a layout section,
 * split on a base, copy and no copy), btfx_open (raw BTF file, ELF file,
 * gzip-compressed ELF), btfx_obj_open (a hand-made BPF object with
 * func_info, line_info and a CO-RE relocation), btfx_core_ctx_new,
 * btfx_core_calc (a field, and TYPE_MATCHES on shared types),
 * btfx_core_relocate_obj, btfx_record_layout_new, btfx_diff_new,
 * btfx_emit_c_buf.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <execinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "btfx/btfx.h"
#include "btfx/core.h"
#include "btfx/diff.h"
#include "btfx/emit.h"
#include "btfx/layout.h"
#include "btfx/object.h"
#include "helpers/btf_builder.h"

/* ------------------------------------------------------------------ */
/* The failing allocator                                               */
/* ------------------------------------------------------------------ */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
void __wrap_free(void *p);

#define MAX_LIVE 65536
static struct {
	bool armed;     /* counting (and failing) allocations */
	long fail_at;   /* 1-based index of the allocation to fail, 0: none */
	long count;     /* allocations seen while armed */
	long injected;  /* failures injected */
	bool trace;     /* print a backtrace at each injected failure */
	void *live[MAX_LIVE]; /* blocks handed out while armed, not yet freed */
	size_t live_size[MAX_LIVE];
	size_t nlive;
} A;

static void live_add(void *p, size_t size)
{
	if (!p)
		return;
	if (A.nlive == MAX_LIVE) {
		fprintf(stderr, "test_alloc_fail: too many live blocks\n");
		abort();
	}
	A.live[A.nlive] = p;
	A.live_size[A.nlive++] = size;
}

static void live_del(void *p)
{
	for (size_t i = A.nlive; i-- > 0;)
		if (A.live[i] == p) {
			A.live[i] = A.live[--A.nlive];
			A.live_size[i] = A.live_size[A.nlive];
			return;
		}
}

/* True if this allocation must fail. */
static bool fail_now(void)
{
	if (!A.armed)
		return false;
	if (++A.count == A.fail_at) {
		A.injected++;
		if (A.trace) {
			/* BTFX_ALLOC_TRACE=1: where each injected failure hits */
			void *bt[16];
			int nbt;
			A.armed = false;
			nbt = backtrace(bt, 16);
			fprintf(stderr, "-- allocation %ld fails:\n", A.count);
			backtrace_symbols_fd(bt + 2, nbt - 2, 2);
			A.armed = true;
		}
		errno = ENOMEM;
		return true;
	}
	return false;
}

void *__wrap_malloc(size_t n)
{
	void *p;

	if (fail_now())
		return NULL;
	p = __real_malloc(n);
	if (A.armed)
		live_add(p, n);
	return p;
}

void *__wrap_calloc(size_t n, size_t m)
{
	void *p;

	if (fail_now())
		return NULL;
	p = __real_calloc(n, m);
	if (A.armed)
		live_add(p, n * m);
	return p;
}

void *__wrap_realloc(void *p, size_t n)
{
	void *q;

	if (fail_now())
		return NULL;
	q = __real_realloc(p, n);
	if (q && p)
		live_del(p);
	if (A.armed)
		live_add(q, n);
	return q;
}

char *__wrap_strdup(const char *s)
{
	char *p;

	if (fail_now())
		return NULL;
	p = __real_strdup(s);
	if (A.armed)
		live_add(p, strlen(s) + 1);
	return p;
}

void __wrap_free(void *p)
{
	if (p && A.nlive)
		live_del(p);
	__real_free(p);
}

static void arm(long fail_at)
{
	A.armed = true;
	A.fail_at = fail_at;
	A.count = 0;
	A.injected = 0;
}

static void disarm(void)
{
	A.armed = false;
}

/*
 * A constructor under test: arms the allocator around the call only
 * (arm(n) ... disarm()), checks the outcome, destroys what it made.
 * Returns 0 if the call succeeded, 1 if it failed cleanly; a failure it
 * reports itself (cmocka).
 */
typedef int (*ctor_fn)(long n, void *arg);

struct loop_stats {
	long steps;      /* allocations the constructor makes when nothing fails */
	long swallowed;  /* injected failures after which it still succeeded */
};

/*
 * Open findings in code owned elsewhere (docs/robustness.md, "Findings"):
 * a problem whose text contains both strings of an entry is printed as
 * KNOWN and does not fail the test, unless BTFX_ALLOC_STRICT is set in the
 * environment.  Delete the entry with the fix.
 */
static const struct {
	const char *finding, *ctor, *text;
} known[] = {
	{ NULL, NULL, NULL }, /* none open: F2, F3, F7 were fixed */
};

/* Problems found inside a loop are counted and printed, so that one bad
 * step does not hide the others; fail_each fails the test at the end. */
static int problems, known_problems;
static const char *cur_ctor = "";

static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void problem(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!getenv("BTFX_ALLOC_STRICT"))
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]) && known[i].ctor; i++)
			if (!strncmp(cur_ctor, known[i].ctor, strlen(known[i].ctor)) && strstr(msg, known[i].text)) {
				print_message("KNOWN %s: %s: %s\n", known[i].finding, cur_ctor, msg);
				known_problems++;
				return;
			}
	print_error("%s: %s\n", cur_ctor, msg);
	problems++;
}
#define PROBLEM(...) problem(__VA_ARGS__)

static struct loop_stats fail_each(const char *name, ctor_fn ctor, void *arg)
{
	struct loop_stats st = { 0, 0 };
	char swallowed[256] = "";
	size_t sl = 0;

	A.nlive = 0;
	problems = 0;
	cur_ctor = name;
	for (long n = 1; n < 100000; n++) {
		int rc = ctor(n, arg);
		disarm();
		if (A.nlive) {
			PROBLEM("allocation %ld failing: %zu block(s) leaked, the first of %zu bytes", n, A.nlive,
				A.live_size[0]);
			A.nlive = 0;
		}
		if (!A.injected) {
			/* the Nth allocation was never reached: the constructor has run to the end */
			if (rc != 0)
				PROBLEM("fails without any allocation failing (step %ld)", n);
			st.steps = n - 1;
			break;
		}
		if (rc == 0) {
			st.swallowed++;
			if (sl < sizeof(swallowed) - 16)
				sl += (size_t)snprintf(swallowed + sl, sizeof(swallowed) - sl, " #%ld", n);
		}
	}
	print_message("%-32s %3ld allocations, each failed in turn; still succeeded with%s%s\n", name, st.steps,
		      st.swallowed ? " allocation" : "", st.swallowed ? swallowed : " none failing");
	if (problems)
		fail_msg("%s: %d problem(s) under allocation failures", name, problems);
	return st;
}

/* The outcome of a failed call: E_NOMEM, with a message. */
static int failed_with(const struct btfx_error *err, long n)
{
	if (err->code == BTFX_OK)
		PROBLEM("allocation %ld failing: failed without an error code", n);
	else if (!err->msg[0])
		PROBLEM("allocation %ld failing: failed with an empty message", n);
	else if (err->code != BTFX_E_NOMEM)
		PROBLEM("allocation %ld failing: error %s instead of E_NOMEM: %s", n, btfx_errc_str(err->code), err->msg);
	return 1;
}

/* Every accessor once, so a half-built object would show (ASan). */
static void walk(const struct btfx *btf)
{
	uint32_t cnt = btfx_type_cnt(btf), ids[8];
	volatile uint64_t sink = 0;

	if (!btfx_path(btf)) {
		PROBLEM("btfx_path() is NULL");
		return;
	}
	for (uint32_t id = 1; id < cnt; id++) {
		const struct btfx_type *t = btfx_type_by_id(btf, id);
		const char *s;
		if (!t || !(s = btfx_str(btf, t->name_off))) {
			PROBLEM("[%u]: type or name does not resolve", id);
			return;
		}
		sink += strlen(s) + (uint64_t)btfx_resolve_size(btf, id) + (uint64_t)btfx_align(btf, id);
		sink += btfx_type_refs(btf, id, ids, 8, NULL);
	}
	(void)sink;
}

/* ------------------------------------------------------------------ */
/* Inputs                                                              */
/* ------------------------------------------------------------------ */

/* struct s with a member in front (s.b moves from byte 4 to 8), for CO-RE and diff. */
static struct bb *bb_target(void)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32); /* [1] */
	bb_struct(b, "s", 12);                       /* [2] */
	bb_member(b, "x", 1, 0);
	bb_member(b, "a", 1, 32);
	bb_member(b, "b", 1, 64);
	return b;
}

static uint8_t *blob_of(struct bb *b, size_t *size)
{
	uint8_t *p = bb_emit_simple(b, size);
	bb_free(b);
	return p;
}

struct elf_sec {
	const char *name;
	uint32_t type, link, info;
	uint64_t flags, entsize, align;
	const void *data;
	size_t size;
};

/* A little-endian ELF64 ET_REL file (machine as given) with these sections
 * (after the null section; .shstrtab is appended). */
static uint8_t *make_elf(uint16_t machine, const struct elf_sec *secs, size_t nsecs, size_t *size)
{
	char shstr[512] = "";
	size_t shlen = 1, off = 64, nall = nsecs + 2, shoff;
	uint32_t name_off[32];
	uint64_t data_off[32];
	uint8_t *f;

	assert_true(nall <= 32);
	for (size_t i = 0; i < nsecs; i++) {
		name_off[i] = (uint32_t)shlen;
		strcpy(shstr + shlen, secs[i].name);
		shlen += strlen(secs[i].name) + 1;
	}
	name_off[nsecs] = (uint32_t)shlen;
	strcpy(shstr + shlen, ".shstrtab");
	shlen += strlen(".shstrtab") + 1;
	for (size_t i = 0; i < nsecs; i++) {
		off = (off + 7) & ~(size_t)7;
		data_off[i] = off;
		off += secs[i].size;
	}
	data_off[nsecs] = off;
	off += shlen;
	shoff = (off + 7) & ~(size_t)7;
	*size = shoff + nall * 64;
	f = calloc(1, *size);
	assert_non_null(f);
	memcpy(f, "\177ELF\2\1\1", 7);
	*(uint16_t *)(f + 16) = 1; /* ET_REL */
	*(uint16_t *)(f + 18) = machine;
	*(uint32_t *)(f + 20) = 1;
	*(uint64_t *)(f + 40) = shoff;
	*(uint16_t *)(f + 52) = 64;
	*(uint16_t *)(f + 58) = 64;
	*(uint16_t *)(f + 60) = (uint16_t)nall;
	*(uint16_t *)(f + 62) = (uint16_t)(nsecs + 1);
	for (size_t i = 0; i <= nsecs; i++) {
		uint8_t *sh = f + shoff + (i + 1) * 64;
		const void *data = i < nsecs ? secs[i].data : shstr;
		size_t len = i < nsecs ? secs[i].size : shlen;
		if (len)
			memcpy(f + data_off[i], data, len);
		*(uint32_t *)(sh + 0) = name_off[i];
		*(uint32_t *)(sh + 4) = i < nsecs ? secs[i].type : 3 /* SHT_STRTAB */;
		*(uint64_t *)(sh + 8) = i < nsecs ? secs[i].flags : 0;
		*(uint64_t *)(sh + 24) = data_off[i];
		*(uint64_t *)(sh + 32) = len;
		*(uint32_t *)(sh + 40) = i < nsecs ? secs[i].link : 0;
		*(uint32_t *)(sh + 44) = i < nsecs ? secs[i].info : 0;
		*(uint64_t *)(sh + 48) = i < nsecs && secs[i].align ? secs[i].align : 1;
		*(uint64_t *)(sh + 56) = i < nsecs ? secs[i].entsize : 0;
	}
	return f;
}

/*
 * A BPF object: .text with one program "prog" (3 instructions, the first a
 * LDX of s.b), .BTF (int, struct s {int a; int b;}, its pointer, the
 * program's FUNC_PROTO and FUNC), .BTF.ext with one func_info, one
 * line_info and one CO-RE field-offset relocation ("0:1" on struct s).
 */
static uint8_t *make_bpf_obj(size_t *size)
{
	struct bb *b = bb_new();
	uint32_t text_off, file_off, line_off, acc_off, w[64], n = 0;
	uint8_t insns[24] = {
		0x61, 0x11, 4, 0, 0, 0, 0, 0,   /* r1 = *(u32 *)(r1 + 4) */
		0xb7, 0x00, 0, 0, 0, 0, 0, 0,   /* r0 = 0 */
		0x95, 0x00, 0, 0, 0, 0, 0, 0,   /* exit */
	};
	uint8_t sym[2][24], *btf, *elf;
	char strtab[16] = "\0prog";
	size_t btf_size;

	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32); /* [1] */
	bb_struct(b, "s", 8);                        /* [2] */
	bb_member(b, "a", 1, 0);
	bb_member(b, "b", 1, 32);
	bb_ptr(b, 2);                                /* [3] */
	bb_proto(b, 1);                              /* [4] */
	bb_param(b, "ctx", 3);
	bb_func(b, "prog", 4, BTFX_LINKAGE_GLOBAL);  /* [5] */
	text_off = bb_str(b, ".text");
	file_off = bb_str(b, "prog.c");
	line_off = bb_str(b, "return s->b;");
	acc_off = bb_str(b, "0:1");
	btf = bb_emit_simple(b, &btf_size);
	bb_free(b);

	/* .BTF.ext: header, then func_info, line_info, core_relo subsections */
	w[n++] = 0x0001eb9f;
	w[n++] = 32;
	w[n++] = 0;  w[n++] = 5 * 4;       /* func_info: rec_size, sec, num, rec(2) */
	w[n++] = 20; w[n++] = 7 * 4;       /* line_info: rec_size, sec, num, rec(4) */
	w[n++] = 48; w[n++] = 7 * 4;       /* core_relo: rec_size, sec, num, rec(4) */
	w[n++] = 8;  w[n++] = text_off; w[n++] = 1; w[n++] = 0; w[n++] = 5;
	w[n++] = 16; w[n++] = text_off; w[n++] = 1; w[n++] = 0; w[n++] = file_off; w[n++] = line_off; w[n++] = 7 << 10 | 3;
	w[n++] = 16; w[n++] = text_off; w[n++] = 1; w[n++] = 0; w[n++] = 2; w[n++] = acc_off; w[n++] = 0;

	memset(sym, 0, sizeof(sym));
	*(uint32_t *)sym[1] = 1;            /* "prog" */
	sym[1][4] = 1 << 4 | 2;             /* STB_GLOBAL, STT_FUNC */
	*(uint16_t *)(sym[1] + 6) = 1;      /* .text is section 1 */
	*(uint64_t *)(sym[1] + 16) = 24;    /* st_size */
	{
		const struct elf_sec secs[] = {
			{ ".text", 1 /* PROGBITS */, 0, 0, 6 /* AX */, 0, 8, insns, sizeof(insns) },
			{ ".BTF", 1, 0, 0, 0, 0, 4, btf, btf_size },
			{ ".BTF.ext", 1, 0, 0, 0, 0, 4, w, n * 4 },
			{ ".symtab", 2 /* SYMTAB */, 5 /* .strtab */, 1, 0, 24, 8, sym, sizeof(sym) },
			{ ".strtab", 3, 0, 0, 0, 0, 1, strtab, 6 },
		};
		elf = make_elf(247 /* EM_BPF */, secs, sizeof(secs) / sizeof(secs[0]), size);
	}
	free(btf);
	return elf;
}

static char tmpdir[64];

static char *write_tmp(const char *name, const void *data, size_t size)
{
	char *path = malloc(strlen(tmpdir) + strlen(name) + 2);
	FILE *f;

	assert_non_null(path);
	sprintf(path, "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
	return path;
}

static uint8_t *gzip_of(const void *data, size_t size, size_t *out_size)
{
	z_stream zs;
	size_t cap = size + 1024;
	uint8_t *out = malloc(cap);

	assert_non_null(out);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)data;
	zs.avail_in = (uInt)size;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*out_size = zs.total_out;
	deflateEnd(&zs);
	return out;
}

/* ------------------------------------------------------------------ */
/* Constructors                                                        */
/* ------------------------------------------------------------------ */

struct parse_arg {
	const uint8_t *blob;
	size_t size;
	bool copy;
	const struct btfx *base;
};

static int ctor_parse(long n, void *arg)
{
	struct parse_arg *a = arg;
	struct btfx_open_opts o = { .sz = sizeof(o), .base = a->base };
	struct btfx_error err;
	struct btfx *btf;

	arm(n);
	btf = btfx_parse(a->blob, a->size, "alloc-test", a->copy, &o, &err);
	disarm();
	if (!btf)
		return failed_with(&err, n);
	walk(btf);
	btfx_free(btf);
	return 0;
}

static void run_parse(const char *name, uint8_t *blob, size_t size, const struct btfx *base)
{
	struct parse_arg a = { blob, size, false, base };
	char what[64];

	snprintf(what, sizeof(what), "btfx_parse(%s)", name);
	fail_each(what, ctor_parse, &a);
	a.copy = true;
	snprintf(what, sizeof(what), "btfx_parse(%s, copy)", name);
	fail_each(what, ctor_parse, &a);
}

static void test_parse(void **state)
{
	size_t size;
	uint8_t *blob;
	struct bb *b;
	struct btfx *base;
	struct btfx_error err;

	(void)state;
	blob = bb_seed_v_blob(&size);
	run_parse("seed V", blob, size, NULL);
	assert_int_equal(bb_swap_blob(blob, size), 0);
	run_parse("foreign endian", blob, size, NULL);
	free(blob);

	b = bb_seed_v();
	bb_layout_default(b, 20);
	{
		struct bb_emit_opts o = BB_EMIT_DEFAULT;
		blob = bb_emit(b, &o, &size);
	}
	bb_free(b);
	run_parse("layout section", blob, size, NULL);
	free(blob);

	/* split on seed V */
	blob = bb_seed_v_blob(&size);
	base = btfx_parse(blob, size, "base", true, NULL, &err);
	assert_non_null(base);
	free(blob);
	{
		struct btfx_header_info h;
		btfx_header(base, &h);
		b = bb_new_split(btfx_type_cnt(base), h.str_len);
	}
	bb_struct(b, "split_s", 16);
	bb_member(b, "s", 3, 0);
	bb_ptr(b, 9);
	blob = blob_of(b, &size);
	run_parse("split", blob, size, base);
	free(blob);
	btfx_free(base);
}

struct open_arg {
	const char *path;
	const struct btfx *base;
};

static int ctor_open(long n, void *arg)
{
	struct open_arg *a = arg;
	struct btfx_open_opts o = { .sz = sizeof(o), .base = a->base, .flags = BTFX_F_NO_AUTO_BASE };
	struct btfx_error err;
	struct btfx *btf;

	arm(n);
	btf = btfx_open(a->path, &o, &err);
	disarm();
	if (!btf)
		return failed_with(&err, n);
	walk(btf);
	btfx_free(btf);
	return 0;
}

static void test_open(void **state)
{
	size_t size, elf_size, gz_size;
	uint8_t *blob = bb_seed_v_blob(&size), *elf, *gz;
	struct open_arg a = { NULL, NULL };
	const uint8_t code[8] = { 0x95 };
	const struct elf_sec secs[] = {
		{ ".text", 1, 0, 0, 6, 0, 8, code, sizeof(code) },
		{ ".BTF", 1, 0, 0, 0, 0, 4, blob, size },
	};
	char *p_raw, *p_elf, *p_gz;

	(void)state;
	elf = make_elf(62 /* x86-64 */, secs, 2, &elf_size);
	gz = gzip_of(elf, elf_size, &gz_size);
	p_raw = write_tmp("v.btf", blob, size);
	p_elf = write_tmp("v.o", elf, elf_size);
	p_gz = write_tmp("v.o.gz", gz, gz_size);
	a.path = p_raw;
	fail_each("btfx_open(raw)", ctor_open, &a);
	a.path = p_elf;
	fail_each("btfx_open(ELF)", ctor_open, &a);
	a.path = p_gz;
	fail_each("btfx_open(ELF.gz)", ctor_open, &a);
	unlink(p_raw);
	unlink(p_elf);
	unlink(p_gz);
	free(p_raw);
	free(p_elf);
	free(p_gz);
	free(gz);
	free(elf);
	free(blob);
}

static int ctor_obj_open(long n, void *arg)
{
	struct btfx_error err;
	struct btfx_obj *obj;
	size_t cnt;

	arm(n);
	obj = btfx_obj_open(arg, &err);
	disarm();
	if (!obj)
		return failed_with(&err, n);
	walk(btfx_obj_btf(obj));
	{
		const struct btfx_obj_prog *p = btfx_obj_progs(obj, &cnt);
		size_t nf, nl, nr;
		btfx_obj_func_info(obj, &nf);
		btfx_obj_line_info(obj, &nl);
		btfx_obj_core_relos(obj, &nr);
		if (cnt != 1 || !p[0].name || nf != 1 || nl != 1 || nr != 1)
			PROBLEM("allocation %ld failing: succeeded with %zu programs (name %s), %zu func_info, "
				"%zu line_info, %zu CO-RE relocations", n, cnt, cnt ? (p[0].name ? p[0].name : "NULL") : "-",
				nf, nl, nr);
	}
	btfx_obj_free(obj);
	return 0;
}

static void test_obj_open(void **state)
{
	size_t size;
	uint8_t *elf = make_bpf_obj(&size);
	char *path = write_tmp("prog.bpf.o", elf, size);

	(void)state;
	fail_each("btfx_obj_open", ctor_obj_open, path);
	unlink(path);
	free(path);
	free(elf);
}

/*
 * The CO-RE constructors build lazy indexes inside the BTFs they are given
 * (name lookup), which belong to those BTFs: so each step opens its own
 * object and target (unarmed) and frees them after the check.
 */
struct core_arg {
	const char *obj_path;
	const uint8_t *tblob;
	size_t tsize;
	struct btfx_obj *obj;
	struct btfx *target;
};

static void core_open(struct core_arg *a)
{
	struct btfx_error err;

	a->obj = btfx_obj_open(a->obj_path, &err);
	assert_non_null(a->obj);
	a->target = btfx_parse(a->tblob, a->tsize, "target", false, NULL, &err);
	assert_non_null(a->target);
}

static void core_close(struct core_arg *a)
{
	btfx_free(a->target);
	btfx_obj_free(a->obj);
}

static int ctor_ctx_new(long n, void *arg)
{
	struct core_arg *a = arg;
	struct btfx_core_ctx *ctx;

	core_open(a);
	arm(n);
	ctx = btfx_core_ctx_new(btfx_obj_btf(a->obj), a->target, NULL, 0);
	disarm();
	btfx_core_ctx_free(ctx);
	core_close(a);
	return ctx ? 0 : 1;
}

static int ctor_calc(long n, void *arg)
{
	struct core_arg *a = arg;
	struct btfx_core_ctx *ctx;
	struct btfx_core_result res;
	int rc;

	core_open(a);
	ctx = btfx_core_ctx_new(btfx_obj_btf(a->obj), a->target, NULL, 0);
	assert_non_null(ctx);
	arm(n);
	rc = btfx_core_calc(ctx, 2, "0:1", BTFX_CORE_FIELD_BYTE_OFFSET, &res);
	disarm();
	btfx_core_ctx_free(ctx);
	core_close(a);
	if (rc) {
		if (rc != -ENOMEM || res.status != BTFX_CORE_ERROR || !res.reason[0])
			PROBLEM("allocation %ld failing: %d, status %d, '%s'", n, rc, res.status,
				res.reason);
		btfx_core_result_fini(&res);
		return 1;
	}
	if (res.status != BTFX_CORE_OK || res.new_val != 8)
		PROBLEM("allocation %ld failing: succeeded with status %d, value %llu (%s)", n,
			res.status, (unsigned long long)res.new_val, res.reason);
	btfx_core_result_fini(&res);
	return 0;
}

/*
 * TYPE_MATCHES on a DAG of structs 20 deep (s<k> {s<k+1> a; s<k+1> b}),
 * the last one with 40 int members: more type pairs than the engine's
 * inline memo holds, and a member name index (F16).  Without memory for
 * the index the plain scan decides; without memory for the memo the
 * relocation fails with -ENOMEM.
 */
static uint8_t *dag_blob(size_t *size)
{
	struct bb *b = bb_new();
	uint32_t i = bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32), cur = 0;
	char name[16];

	for (int k = 19; k >= 0; k--) {
		uint32_t s;
		snprintf(name, sizeof(name), "s%d", k);
		s = bb_struct(b, name, 0);
		for (int m = 0; k == 19 && m < 40; m++) {
			snprintf(name, sizeof(name), "m%d", m);
			bb_member(b, name, i, 0);
		}
		if (k < 19) {
			bb_member(b, "a", cur, 0);
			bb_member(b, "b", cur, 0);
		}
		cur = s;
	}
	return blob_of(b, size);
}

struct match_arg {
	const uint8_t *blob;
	size_t size;
};

static int ctor_calc_matches(long n, void *arg)
{
	struct match_arg *a = arg;
	struct btfx_open_opts o = { .sz = sizeof(o), .flags = BTFX_F_NO_VALIDATE };
	struct btfx_error err;
	struct btfx *l = btfx_parse(a->blob, a->size, "local", false, &o, &err);
	struct btfx *t = btfx_parse(a->blob, a->size, "target", false, &o, &err);
	struct btfx_core_ctx *ctx;
	struct btfx_core_result res;
	int rc;

	assert_non_null(l);
	assert_non_null(t);
	ctx = btfx_core_ctx_new(l, t, NULL, 0);
	assert_non_null(ctx);
	arm(n);
	rc = btfx_core_calc(ctx, btfx_type_cnt(l) - 1, "0", BTFX_CORE_TYPE_MATCHES, &res);
	disarm();
	btfx_core_ctx_free(ctx);
	btfx_free(t);
	btfx_free(l);
	if (rc) {
		if (rc != -ENOMEM || res.status != BTFX_CORE_ERROR || !res.reason[0])
			PROBLEM("allocation %ld failing: %d, status %d, '%s'", n, rc, res.status, res.reason);
		btfx_core_result_fini(&res);
		return 1;
	}
	if (res.status != BTFX_CORE_OK || res.new_val != 1)
		PROBLEM("allocation %ld failing: succeeded with status %d, value %llu (%s)", n, res.status,
			(unsigned long long)res.new_val, res.reason);
	btfx_core_result_fini(&res);
	return 0;
}

static int ctor_relocate(long n, void *arg)
{
	struct core_arg *a = arg;
	struct btfx_core_result *res = NULL;
	size_t nres = 0, esize = 0;
	void *elf = NULL;
	int rc;

	core_open(a);
	arm(n);
	rc = btfx_core_relocate_obj(a->obj, a->target, NULL, 0, &elf, &esize, &res, &nres);
	disarm();
	core_close(a);
	if (rc) {
		if (rc != -ENOMEM && !(rc == -EINVAL && nres == 1 && res && res[0].err == -ENOMEM))
			PROBLEM("allocation %ld failing: %d", n, rc);
		if (elf)
			PROBLEM("allocation %ld failing: failed, but returned an ELF", n);
		free(elf);
		btfx_core_results_free(res, nres);
		return 1;
	}
	if (!elf || nres != 1 || res[0].status != BTFX_CORE_OK || res[0].new_val != 8)
		PROBLEM("allocation %ld failing: succeeded with %zu results, value %llu (%s)", n,
			nres, nres ? (unsigned long long)res[0].new_val : 0ull, nres ? res[0].reason : "");
	free(elf);
	btfx_core_results_free(res, nres);
	return 0;
}

static void test_core(void **state)
{
	size_t size, tsize;
	uint8_t *elf = make_bpf_obj(&size), *tblob = blob_of(bb_target(), &tsize);
	char *path = write_tmp("core.bpf.o", elf, size);
	struct core_arg a = { path, tblob, tsize, NULL, NULL };

	(void)state;
	fail_each("btfx_core_ctx_new", ctor_ctx_new, &a);
	fail_each("btfx_core_calc", ctor_calc, &a);
	fail_each("btfx_core_relocate_obj", ctor_relocate, &a);
	{
		struct match_arg ma;
		ma.blob = dag_blob(&ma.size);
		fail_each("btfx_core_calc TYPE_MATCHES", ctor_calc_matches, &ma);
		free((void *)ma.blob);
	}
	unlink(path);
	free(path);
	free(tblob);
	free(elf);
}

static int ctor_layout(long n, void *arg)
{
	struct btfx_error err;
	struct btfx_record_layout *l;

	arm(n);
	l = btfx_record_layout_new(arg, 3, NULL, &err);
	disarm();
	if (!l)
		return failed_with(&err, n);
	if (l->nr_members != 2 || l->nr_items < 2)
		PROBLEM("allocation %ld failing: succeeded with %zu items", n, l->nr_items);
	btfx_record_layout_free(l);
	return 0;
}

static int ctor_diff(long n, void *arg)
{
	struct btfx **two = arg;
	struct btfx_error err;
	struct btfx_diff *d;

	arm(n);
	d = btfx_diff_new(two[0], two[1], NULL, &err);
	disarm();
	if (!d)
		return failed_with(&err, n);
	if (d->nr_entries == 0)
		PROBLEM("allocation %ld failing: succeeded without entries", n);
	btfx_diff_free(d);
	return 0;
}

static int ctor_emit(long n, void *arg)
{
	struct btfx_error err;
	char *out = NULL;
	size_t len = 0;
	int rc;

	arm(n);
	rc = btfx_emit_c_buf(arg, NULL, &out, &len, &err);
	disarm();
	if (rc) {
		if (out)
			PROBLEM("allocation %ld failing: failed, but returned a buffer", n);
		return failed_with(&err, n);
	}
	if (!out || strlen(out) != len)
		PROBLEM("allocation %ld failing: succeeded with bad output", n);
	btfx_emit_buf_free(out);
	return 0;
}

static void test_layout_diff_emit(void **state)
{
	size_t s1, s2;
	uint8_t *b1 = bb_seed_v_blob(&s1), *b2 = blob_of(bb_target(), &s2);
	struct btfx_error err;
	struct btfx *two[2];

	(void)state;
	two[0] = btfx_parse(b1, s1, "v", false, NULL, &err);
	two[1] = btfx_parse(b2, s2, "target", false, NULL, &err);
	assert_non_null(two[0]);
	assert_non_null(two[1]);
	fail_each("btfx_record_layout_new", ctor_layout, two[0]);
	fail_each("btfx_diff_new", ctor_diff, two);
	fail_each("btfx_emit_c_buf", ctor_emit, two[0]);
	btfx_free(two[0]);
	btfx_free(two[1]);
	free(b1);
	free(b2);
}

static int setup(void **state)
{
	(void)state;
	A.trace = getenv("BTFX_ALLOC_TRACE") != NULL;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/btfx-alloc-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	DIR *d = opendir(tmpdir);
	struct dirent *de;
	char path[512];

	(void)state;
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_obj_open),
		cmocka_unit_test(test_core),
		cmocka_unit_test(test_layout_diff_emit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
