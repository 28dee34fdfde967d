// SPDX-License-Identifier: BSD-2-Clause
/*
 * CO-RE corpus: flavors.  Three local flavors of one type (fl, fl___v1,
 * fl___v2) relocate against one target type (itself flavored, fl___kern,
 * in target A); "fl___" and "fl____x" are not flavors (libbpf's X___Y
 * rule) and match only a target type of exactly that name.
 * Targets: tests/bpf/core/targets/tgt_*.c (group "flavors").
 */
#include "core_test.h"

struct fl {
	int b;
};
struct fl___v1 {
	int a;
	int b;
};
struct fl___v2 {
	int a;
	long c;
};
struct fl___v3 {
	int zz;
};
struct fl___ {
	int a;
};
struct fl____x {
	int a;
};

SEC("raw_tp/sys_enter")
int flavors(void *ctx)
{
	struct fl *p0 = ctx;
	struct fl___v1 *p1 = ctx;
	struct fl___v2 *p2 = ctx;
	struct fl___v3 *p3 = ctx;
	struct fl___ *p4 = ctx;
	struct fl____x *p5 = ctx;

	ALL_FIELD_KINDS(p1->a);
	ALL_FIELD_KINDS(p1->b);
	ALL_FIELD_KINDS(p2->a);
	ALL_FIELD_KINDS(p2->c);
	ALL_FIELD_KINDS(p0->b);
	ALL_FIELD_KINDS(p4->a);
	ALL_FIELD_KINDS(p5->a);
	ALL_FIELD_KINDS(p3->zz);
	PUT(bpf_core_type_size(struct fl___v1));
	PUT(bpf_core_type_size(struct fl___));
	return 0;
}
