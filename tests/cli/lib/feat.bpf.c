// SPDX-License-Identifier: BSD-2-Clause
/* BTF features newer than old kernels' loaders accept (float, ENUM64, signed
 * enum bitfields, type and decl tags, FWD union): compiled by
 * tests/cli/sanitize.sh and sanitize_vm.sh with clang-19 -target bpf. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#define __tag(x) __attribute__((btf_type_tag(x)))
enum e64 { E_NEG = -1, E_BIG = 0x100000000LL };
enum esigned { S_NEG = -5, S_POS = 5 };
union fu;
struct bits {
	int a : 3;
	unsigned int b : 5;
	enum esigned es : 4;
	float f;
	double d;
	enum e64 big;
	int __tag("user") *up;
	union fu *fwd;
	char arr[3];
} __attribute__((btf_decl_tag("bits_tag")));
__attribute__((noinline)) int gfunc(struct bits *x, int __attribute__((btf_decl_tag("arg_tag"))) y)
{
	return x->a + y;
}
static __attribute__((noinline)) int sfunc(struct bits *x)
{
	return x->b;
}
SEC("tc")
int prog(struct __sk_buff *skb)
{
	struct bits v = {};
	v.a = skb->len;
	return gfunc(&v, 1) + sfunc(&v);
}
