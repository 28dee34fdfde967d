// SPDX-License-Identifier: BSD-2-Clause
/*
 * Differential test: btfx_parse (no flags) against the running kernel's
 * BPF_BTF_LOAD, on every crafted case of helpers/corpus.c and on random
 * mutations (fixed seeds) of several valid seed blobs.
 *
 * Inputs on which btfx deviates on purpose are left out of the comparison
 * (validate.c header): a kind-layout section / non-zero 2026 header fields
 * (hdr_len >= 32), foreign endian, kinds >= 20.
 *
 * Any disagreement fails the test and prints the blob (hex), the kernel's
 * verdict and log (reloaded with log_level 1) and btfx's message.
 * Set BTFX_ORACLE_DUMP=DIR to also write each disagreeing blob to DIR.
 * Set BTFX_ORACLE_MUTATIONS=N to change the number of mutations per seed.
 *
 * Every input is also parsed with BTFX_F_SINGLE_THREAD: a large BTF (the
 * running kernel's vmlinux is a seed) is validated with a helper thread
 * by default, and both ways must give the same verdict and the same error;
 * so must BTFX_F_REFS_ONLY | BTFX_F_INDEX_ESSENTIAL opens, with the same
 * essential-name lookups.
 *
 * Skips only when bpf() is unavailable (not root, EPERM, ENOSYS), loudly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btfx/btfx.h"
#include "helpers/btf_builder.h"
#include "helpers/corpus.h"
#include "helpers/isolate.h"

#define DEFAULT_MUTATIONS 3000
#define MAX_PRINTED 8 /* full reports per test; the rest are summarised */

static int kernel_state; /* 1 usable, 0 unavailable */
static char kernel_why[256];
static unsigned mutations = DEFAULT_MUTATIONS;
static const char *dump_dir;
/* shared with the isolated children (helpers/isolate.h) */
struct shared {
	unsigned long compared, excluded, mismatch;
	char current[256];          /* input being checked, for crash reports */
	size_t current_size;
	uint8_t current_blob[65536];
};
static struct shared *sh;
static bool verbose; /* BTFX_ORACLE_VERBOSE=1: print every crafted case's verdicts */

/* ---------------------------------------------------------------- kernel */

/* 1 accepted, 0 rejected (*err = errno) */
static int kernel_load(const void *blob, size_t size, int *err)
{
	int fd;

	errno = 0;
	fd = bpf_btf_load(blob, size, NULL);
	if (fd >= 0) {
		close(fd);
		*err = 0;
		return 1;
	}
	*err = errno ? errno : -fd;
	return 0;
}

static char logbuf[1 << 20];
static int log_errno; /* errno of the load with the log (ENOSPC: log too small) */

static const char *kernel_log(const void *blob, size_t size)
{
	LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = logbuf, .log_size = sizeof(logbuf), .log_level = 1);
	int fd;

	logbuf[0] = 0;
	errno = 0;
	fd = bpf_btf_load(blob, size, &o);
	log_errno = fd >= 0 ? 0 : errno;
	if (fd >= 0)
		close(fd);
	return logbuf;
}

