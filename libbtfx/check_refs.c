// SPDX-License-Identifier: BSD-2-Clause
/*
 * Userspace-level validation: what every walker of this library needs to be
 * safe and meaningful, and no more (libbpf's btf_sanity_check level).  Used
 * for BTF that is read but never loaded into a kernel, e.g. CO-RE targets:
 * the kernel's BPF_BTF_LOAD limits (resolve depth 32, ...) do not apply to
 * them, as they do not apply in libbpf's btf_custom_path.
 */
#include <errno.h>

#include "image.h"
#include "internal.h"

#define REF_OK(r) ((r) < cnt)

/* with_path: start the message with the file name (callers of the public API) */
int btfx__check_refs(const struct btfx *btf, struct btfx_error *err, bool with_path)
{
	uint32_t cnt = btfx_type_cnt(btf), bad = 0;
	uint64_t str_end = (uint64_t)btf->start_str_off + btf->hdr.str_len;
	const char *what = NULL;

	/* every own string offset must be below the end of the string sections */
#define NAME_OK(off) ((off) < str_end)
	for (uint32_t id = btf->start_id; id < cnt; id++) {
		const struct btfx_type *t = (const struct btfx_type *)(btf->types + btf->type_offs[id - btf->start_id]);
		unsigned k = btf->kinds[id - btf->start_id];
		uint32_t vlen = btfx_vlen(t);

		if (!NAME_OK(t->name_off)) {
			what = "invalid name offset";
			bad = t->name_off;
			goto fail;
		}
		switch (k) {
		case BTFX_KIND_UNKN:
			what = "kind 0";
			goto fail;
		case BTFX_KIND_PTR: case BTFX_KIND_TYPEDEF: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST:
		case BTFX_KIND_RESTRICT: case BTFX_KIND_TYPE_TAG: case BTFX_KIND_VAR: case BTFX_KIND_DECL_TAG:
			if (!REF_OK(t->type)) {
				what = "invalid referenced type id";
				bad = t->type;
				goto fail;
			}
			break;
		case BTFX_KIND_FUNC: {
			/* own kinds from the compact kinds[], not the (cache-cold) record */
			uint32_t p = t->type;
			unsigned pk = !REF_OK(p) || !p ? BTFX_KIND_UNKN
				      : p >= btf->start_id ? btf->kinds[p - btf->start_id] : btfx_kind(btfx__type(btf, p));
			if (pk != BTFX_KIND_FUNC_PROTO) {
				what = "type is not a FUNC_PROTO";
				bad = t->type;
				goto fail;
			}
			break;
		}
		case BTFX_KIND_ARRAY:
			if (!REF_OK(btfx_array(t)->type) || !REF_OK(btfx_array(t)->index_type)) {
				what = "invalid element or index type id";
				bad = btfx_array(t)->type;
				goto fail;
			}
			break;
		case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: {
			const struct btfx_member *m = btfx_members(t);
			for (uint32_t i = 0; i < vlen; i++)
				if (!REF_OK(m[i].type) || !NAME_OK(m[i].name_off)) {
					what = "member with an invalid type id or name offset";
					bad = i;
					goto fail;
				}
			break;
		}
		case BTFX_KIND_ENUM:
			for (uint32_t i = 0; i < vlen; i++)
				if (!NAME_OK(btfx_enums(t)[i].name_off)) {
					what = "enumerator with an invalid name offset";
					bad = i;
					goto fail;
				}
			break;
		case BTFX_KIND_ENUM64:
			for (uint32_t i = 0; i < vlen; i++)
				if (!NAME_OK(btfx_enums64(t)[i].name_off)) {
					what = "enumerator with an invalid name offset";
					bad = i;
					goto fail;
				}
			break;
		case BTFX_KIND_FUNC_PROTO:
			if (!REF_OK(t->type)) {
				what = "invalid return type id";
				bad = t->type;
				goto fail;
			}
			for (uint32_t i = 0; i < vlen; i++)
				if (!REF_OK(btfx_params(t)[i].type) || !NAME_OK(btfx_params(t)[i].name_off)) {
					what = "parameter with an invalid type id or name offset";
					bad = i;
					goto fail;
				}
			break;
		case BTFX_KIND_DATASEC:
			for (uint32_t i = 0; i < vlen; i++)
				if (!REF_OK(btfx_secinfos(t)[i].type)) {
					what = "variable with an invalid type id";
					bad = i;
					goto fail;
				}
			break;
		default:
			break;
		}
		continue;
fail:
		return btfx_set_err(err, k == BTFX_KIND_UNKN ? BTFX_E_KIND : BTFX_E_REF, EINVAL, id, -1,
				    "%s%s[%u] %s: %s (%u)", with_path ? btf->path : "",
				    with_path ? ": " : "", id, btfx__kind_name(k), what, bad);
	}
#undef NAME_OK
	return 0;
}

BTFX_API int btfx_check_refs(const struct btfx *btf, struct btfx_error *err)
{
	return btfx__check_refs(btf, err, true);
}
