// SPDX-License-Identifier: BSD-2-Clause
/*
 * CO-RE corpus target A: every type the corpus programs use exists, with a
 * different layout: members reordered, resized, re-signed, moved into
 * anonymous members, arrays with other dimensions, bitfields at other
 * positions and widths (one straddling its unit, one too big to load),
 * enumerators with other values, ENUM <-> ENUM64 swaps, a flavored
 * target name.
 *
 *   clang-19 -g -O2 -target bpf -c tgt_a.c      -> target BTF (--target)
 *   cc -DBTFX_HOST -I tests/core tgt_a.c          -> prints the expectations
 *
 * The expectations come from the host compiler's layout of these very
 * definitions (see tests/core/expect.h), never from BTF.
 */
#ifdef BTFX_HOST
#include "expect.h"
#define KEEP(T, n) T *keep_##n
#else
#define KEEP(T, n) T *keep_##n __attribute__((used))
#endif

/* ------------------------------------------------------------- fields */
typedef long f_int_t;                     /* local: int */
struct f_inner {
	long pad;
	char y;
	int x;
};
enum f_en { F_EN_B = 5, F_EN_A = -1 };    /* signed here, unsigned locally */
struct f_base {
	long c;
	unsigned char uc;
	short b;                          /* char locally */
	void *p;
	unsigned int a;                   /* int locally */
	struct {
		struct f_inner in;        /* named member inside an anonymous one */
	};
	int m[3][4];                      /* [2][3] locally */
	int arr[8];                       /* [4] locally */
	f_int_t td;
	struct {                          /* one more level of anonymous nesting */
		union {
			int u1;
			long u2;
		};
		struct {
			short s1;
			short s2;
		};
	};
	volatile unsigned short cv;
	enum f_en en;
	int flex[];
};
KEEP(struct f_base, f_base);

/* ---------------------------------------------------------- bitfields */
enum bf_e { BF_N = -1, BF_P = 1 };
struct bf {
	unsigned long long pad : 5;
	unsigned int u3 : 3;
	unsigned int u1 : 1;
	unsigned short u7 : 7;
	int s20 : 20;
	signed char s4 : 4;
	unsigned int plain : 12;          /* plain int locally */
	unsigned long long u40 : 40;
	unsigned char uc;                 /* bitfield locally */
	long long s33 : 33;
	enum bf_e eb : 3;
};
struct __attribute__((packed)) bfp {
	unsigned int a : 28;
	unsigned int x : 10;              /* straddles its 4-byte unit: 8-byte load */
	unsigned char pad : 6;
	unsigned long long y : 62;        /* bits 44..105: cannot be loaded */
};
KEEP(struct bf, bf);
KEEP(struct bfp, bfp);

/* -------------------------------------------------------------- types */
struct t_s {
	long b;
	int a;
	int extra;
};
union t_u {
	char c[4];
	int x;
	long extra;
};
enum t_e { T_B = 7, T_A = 9, T_C };
typedef struct t_s t_s_td;
typedef int t_int_td;
typedef int (*t_fn_td)(int, long);
typedef int t_arr_td[4];
typedef void *t_vp_td;
struct t_opaque {
	int defined_here;
};
struct t_ptrs {
	struct t_opaque *po;
	struct t_s *ps;
};
union t_kind {                            /* struct locally: not a candidate */
	int a;
};
KEEP(struct t_s, t_s);
KEEP(union t_u, t_u);
KEEP(enum t_e, t_e);
KEEP(t_s_td, t_s_td);
KEEP(t_int_td, t_int_td);
KEEP(t_fn_td, t_fn_td);
KEEP(t_arr_td, t_arr_td);
KEEP(t_vp_td, t_vp_td);
KEEP(struct t_ptrs, t_ptrs);
KEEP(union t_kind, t_kind);

/* -------------------------------------------------------------- enums */
enum e_named { EN_C = 30, EN_B = 20, EN_A = 10 };
typedef enum { EA_Y = 60, EA_X = 50 } e_anon_td;
enum e64 { E64_SMALL = 7, E64_BIG = 0x300000000ULL };
enum e_neg { EN_POS = -7, EN_NEG = 5 };
enum e_cross { EC_B = 0x200000000ULL, EC_A = 0x100000001ULL };   /* ENUM64 here, ENUM locally */
enum e_cross64 { EC64_A = 11, EC64_B = -3 };                    /* ENUM here, ENUM64 locally */
enum e_u32 { EU_HI = 0x80000000u, EU_LO = 1 };
KEEP(enum e_named, e_named);
KEEP(e_anon_td, e_anon_td);
KEEP(enum e64, e64);
KEEP(enum e_neg, e_neg);
KEEP(enum e_cross, e_cross);
KEEP(enum e_cross64, e_cross64);
KEEP(enum e_u32, e_u32);