/* last non-empty line of the kernel log (its verdict line) */
static void last_line(const char *log, char *out, size_t cap)
{
	const char *end = log + strlen(log), *start;

	while (end > log && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	start = end;
	while (start > log && start[-1] != '\n')
		start--;
	snprintf(out, cap, "%.*s", (int)(end - start), start);
}

/* ---------------------------------------------------------------- comparison */

/* Names of the structs the kernel parses into special-field records after
 * the type checks (btf_parse_struct_metas); btfx does not apply those rules. */
static bool special_field_names(const uint8_t *blob, size_t size)
{
	static const char *const names[] = { "bpf_spin_lock", "bpf_res_spin_lock", "bpf_list_head", "bpf_list_node",
					     "bpf_rb_root", "bpf_rb_node", "bpf_refcount", "bpf_timer", "bpf_wq",
					     "bpf_workqueue", "bpf_task_work" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (memmem(blob, size, names[i], strlen(names[i]) + 1))
			return true;
	return false;
}

/* Deliberate deviations (validate.c header): excluded from the comparison. */
static const char *deviation(const uint8_t *blob, size_t size, const struct btfx *btf)
{
	uint16_t magic;
	uint32_t hdr_len;

	if (size >= 2) {
		memcpy(&magic, blob, 2);
		if (magic == 0x9feb)
			return "foreign endian";
	}
	if (size >= 32) {
		memcpy(&hdr_len, blob + 4, 4);
		if (hdr_len >= 32 && hdr_len <= size)
			for (int i = 24; i < 32; i++)
				if (blob[i])
					return "2026 header fields / layout section";
	}
	if (btf)
		for (uint32_t id = btfx_start_id(btf); id < btfx_type_cnt(btf); id++)
			if (btfx_kind(btfx_type_by_id(btf, id)) >= BTFX_KIND_NR)
				return "kind >= 20";
	return NULL;
}

struct stats {
	unsigned long compared, excluded, mismatches, printed;
	unsigned long k_only, b_only; /* accepted by kernel only / by btfx only */
	unsigned long threads; /* verdicts that differ with BTFX_F_SINGLE_THREAD */
	/* distinct mismatch signatures */
	struct { char sig[400]; unsigned long n; size_t best_size; } sigs[64];
	int nsigs;
};

/* numbers -> N, 'quoted names' -> 'X': one signature per rule */
static void normalise(char *s)
{
	char *w = s;
	bool quoted = false;

	for (char *r = s; *r; r++) {
		if (*r == '\'') {
			if (!quoted)
				*w++ = '\'', *w++ = 'X';
			quoted = !quoted;
			if (!quoted)
				*w++ = '\'';
			continue;
		}
		if (quoted)
			continue;
		if (isdigit((unsigned char)*r)) {
			if (w == s || w[-1] != 'N')
				*w++ = 'N';
			continue;
		}
		*w++ = *r;
	}
	*w = 0;
}

static void report(struct stats *st, const char *what, const uint8_t *blob, size_t size, int k_ok, int kerr,
		   const struct btfx_error *err)
{
	const char *log = kernel_log(blob, size);
	char line[200], sig[400], tmp[200];
	int i;

	last_line(log, line, sizeof(line));
	if (k_ok) {
		/* btfx rejected: the btfx message (sans file name) is the signature */
		const char *m = strstr(err->msg, ": ");
		snprintf(tmp, sizeof(tmp), "%.199s", m ? m + 2 : err->msg);
		normalise(tmp);
		snprintf(sig, sizeof(sig), "kernel ACCEPTS, btfx %s: %s", btfx_errc_str(err->code), tmp);
		st->k_only++;
	} else {
		snprintf(tmp, sizeof(tmp), "%s", line);
		normalise(tmp);
		snprintf(sig, sizeof(sig), "kernel REJECTS (%s): %s; btfx accepts", strerror(kerr), tmp);
		st->b_only++;
	}
	for (i = 0; i < st->nsigs; i++)
		if (!strcmp(st->sigs[i].sig, sig))
			break;
	if (i == st->nsigs && st->nsigs < 64) {
		snprintf(st->sigs[i].sig, sizeof(st->sigs[i].sig), "%s", sig);
		st->sigs[i].best_size = SIZE_MAX;
		st->nsigs++;
	}
	if (i < 64) {
		st->sigs[i].n++;
		/* always print the first, and any smaller reproducer, of each signature */
		if (size < st->sigs[i].best_size || st->printed < MAX_PRINTED) {
			st->sigs[i].best_size = size < st->sigs[i].best_size ? size : st->sigs[i].best_size;
			st->printed++;
			fprintf(stderr, "\n=== MISMATCH %s (%zu bytes)\n", what, size);
			fprintf(stderr, "  kernel: %s%s\n", k_ok ? "ACCEPTED" : "REJECTED: ", k_ok ? "" : strerror(kerr));
			fprintf(stderr, "  kernel log (last line%s): %s\n",
				log_errno == ENOSPC ? "; the load with log_level 1 filled the log: ENOSPC" : "", line);
			fprintf(stderr, "  btfx:   %s%s\n", k_ok ? "REJECTED " : "ACCEPTED",
				k_ok ? btfx_errc_str(err->code) : "");
			if (k_ok)
				fprintf(stderr, "  btfx message: %s\n", err->msg);
			if (size <= 4096) {
				fprintf(stderr, "  blob:\n");
				bb_hexdump(stderr, blob, size);
			} else {
				fprintf(stderr, "  blob (first 256 of %zu bytes):\n", size);
				bb_hexdump(stderr, blob, 256);
			}
			if (strlen(log) < 4096)
				fprintf(stderr, "  full kernel log:\n%s\n", log);
		}
	}
	if (dump_dir) {
		char path[512];
		FILE *f;
		snprintf(path, sizeof(path), "%s/%s.bin", dump_dir, what);
		for (char *p = path + strlen(dump_dir) + 1; *p; p++)
			if (*p == '/' || *p == ' ')
				*p = '_';
		f = fopen(path, "wb");
		if (f) {
			fwrite(blob, 1, size, f);
			fclose(f);
		}
	}
}

/* the same verdict and error, and for accepted input the same essential-name lookups */
static bool same_open(const char *what, const char *how, struct btfx *a, const struct btfx_error *ea, struct btfx *b,
		      const struct btfx_error *eb)
{
	bool same = (a != NULL) == (b != NULL);
	uint32_t ids_a[8], ids_b[8];

	if (same && !a)
		same = ea->code == eb->code && ea->type_id == eb->type_id && ea->offset == eb->offset &&
		       !strcmp(ea->msg, eb->msg);
	if (!same)
		fprintf(stderr, "%s: %s changes the verdict:\n  default: %s\n  single:  %s\n", what, how,
			a ? "accepted" : ea->msg, b ? "accepted" : eb->msg);
	if (same && a && btfx_type_cnt(a) != btfx_type_cnt(b)) {
		fprintf(stderr, "%s: %s: %u types vs %u\n", what, how, btfx_type_cnt(a), btfx_type_cnt(b));
		same = false;
	}
	for (uint32_t id = 1; same && a && id < btfx_type_cnt(a); id += 97) {
		const char *name = btfx_name(a, btfx_type_by_id(a, id));
		size_t len = btfx_essential_name_len(name), na, nb;

		if (!len)
			continue;
		na = btfx_find_essential(a, name, len, ids_a, 8);
		nb = btfx_find_essential(b, name, len, ids_b, 8);
		if (na != nb || memcmp(ids_a, ids_b, (na < 8 ? na : 8) * sizeof(*ids_a))) {
			fprintf(stderr, "%s: %s: essential lookups of '%s' differ (%zu vs %zu ids)\n", what, how, name, na,
				nb);
			same = false;
		}
	}
	return same;
}

/*
 * btfx_parse() with BTFX_F_SINGLE_THREAD agrees with the default (ok,
 * *err), and so do the opens CO-RE uses for targets (BTFX_F_REFS_ONLY |
 * BTFX_F_INDEX_ESSENTIAL), whose essential names a helper thread hashes on
 * large input, down to the essential-name lookups.
 */
static bool same_single_thread(const char *what, const uint8_t *blob, size_t size, bool ok,
			       const struct btfx_error *err)
{
	struct btfx_open_opts o = { .sz = sizeof(o), .flags = BTFX_F_SINGLE_THREAD };
	struct btfx_error e1, e2, e3;
	struct btfx *b = btfx_parse(blob, size, what, false, &o, &e1), *r, *r1;
	bool same = (b != NULL) == ok;

	if (same && !ok)
		same = e1.code == err->code && e1.type_id == err->type_id && e1.offset == err->offset &&
		       !strcmp(e1.msg, err->msg);
	if (!same)
		fprintf(stderr, "%s: BTFX_F_SINGLE_THREAD changes the verdict:\n  default: %s\n  single:  %s\n", what,
			ok ? "accepted" : err->msg, b ? "accepted" : e1.msg);
	btfx_free(b);
	o.flags = BTFX_F_REFS_ONLY | BTFX_F_INDEX_ESSENTIAL;
	r = btfx_parse(blob, size, what, false, &o, &e2);
	o.flags |= BTFX_F_SINGLE_THREAD;
	r1 = btfx_parse(blob, size, what, false, &o, &e3);
	if (!same_open(what, "BTFX_F_SINGLE_THREAD (with BTFX_F_REFS_ONLY)", r, &e2, r1, &e3))
		same = false;
	btfx_free(r);
	btfx_free(r1);
	return same;
}

/* Compare one blob; returns 1 on agreement (or exclusion), 0 on mismatch. */
static int compare(struct stats *st, const char *what, const uint8_t *blob, size_t size)
{
	struct btfx_error err;
	struct btfx *btf;
	int k_ok, kerr, b_ok;
	const char *dev;

	snprintf(sh->current, sizeof(sh->current), "%s", what);
	sh->current_size = size;
	memcpy(sh->current_blob, blob, size < sizeof(sh->current_blob) ? size : sizeof(sh->current_blob));
	btf = btfx_parse(blob, size, what, false, NULL, &err);
	b_ok = btf != NULL;
	if (!b_ok && (err.code == BTFX_OK || !err.msg[0])) {
		fprintf(stderr, "%s: btfx rejected without an error class/message\n", what);
		st->mismatches++;
		return 0;
	}
	if (!same_single_thread(what, blob, size, b_ok, &err)) {
		st->threads++;
		st->mismatches++;
	}
	dev = deviation(blob, size, btf);
	if (!dev && !btf && err.code == BTFX_E_LIMIT)
		dev = "more than 0xffffe types (the kernel drops the extra types silently)";
	if (btf) {
		corpus_walk_accessors(btf); /* accepted input must be safe for every accessor */
		btfx_free(btf);
	}
	if (dev) {
		st->excluded++;
		return 1;
	}
	k_ok = kernel_load(blob, size, &kerr);
	st->compared++;
	if (verbose) {
		char line[200] = "";
		if (!k_ok)
			last_line(kernel_log(blob, size), line, sizeof(line));
		printf("  %-34s kernel %-8s btfx %-8s | %s | %s\n", what, k_ok ? "accepts" : "rejects",
		       b_ok ? "accepts" : "rejects", b_ok ? "" : err.msg + strlen(what) + 2, line);
	}
	if (k_ok == b_ok)
		return 1;
	if (special_field_names(blob, size)) {
		/* the kernel may have judged the special-field records, which btfx does not check */
		st->compared--;
		st->excluded++;
		return 1;
	}
	st->mismatches++;
	report(st, what, blob, size, k_ok, kerr, &err);
	return 0;
}

static int finish(struct stats *st, const char *what)
{
	sh->compared += st->compared;
	sh->excluded += st->excluded;
	sh->mismatch += st->mismatches;
	if (st->threads)
		fprintf(stderr, "\n%s: %lu inputs with a different verdict or error on one thread\n", what, st->threads);
	if (st->mismatches) {
		fprintf(stderr, "\n%s: %lu of %lu compared inputs disagree (%lu accepted by the kernel only, "
			"%lu by btfx only), %d distinct:\n", what, st->mismatches, st->compared, st->k_only, st->b_only,
			st->nsigs);
		for (int i = 0; i < st->nsigs; i++)
			fprintf(stderr, "  %6lu x  %s  (smallest %zu bytes)\n", st->sigs[i].n, st->sigs[i].sig,
				st->sigs[i].best_size);
		fprintf(stderr, "%s: btfx disagrees with the kernel on %lu inputs\n", what, st->mismatches);
		return 1;
	}
	printf("%s: %lu compared, %lu excluded (deliberate deviations), 0 disagreements\n", what, st->compared,
	       st->excluded);
	return 0;
}

/* run body isolated; on a crash, show the input it was checking */
static void run_isolated(int (*body)(void *), void *arg, const char *name)
{
	char why[256];

	sh->current[0] = 0;
	sh->current_size = 0;
	int rc = isolate_run(body, arg, why, sizeof(why));

	if (!rc)
		return;
	if (rc == ISOLATE_CRASHED) {
		fprintf(stderr, "\n=== %s %s while checking %s (%zu bytes):\n", name, why,
			sh->current[0] ? sh->current : "?", sh->current_size);
		bb_hexdump(stderr, sh->current_blob,
			   sh->current_size < sizeof(sh->current_blob) ? sh->current_size : sizeof(sh->current_blob));
		fail_msg("%s: %s while checking %s", name, why, sh->current);
	}
	fail_msg("%s: btfx and the kernel disagree (see above)", name);
}

#define NEED_KERNEL()                                                                  \
	do {                                                                           \
		if (kernel_state != 1) {                                               \
			fprintf(stderr, "!!! SKIP: kernel oracle unavailable: %s\n", kernel_why); \
			skip();                                                        \
		}                                                                      \
	} while (0)

/* ---------------------------------------------------------------- crafted cases */

static int case_body(void *arg)
{
	const struct tcase *c = arg;
	struct stats st = { 0 };
	size_t size;
	uint8_t *blob;

	blob = c->build(&size);
	compare(&st, c->name, blob, size);
	free(blob);
	sh->compared += st.compared;
	sh->excluded += st.excluded;
	sh->mismatch += st.mismatches;
	return st.mismatches ? 1 : 0;
}

static void test_oracle_case(void **state)
{
	const struct tcase *c = *state;

	NEED_KERNEL();
	run_isolated(case_body, (void *)c, c->name);
}

/* ---------------------------------------------------------------- mutation */

struct rng { uint64_t s; };

static uint64_t rnd(struct rng *r)
{
	/* xorshift64* */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1Dull;
}

static uint32_t below(struct rng *r, uint32_t n) { return n ? (uint32_t)(rnd(r) % n) : 0; }

struct seed {
	const char *name;
	uint8_t *blob;
	size_t size;
	uint32_t nr_types;
	uint32_t *offs;   /* type record offsets within the type section */
	uint32_t *lens;   /* record sizes */
	uint32_t *strs;   /* string start offsets */
	uint32_t nstrs;
};

static const uint8_t rec_info[20][2] = {
	[1] = { 4, 0 }, [3] = { 12, 0 }, [4] = { 0, 12 }, [5] = { 0, 12 }, [6] = { 0, 8 }, [13] = { 0, 8 },
	[14] = { 4, 0 }, [15] = { 0, 12 }, [17] = { 4, 0 }, [19] = { 0, 12 },
};

static void seed_init(struct seed *s, const char *name, uint8_t *blob, size_t size)
{
	uint32_t tl = bb_hdr_get(blob, BB_TYPE_LEN), sl = bb_hdr_get(blob, BB_STR_LEN);
	const uint8_t *types = blob + 24, *strs = blob + 24 + bb_hdr_get(blob, BB_STR_OFF);
	uint32_t off = 0;

	memset(s, 0, sizeof(*s));
	s->name = name;
	s->blob = blob;
	s->size = size;
	s->offs = calloc(tl / 12 + 1, sizeof(uint32_t));
	s->lens = calloc(tl / 12 + 1, sizeof(uint32_t));
	while (off < tl) {
		const struct btfx_type *t = (const void *)(types + off);
		unsigned k = btfx_kind(t);
		uint32_t len = 12 + rec_info[k][0] + btfx_vlen(t) * rec_info[k][1];
		s->offs[s->nr_types] = off;
		s->lens[s->nr_types++] = len;
		off += len;
	}
	s->strs = calloc(sl + 1, sizeof(uint32_t));
	for (uint32_t i = 0; i < sl; i++)
		if (i == 0 || !strs[i - 1])
			s->strs[s->nstrs++] = i;
}

static void seed_free(struct seed *s)
{
	free(s->blob);
	free(s->offs);
	free(s->lens);
	free(s->strs);
}

static uint32_t interesting(struct rng *r, const struct seed *s)
{
	static const uint32_t vals[] = { 0, 1, 2, 3, 4, 5, 7, 8, 12, 16, 24, 31, 32, 33, 64, 127, 128, 129, 255,
					 256, 0xffff, 0x10000, 0xfffff, 0x100000, 0xffffff, 0x1000000,
					 0x7fffffff, 0x80000000, 0xfffffff8, 0xffffffff };
	uint32_t sl = bb_hdr_get(s->blob, BB_STR_LEN);

	switch (below(r, 6)) {
	case 0: return vals[below(r, sizeof(vals) / sizeof(vals[0]))];
	case 1: return below(r, s->nr_types + 3);               /* a type id (or just past) */
	case 2: return s->strs[below(r, s->nstrs)];             /* a string */
	case 3: return below(r, 2) ? sl : sl - 1;               /* string section edge */
	case 4: return below(r, 4) * 8 * below(r, 33);          /* bit offsets / sizes */
	default: return (uint32_t)rnd(r);
	}
}

/* Mutant = copy of the seed with 1-3 mutations; returns a malloc'd blob of *size bytes. */
static uint8_t *mutate(struct rng *r, const struct seed *s, size_t *size, char *desc, size_t dcap)
{
	size_t sz = s->size, dl = 0;
	uint8_t *b = malloc(sz);
	int n = 1 + (int)below(r, 3);

	memcpy(b, s->blob, sz);
	desc[0] = 0;
	for (int i = 0; i < n; i++) {
		uint32_t tl = bb_hdr_get(b, BB_TYPE_LEN), id = below(r, s->nr_types);
		uint8_t *types = b + 24;
		uint32_t rec = s->offs[id], rlen = s->lens[id];
		int op = (int)below(r, 100);
		const char *what;

		if (24 + (size_t)tl > sz) /* an earlier op broke the header: stay in bounds */
			tl = 0;
		if (rec + rlen > tl)
			rec = rlen = 0;
		if (op < 10 && tl) {
			uint32_t bit = below(r, tl * 8);
			types[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			what = "bitflip";
		} else if (op < 18 && tl) {
			static const uint8_t bytes[] = { 0, 1, 0x7f, 0x80, 0xff, 0x20, 0x10, 0x0d };
			types[below(r, tl)] = below(r, 2) ? bytes[below(r, 8)] : (uint8_t)rnd(r);
			what = "byte";
		} else if (op < 34 && tl >= 4) {
			uint32_t v = interesting(r, s), w = below(r, tl / 4);
			memcpy(types + 4 * w, &v, 4);
			what = "word";
		} else if (op < 48 && rlen) {
			struct btfx_type *t = (void *)(types + rec);
			switch (below(r, 6)) {
			case 0: t->info = (t->info & ~0x1f000000u) | below(r, 32) << 24; what = "kind"; break;
			case 1: t->info ^= 1u << 31; what = "kflag"; break;
			case 2: t->info |= 1u << (16 + below(r, 15)); what = "reserved-bit"; break;
			case 3: t->info = (t->info & ~0xffffu) | below(r, 4); what = "vlen"; break;
			case 4: t->info = (t->info & ~0xffffu) | ((t->info + (below(r, 2) ? 1 : 0xffff)) & 0xffff);
				what = "vlen+-1"; break;
			default: t->info = (uint32_t)rnd(r); what = "info"; break;
			}
		} else if (op < 56 && rlen) {
			struct btfx_type *t = (void *)(types + rec);
			t->name_off = below(r, 4) ? s->strs[below(r, s->nstrs)] : interesting(r, s);
			what = "name_off";
		} else if (op < 66 && rlen) {
			struct btfx_type *t = (void *)(types + rec);
			t->size = interesting(r, s);
			what = "size/type";
		} else if (op < 78 && rlen > 12) {
			uint32_t w = below(r, (rlen - 12) / 4);
			uint32_t v = below(r, 2) ? below(r, s->nr_types + 2) : interesting(r, s);
			memcpy(types + rec + 12 + 4 * w, &v, 4);
			what = "member/param/vsi";
		} else if (op < 82 && tl >= 4) {
			/* consistent truncation of the type section: strings follow */
			uint32_t cut = 4 * (1 + below(r, tl / 4 < 8 ? tl / 4 : 8));
			if (below(r, 2))
				cut = tl - 4 * below(r, tl / 4); /* anywhere */
			if (cut > tl)
				cut = tl;
			memmove(types + tl - cut, types + tl, sz - 24 - tl);
			sz -= cut;
			bb_hdr_set(b, BB_TYPE_LEN, tl - cut);
			bb_hdr_set(b, BB_STR_OFF, bb_hdr_get(b, BB_STR_OFF) - cut);
			what = "cut-types";
		} else if (op < 85) {
			sz = below(r, (uint32_t)sz);
			what = "truncate";
		} else if (op < 88) {
			/* append a copy of a record (new id at the end) */
			if (rlen && 24 + (size_t)tl <= sz) {
				uint8_t *nb = malloc(sz + rlen);
				memcpy(nb, b, 24 + tl);
				memcpy(nb + 24 + tl, types + rec, rlen);
				memcpy(nb + 24 + tl + rlen, b + 24 + tl, sz - 24 - tl);
				free(b);
				b = nb;
				sz += rlen;
				bb_hdr_set(b, BB_TYPE_LEN, tl + rlen);
				bb_hdr_set(b, BB_STR_OFF, bb_hdr_get(b, BB_STR_OFF) + rlen);
			}
			what = "dup-record";
		} else if (op < 91) {
			/* delete a record: every later id shifts */
			if (rlen && s->nr_types > 1) {
				memmove(types + rec, types + rec + rlen, sz - 24 - rec - rlen);
				sz -= rlen;
				bb_hdr_set(b, BB_TYPE_LEN, tl - rlen);
				bb_hdr_set(b, BB_STR_OFF, bb_hdr_get(b, BB_STR_OFF) - rlen);
			}
			what = "del-record";
		} else if (op < 96) {
			/* string section byte */
			static const uint8_t chars[] = { '.', ' ', '$', '-', '0', 'A', '_', 0xc0, 0xa0, 0x7f, 0x85,
							 0, '\t', 0xdf, 0xd7, 'z' };
			uint32_t so = bb_hdr_get(b, BB_STR_OFF), sl = bb_hdr_get(b, BB_STR_LEN);
			if (24 + (uint64_t)so + sl <= sz && sl)
				b[24 + so + below(r, sl)] = chars[below(r, sizeof(chars))];
			what = "string-byte";
		} else {
			static const enum bb_hdr_field fs[] = { BB_VERSION, BB_FLAGS, BB_HDR_LEN, BB_TYPE_OFF,
								BB_TYPE_LEN, BB_STR_OFF, BB_STR_LEN };
			enum bb_hdr_field f = fs[below(r, 7)];
			uint32_t v = below(r, 2) ? bb_hdr_get(b, f) + below(r, 9) - 4 : interesting(r, s);
			if (sz >= 24)
				bb_hdr_set(b, f, v);
			what = "header";
		}
		dl += (size_t)snprintf(desc + dl, dl < dcap ? dcap - dl : 0, "%s%s@%u", i ? "+" : "", what, id + 1);
		if (dl >= dcap)
			dl = dcap - 1;
	}
	/* an exactly-sized buffer, so that sanitizers see over-reads */
	{
		uint8_t *exact = malloc(sz ? sz : 1);
		memcpy(exact, b, sz);
		free(b);
		b = exact;
	}
	*size = sz;
	return b;
}

/* --- seeds --- */

static uint8_t *seed_small(size_t *sz)
{
	struct bb *b = bb_new();
	uint8_t *p;
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_ptr(b, 1);
	p = bb_emit_simple(b, sz);
	bb_free(b);
	return p;
}

static uint8_t *seed_every_kind(size_t *sz)
{
	for (size_t i = 0; i < corpus_len; i++)
		if (!strcmp(corpus[i].name, "p_every_kind"))
			return corpus[i].build(sz);
	abort();
}

static uint8_t *seed_struct(size_t *sz)
{
	struct bb *b = bb_new();
	uint8_t *p;
	bb_int(b, "unsigned int", 4, 0, 0, 32);         /* [1] */
	bb_int(b, "char", 1, BTFX_INT_CHAR, 0, 8);      /* [2] */
	bb_struct(b, "bits", 8);                        /* [3] kflag bitfields */
	bb_member_bf(b, "a", 1, 0, 3);
	bb_member_bf(b, "b", 1, 3, 13);
	bb_member_bf(b, "e", 7, 16, 4);
	bb_member_bf(b, "c", 2, 32, 0);
	bb_typedef(b, "bits_t", 3);                     /* [4] */
	bb_const(b, 4);                                 /* [5] */
	bb_array(b, 5, 1, 2);                           /* [6] */
	bb_enum(b, "col", 4, false);                    /* [7] */
	bb_enum_val(b, "RED", 0);
	bb_enum_val(b, "GREEN", 1);
	bb_struct(b, "outer", 40);                      /* [8] */
	bb_member(b, "arr", 6, 0);
	bb_member(b, "next", 9, 128);
	bb_member(b, "u", 10, 192);
	bb_member(b, "x", 1, 256);
	bb_ptr(b, 8);                                   /* [9] */
	bb_union(b, "un", 8);                           /* [10] */
	bb_member(b, "p", 9, 0);
	bb_member(b, "c", 2, 0);
	p = bb_emit_simple(b, sz);
	bb_free(b);
	return p;
}

static uint8_t *seed_datasec(size_t *sz)
{
	struct bb *b = bb_new();
	uint8_t *p;
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);   /* [1] */
	bb_datasec(b, ".data", 24);                    /* [2] */
	bb_secinfo(b, 3, 0, 8);
	bb_secinfo(b, 5, 8, 4);
	bb_secinfo(b, 7, 16, 8);
	bb_var(b, "a", 4, 0);                          /* [3] */
	bb_ptr(b, 1);                                  /* [4] */
	bb_var(b, "b", 6, 1);                          /* [5] */
	bb_typedef(b, "td", 1);                        /* [6] */
	bb_var(b, "c", 8, 1);                          /* [7] */
	bb_array(b, 6, 1, 2);                          /* [8] */
	bb_datasec(b, ".rodata", 4);                   /* [9] */
	bb_secinfo(b, 10, 0, 4);
	bb_var(b, "d", 1, 0);                          /* [10] */
	p = bb_emit_simple(b, sz);
	bb_free(b);
	return p;
}

/* like seed_datasec, but without a PTR var before a TYPEDEF var (see
 * k_datasec_mode_reset), so that btfx accepts the seed itself */
static uint8_t *seed_datasec2(size_t *sz)
{
	struct bb *b = bb_new();
	uint8_t *p;
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);   /* [1] */
	bb_datasec(b, ".bss", 32);                     /* [2] */
	bb_secinfo(b, 5, 0, 4);
	bb_secinfo(b, 7, 8, 8);
	bb_secinfo(b, 3, 16, 8);
	bb_var(b, "a", 4, 0);                          /* [3] */
	bb_ptr(b, 1);                                  /* [4] */
	bb_var(b, "b", 6, 1);                          /* [5] */
	bb_typedef(b, "td", 1);                        /* [6] */
	bb_var(b, "c", 8, 1);                          /* [7] */
	bb_array(b, 6, 1, 2);                          /* [8] */
	bb_struct(b, "st", 16);                        /* [9] */
	bb_member(b, "x", 6, 0);
	bb_member(b, "y", 4, 64);
	bb_var(b, "d", 9, 0);                          /* [10] */
	bb_datasec(b, "?.rodata.str", 16);             /* [11] */
	bb_secinfo(b, 10, 0, 16);
	p = bb_emit_simple(b, sz);
	bb_free(b);
	return p;
}

static uint8_t *seed_func(size_t *sz)
{
	struct bb *b = bb_new();
	uint8_t *p;
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);   /* [1] */
	bb_ptr(b, 3);                                  /* [2] */
	bb_const(b, 0);                                /* [3] const void */
	bb_proto(b, 1);                                /* [4] int (int, const void *, ...) */
	bb_param(b, "n", 1);
	bb_param(b, "p", 2);
	bb_param(b, NULL, 0);
	bb_func(b, "vfn", 4, 1);                       /* [5] */
	bb_proto(b, 0);                                /* [6] void (void) */
	bb_func(b, "noop", 6, 0);                      /* [7] */
	bb_decl_tag(b, "hot", 5, -1);                  /* [8] */
	bb_decl_tag(b, "nonnull", 5, 1);               /* [9] */
	bb_type_tag(b, "user", 1);                     /* [10] */
	bb_ptr(b, 10);                                 /* [11] */
	bb_float(b, "float", 4);                       /* [12] */
	bb_enum64(b, "big", 8, true);                  /* [13] */
	bb_enum64_val(b, "NEG", (uint64_t)-5);
	bb_fwd(b, "opaque", false);                    /* [14] */
	bb_ptr(b, 14);                                 /* [15] */
	bb_ptr(b, 6);                                  /* [16] fn ptr */
	bb_proto(b, 15);                               /* [17] */
	bb_param(b, "f", 16);
	bb_param(b, "u", 11);
	bb_param(b, "d", 12);
	bb_param(b, "e", 13);
	bb_func(b, "cb", 17, 1);                       /* [18] */
	p = bb_emit_simple(b, sz);
	bb_free(b);
	return p;
}

