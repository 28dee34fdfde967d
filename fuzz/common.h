/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the libFuzzer harnesses fuzz/fuzz_*.c (and their replay
 * builds, fuzz/regress.c): invariant checks that every accepted BTF must
 * pass, helpers to hand bytes to the file-based APIs through a memfd, and
 * the fixed base BTF of the split harnesses.
 *
 * An invariant failure prints what broke and aborts, so that libFuzzer
 * (and the replay in `make check`) report it like a crash.
 */
#ifndef BTFX_FUZZ_COMMON_H
#define BTFX_FUZZ_COMMON_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "btfx/btfx.h"
#include "btfx/core.h"
#include "btfx/layout.h"
#include "btfx/object.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FZ_UNUSED __attribute__((unused))

#define FZ_ASSERT(cond, ...)                                                                       \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz invariant failed at %s:%d: %s\n  ", __FILE__,       \
				__LINE__, #cond);                                                  \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static volatile uint64_t fz_sink;

/*
 * Open findings (docs/robustness.md) whose invariant a long fuzzing
 * campaign may skip, so that it goes on to find other bugs:
 * FZ_IGNORE="F5,F6" in the environment (`make fuzz-run` sets it to the
 * open ones).  The corpus replay of `make check` never sets it.
 */
static FZ_UNUSED bool fz_ignored(const char *finding)
{
	const char *list = getenv("FZ_IGNORE");
	size_t n = strlen(finding);

	for (const char *p = list; p && (p = strstr(p, finding)); p += n)
		if ((p == list || p[-1] == ',') && (p[n] == 0 || p[n] == ','))
			return true;
	return false;
}

/* A failed call must say what is wrong: a known error class and a message. */
static FZ_UNUSED void fz_check_err(const struct btfx_error *err, const char *what)
{
	FZ_ASSERT(err->code > BTFX_OK && err->code < BTFX_E__NR, "%s failed with error code %d", what, err->code);
	FZ_ASSERT(memchr(err->msg, 0, sizeof(err->msg)) != NULL, "%s: error message not NUL-terminated", what);
	FZ_ASSERT(err->msg[0] != 0, "%s failed (%s) with an empty message", what, btfx_errc_str(err->code));
	fz_sink += strlen(btfx_errc_str(err->code));
}

/* ------------------------------------------------------------------ */
/* Invariants of an accepted BTF                                       */
/* ------------------------------------------------------------------ */

struct fz_check_opts {
	bool validated;     /* parsed with validation: ids and strings must resolve */
	bool layouts;       /* btfx_record_layout_new on every struct/union */
	bool decls;         /* btfx_type_decl on every type */
	uint32_t max_types; /* check at most this many types (0: all) */
};

static FZ_UNUSED void fz_check_str(const struct btfx *btf, uint32_t off, bool must, uint32_t id, const char *what)
{
	const char *s = btfx_str(btf, off);

	if (must)
		FZ_ASSERT(s != NULL, "[%u] %s name_off %u does not resolve", id, what, off);
	if (s)
		fz_sink += strlen(s);
}

static FZ_UNUSED void fz_check_layout(const struct btfx *btf, uint32_t id, const struct btfx_type *t,
				      uint32_t cls, bool validated)
{
	struct btfx_layout_opts lo = { .sz = sizeof(lo), .cacheline_size = cls };
	struct btfx_error err;
	struct btfx_record_layout *l = btfx_record_layout_new(btf, id, &lo, &err);
	uint32_t cnt = btfx_type_cnt(btf);

	if (!l) {
		fz_check_err(&err, "btfx_record_layout_new");
		return;
	}
	FZ_ASSERT(l->size == t->size, "[%u] layout size %llu != type size %u", id, (unsigned long long)l->size,
		  t->size);
	FZ_ASSERT(l->nr_members == btfx_vlen(t), "[%u] layout nr_members %u != vlen %u", id, l->nr_members,
		  btfx_vlen(t));
	FZ_ASSERT(l->is_union == (btfx_kind(t) == BTFX_KIND_UNION), "[%u] layout is_union wrong", id);
	FZ_ASSERT(l->nr_items == 0 || l->items != NULL, "[%u] %zu layout items, NULL array", id, l->nr_items);
	/* linear in the input: at most 16 items per member record (12 bytes) of
	 * the BTF and its bases, + 4096 (F8: shared anonymous types expanded
	 * once per path made it exponential) */
	{
		uint64_t recs = 0;
		struct btfx_header_info h;
		for (const struct btfx *b = btf; b; b = btfx_base(b)) {
			btfx_header(b, &h);
			recs += h.type_len / 12;
		}
		FZ_ASSERT(l->nr_items <= 16 * recs + 4096, "[%u] %zu layout items for a %llu-record BTF", id, l->nr_items,
			  (unsigned long long)recs);
	}
	for (size_t i = 0; i < l->nr_items; i++) {
		const struct btfx_lay_item *it = &l->items[i];
		FZ_ASSERT(it->kind >= BTFX_LAY_MEMBER && it->kind <= BTFX_LAY_CACHELINE, "[%u] item %zu kind %u", id,
			  i, it->kind);
		FZ_ASSERT(it->depth < 33, "[%u] item %zu depth %u", id, i, it->depth);
		if (validated && (it->kind == BTFX_LAY_MEMBER || it->kind == BTFX_LAY_OPEN || it->kind == BTFX_LAY_CLOSE))
			FZ_ASSERT(it->type_id < cnt, "[%u] item %zu type id %u >= %u", id, i, it->type_id, cnt);
		if (it->name)
			fz_sink += strlen(it->name);
	}
	if (l->name)
		fz_sink += strlen(l->name);
	btfx_record_layout_free(l);
}

