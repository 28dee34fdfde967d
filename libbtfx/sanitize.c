// SPDX-License-Identifier: BSD-2-Clause
/*
 * BTF sanitization for older kernels (libbpf's bpf_object__sanitize_btf,
 * plus the pre-5.0 kind_flag rewrite and the 7.1 layout section).
 *
 * Every rewrite keeps the record size, so type ids never move; the only
 * additions (the ENUM64 placeholder INT, INTs for legacy bitfields) go after
 * the last type.  The table of features per kernel version is the
 * documented one (docs/minimize.md); btfx_features_probe asks the running
 * kernel instead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "btfx/sanitize.h"
#include "image.h"
#include "internal.h"

static const struct feat_desc {
	uint32_t feat;
	unsigned major, minor;
	const char *name, *version;
} feats[BTFX_FEAT_NR] = {
	{ BTFX_FEAT_FUNC, 5, 0, "func", "5.0" },
	{ BTFX_FEAT_KFLAG, 5, 0, "kflag", "5.0" },
	{ BTFX_FEAT_DATASEC, 5, 2, "datasec", "5.2" },
	{ BTFX_FEAT_FUNC_GLOBAL, 5, 6, "func_global", "5.6" },
	{ BTFX_FEAT_FLOAT, 5, 13, "float", "5.13" },
	{ BTFX_FEAT_DECL_TAG, 5, 16, "decl_tag", "5.16" },
	{ BTFX_FEAT_TYPE_TAG, 5, 17, "type_tag", "5.17" },
	{ BTFX_FEAT_ENUM64, 6, 0, "enum64", "6.0" },
	{ BTFX_FEAT_QMARK_DATASEC, 6, 9, "qmark_datasec", "6.9" },
	{ BTFX_FEAT_TAG_KFLAG, 6, 15, "tag_kflag", "6.15" },
	{ BTFX_FEAT_LAYOUT, 7, 1, "layout", "7.1" },
};

static const struct feat_desc *desc_of(uint32_t feat)
{
	for (size_t i = 0; i < BTFX_FEAT_NR; i++)
		if (feats[i].feat == feat)
			return &feats[i];
	return NULL;
}

BTFX_API const char *btfx_feature_name(uint32_t feat)
{
	const struct feat_desc *d = desc_of(feat);
	return d ? d->name : NULL;
}

BTFX_API const char *btfx_feature_version(uint32_t feat)
{
	const struct feat_desc *d = desc_of(feat);
	return d ? d->version : NULL;
}

BTFX_API int btfx_features_for_version(const char *v, uint32_t *features)
{
	unsigned long major, minor;
	char *end;

	*features = 0;
	if (!v)
		return -EINVAL;
	if (*v == 'v' || *v == 'V')
		v++;
	if (*v < '0' || *v > '9')
		return -EINVAL;
	major = strtoul(v, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -EINVAL;
	minor = strtoul(end + 1, &end, 10);
	if (*end && *end != '.' && *end != '-' && *end != '+' && *end != '_')
		return -EINVAL;
	if (major > 1000 || minor > 1000)
		return -EINVAL;
	if (major < 4 || (major == 4 && minor < 18))
		return -EOPNOTSUPP;
	for (size_t i = 0; i < BTFX_FEAT_NR; i++)
		if (major > feats[i].major || (major == feats[i].major && minor >= feats[i].minor))
			*features |= feats[i].feat;
	return 0;
}

BTFX_API const char *btfx_sanitize_rewrite_str(enum btfx_sanitize_rewrite r)
{
	static const char *const names[BTFX_SAN__NR] = {
		[BTFX_SAN_LAYOUT_DROPPED] = "layout section dropped",
		[BTFX_SAN_VAR_TO_INT] = "VAR -> INT",
		[BTFX_SAN_DATASEC_TO_STRUCT] = "DATASEC -> STRUCT",
		[BTFX_SAN_QMARK_RENAMED] = "DATASEC '?' -> '_'",
		[BTFX_SAN_PROTO_TO_ENUM] = "FUNC_PROTO -> ENUM",
		[BTFX_SAN_FUNC_TO_TYPEDEF] = "FUNC -> TYPEDEF",
		[BTFX_SAN_FUNC_TO_STATIC] = "FUNC linkage -> static",
		[BTFX_SAN_FLOAT_TO_STRUCT] = "FLOAT -> STRUCT",
		[BTFX_SAN_DECL_TAG_TO_INT] = "DECL_TAG -> INT",
		[BTFX_SAN_TYPE_TAG_TO_CONST] = "TYPE_TAG -> CONST",
		[BTFX_SAN_ENUM_UNSIGNED] = "ENUM kind_flag cleared",
		[BTFX_SAN_ENUM64_TO_UNION] = "ENUM64 -> UNION",
		[BTFX_SAN_BITFIELDS_LEGACY] = "bitfields -> legacy INT encoding",
		[BTFX_SAN_FWD_KFLAG] = "FWD kind_flag cleared",
	};
	return (unsigned)r < BTFX_SAN__NR ? names[r] : "unknown";
}

/* ------------------------------------------------------------------ */
/* Probing the running kernel                                          */
/* ------------------------------------------------------------------ */

