// SPDX-License-Identifier: BSD-2-Clause
/*
 * CO-RE corpus target B: missing and incompatible members and types.
 * Fields removed, turned into structs or pointers, moved into a *named*
 * member (not searched), arrays too small, too shallow or no longer
 * flexible; types with other members, sizes, kinds or prototypes;
 * enumerators and enums missing.  See tgt_a.c for how it is used.
 */
#ifdef BTFX_HOST
#include "expect.h"
#define KEEP(T, n) T *keep_##n
#else
#define KEEP(T, n) T *keep_##n __attribute__((used))
#endif

/* ------------------------------------------------------------- fields */
struct f_inner {
	int x;                            /* y is gone */
};
enum f_en { F_EN_A, F_EN_B };
struct f_base {
	int a;
	struct {
		int z;
	} c;                              /* long locally: incompatible */
	long p;                           /* pointer locally: incompatible */
	int arr[2];                       /* [4] locally: arr[2], arr[3] out of range */
	int m[5][2];                      /* [2][3] locally: m[1][2] out of range */
	struct f_inner in;
	union {
		int u1;                   /* u2 is gone */
	};
	struct {
		short s1;
		short s2;
	} named_s;                        /* s2 inside a named member: not found */
	enum f_en en;
	int flex[2];                      /* no longer flexible: flex[5] out of range */
	/* b, td, cv, uc are gone */
};
KEEP(struct f_base, f_base);

/* ---------------------------------------------------------- bitfields */
struct bf {
	unsigned int u1 : 1;
	struct {
		int q;
	} u3;                             /* bitfield locally: incompatible */
	long long s4 : 4;
	int s20;                          /* plain int here */
	char *u40;                        /* pointer: incompatible */
	int eb;                           /* enum locally: INT vs ENUM incompatible */
	/* u7, plain, uc, s33 are gone; struct bfp is gone */
};
KEEP(struct bf, bf);

