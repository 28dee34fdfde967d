// SPDX-License-Identifier: BSD-2-Clause
/*
 * btftool dump --format layout: pahole-style text of the layouts that
 * libbtfx computes (include/btfx/layout.h).  Column rules, measured on
 * pahole's output so that scripts written for it keep working:
 *  - a member line is indented one tab per level; the type is left-aligned
 *    in a field 26 - 8 * depth wide (printf's rule: a negative width is
 *    its absolute value), then the name;
 *  - the comment starts at column 57 (tabs as 8), or one space after the
 *    text: `/ * %5u %5u * /` (offset size), bitfields `/ * %5u:%2u %2u * /`
 *    (storage unit offset, bit in it, unit size).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btfx/layout.h"
#include "btftool.h"
#include "out.h"

#define COMMENT_COL 56

struct lr {
	struct out *o;
	const struct btfx *btf;
	char *buf;
	size_t cap;
	size_t col;
	size_t comment_col; /* pahole: 56, 54 in a union */
};

static void put(struct lr *r, const char *s, size_t n)
{
	out_bytes(r->o, s, n);
	r->col += n;
}

static void puts_(struct lr *r, const char *s) { put(r, s, strlen(s)); }

static void indent(struct lr *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		out_char(r->o, '\t');
	r->col = 8 * n;
}

static void pad_to(struct lr *r, size_t col)
{
	static const char sp[] = "                                                                ";
	while (r->col < col) {
		size_t n = col - r->col < sizeof(sp) - 1 ? col - r->col : sizeof(sp) - 1;
		out_bytes(r->o, sp, n);
		r->col += n;
	}
}

/* v right-aligned in w columns (printf "%*llu" without printf) */
static void num(struct lr *r, uint64_t v, int w)
{
	char tmp[24];
	int i = sizeof(tmp);
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while ((int)sizeof(tmp) - i < w)
		tmp[--i] = ' ';
	put(r, tmp + i, sizeof(tmp) - (size_t)i);
}

static void newline(struct lr *r)
{
	out_char(r->o, '\n');
	r->col = 0;
}

static const char *decl(struct lr *r, uint32_t id, const char *name, size_t *split)
{
	size_t n = btfx_type_decl(r->btf, id, name, r->buf, r->cap, split);

	if (n >= r->cap) {
		char *p = realloc(r->buf, n + 1);
		if (!p)
			return "?";
		r->buf = p;
		r->cap = n + 1;
		btfx_type_decl(r->btf, id, name, r->buf, r->cap, split);
	}
	return r->buf;
}

static void comment(struct lr *r, uint64_t off, uint64_t size)
{
	if (r->col < r->comment_col)
		pad_to(r, r->comment_col);
	put(r, " /* ", 4);
	num(r, off, 5);
	put(r, " ", 1);
	num(r, size, 5);
	put(r, " */", 3);
}

