// SPDX-License-Identifier: BSD-2-Clause
/*
 * What a CO-RE relocation decision used of its target BTF.
 *
 * btfx_core_calc() records, for each candidate that matched, the target
 * spec in libbpf's format ("... (0:3:1 @ offset 24)" for fields,
 * "...::NAME = 5" for enumerators).  From it the accessor chain is
 * recomputed here and walked in the target: the raw accessor string names
 * every member on the path, anonymous ones included, which is exactly what
 * the field matching read.  Type-based relocations read the root through
 * pointers (type compatibility); TYPE_MATCHES is decided again by the
 * engine's matching (core.c, relo_core.c's __bpf_core_types_match), which
 * reports the target types, members and enumerators it compared.
 *
 * A candidate whose spec cannot be recomputed (a truncated spec string, an
 * index that does not fit) is reported whole, which is always enough.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btfx/core.h"
#include "btfx/minimize.h"
#include "match.h"

struct deps {
	struct btfx_core_dep *d;
	size_t n, cap;
	int err;
};

static void add(struct deps *ds, const struct btfx *btf, uint32_t id, uint32_t idx, enum btfx_core_dep_how how)
{
	if (ds->err)
		return;
	if (ds->n == ds->cap) {
		size_t nc = ds->cap ? ds->cap * 2 : 16;
		struct btfx_core_dep *p = realloc(ds->d, nc * sizeof(*p));
		if (!p) {
			ds->err = -ENOMEM;
			return;
		}
		ds->d = p;
		ds->cap = nc;
	}
	ds->d[ds->n++] = (struct btfx_core_dep){ btf, id, idx, how };
}

static bool is_field_kind(uint32_t k) { return k <= BTFX_CORE_FIELD_RSHIFT_U64; }

/* skip modifiers and typedefs, as the engine does */
static const struct btfx_type *skip(const struct btfx *btf, uint32_t id, uint32_t *out)
{
	const struct btfx_type *t = btfx_type_by_id(btf, id);

	for (int guard = 0; t && id && (btfx_is_mod(t) || btfx_kind(t) == BTFX_KIND_TYPEDEF) && guard < 256; guard++) {
		id = t->type;
		t = btfx_type_by_id(btf, id);
	}
	*out = id;
	return t;
}

static const char *str_of(const struct btfx *btf, uint32_t off)
{
	const char *s = btfx_str(btf, off);
	return s ? s : "";
}

/* Field relocation: the raw accessors "(a:b:c @ ..." of the matched spec. */
static bool field_deps(struct deps *ds, const struct btfx *tb, uint32_t root, const char *spec)
{
	const char *p = strrchr(spec, '(');
	uint32_t id = root;
	const struct btfx_type *t;
	bool first = true;

	if (!p)
		return false;
	p++;
	add(ds, tb, root, 0, BTFX_DEP_SHAPE);
	while (*p && *p != ' ' && *p != ')') {
		uint64_t v = 0;
		const char *st = p;
		while (*p >= '0' && *p <= '9' && v <= UINT32_MAX)
			v = v * 10 + (uint64_t)(*p++ - '0');
		if (p == st || v > UINT32_MAX)
			return false;
		if (*p == ':')
			p++;
		else if (*p != ' ' && *p != ')')
			return false;
		if (first) { /* index on the root pointer */
			first = false;
			continue;
		}
		t = skip(tb, id, &id);
		if (!t)
			return false;
		if (btfx_is_composite(t)) {
			if (v >= btfx_vlen(t))
				return false;
			add(ds, tb, id, (uint32_t)v, BTFX_DEP_MEMBER);
			id = btfx_members(t)[v].type;
		} else if (btfx_kind(t) == BTFX_KIND_ARRAY) {
			id = btfx_array(t)->type;
		} else {
			return false;
		}
	}
	/* a well-formed spec ends with " @ offset N)" */
	return *p == ' ' || *p == ')';
}

/* Enumerator relocation: "...::NAME = VALUE" */
static bool enum_deps(struct deps *ds, const struct btfx *tb, uint32_t root, const char *spec)
{
	const char *p = strstr(spec, "::"), *e;
	const struct btfx_type *t;
	uint32_t id;
	size_t len;

	if (!p)
		return false;
	p += 2;
	e = strstr(p, " = ");
	if (!e)
		return false;
	len = (size_t)(e - p);
	t = skip(tb, root, &id);
	if (!t || !btfx_is_any_enum(t))
		return false;
	for (uint32_t i = 0; i < btfx_vlen(t); i++) {
		uint32_t no = btfx_kind(t) == BTFX_KIND_ENUM ? btfx_enums(t)[i].name_off : btfx_enums64(t)[i].name_off;
		const char *n = str_of(tb, no);
		if (strlen(n) == len && !strncmp(n, p, len)) {
			add(ds, tb, root, 0, BTFX_DEP_SHAPE);
			add(ds, tb, id, i, BTFX_DEP_ENUMVAL);
			return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* TYPE_MATCHES replay                                                 */
/* ------------------------------------------------------------------ */

/* what the engine's matching compared (core.c, btfx__core_types_match) */
struct tm_arg {
	struct deps *ds;
	const struct btfx *tb;
};

static void tm_event(void *arg, uint32_t tid, uint32_t idx, enum btfx_tm_event ev)
{
	struct tm_arg *a = arg;

	switch (ev) {
	case BTFX_TM_SHAPE: add(a->ds, a->tb, tid, 0, BTFX_DEP_SHAPE); break;
	case BTFX_TM_MEMBER: add(a->ds, a->tb, tid, idx, BTFX_DEP_MEMBER); break;
	case BTFX_TM_ENUMVAL: add(a->ds, a->tb, tid, idx, BTFX_DEP_ENUMVAL); break;
	}
}

BTFX_API int btfx_core_result_deps(const struct btfx *local, uint32_t local_type_id, const char *access,
				   uint32_t kind, const struct btfx_core_result *res, struct btfx_core_dep **deps,
				   size_t *ndeps)
{
	struct deps ds = { 0 };

	(void)access;
	*deps = NULL;
	*ndeps = 0;
	if (!res || kind == BTFX_CORE_TYPE_ID_LOCAL)
		return 0;
	for (size_t i = 0; i < res->ncands; i++) {
		const struct btfx_core_cand *c = &res->cands[i];
		bool ok;

		if (!c->matched)
			continue;
		if (is_field_kind(kind)) {
			size_t before = ds.n;
			ok = field_deps(&ds, c->btf, c->id, c->spec_str);
			if (!ok)
				ds.n = before;
		} else if (kind == BTFX_CORE_ENUMVAL_EXISTS || kind == BTFX_CORE_ENUMVAL_VALUE) {
			ok = enum_deps(&ds, c->btf, c->id, c->spec_str);
		} else if (kind == BTFX_CORE_TYPE_MATCHES) {
			size_t before = ds.n;
			struct tm_arg ta = { &ds, c->btf };
			int r = btfx__core_types_match(local, local_type_id, c->btf, c->id, tm_event, &ta);
			if (r == -ENOMEM)
				ds.err = r;
			ok = r > 0;
			if (!ok)
				ds.n = before;
		} else {
			add(&ds, c->btf, c->id, 0, BTFX_DEP_DEEP);
			ok = true;
		}
		if (!ok)
			add(&ds, c->btf, c->id, 0, BTFX_DEP_WHOLE);
	}
	if (ds.err) {
		free(ds.d);
		return ds.err;
	}
	*deps = ds.d;
	*ndeps = ds.n;
	return 0;
}
