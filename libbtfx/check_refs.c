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

static int name_ok(const struct btfx *btf, uint32_t off)
{
	return btfx_str(btf, off) != NULL;
}

BTFX_API int btfx_check_refs(const struct btfx *btf, struct btfx_error *err)
{
	uint32_t cnt = btfx_type_cnt(btf), refs[64];

	for (uint32_t id = btfx_start_id(btf); id < cnt; id++) {
		const struct btfx_type *t = btfx__type(btf, id);
		unsigned k = btfx_kind(t);
		size_t total, n;

		if (!name_ok(btf, t->name_off))
			return btfx_set_err(err, BTFX_E_NAME, EINVAL, id, -1, "%s: [%u] %s: invalid name offset %u",
					    btf->path, id, btfx__kind_name(k), t->name_off);
		if (k == BTFX_KIND_UNKN)
			return btfx_set_err(err, BTFX_E_KIND, EINVAL, id, -1, "%s: [%u] kind 0", btf->path, id);
		n = btfx_type_refs(btf, id, refs, 64, &total);
		for (size_t i = 0; i < total; i++) {
			uint32_t r = i < n ? refs[i] : 0;
			if (i >= n) {
				if (btfx_is_composite(t))
					r = btfx_members(t)[i].type;
				else if (k == BTFX_KIND_FUNC_PROTO)
					r = btfx_params(t)[i - 1].type;
				else if (k == BTFX_KIND_DATASEC)
					r = btfx_secinfos(t)[i].type;
			}
			if (r >= cnt)
				return btfx_set_err(err, BTFX_E_REF, EINVAL, id, -1,
						    "%s: [%u] %s: invalid referenced type id %u", btf->path, id,
						    btfx__kind_name(k), r);
		}
		if (btfx_is_composite(t)) {
			for (uint32_t i = 0; i < btfx_vlen(t); i++)
				if (!name_ok(btf, btfx_members(t)[i].name_off))
					return btfx_set_err(err, BTFX_E_NAME, EINVAL, id, -1,
							    "%s: [%u] %s: member #%u: invalid name offset", btf->path, id,
							    btfx__kind_name(k), i);
		} else if (k == BTFX_KIND_ENUM || k == BTFX_KIND_ENUM64) {
			for (uint32_t i = 0; i < btfx_vlen(t); i++) {
				uint32_t no = k == BTFX_KIND_ENUM ? btfx_enums(t)[i].name_off : btfx_enums64(t)[i].name_off;
				if (!name_ok(btf, no))
					return btfx_set_err(err, BTFX_E_NAME, EINVAL, id, -1,
							    "%s: [%u] %s: enumerator #%u: invalid name offset", btf->path,
							    id, btfx__kind_name(k), i);
			}
		} else if (k == BTFX_KIND_FUNC_PROTO) {
			for (uint32_t i = 0; i < btfx_vlen(t); i++)
				if (!name_ok(btf, btfx_params(t)[i].name_off))
					return btfx_set_err(err, BTFX_E_NAME, EINVAL, id, -1,
							    "%s: [%u] FUNC_PROTO: param #%u: invalid name offset", btf->path,
							    id, i);
		} else if (k == BTFX_KIND_FUNC) {
			const struct btfx_type *p = btfx_type_by_id(btf, t->type);
			if (!p || btfx_kind(p) != BTFX_KIND_FUNC_PROTO)
				return btfx_set_err(err, BTFX_E_REF, EINVAL, id, -1, "%s: [%u] FUNC: type %u is not a FUNC_PROTO",
						    btf->path, id, t->type);
		}
	}
	return 0;
}