static void member_line(struct lr *r, const struct btfx_lay_item *it)
{
	int width = 26 - 8 * (int)it->depth;
	size_t split = 0, len;
	const char *d = decl(r, it->type_id, it->name, &split);
	int n;

	if (width < 0)
		width = -width;
	indent(r, it->depth + 1u);
	len = strlen(d);
	if (split > len)
		split = len;
	/* type column without its trailing space */
	{
		size_t tl = split;
		while (tl && d[tl - 1] == ' ')
			tl--;
		/* pahole writes pointer stars apart: "struct hlist_node * *" */
		for (size_t k = 0; k < tl; k++) {
			put(r, d + k, 1);
			if (d[k] == '*' && k + 1 < tl && d[k + 1] == '*')
				put(r, " ", 1);
		}
		pad_to(r, 8 * (it->depth + 1u) + (size_t)width);
		put(r, " ", 1);
	}
	/* a flexible array member ends the struct: pahole writes it "[]" */
	if ((it->flags & BTFX_LAY_F_LAST) && !it->size && len - split >= 3 && !strcmp(d + len - 3, "[0]")) {
		put(r, d + split, len - split - 2);
		put(r, "]", 1);
	} else {
		put(r, d + split, len - split);
	}
	if (it->bit_size) {
		put(r, ":", 1);
		num(r, it->bit_size, 0);
	}
	put(r, ";", 1);
	if (it->bit_size) {
		if (r->col < r->comment_col)
			pad_to(r, r->comment_col);
		put(r, " /* ", 4);
		num(r, it->offset, 5);
		put(r, ":", 1);
		num(r, it->bit_pos, 2);
		put(r, " ", 1);
		num(r, it->size, 2);
		put(r, " */", 3);
	} else {
		comment(r, it->offset, it->size);
	}
	newline(r);
	if (it->tail_padding) {
		char t2[96];
		newline(r);
		indent(r, it->depth + 1u);
		n = snprintf(t2, sizeof(t2), "/* XXX last struct has %llu byte%s of padding */",
			     (unsigned long long)it->tail_padding, it->tail_padding == 1 ? "" : "s");
		put(r, t2, (size_t)n);
		newline(r);
		newline(r);
	}
}

static void render_one(struct lr *r, const struct btfx_record_layout *l)
{
	char tmp[160];
	int n;

	n = snprintf(tmp, sizeof(tmp), "%s %s {", l->is_union ? "union" : "struct", l->name ? l->name : "");
	if (l->name)
		puts_(r, tmp);
	else
		puts_(r, l->is_union ? "union {" : "struct {");
	newline(r);
	r->comment_col = l->is_union ? COMMENT_COL - 2 : COMMENT_COL;
	for (size_t i = 0; i < l->nr_items; i++) {
		const struct btfx_lay_item *it = &l->items[i];
		switch (it->kind) {
		case BTFX_LAY_MEMBER:
			member_line(r, it);
			break;
		case BTFX_LAY_OPEN:
			indent(r, it->depth + 1u);
			puts_(r, it->flags & BTFX_LAY_F_UNION ? "union {" : "struct {");
			newline(r);
			break;
		case BTFX_LAY_CLOSE:
			indent(r, it->depth + 1u);
			puts_(r, "}");
			if (it->name) {
				size_t split = 0;
				const char *d = decl(r, it->type_id, it->name, &split);
				puts_(r, " ");
				puts_(r, d + (split <= strlen(d) ? split : 0));
			}
			puts_(r, ";");
			if (it->flags & BTFX_LAY_F_ARRAY)
				r->col = r->comment_col; /* pahole: one space only */
			comment(r, it->offset, it->size);
			newline(r);
			break;
		case BTFX_LAY_HOLE:
		case BTFX_LAY_BIT_HOLE:
			/* a bit hole and the byte hole after it share one block */
			if (!(i && l->items[i - 1].kind == BTFX_LAY_BIT_HOLE))
				newline(r);
			indent(r, it->depth + 1u);
			n = snprintf(tmp, sizeof(tmp), "/* XXX %llu %s hole, try to pack */", (unsigned long long)it->size,
				     it->kind == BTFX_LAY_HOLE ? (it->size == 1 ? "byte" : "bytes") :
				     (it->size == 1 ? "bit" : "bits"));
			put(r, tmp, (size_t)n);
			newline(r);
			if (!(i + 1 < l->nr_items && l->items[i + 1].kind == BTFX_LAY_HOLE))
				newline(r);
			break;
		case BTFX_LAY_CACHELINE: {
			uint64_t next = i + 1 < l->nr_items ? l->items[i + 1].offset : it->offset;
			indent(r, it->depth + 1u);
			if (next > it->offset)
				n = snprintf(tmp, sizeof(tmp), "/* --- cacheline %llu boundary (%llu bytes) was %llu bytes ago --- */",
					     (unsigned long long)it->size, (unsigned long long)it->offset,
					     (unsigned long long)(next - it->offset));
			else
				n = snprintf(tmp, sizeof(tmp), "/* --- cacheline %llu boundary (%llu bytes) --- */",
					     (unsigned long long)it->size, (unsigned long long)it->offset);
			put(r, tmp, (size_t)n);
			newline(r);
			break;
		}
		}
	}
	if (l->is_union) {
		/* pahole prints no summary for unions */
		puts_(r, "};");
		newline(r);
		return;
	}
	newline(r);
	n = snprintf(tmp, sizeof(tmp), "\t/* size: %llu, cachelines: %u, members: %u */\n",
		     (unsigned long long)l->size, l->nr_cachelines, l->nr_members);
	puts_(r, tmp);
	if (l->nr_holes) {
		n = snprintf(tmp, sizeof(tmp), "\t/* sum members: %llu, holes: %u, sum holes: %llu */\n",
			     (unsigned long long)l->sum_members, l->nr_holes, (unsigned long long)l->sum_holes);
		puts_(r, tmp);
	}
	if (l->nr_bit_holes) {
		n = snprintf(tmp, sizeof(tmp),
			     "\t/* sum bitfield members: %llu bits, bit holes: %u, sum bit holes: %llu bits */\n",
			     (unsigned long long)l->sum_bitfields, l->nr_bit_holes,
			     (unsigned long long)l->sum_bit_holes);
		puts_(r, tmp);
	} else if (l->sum_bitfields && (l->sum_bitfields % 8 || l->bit_padding)) {
		n = snprintf(tmp, sizeof(tmp), "\t/* sum bitfield members: %llu bits (%llu bytes) */\n",
			     (unsigned long long)l->sum_bitfields, (unsigned long long)l->sum_bitfields / 8);
		puts_(r, tmp);
	}
	if (l->nr_paddings) {
		n = snprintf(tmp, sizeof(tmp), "\t/* paddings: %u, sum paddings: %llu */\n", l->nr_paddings,
			     (unsigned long long)l->sum_paddings);
		puts_(r, tmp);
	}
	if (l->padding) {
		n = snprintf(tmp, sizeof(tmp), "\t/* padding: %llu */\n", (unsigned long long)l->padding);
		puts_(r, tmp);
	}
	if (l->bit_padding) {
		n = snprintf(tmp, sizeof(tmp), "\t/* bit_padding: %u bits */\n", l->bit_padding);
		puts_(r, tmp);
	}
	if (l->size % l->cacheline_size) {
		n = snprintf(tmp, sizeof(tmp), "\t/* last cacheline: %llu bytes */\n",
			     (unsigned long long)(l->size % l->cacheline_size));
		puts_(r, tmp);
	}
	puts_(r, "};");
	newline(r);
	(void)n;
}