static FZ_UNUSED void fz_check_decl(const struct btfx *btf, uint32_t id)
{
	char small[24], big[512];
	size_t split = (size_t)-1, n, n2;

	n = btfx_type_decl(btf, id, "fz", big, sizeof(big), &split);
	FZ_ASSERT(memchr(big, 0, sizeof(big)) != NULL, "[%u] type_decl: no NUL", id);
	FZ_ASSERT(strlen(big) == (n < sizeof(big) ? n : sizeof(big) - 1), "[%u] type_decl returned %zu, wrote %zu",
		  id, n, strlen(big));
	FZ_ASSERT(split <= n, "[%u] type_decl split %zu > length %zu", id, split, n);
	n2 = btfx_type_decl(btf, id, NULL, small, sizeof(small), NULL);
	FZ_ASSERT(strlen(small) == (n2 < sizeof(small) ? n2 : sizeof(small) - 1),
		  "[%u] type_decl (small buffer) returned %zu, wrote %zu", id, n2, strlen(small));
	fz_sink += n + n2;
}

/*
 * Every public accessor on every type.  With o->validated, also the
 * guarantees of a validated BTF: every referenced id and every name offset
 * resolves.  Termination of the walks is checked by libFuzzer's -timeout.
 */
static FZ_UNUSED void fz_check_btf(struct btfx *btf, const struct fz_check_opts *o)
{
	uint32_t cnt = btfx_type_cnt(btf), start = btfx_start_id(btf), ids[64], ids2[64];
	uint32_t last = o->max_types && o->max_types < cnt ? o->max_types : cnt;
	struct btfx_header_info hdr;
	size_t raw_size = 0;
	const void *raw;


	FZ_ASSERT(start >= 1 && start <= cnt, "start id %u, type count %u", start, cnt);
	FZ_ASSERT(btfx_type_by_id(btf, 0) != NULL, "void does not resolve");
	FZ_ASSERT(btfx_type_by_id(btf, cnt) == NULL, "id %u (== type count) resolves", cnt);
	FZ_ASSERT(btfx_type_by_id(btf, UINT32_MAX) == NULL, "id 0xffffffff resolves");
	FZ_ASSERT(btfx_str(btf, UINT32_MAX) == NULL, "string offset 0xffffffff resolves");
	btfx_header(btf, &hdr);
	raw = btfx_raw_data(btf, &raw_size);
	FZ_ASSERT(raw != NULL || btfx_base(btf) != NULL, "raw data is NULL");
	fz_sink += hdr.type_len + raw_size + btfx_is_foreign_endian(btf) + btfx_source(btf);
	fz_sink += strlen(btfx_path(btf));

	for (uint32_t id = 1; id < last; id++) {
		const struct btfx_type *t = btfx_type_by_id(btf, id);
		size_t total = 0, n;
		unsigned k;
		uint32_t vlen, sid;
		int64_t sz;
		int al;

		FZ_ASSERT(t != NULL, "[%u] does not resolve (type count %u)", id, cnt);
		k = btfx_kind(t);
		vlen = btfx_vlen(t);
		fz_sink += strlen(btfx_kind_str(k));
		fz_check_str(btf, t->name_off, o->validated, id, "type");

		/* referenced ids */
		n = btfx_type_refs(btf, id, ids, 64, &total);
		FZ_ASSERT(n == (total < 64 ? total : 64), "[%u] type_refs returned %zu of %zu", id, n, total);
		for (size_t i = 0; i < n; i++) {
			if (o->validated)
				FZ_ASSERT(btfx_type_by_id(btf, ids[i]) != NULL, "[%u] %s references id %u that does not resolve",
					  id, btfx_kind_str(k), ids[i]);
			if (id >= start && ids[i] < cnt && i < 8 && id < start + 512) {
				/* the referrer index knows the edge */
				size_t m = btfx_referrers(btf, ids[i], ids2, 64);
				bool found = m > 64;
				for (size_t j = 0; j < m && j < 64 && !found; j++)
					found = ids2[j] == id;
				FZ_ASSERT(found, "[%u] references [%u] but is not among its %zu referrers", id, ids[i], m);
			}
		}
		/* names inside the record */
		switch (k) {
		case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
			for (uint32_t i = 0; i < vlen; i++)
				fz_check_str(btf, btfx_members(t)[i].name_off, o->validated, id, "member");
			break;
		case BTFX_KIND_ENUM:
			for (uint32_t i = 0; i < vlen; i++)
				fz_check_str(btf, btfx_enums(t)[i].name_off, o->validated, id, "enumerator");
			break;
		case BTFX_KIND_ENUM64:
			for (uint32_t i = 0; i < vlen; i++)
				fz_check_str(btf, btfx_enums64(t)[i].name_off, o->validated, id, "enumerator");
			break;
		case BTFX_KIND_FUNC_PROTO:
			for (uint32_t i = 0; i < vlen; i++)
				fz_check_str(btf, btfx_params(t)[i].name_off, o->validated, id, "param");
			break;
		default:
			break;
		}

		/* size, alignment, modifiers: must terminate and stay in range */
		sz = btfx_resolve_size(btf, id);
		al = btfx_align(btf, id);
		sid = btfx_skip_mods(btf, id, true);
		FZ_ASSERT(sid < cnt || !o->validated, "[%u] skip_mods -> %u out of range", id, sid);
		sid = btfx_skip_mods(btf, id, false);
		FZ_ASSERT(sid < cnt || !o->validated, "[%u] skip_mods(no td) -> %u out of range", id, sid);
		if (o->validated && (k == BTFX_KIND_STRUCT || k == BTFX_KIND_UNION || k == BTFX_KIND_INT ||
				     k == BTFX_KIND_ENUM || k == BTFX_KIND_ENUM64 || k == BTFX_KIND_FLOAT))
			FZ_ASSERT(sz == (int64_t)t->size, "[%u] %s resolve_size %lld != size %u", id, btfx_kind_str(k),
				  (long long)sz, t->size);
		FZ_ASSERT(al <= 16, "[%u] alignment %d", id, al);
		fz_sink += (uint64_t)sz + (uint64_t)al;

		/* name lookups find this type */
		{
			const char *name = btfx_str(btf, t->name_off);
			if (name && *name) {
				size_t el = btfx_essential_name_len(name), na;
				uint32_t f = btfx_find(btf, name, k);
				FZ_ASSERT(el <= strlen(name), "[%u] essential length %zu > %zu", id, el, strlen(name));
				FZ_ASSERT(f != 0, "[%u] %s '%s' not found by name", id, btfx_kind_str(k), name);
				FZ_ASSERT(f <= id, "[%u] '%s': first match %u is after it", id, name, f);
				na = btfx_find_all(btf, name, k, ids, 64);
				FZ_ASSERT(na >= 1, "[%u] '%s': find_all found nothing", id, name);
				if (na <= 64) {
					bool found = false;
					for (size_t i = 0; i < na && !found; i++)
						found = ids[i] == id;
					FZ_ASSERT(found, "[%u] '%s': not among the %zu find_all ids", id, name, na);
				}
				fz_sink += btfx_find_essential(btf, name, el, ids, 64);
			}
		}
		if (o->layouts && (k == BTFX_KIND_STRUCT || k == BTFX_KIND_UNION))
			fz_check_layout(btf, id, t, 64, o->validated);
		if (o->decls)
			fz_check_decl(btf, id);
	}
}

