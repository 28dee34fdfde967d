// SPDX-License-Identifier: BSD-2-Clause
/*
 * CO-RE corpus: type-based relocations (local_type_id, target_type_id,
 * type_exists, type_size, type_matches) on structs (also as flavored
 * subsets and supersets), unions, enums, typedefs of structs, ints,
 * function pointers, arrays and void pointers, pointers to forward
 * declarations, a base int type, a type the target has with another kind
 * and a type it lacks.
 * Targets: tests/bpf/core/targets/tgt_*.c (group "types").
 */
#include "core_test.h"

struct t_s {
	int a;
	long b;
};
struct t_s___sub {
	int a;
};
struct t_s___bad {
	int a;
	char zz;
};
union t_u {
	int x;
	char c[4];
};
enum t_e { T_A, T_B };
typedef struct t_s t_s_td;
typedef int t_int_td;
typedef int (*t_fn_td)(int, long);
typedef int t_arr_td[4];
typedef void *t_vp_td;
struct t_opaque;
struct t_ptrs {
	struct t_s *ps;
	struct t_opaque *po;
};
struct t_kind {
	int a;
};
struct t_gone {
	int z;
};

SEC("raw_tp/sys_enter")
int types(void *ctx)
{
	ALL_TYPE_KINDS(struct t_s);
	ALL_TYPE_KINDS(struct t_s___sub);
	ALL_TYPE_KINDS(struct t_s___bad);
	ALL_TYPE_KINDS(union t_u);
	ALL_TYPE_KINDS(enum t_e);
	ALL_TYPE_KINDS(t_s_td);
	ALL_TYPE_KINDS(t_int_td);
	ALL_TYPE_KINDS(t_fn_td);
	ALL_TYPE_KINDS(t_arr_td);
	ALL_TYPE_KINDS(t_vp_td);
	ALL_TYPE_KINDS(struct t_ptrs);
	/* clang allows only the type-id builtins on a base type */
	PUT(bpf_core_type_id_local(int));
	PUT(bpf_core_type_id_kernel(int));
	ALL_TYPE_KINDS(struct t_kind);
	ALL_TYPE_KINDS(struct t_gone);
	return 0;
}