int layout_render(struct out *o, const struct btfx *btf, const uint32_t *ids, size_t nids)
{
	struct lr r = { .o = o, .btf = btf };
	uint32_t cnt = btfx_type_cnt(btf);
	bool first = true;
	int rc = EXIT_OK;

	for (size_t k = 0, id = nids ? 0 : btfx_start_id(btf); nids ? k < nids : id < cnt; nids ? k++ : id++) {
		uint32_t tid = nids ? ids[k] : (uint32_t)id;
		const struct btfx_type *t = btfx_type_by_id(btf, tid);
		struct btfx_record_layout *l;
		struct btfx_error err;

		if (!nids && (!btfx_is_composite(t) || !t->name_off))
			continue;
		if (nids && !btfx_is_composite(btfx_type_by_id(btf, btfx_skip_mods(btf, tid, true))))
			continue; /* -t NAME also matched a function, enum, ... */
		l = btfx_record_layout_new(btf, tid, NULL, &err);
		if (!l) {
			rc = p_btfx_err(&err);
			continue;
		}
		first = false;
		render_one(&r, l);
		btfx_record_layout_free(l);
	}
	if (first && nids) {
		p_err("%s: none of the selected types is a struct or union", btfx_path(btf));
		rc = EXIT_ERROR;
	}
	free(r.buf);
	return rc;
}
