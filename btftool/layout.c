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

/*
 * Speed: a struct layout is mostly member lines, so they are assembled in a
 * line buffer (one out_bytes() per line), and the declaration of each
 * member type is computed once per type id (cache below) instead of once
 * per member.
 */
#define LINE_MAX_BUF 4096

/* a member type's declaration, split around the member name */
struct dcache {
	const char *tcol;  /* pahole's type column: trailing spaces cut, "**" as "* *" */
	const char *pre;   /* declarator before the name: "(*", "*" after the column... */
	const char *suf;   /* after the name: "[16]", ")(struct sk_buff *)" */
	uint32_t tlen, plen, slen;
};

struct chunk {
	struct chunk *next;
	size_t used;
	char data[65536 - 2 * sizeof(size_t)];
};

struct lr {
	struct out *o;
	const struct btfx *btf;
	char *buf;
	size_t cap;
	size_t col;
	size_t comment_col; /* pahole: 56, 54 in a union */
	size_t len;         /* bytes in line */
	char line[LINE_MAX_BUF];
	struct dcache **dc; /* by type id, lazily */
	struct chunk *mem;
};

static void flush_line(struct lr *r)
{
	out_bytes(r->o, r->line, r->len);
	r->len = 0;
}

/* room for n more bytes in the line (n <= LINE_MAX_BUF) */
static inline char *room(struct lr *r, size_t n)
{
	if (r->len + n > sizeof(r->line))
		flush_line(r);
	return r->line + r->len;
}

static void put(struct lr *r, const char *s, size_t n)
{
	if (n > sizeof(r->line)) {
		flush_line(r);
		out_bytes(r->o, s, n);
	} else {
		memcpy(room(r, n), s, n);
		r->len += n;
	}
	r->col += n;
}

static inline void put_c(struct lr *r, char c)
{
	*room(r, 1) = c;
	r->len++;
	r->col++;
}

static void puts_(struct lr *r, const char *s) { put(r, s, strlen(s)); }

static void indent(struct lr *r, unsigned n)
{
	if (n > 64)
		n = 64;
	memset(room(r, n), '\t', n);
	r->len += n;
	r->col = 8 * n;
}

static void pad_to(struct lr *r, size_t col)
{
	if (r->col < col) {
		size_t n = col - r->col;
		if (n > 256)
			n = 256;
		memset(room(r, n), ' ', n);
		r->len += n;
		r->col = col;
	}
}

static void *lr_alloc(struct lr *r, size_t n)
{
	struct chunk *c = r->mem;

	n = (n + 7) & ~(size_t)7;
	if (n > sizeof(c->data))
		return NULL;
	if (!c || sizeof(c->data) - c->used < n) {
		c = malloc(sizeof(*c));
		if (!c)
			return NULL;
		c->next = r->mem;
		c->used = 0;
		r->mem = c;
	}
	c->used += n;
	return c->data + c->used - n;
}

/* v right-aligned in w columns (printf "%*llu" without printf) */
/* digits of v at p, right-aligned in w columns; returns the length */
static inline size_t digits(char *p, uint64_t v, unsigned w)
{
	char tmp[24];
	unsigned i = sizeof(tmp), n;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	n = (unsigned)sizeof(tmp) - i;
	if (n < w) {
		memset(p, ' ', w - n);
		p += w - n;
	}
	memcpy(p, tmp + i, n);
	return n < w ? w : n;
}

/* v right-aligned in w columns (printf "%*llu" without printf) */
static void num(struct lr *r, uint64_t v, unsigned w)
{
	size_t n = digits(room(r, 24 + w), v, w);
	r->len += n;
	r->col += n;
}