struct seed_def {
	const char *name;
	uint8_t *(*build)(size_t *sz);
	uint64_t rng_seed;
	unsigned share; /* mutations: 1/share of the others' (0: all) */
};

/*
 * The running kernel's BTF (~130k types): the size at which btfx validates
 * with a helper thread, and errors in every region of a real layout.
 */
static uint8_t *seed_vmlinux(size_t *sz)
{
	struct btfx_open_opts o = { .sz = sizeof(o), .flags = BTFX_F_NO_VALIDATE };
	struct btfx *btf = btfx_open("/sys/kernel/btf/vmlinux", &o, NULL);
	const void *raw = btf ? btfx_raw_data(btf, sz) : NULL;
	uint8_t *b = raw ? malloc(*sz) : NULL;

	if (b)
		memcpy(b, raw, *sz);
	btfx_free(btf);
	return b;
}

static const struct seed_def seeds[] = {
	{ "mutate_seed_v", bb_seed_v_blob, 0x5eed0001, 0 },
	{ "mutate_vmlinux", seed_vmlinux, 0x5eed0008, 10 },
	{ "mutate_seed_small", seed_small, 0x5eed0002 },
	{ "mutate_seed_every_kind", seed_every_kind, 0x5eed0003 },
	{ "mutate_seed_struct", seed_struct, 0x5eed0004 },
	{ "mutate_seed_datasec", seed_datasec, 0x5eed0005 },
	{ "mutate_seed_datasec2", seed_datasec2, 0x5eed0007 },
	{ "mutate_seed_func", seed_func, 0x5eed0006 },
};

