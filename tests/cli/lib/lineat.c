// SPDX-License-Identifier: BSD-2-Clause
/*
 * lineat OBJ...: btfx_obj_line_at() against its definition (the last, in
 * record order, of the line records with the greatest insn_off at or
 * before the instruction, in its section), for every section and every
 * instruction offset up to past the last record.  Prints "LOOKUPS DIFFS".
 */
#include <stdio.h>

#include "btfx/btfx.h"
#include "btfx/object.h"

int main(int argc, char **argv)
{
	long lookups = 0, diffs = 0;

	for (int a = 1; a < argc; a++) {
		struct btfx_error err;
		struct btfx_obj *o = btfx_obj_open(argv[a], &err);
		const struct btfx_line_info *l;
		size_t nl, ns;
		uint32_t end = 0;

		if (!o) {
			fprintf(stderr, "%s\n", err.msg);
			return 2;
		}
		l = btfx_obj_line_info(o, &nl);
		btfx_obj_secs(o, &ns);
		for (size_t i = 0; i < nl; i++)
			end = l[i].insn_off > end ? l[i].insn_off : end;
		for (uint32_t s = 0; s <= ns; s++)
			for (uint32_t off = 0; off <= end + 16; off += 8) {
				const struct btfx_line_info *want = NULL;
				for (size_t i = 0; i < nl; i++)
					if (l[i].sec == s && l[i].insn_off <= off && (!want || l[i].insn_off >= want->insn_off))
						want = &l[i];
				diffs += btfx_obj_line_at(o, s, off) != want;
				lookups++;
			}
		btfx_obj_free(o);
	}
	printf("%ld %ld\n", lookups, diffs);
	return 0;
}