/* ------------------------------------------------------------------ */
/* Bytes as a file                                                     */
/* ------------------------------------------------------------------ */

/* One memfd per process, rewritten for each input; its /proc path. */
static FZ_UNUSED const char *fz_file(const void *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	const uint8_t *p = data;
	size_t off = 0;

	if (fd < 0) {
		fd = memfd_create("btfx-fuzz", MFD_CLOEXEC);
		if (fd < 0) {
			perror("memfd_create");
			abort();
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0)) {
		perror("ftruncate");
		abort();
	}
	while (off < size) {
		ssize_t n = pwrite(fd, p + off, size - off, (off_t)off);
		if (n <= 0) {
			perror("pwrite");
			abort();
		}
		off += (size_t)n;
	}
	return path;
}

/* ------------------------------------------------------------------ */
/* BPF objects                                                         */
/* ------------------------------------------------------------------ */

/* Everything an opened object promises: names, indices and offsets in range. */
static FZ_UNUSED void fz_check_obj(struct btfx_obj *obj, const void *input, size_t input_size)
{
	const struct btfx *btf = btfx_obj_btf(obj);
	size_t nsecs, nprogs, nfuncs, nlines, nrelos, fsize;
	const struct btfx_obj_sec *secs = btfx_obj_secs(obj, &nsecs);
	const struct btfx_obj_prog *progs = btfx_obj_progs(obj, &nprogs);
	const struct btfx_func_info *fi = btfx_obj_func_info(obj, &nfuncs);
	const struct btfx_line_info *li = btfx_obj_line_info(obj, &nlines);
	const struct btfx_core_relo_rec *cr = btfx_obj_core_relos(obj, &nrelos);
	const void *fdata = btfx_obj_file_data(obj, &fsize);
	struct fz_check_opts co = { .validated = true, .layouts = true, .max_types = 4096 };
	uint32_t cnt;

	FZ_ASSERT(btf != NULL, "object without BTF");
	cnt = btfx_type_cnt(btf);
	fz_sink += strlen(btfx_obj_path(obj)) + btfx_obj_big_endian(obj);
	if (input) {
		FZ_ASSERT(fsize == input_size, "file data %zu bytes, input %zu", fsize, input_size);
		FZ_ASSERT(!memcmp(fdata, input, fsize), "file data differs from the input");
	}
	for (size_t i = 0; i < nsecs; i++) {
		FZ_ASSERT(secs[i].name != NULL, "section %zu has no name", i);
		FZ_ASSERT(secs[i].insns != NULL || !secs[i].insn_cnt, "section %s has no instructions", secs[i].name);
		FZ_ASSERT(secs[i].file_off + 8ull * secs[i].insn_cnt <= fsize, "section %s past the file end", secs[i].name);
		fz_sink += strlen(secs[i].name);
	}
	for (size_t i = 0; i < nprogs; i++) {
		FZ_ASSERT(progs[i].name != NULL, "program %zu has no name", i);
		FZ_ASSERT(progs[i].sec < nsecs, "program %s in section %u of %zu", progs[i].name, progs[i].sec, nsecs);
		FZ_ASSERT((uint64_t)progs[i].first_insn + progs[i].insn_cnt <= secs[progs[i].sec].insn_cnt,
			  "program %s [%u, +%u) past its section", progs[i].name, progs[i].first_insn, progs[i].insn_cnt);
		FZ_ASSERT(btfx_obj_prog_at(obj, progs[i].sec, progs[i].first_insn) != NULL, "prog_at(%s) is NULL",
			  progs[i].name);
		fz_sink += strlen(progs[i].name);
	}
	for (size_t i = 0; i < nfuncs; i++) {
		const struct btfx_type *t = btfx_type_by_id(btf, fi[i].type_id);
		FZ_ASSERT(fi[i].sec < nsecs, "func_info %zu: section %u", i, fi[i].sec);
		FZ_ASSERT(fi[i].insn_off % 8 == 0 && fi[i].insn_off / 8 < secs[fi[i].sec].insn_cnt,
			  "func_info %zu: insn_off %u", i, fi[i].insn_off);
		FZ_ASSERT(t && btfx_kind(t) == BTFX_KIND_FUNC, "func_info %zu: type %u is not a FUNC", i, fi[i].type_id);
	}
	for (size_t i = 0; i < nlines; i++) {
		FZ_ASSERT(li[i].sec < nsecs, "line_info %zu: section %u", i, li[i].sec);
		FZ_ASSERT(li[i].insn_off / 8 < secs[li[i].sec].insn_cnt, "line_info %zu: insn_off %u", i, li[i].insn_off);
		FZ_ASSERT(li[i].file && li[i].line, "line_info %zu: NULL strings", i);
		fz_sink += strlen(li[i].file) + strlen(li[i].line);
		FZ_ASSERT(btfx_obj_line_at(obj, li[i].sec, li[i].insn_off) != NULL, "line_at is NULL");
	}
	for (size_t i = 0; i < nrelos; i++) {
		FZ_ASSERT(cr[i].sec < nsecs, "core_relo %zu: section %u", i, cr[i].sec);
		FZ_ASSERT(cr[i].insn_off % 8 == 0 && cr[i].insn_off / 8 < secs[cr[i].sec].insn_cnt,
			  "core_relo %zu: insn_off %u", i, cr[i].insn_off);
		FZ_ASSERT(cr[i].type_id && cr[i].type_id < cnt, "core_relo %zu: type %u", i, cr[i].type_id);
		FZ_ASSERT(cr[i].kind <= BTFX_CORE_TYPE_MATCHES, "core_relo %zu: kind %u", i, cr[i].kind);
		FZ_ASSERT(cr[i].access_str != NULL, "core_relo %zu: NULL access string", i);
		fz_sink += strlen(cr[i].access_str) + strlen(btfx_core_kind_str(cr[i].kind));
	}
	fz_check_btf((struct btfx *)btf, &co);
}