static int mutations_body(void *arg)
{
	const struct seed_def *d = arg;
	struct stats st = { 0 };
	struct seed s;
	struct rng r = { d->rng_seed };
	size_t size;
	uint8_t *blob = d->build(&size);
	unsigned count = d->share ? mutations / d->share : mutations;
	char desc[160], what[256];
	int k_ok, kerr, rc;

	if (!blob) {
		fprintf(stderr, "%s: cannot build the seed (%s)\n", d->name, strerror(errno));
		return 1;
	}

	seed_init(&s, d->name, blob, size);
	/* the seed itself must be valid for the kernel */
	k_ok = kernel_load(s.blob, s.size, &kerr);
	if (!k_ok) {
		fprintf(stderr, "%s: the kernel rejects the seed (%s): %s\n", d->name, strerror(kerr),
			kernel_log(s.blob, s.size));
		seed_free(&s);
		return 1;
	}
	compare(&st, d->name, s.blob, s.size);
	for (unsigned i = 0; i < count; i++) {
		uint8_t *m = mutate(&r, &s, &size, desc, sizeof(desc));
		snprintf(what, sizeof(what), "%s#%u[%s]", d->name, i, desc);
		compare(&st, what, m, size);
		free(m);
	}
	seed_free(&s);
	rc = finish(&st, d->name);
	return rc;
}