static void newline(struct lr *r)
{
	put_c(r, '\n');
	flush_line(r);
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

#define NAME_MARK "\x01" /* never in a BTF name: where the member name goes */

/* the declaration of type id split for member lines, computed once */
static const struct dcache *dcache(struct lr *r, uint32_t id)
{
	size_t split = 0, len, tl, k, n;
	const char *d, *mark;
	struct dcache *c;
	char *p;

	if (!r->dc) {
		r->dc = calloc(btfx_type_cnt(r->btf) + 1, sizeof(*r->dc));
		if (!r->dc)
			return NULL;
	}
	if (id < btfx_type_cnt(r->btf) && r->dc[id])
		return r->dc[id];
	d = decl(r, id, NAME_MARK, &split);
	len = strlen(d);
	mark = strchr(d + (split <= len ? split : len), NAME_MARK[0]);
	if (!mark || split > len)
		return NULL;
	tl = split;
	while (tl && d[tl - 1] == ' ')
		tl--;
	/* room for the column with "* *" spacing (at most 2x) and the rest */
	c = lr_alloc(r, sizeof(*c) + 2 * tl + len + 3);
	if (!c)
		return NULL;
	p = (char *)(c + 1);
	c->tcol = p;
	for (k = 0, n = 0; k < tl; k++) {
		p[n++] = d[k];
		if (d[k] == '*' && k + 1 < tl && d[k + 1] == '*')
			p[n++] = ' ';
	}
	p[n++] = 0;
	c->tlen = (uint32_t)(n - 1);
	c->pre = p + n;
	c->plen = (uint32_t)(mark - (d + split));
	memcpy(p + n, d + split, c->plen);
	n += c->plen;
	p[n++] = 0;
	c->suf = p + n;
	c->slen = (uint32_t)(len - (size_t)(mark + 1 - d));
	memcpy(p + n, mark + 1, c->slen + 1);
	if (id < btfx_type_cnt(r->btf))
		r->dc[id] = c;
	return c;
}

/* the offset/size comment at the comment column (or one space after the text) */
static void comment(struct lr *r, uint64_t off, uint64_t size)
{
	size_t pad = r->col < r->comment_col ? r->comment_col - r->col : 0, n;
	char *p;

	if (pad > 256)
		pad = 256;
	p = room(r, pad + 4 + 24 + 1 + 24 + 3);
	memset(p, ' ', pad);
	n = pad;
	memcpy(p + n, " /* ", 4);
	n += 4;
	n += digits(p + n, off, 5);
	p[n++] = ' ';
	n += digits(p + n, size, 5);
	memcpy(p + n, " */", 3);
	n += 3;
	r->len += n;
	r->col += n;
}

static void member_line(struct lr *r, const struct btfx_lay_item *it)
{
	int width = 26 - 8 * (int)it->depth;
	const struct dcache *c = dcache(r, it->type_id);
	const char *name = it->name ? it->name : "";

	if (width < 0)
		width = -width;
	indent(r, it->depth + 1u);
	if (c) {
		put(r, c->tcol, c->tlen);
		pad_to(r, 8 * (it->depth + 1u) + (size_t)width);
		put_c(r, ' ');
		put(r, c->pre, c->plen);
		put(r, name, strlen(name));
		/* a flexible array member ends the struct: pahole writes it "[]" */
		if ((it->flags & BTFX_LAY_F_LAST) && !it->size && c->slen >= 3 && !strcmp(c->suf + c->slen - 3, "[0]")) {
			put(r, c->suf, c->slen - 2);
			put_c(r, ']');
		} else {
			put(r, c->suf, c->slen);
		}
	} else {
		put(r, "?", 1);
	}
	if (it->bit_size) {
		put_c(r, ':');
		num(r, it->bit_size, 0);
	}
	put_c(r, ';');
	if (it->bit_size) {
		if (r->col < r->comment_col)
			pad_to(r, r->comment_col);
		put(r, " /* ", 4);
		num(r, it->offset, 5);
		put_c(r, ':');
		num(r, it->bit_pos, 2);
		put_c(r, ' ');
		num(r, it->size, 2);
		put(r, " */", 3);
	} else {
		comment(r, it->offset, it->size);
	}
	newline(r);
	if (it->tail_padding) {
		newline(r);
		indent(r, it->depth + 1u);
		put(r, "/* XXX last struct has ", 23);
		num(r, it->tail_padding, 0);
		puts_(r, it->tail_padding == 1 ? " byte of padding */" : " bytes of padding */");
		newline(r);
		newline(r);
	}
}

/* fmt with each '#' replaced by the next number of v (no printf: it was a
 * fifth of the run time with one call per summary line) */
static void fmt(struct lr *r, const char *f, const uint64_t *v)
{
	while (*f) {
		const char *h = strchr(f, '#');
		size_t n = h ? (size_t)(h - f) : strlen(f);
		put(r, f, n);
		f += n;
		if (*f == '#') {
			num(r, *v++, 0);
			f++;
		}
	}
}

static void render_one(struct lr *r, const struct btfx_record_layout *l)
{
	puts_(r, l->is_union ? "union " : "struct ");
	if (l->name) {
		puts_(r, l->name);
		put_c(r, ' ');
	}
	put_c(r, '{');
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
			put_c(r, '}');
			if (it->name) {
				const struct dcache *c = dcache(r, it->type_id);
				put_c(r, ' ');
				if (c) {
					put(r, c->pre, c->plen);
					puts_(r, it->name);
					put(r, c->suf, c->slen);
				}
			}
			put_c(r, ';');
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
			fmt(r, "/* XXX # ", &it->size);
			puts_(r, it->kind == BTFX_LAY_HOLE ? (it->size == 1 ? "byte" : "bytes") :
			      (it->size == 1 ? "bit" : "bits"));
			puts_(r, " hole, try to pack */");
			newline(r);
			if (!(i + 1 < l->nr_items && l->items[i + 1].kind == BTFX_LAY_HOLE))
				newline(r);
			break;
		case BTFX_LAY_CACHELINE: {
			uint64_t next = i + 1 < l->nr_items ? l->items[i + 1].offset : it->offset;
			uint64_t v[3] = { it->size, it->offset, next - it->offset };
			indent(r, it->depth + 1u);
			if (next > it->offset)
				fmt(r, "/* --- cacheline # boundary (# bytes) was # bytes ago --- */", v);
			else
				fmt(r, "/* --- cacheline # boundary (# bytes) --- */", v);
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
	fmt(r, "\t/* size: #, cachelines: #, members: # */\n",
	    (const uint64_t[]){ l->size, l->nr_cachelines, l->nr_members });
	if (l->nr_holes)
		fmt(r, "\t/* sum members: #, holes: #, sum holes: # */\n",
		    (const uint64_t[]){ l->sum_members, l->nr_holes, l->sum_holes });
	if (l->nr_bit_holes)
		fmt(r, "\t/* sum bitfield members: # bits, bit holes: #, sum bit holes: # bits */\n",
		    (const uint64_t[]){ l->sum_bitfields, l->nr_bit_holes, l->sum_bit_holes });
	else if (l->sum_bitfields && (l->sum_bitfields % 8 || l->bit_padding))
		fmt(r, "\t/* sum bitfield members: # bits (# bytes) */\n",
		    (const uint64_t[]){ l->sum_bitfields, l->sum_bitfields / 8 });
	if (l->nr_paddings)
		fmt(r, "\t/* paddings: #, sum paddings: # */\n", (const uint64_t[]){ l->nr_paddings, l->sum_paddings });
	if (l->padding)
		fmt(r, "\t/* padding: # */\n", &l->padding);
	if (l->bit_padding)
		fmt(r, "\t/* bit_padding: # bits */\n", (const uint64_t[]){ l->bit_padding });
	if (l->size % l->cacheline_size)
		fmt(r, "\t/* last cacheline: # bytes */\n", (const uint64_t[]){ l->size % l->cacheline_size });
	puts_(r, "};");
	newline(r);
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
	flush_line(&r);
	free(r.buf);
	free(r.dc);
	while (r.mem) {
		struct chunk *n = r.mem->next;
		free(r.mem);
		r.mem = n;
	}
	return rc;
}
