// SPDX-License-Identifier: BSD-2-Clause
/*
 * BPF object for tests/cli/dump_bpftool.sh: every BTF kind clang can emit.
 * Built at test time with clang -g -O2 -target bpf (and -target bpfeb);
 * `btftool dump` of the object must print exactly what bpftool prints.
 * Everything here is referenced from a program so that clang keeps it.
 */

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long s64;
typedef _Bool bool;

#define SEC(s) __attribute__((section(s), used))
#define __tag(x) __attribute__((btf_decl_tag(x)))
#define __ttag(x) __attribute__((btf_type_tag(x)))
#define __ksym __attribute__((section(".ksyms")))
#define __kconfig __attribute__((section(".kconfig")))
#define __weak __attribute__((weak))

/* ---- enums: signed, unsigned, >= 2^31, packed, enum64 ---- */
enum e_signed { ES_MIN = -2147483647 - 1, ES_NEG = -5, ES_ZERO = 0, ES_MAX = 2147483647 };
enum e_unsigned { EU_ONE = 1, EU_BIG = 0x80000000u, EU_ALL = 0xffffffffu };
enum e_hi_only { EH_A = 0x80000001u, EH_B = 0xfffffffeu };
enum __attribute__((packed)) e_packed { EP_A = 1, EP_B = 200 };
enum __attribute__((packed)) e_packed_neg { EPN_A = -1, EPN_B = 100 };
enum e64_unsigned { E64U_MAX = 0xffffffffffffffffULL, E64U_HI = 0x8000000000000000ULL, E64U_ONE = 1 };
enum e64_signed { E64S_MIN = -9223372036854775807LL - 1, E64S_NEG1 = -1, E64S_BIG = 0x100000000LL };
enum { ANON_ENUM_VAL = 42 };

/* ---- ints, floats ---- */
struct numbers {
	char c;
	signed char sc;
	unsigned char uc;
	short s;
	unsigned short us;
	int i;
	unsigned int ui;
	long l;
	unsigned long ul;
	long long ll;
	unsigned long long ull;
	bool b;
	__int128 i128;
	unsigned __int128 u128;
	float f;
	double d;
	long double ld;
};

/* ---- bitfields (kflag=1 members) ---- */
struct bitfields {
	unsigned int a : 1;
	unsigned int b : 3;
	int c : 5;
	unsigned char d : 2;
	u64 e : 40;
	s64 f : 23;
	bool g : 1;
	enum e_unsigned h : 32;
	unsigned int : 0;
	unsigned int after_zero;
};

struct __attribute__((packed)) packed_bits {
	u8 x;
	u32 y : 17;
	u64 z;
};

/* ---- arrays: multi-dim, flexible, zero-length ---- */
struct arrays {
	int one[3];
	int two[2][5];
	char three[2][3][4];
	void *ptrs[4];
	int zero[0];
};

struct flex {
	u32 n;
	u64 data[];
};

/* ---- qualifiers, pointers, type tags ---- */
struct quals {
	const int ci;
	volatile int vi;
	const volatile int cvi;
	int *restrict rp;
	const char *const cpc;
	int __ttag("user") *user_ptr;
	int __ttag("tag_a") __ttag("tag_b") *two_tags;
	struct flex __ttag("rcu") *rcu_ptr;
	void **pp;
};

/* ---- functions: pointers, varargs, typedef'd protos, forward decls ---- */
struct fwd_struct;
union fwd_union;
typedef int (*cmp_fn)(const void *a, const void *b);
typedef void (handler_t)(int sig);

struct callbacks {
	cmp_fn cmp;
	handler_t *handler;
	int (*printf_like)(const char *fmt, ...);
	void (*noargs)(void);
	long (*takes_fwd)(struct fwd_struct *s, union fwd_union *u);
	struct callbacks *(*self)(struct callbacks *);
	int (*arr_of_fp[2])(int);
};

/* ---- unions, anonymous members, nesting ---- */
union number_view {
	u64 u;
	double d;
	u8 bytes[8];
	struct {
		u32 lo;
		u32 hi;
	} parts;
};

struct nested {
	int kind;
	union {
		int as_int;
		float as_float;
		struct {
			u16 a, b;
		};
	};
	struct {
		int x, y;
	} point;
	union number_view view;
};