static void test_oracle_mutations(void **state)
{
	const struct seed_def *d = *state;

	NEED_KERNEL();
	run_isolated(mutations_body, (void *)d, d->name);
}

/* ---------------------------------------------------------------- main */

static void probe_kernel(void)
{
	size_t size;
	uint8_t *v = bb_seed_v_blob(&size);
	int err = 0;

	if (geteuid() != 0) {
		snprintf(kernel_why, sizeof(kernel_why), "not root (euid %u)", (unsigned)geteuid());
		kernel_state = 0;
	} else if (kernel_load(v, size, &err)) {
		kernel_state = 1;
	} else if (err == EPERM || err == ENOSYS || err == EACCES) {
		snprintf(kernel_why, sizeof(kernel_why), "bpf(BPF_BTF_LOAD) fails with %s", strerror(err));
		kernel_state = 0;
	} else {
		/* bpf() works but rejects the valid seed: that is a failure, not a skip */
		kernel_state = 1;
	}
	free(v);
}

int main(void)
{
	size_t n = 0, nseeds = sizeof(seeds) / sizeof(seeds[0]);
	struct CMUnitTest *tests = calloc(corpus_len + nseeds, sizeof(*tests));
	const char *env = getenv("BTFX_ORACLE_MUTATIONS");
	int rc;

	if (env)
		mutations = (unsigned)strtoul(env, NULL, 0);
	dump_dir = getenv("BTFX_ORACLE_DUMP");
	sh = isolate_shared(sizeof(*sh));
	verbose = getenv("BTFX_ORACLE_VERBOSE") && atoi(getenv("BTFX_ORACLE_VERBOSE"));
	probe_kernel();
	if (kernel_state != 1)
		fprintf(stderr, "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
				"!!! KERNEL ORACLE SKIPPED: %s\n"
				"!!! btfx was NOT compared with the kernel's BPF_BTF_LOAD.\n"
				"!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n",
			kernel_why);
	else
		printf("kernel oracle: BPF_BTF_LOAD available; %u mutations per seed\n", mutations);

	for (size_t i = 0; i < corpus_len; i++) {
		if (corpus[i].flags & CF_NO_ORACLE)
			continue;
		tests[n].name = corpus[i].name;
		tests[n].test_func = test_oracle_case;
		tests[n].initial_state = (void *)&corpus[i];
		n++;
	}
	for (size_t i = 0; i < nseeds; i++) {
		tests[n].name = seeds[i].name;
		tests[n].test_func = test_oracle_mutations;
		tests[n].initial_state = (void *)&seeds[i];
		n++;
	}
	rc = _cmocka_run_group_tests("kernel_oracle", tests, n, NULL, NULL);
	if (kernel_state == 1)
		printf("kernel oracle: %lu inputs compared, %lu excluded as deliberate deviations, %lu disagreements\n",
		       sh->compared, sh->excluded, sh->mismatch);
	free(tests);
	return rc;
}