static FZ_UNUSED void fz_check_result(const struct btfx_core_result *r, const struct btfx *target)
{
	FZ_ASSERT(r->status <= BTFX_CORE_ERROR, "status %d", r->status);
	FZ_ASSERT(r->status != BTFX_CORE_ERROR || r->err < 0, "error status with err %d", r->err);
	FZ_ASSERT(r->status != BTFX_CORE_POISONED || r->poison, "poisoned status without poison");
	FZ_ASSERT(memchr(r->reason, 0, sizeof(r->reason)) && memchr(r->local_spec_str, 0, sizeof(r->local_spec_str)) &&
		  memchr(r->targ_spec_str, 0, sizeof(r->targ_spec_str)), "result strings not terminated");
	FZ_ASSERT(r->ncands == 0 || r->cands != NULL, "%zu candidates, NULL array", r->ncands);
	if (r->status != BTFX_CORE_ERROR && r->targ_btf && target == r->targ_btf)
		FZ_ASSERT(r->targ_type_id < btfx_type_cnt(target), "target type %u out of range", r->targ_type_id);
	for (size_t i = 0; i < r->ncands; i++) {
		const struct btfx_core_cand *c = &r->cands[i];
		FZ_ASSERT(c->btf != NULL && c->id < btfx_type_cnt(c->btf), "candidate %zu: id %u", i, c->id);
		FZ_ASSERT(memchr(c->spec_str, 0, sizeof(c->spec_str)), "candidate spec not terminated");
		fz_sink += strlen(btfx_core_miss_str(c->miss));
	}
	fz_sink += strlen(r->reason) + strlen(r->local_spec_str) + strlen(r->targ_spec_str);
}

