// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness: .BTF.ext.  The input replaces the .BTF.ext section of
 * a fixed, valid BPF object (fuzz/core_local.bpf.c, embedded at build
 * time): the object's bytes are kept, the input is appended and the
 * section header points at it.  func_info, line_info and CO-RE records
 * that the object accepts must be in range (fuzz/common.h fz_check_obj),
 * and every accepted relocation is then decided against the object's own
 * BTF and the fixed base, and patched.
 */
#include "common.h"

static uint8_t *file;
static size_t obj_size, shdr_off;

static uint64_t rd(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void wr64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* Locate the .BTF.ext section header of the embedded (ELF64 LE) object. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const uint8_t *o = fz_obj_start;
	uint64_t shoff, shstr_off;
	unsigned shentsize, shnum, shstrndx;

	(void)argc;
	(void)argv;
	obj_size = (size_t)(fz_obj_end - fz_obj_start);
	if (obj_size < 64 || memcmp(o, "\177ELF\2\1", 6))
		abort();
	shoff = rd(o + 0x28, 8);
	shentsize = (unsigned)rd(o + 0x3a, 2);
	shnum = (unsigned)rd(o + 0x3c, 2);
	shstrndx = (unsigned)rd(o + 0x3e, 2);
	shstr_off = rd(o + shoff + (uint64_t)shstrndx * shentsize + 24, 8);
	for (unsigned i = 0; i < shnum; i++) {
		const uint8_t *sh = o + shoff + (uint64_t)i * shentsize;
		if (!strcmp((const char *)o + shstr_off + rd(sh, 4), ".BTF.ext"))
			shdr_off = shoff + (uint64_t)i * shentsize;
	}
	if (!shdr_off)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct btfx_error err;
	struct btfx_obj *obj;
	const struct btfx *base = fz_base();
	uint8_t *f;

	if (!shdr_off)
		LLVMFuzzerInitialize(NULL, NULL);
	f = realloc(file, obj_size + size + 1);
	if (!f)
		abort();
	file = f;
	memcpy(file, fz_obj_start, obj_size);
	memcpy(file + obj_size, data, size);
	wr64(file + shdr_off + 24, obj_size);
	wr64(file + shdr_off + 32, size);

	obj = btfx_obj_open(fz_file(file, obj_size + size), &err);
	if (!obj) {
		fz_check_err(&err, "btfx_obj_open");
		return 0;
	}
	fz_check_obj(obj, file, obj_size + size);
	fz_relocate(obj, btfx_obj_btf(obj), NULL, 0);
	fz_relocate(obj, base, &base, 1);
	btfx_obj_free(obj);
	return 0;
}
