// SPDX-License-Identifier: BSD-2-Clause
/*
 * CO-RE corpus target for ambiguity and candidate pruning (group "ambig",
 * program tests/bpf/core/ambig.bpf.c).  Several target types share an
 * essential name:
 *   am, am___dup      identical layouts: harmless duplicates
 *   amb, amb___2      different layouts: field offset ambiguity (error)
 *   amz, amz___2      same offset, different sizes: decision ambiguity
 *                     for byte_sz / type_size / target_type_id (error)
 *   prn, prn___2      `only_a` exists in prn only: once a relocation on
 *                     it has pruned prn___2, `b` is unambiguous for that
 *                     local type; for a local type that asks for `b`
 *                     first it is ambiguous (error)
 */
#ifdef BTFX_HOST
#include "expect.h"
#define KEEP(T, n) T *keep_##n
#else
#define KEEP(T, n) T *keep_##n __attribute__((used))
#endif

struct am {
	short pad;
	int x;
	int y;
};
struct am___dup {
	short pad;
	int x;
	int y;
};
struct amb {
	int x;
	long y;
};
struct amb___2 {
	long y;
	int x;
};
struct amz {
	int x;
};
struct amz___2 {
	long x;
};
struct prn {
	int only_a;
	int b;
};
struct prn___2 {
	long b;
};
KEEP(struct am, am);
KEEP(struct am___dup, am___dup);
KEEP(struct amb, amb);
KEEP(struct amb___2, amb___2);
KEEP(struct amz, amz);
KEEP(struct amz___2, amz___2);
KEEP(struct prn, prn);
KEEP(struct prn___2, prn___2);

#ifdef BTFX_HOST
int main(void)
{
	GROUP("ambig");
	INT_FIELD("struct am.x", struct am, x);
	INT_FIELD("struct am.y", struct am, y);
	V("type_exists", "struct am", 1);
	V("type_size", "struct am", sizeof(struct am));
	V("type_matches", "struct am", 1);       /* a subset of both: matches both */
	V("byte_off", "struct amz.x", 0);         /* both candidates: offset 0, same value */
	V("field_exists", "struct amz.x", 1);
	V("type_exists", "struct amz", 1);
	V("byte_off", "struct prn___l1.only_a", offsetof(struct prn, only_a));
	V("byte_off", "struct prn___l1.b", offsetof(struct prn, b));
	V("byte_sz", "struct prn___l1.b", MSIZE(struct prn, b));
	/* errors: libbpf stops at the first, see ERRCASE in ambig.bpf.c */
	ERROR("byte_sz", "struct amz.x");
	ERROR("type_size", "struct amz");
	ERROR("target_type_id", "struct am");
	ERROR("byte_off", "struct amb.x");
	ERROR("byte_off", "struct amb.y");
	ERROR("byte_off", "struct prn___l2.b");
	return 0;
}
#endif