/*
 * Decide every relocation of obj against target (one context), with near
 * misses and instruction patching, then relocate the whole object and
 * reopen what comes out.
 */
static FZ_UNUSED void fz_relocate(const struct btfx_obj *obj, const struct btfx *target,
				  const struct btfx *const *mods, size_t nmods)
{
	size_t nrelos, nsecs, nres = 0, esize = 0;
	const struct btfx_core_relo_rec *cr = btfx_obj_core_relos(obj, &nrelos);
	const struct btfx_obj_sec *secs = btfx_obj_secs(obj, &nsecs);
	struct btfx_core_ctx *ctx = btfx_core_ctx_new(btfx_obj_btf(obj), target, mods, nmods);
	struct btfx_core_result *res = NULL;
	void *elf = NULL;
	int e;

	FZ_ASSERT(ctx != NULL, "btfx_core_ctx_new failed");
	for (size_t i = 0; i < nrelos; i++) {
		struct btfx_core_result r;
		struct btfx_core_hint hints[4];
		struct btfx_insn insn[2];
		uint32_t idx = cr[i].insn_off / 8, left = secs[cr[i].sec].insn_cnt - idx;
		char why[128];
		size_t nh;

		e = btfx_core_calc(ctx, cr[i].type_id, cr[i].access_str, cr[i].kind, &r);
		FZ_ASSERT((e == 0) == (r.status != BTFX_CORE_ERROR), "calc returned %d with status %d", e, r.status);
		fz_check_result(&r, target);
		nh = btfx_core_near_misses(ctx, cr[i].type_id, cr[i].access_str, cr[i].kind, &r, hints, 4);
		for (size_t h = 0; h < nh && h < 4; h++) {
			FZ_ASSERT(memchr(hints[h].text, 0, sizeof(hints[h].text)), "hint not terminated");
			fz_sink += strlen(hints[h].text);
		}
		if (r.status != BTFX_CORE_ERROR) {
			memcpy(insn, &secs[cr[i].sec].insns[idx], (left > 1 ? 2 : 1) * sizeof(insn[0]));
			if (btfx_core_patch(insn, left > 2 ? 2 : left, cr[i].kind, &r, why, sizeof(why)))
				FZ_ASSERT(memchr(why, 0, sizeof(why)) && why[0], "patch failed without a reason");
		}
		btfx_core_result_fini(&r);
	}
	btfx_core_ctx_free(ctx);

	e = btfx_core_relocate_obj(obj, target, mods, nmods, &elf, &esize, &res, &nres);
	FZ_ASSERT(nres == nrelos, "%zu results for %zu relocations", nres, nrelos);
	for (size_t i = 0; i < nres; i++)
		fz_check_result(&res[i], target);
	if (!e) {
		size_t fsize;
		struct btfx_error err;
		struct btfx_obj *again;
		FZ_ASSERT(elf != NULL, "relocate_obj succeeded without an ELF");
		btfx_obj_file_data(obj, &fsize);
		FZ_ASSERT(esize == fsize, "relocated ELF %zu bytes, object %zu", esize, fsize);
		again = btfx_obj_open(fz_file(elf, esize), &err);
		FZ_ASSERT(again != NULL, "the relocated object does not reopen: %s", err.msg);
		btfx_obj_core_relos(again, &nrelos);
		FZ_ASSERT(nrelos == 0, "the relocated object still has %zu CO-RE relocations", nrelos);
		btfx_obj_free(again);
	} else {
		FZ_ASSERT(elf == NULL, "relocate_obj failed (%d) but returned an ELF", e);
	}
	free(elf);
	btfx_core_results_free(res, nres);
}