static int btf_load(const void *data, size_t size)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.btf = (uint64_t)(uintptr_t)data;
	attr.btf_size = (uint32_t)size;
	fd = (int)syscall(__NR_bpf, BPF_BTF_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* build one probe BTF; returns 0 if the kernel loads it, -errno if not */
static int probe_one(uint32_t feat)
{
	struct btfx_writer *w = btfx_writer_new(NULL, NULL);
	struct btfx_write_opts wo = { .sz = sizeof(wo), .endian = BTFX_ENDIAN_HOST };
	void *data = NULL;
	size_t size;
	int e, i;

	if (!w)
		return -ENOMEM;
	i = btfx_writer_add_int(w, "int", 4, BTFX_INT_SIGNED, 0, 32); /* [1] */
	switch (feat) {
	case 0:
		break;
	case BTFX_FEAT_FUNC: case BTFX_FEAT_FUNC_GLOBAL:
		btfx_writer_add_func_proto(w, 1);                                         /* [2] */
		btfx_writer_add_param(w, "x", 1);
		btfx_writer_add_func(w, "f", 2, feat == BTFX_FEAT_FUNC ? BTFX_LINKAGE_STATIC : BTFX_LINKAGE_GLOBAL);
		break;
	case BTFX_FEAT_KFLAG:
		btfx_writer_add_struct(w, "s", 4);                                       /* [2] */
		btfx_writer_add_member(w, "a", 1, 0, 3);
		break;
	case BTFX_FEAT_DATASEC: case BTFX_FEAT_QMARK_DATASEC:
		btfx_writer_add_var(w, "x", 1, 0);                                       /* [2] */
		btfx_writer_add_datasec(w, feat == BTFX_FEAT_DATASEC ? ".data" : "?.data", 4);
		btfx_writer_add_secinfo(w, 2, 0, 4);
		break;
	case BTFX_FEAT_FLOAT:
		btfx_writer_add_float(w, "float", 4);
		break;
	case BTFX_FEAT_DECL_TAG:
		btfx_writer_add_struct(w, "s", 4);                                       /* [2] */
		btfx_writer_add_member(w, "a", 1, 0, 0);
		btfx_writer_add_decl_tag(w, "tag", 2, -1, false);
		break;
	case BTFX_FEAT_TYPE_TAG: case BTFX_FEAT_TAG_KFLAG:
		btfx_writer_add_type_tag(w, "tag", 1, feat == BTFX_FEAT_TAG_KFLAG);      /* [2] */
		btfx_writer_add_ref(w, BTFX_KIND_PTR, NULL, 2);
		break;
	case BTFX_FEAT_ENUM64:
		btfx_writer_add_enum64(w, "e", 8, false);
		btfx_writer_add_enum_val(w, "v", 1);
		break;
	case BTFX_FEAT_LAYOUT:
		btfx_writer_set_default_layout(w, BTFX_KIND_NR);
		break;
	default:
		btfx_writer_free(w);
		return -EINVAL;
	}
	e = i < 0 ? i : btfx_writer_write(w, &wo, &data, &size, NULL);
	if (!e)
		e = btf_load(data, size);
	free(data);
	btfx_writer_free(w);
	return e;
}

BTFX_API int btfx_features_probe(uint32_t *features, struct btfx_error *err)
{
	int e;

	if (err)
		memset(err, 0, sizeof(*err));
	*features = 0;
	e = probe_one(0);
	if (e == -EPERM || e == -EACCES)
		return btfx_set_err(err, BTFX_E_IO, -e, 0, -1,
				    "cannot probe the running kernel: BPF_BTF_LOAD: %s (needs CAP_BPF or root)",
				    strerror(-e));
	if (e)
		return btfx_set_err(err, BTFX_E_IO, -e, 0, -1, "the running kernel does not load BTF (BPF_BTF_LOAD: %s)",
				    strerror(-e));
	for (size_t i = 0; i < BTFX_FEAT_NR; i++)
		if (!probe_one(feats[i].feat))
			*features |= feats[i].feat;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Sanitizing                                                          */
/* ------------------------------------------------------------------ */

struct san {
	struct btfx_writer *w;
	const struct btfx *btf;
	uint32_t feat;
	struct btfx_sanitize_report *rep;
	struct btfx_error *err;
	uint32_t placeholder;       /* ENUM64 placeholder INT */
	uint32_t unnamed_off;       /* "__unnamed" for FUNC_PROTO -> ENUM */
	struct bfint { uint32_t name_off, size, enc, bits, id; } *bf;
	size_t nbf;
};

static bool has(const struct san *s, uint32_t f) { return (s->feat & f) != 0; }

static inline uint32_t info_enc(unsigned kind, uint32_t vlen, bool kflag)
{
	return (kflag ? 1u << 31 : 0) | ((kind & 0x7fu) << 24) | (vlen & 0xffffffu);
}

/* a type of the writer (own ids) or of the base */
static const struct btfx_type *any_type(const struct san *s, uint32_t id)
{
	return id >= btfx_writer_start_id(s->w) ? btfx_writer_type(s->w, id) : btfx_type_by_id(s->btf, id);
}

static int rename_datasec(struct san *s, uint32_t id, bool whole)
{
	struct btfx_type *t = btfx_writer_type_mut(s->w, id);
	const char *old = btfx_writer_str(s->w, t->name_off);
	char *n;
	int64_t off;

	if (!old)
		return btfx_set_err(s->err, BTFX_E_NAME, EINVAL, id, -1, "[%u] DATASEC: invalid name offset", id);
	n = strdup(old);
	if (!n)
		return btfx_set_err(s->err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
	if (whole) {
		for (char *p = n; *p; p++)
			if (*p == '.' || *p == '?')
				*p = '_';
	} else if (n[0] == '?') {
		n[0] = '_';
	}
	off = btfx_writer_add_str(s->w, n);
	free(n);
	if (off < 0)
		return btfx_set_err(s->err, BTFX_E_LIMIT, (int)-off, id, -1, "%s", btfx_writer_errmsg(s->w));
	btfx_writer_type_mut(s->w, id)->name_off = (uint32_t)off;
	return 0;
}

static int cmp_member_off(const void *a, const void *b)
{
	const struct btfx_member *x = a, *y = b;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* pass 1: every rewrite that keeps the record and needs no new type */
static int rewrite(struct san *s, uint32_t id)
{
	struct btfx_type *t = btfx_writer_type_mut(s->w, id);
	unsigned k = btfx_kind(t);
	uint32_t vlen = btfx_vlen(t);
	uint32_t *rep = s->rep->count;

	if (k >= BTFX_KIND_NR && !has(s, BTFX_FEAT_LAYOUT))
		return btfx_set_err(s->err, BTFX_E_KIND, EINVAL, id, -1,
				    "[%u] is of kind %u, which kernels before 7.1 cannot load", id, k);
	if (vlen > 0xffff && !has(s, BTFX_FEAT_LAYOUT))
		return btfx_set_err(s->err, BTFX_E_KIND, E2BIG, id, -1,
				    "[%u] %s has vlen %u; kernels before 7.1 allow at most 65535", id, btfx__kind_name(k),
				    vlen);
	switch (k) {
	case BTFX_KIND_VAR:
		if (has(s, BTFX_FEAT_DATASEC))
			break;
		rep[BTFX_SAN_VAR_TO_INT]++;
		goto to_int;
	case BTFX_KIND_DECL_TAG:
		if (has(s, BTFX_FEAT_DECL_TAG) && (!btfx_kflag(t) || has(s, BTFX_FEAT_TAG_KFLAG)))
			break;
		rep[BTFX_SAN_DECL_TAG_TO_INT]++;
	to_int:
		t->info = (uint32_t)BTFX_KIND_INT << 24;
		t->size = 1;
		((uint32_t *)(t + 1))[0] = 8; /* encoding 0, offset 0, 8 bits */
		break;
	case BTFX_KIND_DATASEC:
		if (!has(s, BTFX_FEAT_DATASEC)) {
			struct btfx_member *m = (struct btfx_member *)(t + 1);
			const struct btfx_var_secinfo *v = (const struct btfx_var_secinfo *)(t + 1);
			int e;
			rep[BTFX_SAN_DATASEC_TO_STRUCT]++;
			for (uint32_t i = 0; i < vlen; i++) {
				/* same 12-byte slots: read each secinfo before writing its member */
				struct btfx_var_secinfo vi = v[i];
				const struct btfx_type *vt = any_type(s, vi.type);
				if ((uint64_t)vi.offset * 8 > UINT32_MAX)
					return btfx_set_err(s->err, BTFX_E_DATASEC, E2BIG, id, -1,
							    "[%u] DATASEC: offset %u too large for a STRUCT member", id, vi.offset);
				m[i].name_off = vt ? vt->name_off : 0;
				m[i].type = vi.type;
				m[i].offset = vi.offset * 8;
			}
			qsort(m, vlen, sizeof(*m), cmp_member_off);
			t->info = info_enc(BTFX_KIND_STRUCT, vlen, false);
			e = rename_datasec(s, id, true);
			if (e)
				return e;
		} else if (!has(s, BTFX_FEAT_QMARK_DATASEC)) {
			const char *n = btfx_writer_str(s->w, t->name_off);
			if (n && n[0] == '?') {
				rep[BTFX_SAN_QMARK_RENAMED]++;
				return rename_datasec(s, id, false);
			}
		}
		break;
	case BTFX_KIND_FUNC_PROTO:
		if (has(s, BTFX_FEAT_FUNC))
			break;
		rep[BTFX_SAN_PROTO_TO_ENUM]++;
		t->info = info_enc(BTFX_KIND_ENUM, vlen, false);
		t->size = 4;
		for (uint32_t i = 0; i < vlen; i++) {
			struct btfx_enum *en = (struct btfx_enum *)(t + 1) + i;
			if (!en->name_off) /* enumerators need a name */
				en->name_off = s->unnamed_off;
		}
		break;
	case BTFX_KIND_FUNC:
		if (!has(s, BTFX_FEAT_FUNC)) {
			rep[BTFX_SAN_FUNC_TO_TYPEDEF]++;
			t->info = info_enc(BTFX_KIND_TYPEDEF, 0, false);
		} else if (!has(s, BTFX_FEAT_FUNC_GLOBAL) && vlen != BTFX_LINKAGE_STATIC) {
			rep[BTFX_SAN_FUNC_TO_STATIC]++;
			t->info = info_enc(BTFX_KIND_FUNC, 0, false);
		}
		break;
	case BTFX_KIND_FLOAT:
		if (has(s, BTFX_FEAT_FLOAT))
			break;
		rep[BTFX_SAN_FLOAT_TO_STRUCT]++;
		t->name_off = 0;
		t->info = info_enc(BTFX_KIND_STRUCT, 0, false);
		break;
	case BTFX_KIND_TYPE_TAG:
		if (has(s, BTFX_FEAT_TYPE_TAG) && (!btfx_kflag(t) || has(s, BTFX_FEAT_TAG_KFLAG)))
			break;
		rep[BTFX_SAN_TYPE_TAG_TO_CONST]++;
		t->name_off = 0;
		t->info = info_enc(BTFX_KIND_CONST, 0, false);
		break;
	case BTFX_KIND_ENUM:
		if (!has(s, BTFX_FEAT_ENUM64) && btfx_kflag(t)) {
			rep[BTFX_SAN_ENUM_UNSIGNED]++;
			t->info = info_enc(k, vlen, false);
		}
		break;
	case BTFX_KIND_FWD:
		if (!has(s, BTFX_FEAT_KFLAG) && btfx_kflag(t)) {
			rep[BTFX_SAN_FWD_KFLAG]++;
			t->info = info_enc(k, 0, false);
		}
		break;
	default:
		break;
	}
	return 0;
}

/* id of a legacy bitfield INT (created on demand, shared) */
static int bitfield_int(struct san *s, uint32_t name_off, uint32_t size, uint32_t enc, uint32_t bits, uint32_t *out)
{
	struct btfx_type t = { name_off, info_enc(BTFX_KIND_INT, 0, false), { size } };
	uint32_t rec[4];
	struct bfint *p;
	int id;

	for (size_t i = 0; i < s->nbf; i++)
		if (s->bf[i].name_off == name_off && s->bf[i].size == size && s->bf[i].enc == enc && s->bf[i].bits == bits) {
			*out = s->bf[i].id;
			return 0;
		}
	memcpy(rec, &t, sizeof(t));
	rec[3] = enc << 24 | bits;
	id = btfx_writer_add_raw(s->w, (const struct btfx_type *)rec, sizeof(rec));
	if (id < 0)
		return btfx_set_err(s->err, BTFX_E_LIMIT, -id, 0, -1, "%s", btfx_writer_errmsg(s->w));
	p = realloc(s->bf, (s->nbf + 1) * sizeof(*p));
	if (!p)
		return btfx_set_err(s->err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
	s->bf = p;
	s->bf[s->nbf++] = (struct bfint){ name_off, size, enc, bits, (uint32_t)id };
	s->rep->types_added++;
	*out = (uint32_t)id;
	return 0;
}

/* resolve through modifiers and typedefs, in the writer (own) or base */
static const struct btfx_type *resolve(const struct san *s, uint32_t id, uint32_t *out)
{
	for (int i = 0; i < 64; i++) {
		const struct btfx_type *t = any_type(s, id);
		if (!t || !id || !(btfx_is_mod(t) || btfx_kind(t) == BTFX_KIND_TYPEDEF)) {
			*out = id;
			return id ? t : NULL;
		}
		id = t->type;
	}
	return NULL;
}

/* pass 2: STRUCT/UNION with kind_flag -> legacy bitfields (new INTs) */
static int legacy_bitfields(struct san *s, uint32_t id)
{
	const struct btfx_type *t = btfx_writer_type(s->w, id);
	uint32_t vlen = btfx_vlen(t);
	int e;

	for (uint32_t i = 0; i < vlen; i++) {
		const struct btfx_member m = btfx_members(btfx_writer_type(s->w, id))[i];
		uint32_t bf = m.offset >> 24, off = m.offset & 0xffffff, rid, nid = 0, enc;
		const struct btfx_type *mt;
		struct btfx_member *mm;

		if (bf) {
			mt = resolve(s, m.type, &rid);
			if (!mt || (btfx_kind(mt) != BTFX_KIND_INT && !btfx_is_any_enum(mt)))
				return btfx_set_err(s->err, BTFX_E_MEMBER, EINVAL, id, -1,
						    "[%u] member #%u: a bitfield of a type that is neither INT nor ENUM", id, i);
			if (btfx_kind(mt) == BTFX_KIND_INT)
				enc = btfx_int_encoding(mt) & BTFX_INT_SIGNED;
			else
				enc = btfx_kflag(mt) ? BTFX_INT_SIGNED : 0;
			e = bitfield_int(s, btfx_kind(mt) == BTFX_KIND_INT ? mt->name_off : s->unnamed_off, mt->size, enc, bf,
					 &nid);
			if (e)
				return e;
		} else {
			nid = m.type;
		}
		mm = (struct btfx_member *)(btfx_writer_type_mut(s->w, id) + 1) + i;
		mm->type = nid;
		mm->offset = off;
	}
	{
		struct btfx_type *tm = btfx_writer_type_mut(s->w, id);
		tm->info = info_enc(btfx_kind(tm), vlen, false);
	}
	s->rep->count[BTFX_SAN_BITFIELDS_LEGACY]++;
	return 0;
}

/* pass 2: ENUM64 -> UNION of placeholder members */
static int enum64_to_union(struct san *s, uint32_t id)
{
	struct btfx_type *t;
	struct btfx_member *m;
	uint32_t vlen;

	if (!s->placeholder) {
		int pid = btfx_writer_add_int(s->w, "enum64_placeholder", 1, 0, 0, 8);
		if (pid < 0)
			return btfx_set_err(s->err, BTFX_E_LIMIT, -pid, 0, -1, "%s", btfx_writer_errmsg(s->w));
		s->placeholder = (uint32_t)pid;
		s->rep->types_added++;
	}
	t = btfx_writer_type_mut(s->w, id);
	vlen = btfx_vlen(t);
	m = (struct btfx_member *)(t + 1);
	for (uint32_t i = 0; i < vlen; i++) {
		m[i].type = s->placeholder; /* name_off stays in place */
		m[i].offset = 0;
	}
	t->info = info_enc(BTFX_KIND_UNION, vlen, false);
	s->rep->count[BTFX_SAN_ENUM64_TO_UNION]++;
	return 0;
}

BTFX_API int btfx_sanitize(const struct btfx *btf, const struct btfx_sanitize_opts *opts, void **data, size_t *size,
			   struct btfx_sanitize_report *report, struct btfx_error *err)
{
	struct btfx_sanitize_report local;
	struct san s = { 0 };
	struct btfx_write_opts wo = { .sz = sizeof(wo) };
	uint32_t start, cnt;
	int e = 0;

	if (err)
		memset(err, 0, sizeof(*err));
	*data = NULL;
	*size = 0;
	if (!report)
		report = &local;
	memset(report, 0, sizeof(*report));
	s.btf = btf;
	s.rep = report;
	s.err = err;
	s.feat = opts && opts->sz >= offsetof(struct btfx_sanitize_opts, features) + sizeof(opts->features)
			 ? opts->features : BTFX_FEAT_ALL;
	wo.endian = opts && opts->sz >= offsetof(struct btfx_sanitize_opts, endian) + sizeof(opts->endian)
			    ? opts->endian : BTFX_ENDIAN_DEFAULT;
	s.w = btfx_writer_new_from(btf, err);
	if (!s.w)
		return -ENOMEM;
	start = btfx_writer_start_id(s.w);
	cnt = btfx_writer_type_cnt(s.w);
	if (!has(&s, BTFX_FEAT_FUNC) || !has(&s, BTFX_FEAT_KFLAG)) {
		int64_t off = btfx_writer_add_str(s.w, "__unnamed");
		if (off < 0) {
			e = btfx_set_err(err, BTFX_E_LIMIT, (int)-off, 0, -1, "%s", btfx_writer_errmsg(s.w));
			goto out;
		}
		s.unnamed_off = (uint32_t)off;
	}
	for (uint32_t id = start; id < cnt && !e; id++)
		e = rewrite(&s, id);
	for (uint32_t id = start; id < cnt && !e; id++) {
		const struct btfx_type *t = btfx_writer_type(s.w, id);
		if (!has(&s, BTFX_FEAT_ENUM64) && btfx_kind(t) == BTFX_KIND_ENUM64)
			e = enum64_to_union(&s, id);
		else if (!has(&s, BTFX_FEAT_KFLAG) && btfx_is_composite(t) && btfx_kflag(t))
			e = legacy_bitfields(&s, id);
	}
	if (e)
		goto out;
	if (btfx_writer_has_layout(s.w) && !has(&s, BTFX_FEAT_LAYOUT)) {
		wo.flags |= BTFX_WRITE_NO_LAYOUT;
		report->count[BTFX_SAN_LAYOUT_DROPPED]++;
	}
	e = btfx_writer_write(s.w, &wo, data, size, err);
	if (!e) {
		/* well-formed for every reader (kernel rules differ per version) */
		struct btfx_open_opts o = { .sz = sizeof(o), .base = btfx_base(btf), .flags = BTFX_F_NO_VALIDATE };
		struct btfx *chk = btfx_parse(*data, *size, "sanitized BTF", false, &o, err);
		if (!chk) {
			free(*data);
			*data = NULL;
			*size = 0;
			e = -EINVAL;
		}
		btfx_free(chk);
	}
out:
	free(s.bf);
	btfx_writer_free(s.w);
	return e;
}
