// SPDX-License-Identifier: BSD-2-Clause
/*
 * Relocating a whole BPF object: decisions from core.c applied to the
 * object's instructions, written back into a copy of the ELF file.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btfx/core.h"

static void put_insn(uint8_t *p, const struct btfx_insn *in, bool be)
{
	uint16_t off = (uint16_t)in->off;
	uint32_t imm = (uint32_t)in->imm;

	p[0] = in->code;
	p[1] = be ? (uint8_t)(in->dst_reg << 4 | in->src_reg) : (uint8_t)(in->src_reg << 4 | in->dst_reg);
	if (be) {
		p[2] = off >> 8;
		p[3] = off & 0xff;
		p[4] = imm >> 24;
		p[5] = (imm >> 16) & 0xff;
		p[6] = (imm >> 8) & 0xff;
		p[7] = imm & 0xff;
	} else {
		p[2] = off & 0xff;
		p[3] = off >> 8;
		p[4] = imm & 0xff;
		p[5] = (imm >> 8) & 0xff;
		p[6] = (imm >> 16) & 0xff;
		p[7] = imm >> 24;
	}
}

static uint16_t rd16(const uint8_t *p, bool be) { return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]); }
static uint32_t rd32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}
static uint64_t rd64(const uint8_t *p, bool be)
{
	return be ? (uint64_t)rd32(p, be) << 32 | rd32(p + 4, be) : (uint64_t)rd32(p + 4, be) << 32 | rd32(p, be);
}

/*
 * Offset of the .BTF.ext section data (64-bit ELF, validated by
 * btfx_obj_open, which also refuses two of them: F15).
 */
static int find_ext(const uint8_t *d, size_t size, bool be, size_t *off, size_t *len)
{
	uint64_t shoff;
	uint16_t shnum, shstrndx, shentsize;
	const uint8_t *str;
	int found = 0;

	if (size < 64)
		return -1;
	shoff = rd64(d + 0x28, be);
	shentsize = rd16(d + 0x3a, be);
	shnum = rd16(d + 0x3c, be);
	shstrndx = rd16(d + 0x3e, be);
	if (shentsize != 64 || shoff > size || (uint64_t)shnum * 64 > size - shoff || shstrndx >= shnum)
		return -1;
	str = d + shoff + 64u * shstrndx;
	for (unsigned i = 0; i < shnum; i++) {
		const uint8_t *sh = d + shoff + 64u * i;
		uint64_t name = rd32(sh, be), so = rd64(str + 0x18, be), ss = rd64(str + 0x20, be);
		uint64_t o = rd64(sh + 0x18, be), l = rd64(sh + 0x20, be);
		if (name + 9 > ss || so > size || so + name + 9 > size)
			continue;
		if (!memcmp(d + so + name, ".BTF.ext", 9) && o <= size && l <= size - o) {
			*off = o;
			*len = l;
			found++;
		}
	}
	return found == 1 ? 0 : -1;
}

BTFX_API void btfx_core_results_free(struct btfx_core_result *results, size_t n)
{
	if (!results)
		return;
	for (size_t i = 0; i < n; i++)
		btfx_core_result_fini(&results[i]);
	free(results);
}

BTFX_API int btfx_core_relocate_obj(const struct btfx_obj *obj, const struct btfx *vmlinux,
				    const struct btfx *const *modules, size_t nmodules, void **elf, size_t *elf_size,
				    struct btfx_core_result **results, size_t *nresults)
{
	size_t ns, nrelo, size;
	const struct btfx_obj_sec *secs = btfx_obj_secs(obj, &ns);
	const struct btfx_core_relo_rec *relos = btfx_obj_core_relos(obj, &nrelo);
	const uint8_t *data = btfx_obj_file_data(obj, &size);
	bool be = btfx_obj_big_endian(obj), failed = false;
	struct btfx_core_ctx *ctx;
	struct btfx_insn **insns;
	struct btfx_core_result *res;
	uint8_t *copy = NULL;
	int e = 0;

	*elf = NULL;
	*elf_size = 0;
	*results = NULL;
	*nresults = 0;
	ctx = btfx_core_ctx_new(btfx_obj_btf(obj), vmlinux, modules, nmodules);
	insns = calloc(ns ? ns : 1, sizeof(*insns));
	res = calloc(nrelo ? nrelo : 1, sizeof(*res));
	if (!ctx || !insns || !res) {
		e = -ENOMEM;
		goto out;
	}
	for (size_t s = 0; s < ns; s++) {
		insns[s] = malloc((secs[s].insn_cnt ? secs[s].insn_cnt : 1) * sizeof(struct btfx_insn));
		if (!insns[s]) {
			e = -ENOMEM;
			goto out;
		}
		memcpy(insns[s], secs[s].insns, secs[s].insn_cnt * sizeof(struct btfx_insn));
	}
	for (size_t i = 0; i < nrelo; i++) {
		const struct btfx_core_relo_rec *r = &relos[i];
		uint32_t idx = r->insn_off / 8;
		char why[200];

		btfx_core_calc(ctx, r->type_id, r->access_str, r->kind, &res[i]);
		if (res[i].status == BTFX_CORE_ERROR) {
			failed = true;
			continue;
		}
		if (btfx_core_patch(&insns[r->sec][idx], secs[r->sec].insn_cnt - idx, r->kind, &res[i], why,
				    sizeof(why))) {
			res[i].status = BTFX_CORE_ERROR;
			res[i].err = -EINVAL;
			snprintf(res[i].reason, sizeof(res[i].reason), "instruction #%u: %.200s", idx, why);
			failed = true;
		}
	}
	if (failed) {
		e = -EINVAL;
		goto out;
	}
	copy = malloc(size ? size : 1);
	if (!copy) {
		e = -ENOMEM;
		goto out;
	}
	memcpy(copy, data, size);
	for (size_t s = 0; s < ns; s++)
		for (uint32_t i = 0; i < secs[s].insn_cnt; i++)
			put_insn(copy + secs[s].file_off + 8 * i, &insns[s][i], be);
	if (nrelo) {
		size_t off = 0, len = 0;
		if (find_ext(copy, size, be, &off, &len) || len < 32) {
			e = -EINVAL;
			free(copy);
			copy = NULL;
			goto out;
		}
		memset(copy + off + 28, 0, 4); /* core_relo_len */
	}
	*elf = copy;
	*elf_size = size;
out:
	if (insns)
		for (size_t s = 0; s < ns; s++)
			free(insns[s]);
	free(insns);
	btfx_core_ctx_free(ctx);
	*results = res;
	*nresults = res ? nrelo : 0;
	return e;
}