/* A BPF object embedded at build time (-DFZ_CORE_OBJ="path"). */
#ifdef FZ_CORE_OBJ
__asm__(".pushsection .rodata\n"
	".balign 16\n"
	".globl fz_obj_start\n"
	"fz_obj_start:\n"
	".incbin \"" FZ_CORE_OBJ "\"\n"
	".globl fz_obj_end\n"
	"fz_obj_end:\n"
	".popsection\n");
extern const uint8_t fz_obj_start[], fz_obj_end[];
#endif

/* ------------------------------------------------------------------ */
/* The fixed base BTF of the split harnesses                           */
/* ------------------------------------------------------------------ */

/*
 * A small vmlinux-like base, written out by hand (ids and string offsets
 * are what split seeds reference; fuzz/mkcorpus.sh builds them against it):
 *   [1] INT int 4 signed        [2] INT long 8 signed     [3] INT char 1 char
 *   [4] STRUCT list_head{next: 5 @0, prev: 5 @64} 16     [5] PTR -> 4
 *   [6] ARRAY 3[16] idx 1       [7] STRUCT task_struct{pid: 1 @0, tasks: 4 @64,
 *                                    comm: 6 @192} 40
 *   [8] ENUM state{RUNNING=0, STOPPED=4} 4                [9] TYPEDEF pid_t -> 1
 *   [10] FUNC_PROTO(int a) -> 1 [11] FUNC do_it -> 10 global
 *   [12] PTR -> 7               [13] CONST -> 3           [14] PTR -> 13
 *   [15] UNION u{i: 1, l: 2} 8  [16] FWD struct fwd_s     [17] FLOAT double 8
 */
#define FZ_BASE_NR_TYPES 17
static const char fz_base_strs[] = "\0int\0long\0char\0list_head\0next\0prev\0task_struct\0pid\0tasks\0comm"
				   "\0state\0RUNNING\0STOPPED\0pid_t\0a\0do_it\0u\0i\0l\0fwd_s\0double";

static FZ_UNUSED uint32_t fz_base_str(const char *s)
{
	for (uint32_t off = 0; off < sizeof(fz_base_strs); off += (uint32_t)strlen(fz_base_strs + off) + 1)
		if (!strcmp(fz_base_strs + off, s))
			return off;
	abort();
}