/* ---- decl tags on struct, member, typedef, var, func, params ---- */
struct __tag("struct_tag") tagged {
	int m0;
	int m1 __tag("member_tag");
};
typedef int tagged_int_t __tag("typedef_tag");
union __tag("union_tag") tagged_u {
	int a __tag("umember_tag");
	long b;
};

/* ---- globals in .data, .bss, .rodata, custom sections ---- */
int g_data = 1;
int g_bss;
const int g_rodata = 3;
const volatile u64 g_rodata_cfg = 4;
static volatile int s_data = 5;
static volatile int s_bss;
static const char s_rodata_str[] = "hello";
int g_custom SEC(".data.custom") = 6;
tagged_int_t g_tagged_var __tag("var_tag") = 7;

struct numbers g_numbers;
struct bitfields g_bitfields;
struct packed_bits g_packed_bits;
struct arrays g_arrays;
struct quals g_quals;
struct callbacks g_callbacks;
struct nested g_nested;
struct tagged g_tagged;
union tagged_u g_tagged_u;
enum e_signed g_es;
enum e_unsigned g_eu;
enum e_hi_only g_eh;
enum e_packed g_ep;
enum e_packed_neg g_epn;
enum e64_unsigned g_e64u;
enum e64_signed g_e64s;
int g_anon_enum = ANON_ENUM_VAL;
enum { ANON_VAR_A = -3, ANON_VAR_B = 3 } g_anon_enum_var;
struct flex *g_flexp;
char g_matrix[3][4][5];

/* ---- externs: .kconfig, .ksyms vars, kfuncs, weak (typeless ksyms: ksym_void.c) ---- */
extern int ext_weak_var __weak;
extern const unsigned int LINUX_KERNEL_VERSION __kconfig;
extern const bool CONFIG_BPF_SYSCALL __kconfig __weak;
extern const int bpf_prog_active __ksym;
extern struct fwd_struct *bpf_kfunc_acquire(int id, u64 flags) __ksym;
extern void bpf_kfunc_release(struct fwd_struct *p) __ksym __weak;

/* ---- .maps (plain struct layout) ---- */
struct {
	int type;
	int max_entries;
	u32 *key;
	struct numbers *value;
} g_map SEC(".maps");

/* ---- functions: global, static, tagged params ---- */
__tag("func_tag")
static __attribute__((noinline)) int tagged_helper(int a __tag("param_tag"), u64 b, struct tagged *t)
{
	return a + (int)b + t->m1 + s_data + s_bss;
}

__attribute__((noinline)) int global_helper(struct nested *n, union number_view v)
{
	return n->kind + (int)v.u + n->as_int;
}

static __attribute__((noinline)) u64 many_params(u8 a, u16 b, u32 c, u64 d, const struct quals *q)
{
	return a + b + c + d + (q->user_ptr != 0);
}

SEC("xdp")
int prog_main(void *ctx)
{
	int r = 0;

	r += tagged_helper(g_data, g_rodata_cfg, &g_tagged);
	r += global_helper(&g_nested, g_nested.view);
	r += (int)many_params(1, 2, 3, 4, &g_quals);
	r += g_rodata + g_custom + g_tagged_var + g_bss + s_rodata_str[1];
	r += g_numbers.i + (int)g_numbers.i128;
	r += g_bitfields.a + g_bitfields.c + (int)g_bitfields.e + g_packed_bits.y;
	r += g_arrays.two[1][2] + g_arrays.three[1][2][3] + g_arrays.zero[0];
	r += (g_quals.two_tags != 0) + (g_quals.rcu_ptr != 0);
	r += (g_callbacks.cmp != 0) + (g_callbacks.printf_like ? g_callbacks.printf_like("x", 1, 2) : 0);
	r += g_tagged_u.a + g_es + g_eu + g_eh + g_ep + g_epn + (int)g_e64u + (int)g_e64s;
	r += g_anon_enum + g_anon_enum_var + (g_flexp ? (int)g_flexp->data[0] : 0) + g_matrix[1][2][3];
	r += (&ext_weak_var ? ext_weak_var : 0) + LINUX_KERNEL_VERSION + CONFIG_BPF_SYSCALL;
	r += bpf_prog_active;
	{
		struct fwd_struct *p = bpf_kfunc_acquire(r, 0);
		if (p && bpf_kfunc_release)
			bpf_kfunc_release(p);
	}
	r += (g_map.key != 0);
	return r;
}

SEC("tc")
int prog_second(struct nested *ctx)
{
	return ctx->point.x + s_bss;
}

char LICENSE[] SEC("license") = "GPL";