/* -------------------------------------------------------------- types */
struct t_s {
	int a;                            /* b is gone: t_s does not match */
};
union t_u {
	int x;
	char c[8];                        /* [4] locally: no match */
};
enum t_e { T_A = 0x100000000ULL };        /* ENUM64, 8 bytes: exists, no match */
typedef struct t_s t_s_td;
typedef long t_int_td;                    /* int locally */
typedef int (*t_fn_td)(int);              /* (int, long) locally: incompatible */
typedef int t_arr_td[8];                  /* [4] locally */
typedef struct t_s *t_vp_td;              /* void * locally: incompatible */
struct t_other;
struct t_ptrs {
	struct t_other *ps;               /* pointee name differs: no match */
	struct t_opaque *po;
};
struct t_kind {
	char a;                           /* int locally */
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
KEEP(struct t_kind, t_kind);

/* -------------------------------------------------------------- enums */
enum e_named { EN_A = -10 };              /* EN_B, EN_C are gone */
typedef int e_anon_td;                    /* not an enum any more */
enum e_neg { EN_NEG___other = 1, EN_POS = 3 };   /* enumerator flavors count */
enum e_cross { EC_A = 4 };
enum e_cross64 { EC64_B = 0xffffffffffULL };
enum e_u32 { EU_LO = 0xfffffff0u };
/* e64 is gone */
KEEP(enum e_named, e_named);
KEEP(e_anon_td, e_anon_td);
KEEP(enum e_neg, e_neg);
KEEP(enum e_cross, e_cross);
KEEP(enum e_cross64, e_cross64);
KEEP(enum e_u32, e_u32);

/* ---------------------------------------------------------------- ldx */
struct lx {
	unsigned long ul;                 /* same size: no adjustment */
	unsigned short sl;                /* long locally: sizes differ, local signed: poisoned */
	int ui;                           /* unsigned int locally: same size, sign ignored */
	unsigned char sc;                 /* char locally: same size */
	long same;                        /* int locally: signed, poisoned */
	int ptr;                          /* pointer locally: incompatible, no match */
	unsigned char st;                 /* unsigned short locally: 2 -> 1 */
	/* st_imm is gone */
};
KEEP(struct lx, lx);

/* ------------------------------------------------------------ flavors */
struct fl {                               /* plain name */
	int b;
	int zz;
	long c;
};
KEEP(struct fl, fl);

#ifdef BTFX_HOST
int main(void)
{
	GROUP("fields");
	INT_FIELD("struct f_base.a", struct f_base, a);
	MISSING_FIELD("struct f_base.b");
	MISSING_FIELD("struct f_base.c");
	MISSING_FIELD("struct f_base.td");
	MISSING_FIELD("struct f_base.cv");
	MISSING_FIELD("struct f_base.uc");
	INT_FIELD("struct f_base.in.x", struct f_base, in.x);
	MISSING_FIELD("struct f_base.in.y");
	INT_FIELD("struct f_base.u1", struct f_base, u1);
	MISSING_FIELD("struct f_base.u2");
	MISSING_FIELD("struct f_base.s2");
	INT_FIELD("struct f_base.en", struct f_base, en);
	MISSING_FIELD("struct f_base.p");
	OFF_SZ("struct f_base.in", struct f_base, in);
	V("field_exists", "struct f_base.in", 1);
	OFF_SZ("struct f_base.arr", struct f_base, arr);
	V("field_exists", "struct f_base.arr", 1);
	OFF_SZ("struct f_base.m", struct f_base, m);
	MISSING_FIELD("struct f_base.arr[2]");
	MISSING_FIELD("struct f_base.arr[3]");
	MISSING_FIELD("struct f_base.m[1][2]");
	OFF_SZ("struct f_base.m[1]", struct f_base, m[1]);
	MISSING_FIELD("struct f_base.flex[5]");
	MISSING_FIELD("struct f_base[1].b");
	MISSING_FIELD("struct f_base[2].in.y");

	GROUP("bitfields");
	BITFIELD("struct bf.u1", struct bf, u1, sizeof(unsigned int));
	MISSING_FIELD("struct bf.u3");
	MISSING_FIELD("struct bf.u7");
	BITFIELD("struct bf.s4", struct bf, s4, sizeof(long long));
	INT_FIELD("struct bf.s20", struct bf, s20);
	MISSING_FIELD("struct bf.u40");
	MISSING_FIELD("struct bf.plain");
	MISSING_FIELD("struct bf.uc");
	MISSING_FIELD("struct bf.s33");
	MISSING_FIELD("struct bf.eb");
	MISSING_FIELD("struct bfp.x");
	MISSING_FIELD("struct bfp.y");
	MISSING_FIELD("struct bfp.a");

	GROUP("types");
	TYPE_KINDS("struct t_s", struct t_s, 0, "tid:STRUCT:t_s", "lid:STRUCT:t_s");
	TYPE_KINDS("struct t_s___sub", struct t_s, 1, "tid:STRUCT:t_s", "lid:STRUCT:t_s___sub");
	TYPE_KINDS("struct t_s___bad", struct t_s, 0, "tid:STRUCT:t_s", "lid:STRUCT:t_s___bad");
	TYPE_KINDS("union t_u", union t_u, 0, "tid:UNION:t_u", "lid:UNION:t_u");
	/* ENUM locally, ENUM64 here: compatible kinds, sizes differ */
	TYPE_KINDS("enum t_e", enum t_e, 0, "tid:ENUM64:t_e", "lid:ENUM:t_e");
	TYPE_KINDS("typedef t_s_td", t_s_td, 0, "tid:TYPEDEF:t_s_td", "lid:TYPEDEF:t_s_td");
	/* INT compatibility ignores the size; TYPE_MATCHES does not */
	TYPE_KINDS("typedef t_int_td", t_int_td, 0, "tid:TYPEDEF:t_int_td", "lid:TYPEDEF:t_int_td");
	TYPE_ABSENT("typedef t_fn_td", "lid:TYPEDEF:t_fn_td");
	/* array dimensions are ignored by compatibility, not by TYPE_MATCHES */
	TYPE_KINDS("typedef t_arr_td", t_arr_td, 0, "tid:TYPEDEF:t_arr_td", "lid:TYPEDEF:t_arr_td");
	TYPE_ABSENT("typedef t_vp_td", "lid:TYPEDEF:t_vp_td");
	TYPE_KINDS("struct t_ptrs", struct t_ptrs, 0, "tid:STRUCT:t_ptrs", "lid:STRUCT:t_ptrs");
	TYPE_KINDS("int int", int, 1, "tid:INT:int", "lid:INT:int");
	TYPE_KINDS("struct t_kind", struct t_kind, 0, "tid:STRUCT:t_kind", "lid:STRUCT:t_kind");
	TYPE_ABSENT("struct t_gone", "lid:STRUCT:t_gone");

	GROUP("enums");
	ENUMV("enum e_named::EN_A", (int64_t)EN_A);
	ENUMV_ABSENT("enum e_named::EN_B");
	ENUMV_ABSENT("enum e_named::EN_C");
	ENUMV("enum e_named___v2::EN_A___v2", (int64_t)EN_A);
	ENUMV_ABSENT("typedef e_anon_td::EA_X");
	ENUMV_ABSENT("typedef e_anon_td::EA_Y");
	ENUMV_ABSENT("enum64 e64::E64_BIG");
	ENUMV_ABSENT("enum64 e64::E64_SMALL");
	ENUMV("enum e_neg::EN_NEG", EN_NEG___other);
	ENUMV("enum e_neg::EN_POS", EN_POS);
	ENUMV("enum e_cross::EC_A", EC_A);
	ENUMV_ABSENT("enum e_cross::EC_B");
	ENUMV_ABSENT("enum64 e_cross64::EC64_A");
	ENUMV("enum64 e_cross64::EC64_B", EC64_B);
	ENUMV_ABSENT("enum e_u32::EU_HI");
	ENUMV("enum e_u32::EU_LO", (int64_t)(int32_t)EU_LO);
	ENUMV_ABSENT("enum e_gone::EG_1");

	GROUP("ldx");
	LDX_INT("struct lx.ul", struct lx, ul, 8, 0);
	LDX_INT("struct lx.sl", struct lx, sl, 8, 1);
	LDX_INT("struct lx.ui", struct lx, ui, 4, 0);
	LDX_INT("struct lx.sc", struct lx, sc, 1, 1);
	LDX_INT("struct lx.same", struct lx, same, 4, 1);
	POISON("byte_off", "struct lx.ptr");
	LDX_INT("struct lx.st", struct lx, st, 2, 0);
	POISON("byte_off", "struct lx.st_imm");

	GROUP("flavors");
	INT_FIELD("struct fl___v1.b", struct fl, b);
	MISSING_FIELD("struct fl___v1.a");
	INT_FIELD("struct fl___v2.c", struct fl, c);
	MISSING_FIELD("struct fl___v2.a");
	INT_FIELD("struct fl.b", struct fl, b);
	MISSING_FIELD("struct fl___.a");
	MISSING_FIELD("struct fl____x.a");
	INT_FIELD("struct fl___v3.zz", struct fl, zz);
	V("type_size", "struct fl___v1", sizeof(struct fl));
	V("type_size", "struct fl___", 0);
	return 0;
}
#endif