/* Returns a malloc'd raw blob of the base; *size set. */
static FZ_UNUSED uint8_t *fz_base_blob(size_t *size)
{
	uint32_t w[256], n = 0;
	uint8_t *blob;
#define I(k, vlen, kf) ((kf) << 31 | (k) << 24 | (vlen))
#define S(s) fz_base_str(s)
	/* [1..3] ints */
	w[n++] = S("int"); w[n++] = I(1u, 0u, 0u); w[n++] = 4; w[n++] = 1u << 24 | 32;
	w[n++] = S("long"); w[n++] = I(1u, 0u, 0u); w[n++] = 8; w[n++] = 1u << 24 | 64;
	w[n++] = S("char"); w[n++] = I(1u, 0u, 0u); w[n++] = 1; w[n++] = 2u << 24 | 8;
	/* [4] struct list_head */
	w[n++] = S("list_head"); w[n++] = I(4u, 2u, 0u); w[n++] = 16;
	w[n++] = S("next"); w[n++] = 5; w[n++] = 0;
	w[n++] = S("prev"); w[n++] = 5; w[n++] = 64;
	/* [5] ptr -> 4 */
	w[n++] = 0; w[n++] = I(2u, 0u, 0u); w[n++] = 4;
	/* [6] char[16] */
	w[n++] = 0; w[n++] = I(3u, 0u, 0u); w[n++] = 0; w[n++] = 3; w[n++] = 1; w[n++] = 16;
	/* [7] struct task_struct */
	w[n++] = S("task_struct"); w[n++] = I(4u, 3u, 0u); w[n++] = 40;
	w[n++] = S("pid"); w[n++] = 1; w[n++] = 0;
	w[n++] = S("tasks"); w[n++] = 4; w[n++] = 64;
	w[n++] = S("comm"); w[n++] = 6; w[n++] = 192;
	/* [8] enum state */
	w[n++] = S("state"); w[n++] = I(6u, 2u, 0u); w[n++] = 4;
	w[n++] = S("RUNNING"); w[n++] = 0;
	w[n++] = S("STOPPED"); w[n++] = 4;
	/* [9] typedef pid_t */
	w[n++] = S("pid_t"); w[n++] = I(8u, 0u, 0u); w[n++] = 1;
	/* [10] proto, [11] func */
	w[n++] = 0; w[n++] = I(13u, 1u, 0u); w[n++] = 1; w[n++] = S("a"); w[n++] = 1;
	w[n++] = S("do_it"); w[n++] = I(12u, 1u, 0u); w[n++] = 10;
	/* [12] ptr -> 7, [13] const char, [14] ptr -> 13 */
	w[n++] = 0; w[n++] = I(2u, 0u, 0u); w[n++] = 7;
	w[n++] = 0; w[n++] = I(10u, 0u, 0u); w[n++] = 3;
	w[n++] = 0; w[n++] = I(2u, 0u, 0u); w[n++] = 13;
	/* [15] union u */
	w[n++] = S("u"); w[n++] = I(5u, 2u, 0u); w[n++] = 8;
	w[n++] = S("i"); w[n++] = 1; w[n++] = 0;
	w[n++] = S("l"); w[n++] = 2; w[n++] = 0;
	/* [16] fwd struct fwd_s, [17] float double */
	w[n++] = S("fwd_s"); w[n++] = I(7u, 0u, 0u); w[n++] = 0;
	w[n++] = S("double"); w[n++] = I(16u, 0u, 0u); w[n++] = 8;
#undef I
#undef S
	{
		uint32_t hdr[6] = { 0x0001eb9f, 24, 0, n * 4, n * 4, (uint32_t)sizeof(fz_base_strs) };
		*size = 24 + n * 4 + sizeof(fz_base_strs);
		blob = malloc(*size);
		if (!blob)
			abort();
		memcpy(blob, hdr, 24);
		memcpy(blob + 24, w, n * 4);
		memcpy(blob + 24 + n * 4, fz_base_strs, sizeof(fz_base_strs));
	}
	return blob;
}

/* The base, parsed once (never freed: it lives as long as the process). */
static FZ_UNUSED const struct btfx *fz_base(void)
{
	static struct btfx *base;
	struct btfx_error err;
	size_t size;
	uint8_t *blob;

	if (base)
		return base;
	blob = fz_base_blob(&size);
	base = btfx_parse(blob, size, "fuzz-base", true, NULL, &err);
	free(blob);
	if (!base || btfx_type_cnt(base) != FZ_BASE_NR_TYPES + 1) {
		fprintf(stderr, "fuzz: the fixed base does not parse: %s\n", base ? "wrong type count" : err.msg);
		abort();
	}
	return base;
}