/* ---------------------------------------------------------------- ldx */
struct lx {
	long pad0;
	unsigned int ul;                  /* unsigned long locally: load size 8 -> 4 */
	int sl;                           /* long locally: signed, poisoned */
	unsigned char ui;                 /* unsigned int locally: 4 -> 1 */
	short sc;                         /* char locally: signed, poisoned */
	long pad1;
	int same;
	char *ptr;                        /* void * locally */
	unsigned long long st;            /* unsigned short locally: store size 2 -> 8 */
	unsigned int st_imm;
};
KEEP(struct lx, lx);

/* ------------------------------------------------------------ flavors */
struct fl___kern {                        /* matches local fl, fl___v1, fl___v2 */
	long c;
	short pad;
	int b;
	int a;
};
struct fl___ {                            /* "fl___" is a name, not a flavor */
	char pad;
	int a;
};
struct fl____x {                          /* nor is "fl____x" */
	short pad[3];
	int a;
};
KEEP(struct fl___kern, fl___kern);
KEEP(struct fl___, fl___);
KEEP(struct fl____x, fl____x);

#ifdef BTFX_HOST
int main(void)
{
	GROUP("fields");
	INT_FIELD("struct f_base.a", struct f_base, a);
	INT_FIELD("struct f_base.b", struct f_base, b);
	INT_FIELD("struct f_base.c", struct f_base, c);
	INT_FIELD("struct f_base.td", struct f_base, td);
	INT_FIELD("struct f_base.cv", struct f_base, cv);
	INT_FIELD("struct f_base.uc", struct f_base, uc);
	INT_FIELD("struct f_base.in.x", struct f_base, in.x);
	INT_FIELD("struct f_base.in.y", struct f_base, in.y);
	INT_FIELD("struct f_base.u1", struct f_base, u1);
	INT_FIELD("struct f_base.u2", struct f_base, u2);
	INT_FIELD("struct f_base.s2", struct f_base, s2);
	INT_FIELD("struct f_base.en", struct f_base, en);
	OFF_SZ("struct f_base.p", struct f_base, p);
	V("field_exists", "struct f_base.p", 1);
	OFF_SZ("struct f_base.in", struct f_base, in);
	V("field_exists", "struct f_base.in", 1);
	OFF_SZ("struct f_base.arr", struct f_base, arr);
	V("field_exists", "struct f_base.arr", 1);
	OFF_SZ("struct f_base.m", struct f_base, m);
	OFF_SZ("struct f_base.arr[2]", struct f_base, arr[2]);
	OFF_SZ("struct f_base.arr[3]", struct f_base, arr[3]);
	OFF_SZ("struct f_base.m[1][2]", struct f_base, m[1][2]);
	OFF_SZ("struct f_base.m[1]", struct f_base, m[1]);
	OFF_SZ("struct f_base.flex[5]", struct f_base, flex[5]);
	V("byte_off", "struct f_base[1].b", sizeof(struct f_base) + offsetof(struct f_base, b));
	V("byte_off", "struct f_base[2].in.y", 2 * sizeof(struct f_base) + offsetof(struct f_base, in.y));

	GROUP("bitfields");
	BITFIELD("struct bf.u1", struct bf, u1, sizeof(unsigned int));
	BITFIELD("struct bf.u3", struct bf, u3, sizeof(unsigned int));
	BITFIELD("struct bf.u7", struct bf, u7, sizeof(unsigned short));
	BITFIELD("struct bf.s4", struct bf, s4, sizeof(signed char));
	BITFIELD("struct bf.s20", struct bf, s20, sizeof(int));
	BITFIELD("struct bf.u40", struct bf, u40, sizeof(unsigned long long));
	BITFIELD("struct bf.plain", struct bf, plain, sizeof(unsigned int));
	INT_FIELD("struct bf.uc", struct bf, uc);
	BITFIELD("struct bf.s33", struct bf, s33, sizeof(long long));
	BITFIELD("struct bf.eb", struct bf, eb, sizeof(enum bf_e));
	BITFIELD("struct bfp.x", struct bfp, x, sizeof(unsigned int));
	BITFIELD("struct bfp.y", struct bfp, y, sizeof(unsigned long long));
	BITFIELD("struct bfp.a", struct bfp, a, sizeof(unsigned int));

	GROUP("types");
	TYPE_KINDS("struct t_s", struct t_s, 1, "tid:STRUCT:t_s", "lid:STRUCT:t_s");
	TYPE_KINDS("struct t_s___sub", struct t_s, 1, "tid:STRUCT:t_s", "lid:STRUCT:t_s___sub");
	TYPE_KINDS("struct t_s___bad", struct t_s, 0, "tid:STRUCT:t_s", "lid:STRUCT:t_s___bad");
	TYPE_KINDS("union t_u", union t_u, 1, "tid:UNION:t_u", "lid:UNION:t_u");
	TYPE_KINDS("enum t_e", enum t_e, 1, "tid:ENUM:t_e", "lid:ENUM:t_e");
	TYPE_KINDS("typedef t_s_td", t_s_td, 1, "tid:TYPEDEF:t_s_td", "lid:TYPEDEF:t_s_td");
	TYPE_KINDS("typedef t_int_td", t_int_td, 1, "tid:TYPEDEF:t_int_td", "lid:TYPEDEF:t_int_td");
	TYPE_KINDS("typedef t_fn_td", t_fn_td, 1, "tid:TYPEDEF:t_fn_td", "lid:TYPEDEF:t_fn_td");
	TYPE_KINDS("typedef t_arr_td", t_arr_td, 1, "tid:TYPEDEF:t_arr_td", "lid:TYPEDEF:t_arr_td");
	TYPE_KINDS("typedef t_vp_td", t_vp_td, 1, "tid:TYPEDEF:t_vp_td", "lid:TYPEDEF:t_vp_td");
	/* behind a pointer: a local FWD matches the target's struct, and a
	 * struct matches by kind and name only */
	TYPE_KINDS("struct t_ptrs", struct t_ptrs, 1, "tid:STRUCT:t_ptrs", "lid:STRUCT:t_ptrs");
	TYPE_KINDS("int int", int, 1, "tid:INT:int", "lid:INT:int");
	TYPE_ABSENT("struct t_kind", "lid:STRUCT:t_kind");
	TYPE_ABSENT("struct t_gone", "lid:STRUCT:t_gone");

	GROUP("enums");
	ENUMV("enum e_named::EN_A", EN_A);
	ENUMV("enum e_named::EN_B", EN_B);
	ENUMV("enum e_named::EN_C", EN_C);
	ENUMV("enum e_named___v2::EN_A___v2", EN_A);
	ENUMV("typedef e_anon_td::EA_X", EA_X);
	ENUMV("typedef e_anon_td::EA_Y", EA_Y);
	ENUMV("enum64 e64::E64_BIG", E64_BIG);
	ENUMV("enum64 e64::E64_SMALL", E64_SMALL);
	ENUMV("enum e_neg::EN_NEG", EN_NEG);
	ENUMV("enum e_neg::EN_POS", (int64_t)EN_POS);
	ENUMV("enum e_cross::EC_A", EC_A);
	ENUMV("enum e_cross::EC_B", EC_B);
	ENUMV("enum64 e_cross64::EC64_A", EC64_A);
	ENUMV("enum64 e_cross64::EC64_B", (int64_t)EC64_B);
	/* libbpf reads a 32-bit enumerator as s32 whatever the enum's
	 * signedness: 0x80000000 becomes 0xffffffff80000000, also for the
	 * *local* value, while clang-19 encodes the unsigned 0x80000000 in
	 * the ldimm64: libbpf's (1.1 and upstream) check of the instruction's
	 * value against the local one fails, and so the relocation fails.
	 * btfx must decide the same. */
	V("enumval_exists", "enum e_u32::EU_HI", 1);
	ERROR("enumval_value", "enum e_u32::EU_HI");
	ENUMV("enum e_u32::EU_LO", EU_LO);
	ENUMV_ABSENT("enum e_gone::EG_1");

	GROUP("ldx");
	LDX_INT("struct lx.ul", struct lx, ul, 8, 0);
	LDX_INT("struct lx.sl", struct lx, sl, 8, 1);
	LDX_INT("struct lx.ui", struct lx, ui, 4, 0);
	LDX_INT("struct lx.sc", struct lx, sc, 1, 1);
	LDX_INT("struct lx.same", struct lx, same, 4, 1);
	V("byte_off", "struct lx.ptr", offsetof(struct lx, ptr));
	LDX_INT("struct lx.st", struct lx, st, 2, 0);
	LDX_INT("struct lx.st_imm", struct lx, st_imm, 4, 0);

	GROUP("flavors");
	INT_FIELD("struct fl___v1.a", struct fl___kern, a);
	INT_FIELD("struct fl___v1.b", struct fl___kern, b);
	INT_FIELD("struct fl___v2.a", struct fl___kern, a);
	INT_FIELD("struct fl___v2.c", struct fl___kern, c);
	INT_FIELD("struct fl.b", struct fl___kern, b);
	INT_FIELD("struct fl___.a", struct fl___, a);
	INT_FIELD("struct fl____x.a", struct fl____x, a);
	MISSING_FIELD("struct fl___v3.zz");
	V("type_size", "struct fl___v1", sizeof(struct fl___kern));
	V("type_size", "struct fl___", sizeof(struct fl___));
	return 0;
}
#endif