/* btfx_open as btftool does, with the fixed base when the file is a module. */
static FZ_UNUSED struct btfx *fz_open(const char *path, struct btfx_error *err)
{
	struct btfx_open_opts o = { .sz = sizeof(o), .flags = BTFX_F_NO_AUTO_BASE };
	struct btfx *btf = btfx_open(path, &o, err);

	if (!btf && err->code == BTFX_E_USAGE) {
		o.base = fz_base();
		btf = btfx_open(path, &o, err);
	}
	if (!btf)
		fz_check_err(err, "btfx_open");
	return btf;
}

/*
 * Parse as a caller would: plain, then (if that fails) with the object
 * flag, then (if both fail) without validation, where only the structural
 * checks hold and the accessors must still be safe.  Calls
 * f(btf, validated, arg) on the first success.  copy alternates with the
 * input size, so both ownership paths run.
 */
/*
 * BTFX_F_REFS_ONLY folds btfx_check_refs() into framing: it must accept
 * exactly what NO_VALIDATE + btfx_check_refs() accepts, with the same
 * message, and its essential index (built from framing's list) must answer
 * as the lazily built one.
 */
static FZ_UNUSED void fz_check_refs_only(const uint8_t *data, size_t size, const struct btfx *base)
{
	struct btfx_open_opts ro = { .sz = sizeof(ro), .base = base,
				     .flags = BTFX_F_REFS_ONLY | BTFX_F_INDEX_ESSENTIAL | BTFX_F_NO_AUTO_BASE };
	struct btfx_open_opts no = { .sz = sizeof(no), .base = base, .flags = BTFX_F_NO_VALIDATE | BTFX_F_NO_AUTO_BASE };
	struct btfx_error e1, e2;
	struct btfx *r = btfx_parse(data, size, "fuzz", false, &ro, &e1);
	struct btfx *n = btfx_parse(data, size, "fuzz", false, &no, &e2);
	int rc = n ? btfx_check_refs(n, &e2) : -1;

	FZ_ASSERT(!r == !(n && !rc), "REFS_ONLY %s, NO_VALIDATE + check_refs %s", r ? "accepts" : e1.msg,
		  n && !rc ? "accepts" : e2.msg);
	if (!r && n && rc)
		FZ_ASSERT(!strcmp(e1.msg, e2.msg), "messages differ: '%s' vs '%s'", e1.msg, e2.msg);
	if (r) {
		uint32_t cnt = btfx_type_cnt(r);
		for (uint32_t id = btfx_start_id(r); id < cnt && id < btfx_start_id(r) + 64; id++) {
			const char *s = btfx_str(r, btfx_type_by_id(r, id)->name_off);
			uint32_t a[4], b[4];
			size_t na, nb, len;
			if (!s || !*s)
				continue;
			len = btfx_essential_name_len(s);
			na = btfx_find_essential(r, s, len, a, 4);
			nb = btfx_find_essential(n, s, len, b, 4);
			FZ_ASSERT(na == nb && !memcmp(a, b, (na < 4 ? na : 4) * sizeof(a[0])),
				  "[%u] essential lookups differ (%zu vs %zu)", id, na, nb);
		}
	}
	btfx_free(r);
	btfx_free(n);
}

static FZ_UNUSED void fz_parse_all(const uint8_t *data, size_t size, const struct btfx *base,
				   void (*f)(struct btfx *btf, bool validated, void *arg), void *arg)
{
	static const uint32_t flag_sets[] = { 0, BTFX_F_OBJECT, BTFX_F_REFS_ONLY | BTFX_F_INDEX_ESSENTIAL,
					      BTFX_F_NO_VALIDATE };

	fz_check_refs_only(data, size, base);
	for (size_t i = 0; i < sizeof(flag_sets) / sizeof(flag_sets[0]); i++) {
		struct btfx_open_opts o = { .sz = sizeof(o), .base = base, .flags = flag_sets[i] | BTFX_F_NO_AUTO_BASE };
		struct btfx_error err;
		struct btfx *btf = btfx_parse(data, size, "fuzz", size & 1, &o, &err);

		if (!btf) {
			fz_check_err(&err, "btfx_parse");
			continue;
		}
		FZ_ASSERT(btfx_base(btf) == base, "base not kept");
		f(btf, !(flag_sets[i] & BTFX_F_NO_VALIDATE), arg);
		btfx_free(btf);
		return;
	}
}

#endif
