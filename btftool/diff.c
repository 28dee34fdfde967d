// SPDX-License-Identifier: BSD-2-Clause
/*
 * btftool diff OLD NEW: what changed between two BTFs and what it means
 * for CO-RE.  The library computes the diff as data (include/btfx/diff.h);
 * this file only renders it: text grouped by type (colour on a terminal),
 * --stat counts, or --json (schema: docs/diff-json.md).
 * Exit status like diff(1): 0 no differences, 1 differences, 2 trouble.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btfx/diff.h"
#include "btfx/object.h"
#include "btftool.h"
#include "out.h"

enum { C_RESET, C_BOLD, C_RED, C_GREEN, C_YELLOW, C_DIM, C_CYAN };
static const char *const ansi[] = { "\033[0m", "\033[1m", "\033[31m", "\033[32m", "\033[33m", "\033[2m", "\033[36m" };

struct dr {
	struct out *o;
	bool color;
};

static void col(struct dr *r, int c)
{
	if (r->color)
		out_str(r->o, ansi[c]);
}

static int core_color(enum btfx_diff_core c)
{
	switch (c) {
	case BTFX_DIFF_CORE_NONE: return C_DIM;
	case BTFX_DIFF_CORE_RELOCATED: return C_GREEN;
	case BTFX_DIFF_CORE_SIZE: case BTFX_DIFF_CORE_TYPE: case BTFX_DIFF_CORE_VALUE: return C_YELLOW;
	default: return C_RED;
	}
}

static void bits(struct out *o, int64_t b)
{
	out_s64(o, b / 8);
	if (b % 8)
		out_printf(o, ":%lld", (long long)(b % 8));
}

static bool same_type(const struct btfx_diff_entry *a, const struct btfx_diff_entry *b)
{
	return a->kind == b->kind && a->dup_index == b->dup_index && !strcmp(a->type_name, b->type_name);
}

static void type_head(struct dr *r, const struct btfx_diff_entry *e, char sym, int c)
{
	col(r, c);
	col(r, C_BOLD);
	out_char(r->o, sym);
	out_char(r->o, ' ');
	out_str(r->o, btfx_diff_kind_str(e->kind));
	out_char(r->o, ' ');
	out_str(r->o, e->type_name);
	if (e->dup_index)
		out_printf(r->o, " (#%u of that name)", e->dup_index);
	col(r, C_RESET);
}

static void core_tag(struct dr *r, enum btfx_diff_core c)
{
	out_lit(r->o, "  ");
	col(r, core_color(c));
	out_lit(r->o, "[CO-RE: ");
	out_str(r->o, btfx_diff_core_text(c));
	out_char(r->o, ']');
	col(r, C_RESET);
}

static void qs(struct out *o, const char *s)
{
	out_char(o, '\'');
	out_str(o, s);
	out_char(o, '\'');
}

static void text_entry(struct dr *r, const struct btfx_diff_entry *e)
{
	struct out *o = r->o;
	char sym = '~';
	int c = C_YELLOW;

	if (e->change == BTFX_DIFF_MEMBER_ADDED || e->change == BTFX_DIFF_ENUMVAL_ADDED) {
		sym = '+';
		c = C_GREEN;
	} else if (e->change == BTFX_DIFF_MEMBER_REMOVED || e->change == BTFX_DIFF_ENUMVAL_REMOVED) {
		sym = '-';
		c = C_RED;
	}
	out_lit(o, "    ");
	col(r, c);
	out_char(o, sym);
	out_char(o, ' ');
	out_str(o, e->path ? e->path : e->type_name);
	col(r, C_RESET);
	out_lit(o, ": ");
	switch (e->change) {
	case BTFX_DIFF_SIZE:
		out_printf(o, "size %lld -> %lld bytes", (long long)e->old_val, (long long)e->new_val);
		break;
	case BTFX_DIFF_MEMBER_ADDED:
		out_lit(o, "added at offset ");
		bits(o, e->new_val);
		break;
	case BTFX_DIFF_MEMBER_REMOVED:
		out_lit(o, "removed (was at offset ");
		bits(o, e->old_val);
		out_char(o, ')');
		break;
	case BTFX_DIFF_MEMBER_OFFSET:
		out_lit(o, "offset ");
		bits(o, e->old_val);
		out_lit(o, " -> ");
		bits(o, e->new_val);
		break;
	case BTFX_DIFF_MEMBER_TYPE:
	case BTFX_DIFF_VAR_TYPE:
		out_lit(o, "type ");
		qs(o, e->old_str);
		out_lit(o, " -> ");
		qs(o, e->new_str);
		if (e->old_val != e->new_val)
			out_printf(o, " (size %lld -> %lld)", (long long)e->old_val, (long long)e->new_val);
		break;
	case BTFX_DIFF_MEMBER_SIZE:
		out_printf(o, "size %lld -> %lld bytes (same type name)", (long long)e->old_val, (long long)e->new_val);
		break;
	case BTFX_DIFF_MEMBER_BITFIELD:
		if (!e->old_val)
			out_printf(o, "became a %lld-bit bitfield", (long long)e->new_val);
		else if (!e->new_val)
			out_printf(o, "no longer a bitfield (was %lld bits)", (long long)e->old_val);
		else
			out_printf(o, "bitfield %lld -> %lld bits", (long long)e->old_val, (long long)e->new_val);
		break;
	case BTFX_DIFF_ENUMVAL_ADDED:
		out_printf(o, "added = %lld", (long long)e->new_val);
		break;
	case BTFX_DIFF_ENUMVAL_REMOVED:
		out_printf(o, "removed (was %lld)", (long long)e->old_val);
		break;
	case BTFX_DIFF_ENUMVAL_CHANGED:
		out_printf(o, "value %lld -> %lld", (long long)e->old_val, (long long)e->new_val);
		break;
	case BTFX_DIFF_SIGNEDNESS:
		out_printf(o, "%s -> %s", e->old_val ? "signed" : "unsigned", e->new_val ? "signed" : "unsigned");
		break;
	case BTFX_DIFF_INT_ENCODING:
		out_lit(o, "encoding ");
		qs(o, e->old_str);
		out_lit(o, " -> ");
		qs(o, e->new_str);
		break;
	case BTFX_DIFF_TYPEDEF_TARGET:
		out_lit(o, "target ");
		qs(o, e->old_str);
		out_lit(o, " -> ");
		qs(o, e->new_str);
		break;
	case BTFX_DIFF_RETURN_TYPE:
		out_lit(o, "return type ");
		qs(o, e->old_str);
		out_lit(o, " -> ");
		qs(o, e->new_str);
		break;
	case BTFX_DIFF_PARAM_COUNT:
		out_printf(o, "parameters %lld -> %lld", (long long)e->old_val, (long long)e->new_val);
		break;
	case BTFX_DIFF_PARAM_NAME:
		out_printf(o, "parameter %lld name ", (long long)e->old_val);
		qs(o, e->old_str);
		out_lit(o, " -> ");
		qs(o, e->new_str);
		break;
	case BTFX_DIFF_PARAM_TYPE:
		out_printf(o, "parameter %lld type ", (long long)e->old_val);
		qs(o, e->old_str);
		out_lit(o, " -> ");
		qs(o, e->new_str);
		break;
	case BTFX_DIFF_LINKAGE:
		out_printf(o, "linkage %s -> %s", e->old_str, e->new_str);
		break;
	default:
		out_str(o, btfx_diff_change_str(e->change));
		break;
	}
	core_tag(r, e->core);
	out_char(o, '\n');
}

static void render_text(struct dr *r, const struct btfx_diff *d)
{
	for (size_t i = 0; i < d->nr_entries; i++) {
		const struct btfx_diff_entry *e = &d->entries[i];
		if (e->change == BTFX_DIFF_TYPE_ADDED || e->change == BTFX_DIFF_TYPE_REMOVED) {
			bool add = e->change == BTFX_DIFF_TYPE_ADDED;
			type_head(r, e, add ? '+' : '-', add ? C_GREEN : C_RED);
			out_str(r->o, add ? ": added" : ": removed");
			core_tag(r, e->core);
			out_char(r->o, '\n');
			continue;
		}
		if (!i || !same_type(&d->entries[i - 1], e) || d->entries[i - 1].change == BTFX_DIFF_TYPE_ADDED ||
		    d->entries[i - 1].change == BTFX_DIFF_TYPE_REMOVED) {
			type_head(r, e, '~', C_YELLOW);
			out_char(r->o, '\n');
		}
		text_entry(r, e);
	}
}

static void render_stat(struct dr *r, const struct btfx_diff *d)
{
	struct out *o = r->o;

	out_printf(o, "types: %zu changed, %zu added, %zu removed (of %zu old, %zu new)\n", d->nr_changed_types,
		   d->nr_added, d->nr_removed, d->nr_types_old, d->nr_types_new);
	out_printf(o, "changes: %zu\n", d->nr_entries);
	for (int c = 1; c < BTFX_DIFF_CHANGE__NR; c++)
		if (d->per_change[c])
			out_printf(o, "  %-16s %zu\n", btfx_diff_change_str(c), d->per_change[c]);
	out_lit(o, "CO-RE:\n");
	for (int c = 0; c < BTFX_DIFF_CORE__NR; c++)
		if (d->per_core[c]) {
			out_lit(o, "  ");
			col(r, core_color(c));
			out_printf(o, "%-13s", btfx_diff_core_str(c));
			col(r, C_RESET);
			out_printf(o, " %zu  (%s)\n", d->per_core[c], btfx_diff_core_text(c));
		}
}

static void json_summary(struct out *o, const struct btfx_diff *d)
{
	bool first = true;

	out_printf(o, "{\"types_old\":%zu,\"types_new\":%zu,\"types_changed\":%zu,\"types_added\":%zu,"
		   "\"types_removed\":%zu,\"changes\":%zu,\"by_change\":{",
		   d->nr_types_old, d->nr_types_new, d->nr_changed_types, d->nr_added, d->nr_removed, d->nr_entries);
	for (int c = 1; c < BTFX_DIFF_CHANGE__NR; c++) {
		if (!first)
			out_char(o, ',');
		first = false;
		out_json_str(o, btfx_diff_change_str(c));
		out_printf(o, ":%zu", d->per_change[c]);
	}
	out_lit(o, "},\"by_core\":{");
	for (int c = 0; c < BTFX_DIFF_CORE__NR; c++) {
		if (c)
			out_char(o, ',');
		out_json_str(o, btfx_diff_core_str(c));
		out_printf(o, ":%zu", d->per_core[c]);
	}
	out_lit(o, "}}");
}

static bool has_strs(enum btfx_diff_change c)
{
	return c == BTFX_DIFF_MEMBER_TYPE || c == BTFX_DIFF_VAR_TYPE || c == BTFX_DIFF_TYPEDEF_TARGET ||
	       c == BTFX_DIFF_RETURN_TYPE || c == BTFX_DIFF_INT_ENCODING || c == BTFX_DIFF_PARAM_NAME ||
	       c == BTFX_DIFF_PARAM_TYPE || c == BTFX_DIFF_LINKAGE;
}

static void json_change(struct out *o, const struct btfx_diff_entry *e)
{
	out_lit(o, "{\"change\":");
	out_json_str(o, btfx_diff_change_str(e->change));
	out_lit(o, ",\"core\":");
	out_json_str(o, btfx_diff_core_str(e->core));
	if (e->path) {
		out_lit(o, ",\"path\":");
		out_json_str(o, e->path);
	}
	if (has_strs(e->change)) {
		out_lit(o, ",\"old\":");
		out_json_str(o, e->old_str ? e->old_str : "");
		out_lit(o, ",\"new\":");
		out_json_str(o, e->new_str ? e->new_str : "");
		if (e->change == BTFX_DIFF_PARAM_NAME || e->change == BTFX_DIFF_PARAM_TYPE)
			out_printf(o, ",\"param\":%lld", (long long)e->old_val);
		else if (e->change == BTFX_DIFF_INT_ENCODING)
			out_printf(o, ",\"old_bits\":%lld,\"new_bits\":%lld", (long long)e->old_val, (long long)e->new_val);
		else if (e->change != BTFX_DIFF_RETURN_TYPE && e->change != BTFX_DIFF_LINKAGE)
			out_printf(o, ",\"old_size\":%lld,\"new_size\":%lld", (long long)e->old_val, (long long)e->new_val);
	} else if (e->change == BTFX_DIFF_MEMBER_ADDED || e->change == BTFX_DIFF_ENUMVAL_ADDED) {
		out_printf(o, ",\"new\":%lld", (long long)e->new_val);
	} else if (e->change == BTFX_DIFF_MEMBER_REMOVED || e->change == BTFX_DIFF_ENUMVAL_REMOVED) {
		out_printf(o, ",\"old\":%lld", (long long)e->old_val);
	} else if (e->change != BTFX_DIFF_TYPE_ADDED && e->change != BTFX_DIFF_TYPE_REMOVED) {
		out_printf(o, ",\"old\":%lld,\"new\":%lld", (long long)e->old_val, (long long)e->new_val);
	}
	out_char(o, '}');
}

static void json_object(struct out *o, const struct btfx_obj *obj, const struct btfx_diff_obj *x, bool stat);

static void render_json(struct out *o, const struct btfx_diff *d, const char *oldp, const char *newp, bool stat,
			const struct btfx_obj *obj, const struct btfx_diff_obj *x)
{
	out_lit(o, "{\"schema\":\"btfx-diff\",\"version\":1,\"old\":");
	out_json_str(o, oldp);
	out_lit(o, ",\"new\":");
	out_json_str(o, newp);
	out_lit(o, ",\"summary\":");
	json_summary(o, d);
	if (!stat) {
		out_lit(o, ",\"types\":[");
		for (size_t i = 0; i < d->nr_entries; i++) {
			const struct btfx_diff_entry *e = &d->entries[i];
			bool head = !i || !same_type(&d->entries[i - 1], e) ||
				    d->entries[i - 1].change == BTFX_DIFF_TYPE_ADDED ||
				    d->entries[i - 1].change == BTFX_DIFF_TYPE_REMOVED ||
				    e->change == BTFX_DIFF_TYPE_ADDED || e->change == BTFX_DIFF_TYPE_REMOVED;
			if (head) {
				const char *status = e->change == BTFX_DIFF_TYPE_ADDED ? "added" :
						     e->change == BTFX_DIFF_TYPE_REMOVED ? "removed" : "changed";
				if (i)
					out_lit(o, "]},");
				out_lit(o, "{\"kind\":");
				out_json_str(o, btfx_diff_kind_str(e->kind));
				out_lit(o, ",\"name\":");
				out_json_str(o, e->type_name);
				out_printf(o, ",\"dup_index\":%u,\"status\":\"%s\",\"old_id\":%u,\"new_id\":%u,\"changes\":[",
					   e->dup_index, status, e->old_id, e->new_id);
			} else {
				out_char(o, ',');
			}
			json_change(o, e);
		}
		if (d->nr_entries)
			out_lit(o, "]}");
		out_char(o, ']');
	}
	if (x)
		json_object(o, obj, x, stat);
	out_lit(o, "}\n");
}

/* ------------------------------------------------------------------ */
/* --for-object: the relocations of a BPF object, OLD -> NEW           */
/* ------------------------------------------------------------------ */

struct where {
	const char *sec, *prog, *file;
	uint32_t insn, line;
};

static void relo_where(const struct btfx_obj *obj, const struct btfx_core_relo_rec *r, struct where *w)
{
	size_t ns;
	const struct btfx_obj_sec *secs = btfx_obj_secs(obj, &ns);
	uint32_t idx = r->insn_off / 8;
	const struct btfx_obj_prog *p = btfx_obj_prog_at(obj, r->sec, idx);
	const struct btfx_line_info *l = btfx_obj_line_at(obj, r->sec, r->insn_off);

	w->sec = r->sec < ns ? secs[r->sec].name : "?";
	w->prog = p ? p->name : w->sec;
	w->insn = p ? idx - p->first_insn : idx;
	w->file = l ? l->file : NULL;
	w->line = l ? l->line_nr : 0;
}

static const char *status_str(enum btfx_core_status s)
{
	return s == BTFX_CORE_OK ? "ok" : s == BTFX_CORE_POISONED ? "poisoned" : "error";
}

static void value_text(struct out *o, const struct btfx_core_result *res)
{
	if (res->status == BTFX_CORE_ERROR)
		out_lit(o, "ERROR");
	else if (res->status == BTFX_CORE_POISONED)
		out_lit(o, "POISON");
	else
		out_u64(o, res->new_val);
}

static bool same_value(const struct btfx_core_result *a, const struct btfx_core_result *b)
{
	return a->status == b->status && (a->status != BTFX_CORE_OK || a->new_val == b->new_val);
}

static const char *relo_tag(const struct btfx_diff_relo *dr)
{
	return dr->affected ? btfx_diff_core_str(dr->core) : "unchanged";
}

static void render_relos(struct dr *r, const struct btfx_obj *obj, const struct btfx_diff_obj *x, const char *objp,
			 bool list)
{
	struct out *o = r->o;
	size_t nrelo;
	const struct btfx_core_relo_rec *relos = btfx_obj_core_relos(obj, &nrelo);
	const struct btfx_diff *d = x->diff;
	bool first = true;

	if (list) {
		if (d->nr_entries)
			out_char(o, '\n');
		col(r, C_BOLD);
		out_printf(o, "CO-RE relocations of %s: %zu, on %zu type%s (value on OLD -> NEW)\n", objp, x->nr_relos,
			   x->nr_types, x->nr_types == 1 ? "" : "s");
		if (x->nr_selected != x->nr_relos)
			out_printf(o, "  (%zu selected by -t/--kind)\n", x->nr_selected);
		col(r, C_RESET);
	}
	for (size_t i = 0; list && i < x->nr_relos; i++) {
		const struct btfx_diff_relo *dr = &x->relos[i];
		const struct btfx_core_relo_rec *rec = &relos[i];
		struct where w;

		if (!dr->selected)
			continue;
		relo_where(obj, rec, &w);
		out_printf(o, "  #%zu %s+%u", i, w.prog, w.insn);
		if (w.file) {
			const char *b = strrchr(w.file, '/');
			out_printf(o, " %s:%u", b ? b + 1 : w.file, w.line);
		}
		out_printf(o, " %s ", btfx_core_kind_str(rec->kind));
		out_str(o, dr->spec_err ? rec->access_str : dr->path);
		out_lit(o, ": ");
		value_text(o, &dr->old_res);
		if (!same_value(&dr->old_res, &dr->new_res)) {
			out_lit(o, " -> ");
			value_text(o, &dr->new_res);
		}
		out_lit(o, "  ");
		col(r, dr->affected ? core_color(dr->core) : C_DIM);
		out_char(o, '[');
		out_str(o, relo_tag(dr));
		out_char(o, ']');
		col(r, C_RESET);
		out_char(o, '\n');
		if (dr->spec_err)
			out_printf(o, "      local spec: %s\n", dr->spec_err);
		for (size_t k = 0; k < dr->nr_changes; k++) {
			const struct btfx_diff_entry *e = &d->entries[dr->changes[k]];
			out_lit(o, "      ");
			out_str(o, e->path ? e->path : e->type_name);
			out_printf(o, ": %s (%s)\n", btfx_diff_change_str(e->change), btfx_diff_core_str(e->core));
		}
		if (dr->new_res.status != BTFX_CORE_OK && dr->new_res.reason[0] &&
		    !(dr->old_res.status == dr->new_res.status && !strcmp(dr->old_res.reason, dr->new_res.reason)))
			out_printf(o, "      on NEW: %s\n", dr->new_res.reason);
		if (dr->old_res.status != BTFX_CORE_OK && dr->old_res.reason[0])
			out_printf(o, "      on OLD: %s\n", dr->old_res.reason);
	}
	out_printf(o, "%s: %zu of %zu %sCO-RE relocation%s affected", objp, x->nr_affected, x->nr_selected,
		   x->nr_selected != x->nr_relos ? "selected " : "", x->nr_selected == 1 ? "" : "s");
	for (int c = 0; c < BTFX_DIFF_CORE__NR; c++)
		if (x->per_core[c]) {
			out_printf(o, "%s%zu ", first ? " (" : ", ", x->per_core[c]);
			col(r, core_color(c));
			out_str(o, btfx_diff_core_str(c));
			col(r, C_RESET);
			first = false;
		}
	if (!first)
		out_char(o, ')');
	if (x->nr_broken)
		out_printf(o, "; %zu that relocate%s on OLD %s poisoned or fail%s on NEW\n", x->nr_broken,
			   x->nr_broken == 1 ? "s" : "", x->nr_broken == 1 ? "is" : "are", x->nr_broken == 1 ? "s" : "");
	else if (x->nr_affected)
		out_lit(o, "; all that relocate on OLD still relocate on NEW\n");
	else
		out_lit(o, ": nothing the program uses changed\n");
}

static void json_result_obj(struct out *o, const struct btfx_core_result *res, uint32_t kind)
{
	out_lit(o, "{\"status\":");
	out_json_str(o, status_str(res->status));
	if (res->status == BTFX_CORE_OK)
		out_printf(o, ",\"value\":%llu", (unsigned long long)res->new_val);
	if (kind == BTFX_CORE_FIELD_BYTE_OFFSET && res->status == BTFX_CORE_OK && res->new_sz)
		out_printf(o, ",\"size\":%u", res->new_sz);
	if (res->targ_spec_str[0]) {
		out_lit(o, ",\"target_spec\":");
		out_json_str(o, res->targ_spec_str);
	}
	if (res->status != BTFX_CORE_OK && res->reason[0]) {
		out_lit(o, ",\"reason\":");
		out_json_str(o, res->reason);
	}
	out_char(o, '}');
}

static void json_object(struct out *o, const struct btfx_obj *obj, const struct btfx_diff_obj *x, bool stat)
{
	size_t nrelo;
	const struct btfx_core_relo_rec *relos = btfx_obj_core_relos(obj, &nrelo);

	out_lit(o, ",\"object\":{\"path\":");
	out_json_str(o, btfx_obj_path(obj));
	out_printf(o, ",\"relocations\":%zu,\"selected\":%zu,\"types\":%zu,\"affected\":%zu,\"broken\":%zu,"
		   "\"by_core\":{", x->nr_relos, x->nr_selected, x->nr_types, x->nr_affected, x->nr_broken);
	for (int c = 0; c < BTFX_DIFF_CORE__NR; c++) {
		if (c)
			out_char(o, ',');
		out_json_str(o, btfx_diff_core_str(c));
		out_printf(o, ":%zu", x->per_core[c]);
	}
	out_lit(o, "}}");
	if (stat)
		return;
	out_lit(o, ",\"relocations\":[");
	for (size_t i = 0, n = 0; i < x->nr_relos; i++) {
		const struct btfx_diff_relo *dr = &x->relos[i];
		const struct btfx_core_relo_rec *rec = &relos[i];
		struct where w;

		if (!dr->selected)
			continue;
		relo_where(obj, rec, &w);
		out_printf(o, "%s{\"index\":%zu,\"section\":", n++ ? "," : "", i);
		out_json_str(o, w.sec);
		out_lit(o, ",\"program\":");
		out_json_str(o, w.prog);
		out_printf(o, ",\"insn\":%u", w.insn);
		if (w.file) {
			out_lit(o, ",\"file\":");
			out_json_str(o, w.file);
			out_printf(o, ",\"line\":%u", w.line);
		}
		out_lit(o, ",\"kind\":");
		out_json_str(o, btfx_core_kind_str(rec->kind));
		out_lit(o, ",\"access\":");
		out_json_str(o, rec->access_str);
		if (dr->spec_err) {
			out_lit(o, ",\"spec_error\":");
			out_json_str(o, dr->spec_err);
		} else {
			out_lit(o, ",\"type_kind\":");
			out_json_str(o, dr->type_kind ? btfx_diff_kind_str(dr->type_kind) : "");
			out_lit(o, ",\"type\":");
			out_json_str(o, dr->type_name);
			out_lit(o, ",\"path\":");
			out_json_str(o, dr->path);
		}
		out_printf(o, ",\"affected\":%s,\"core\":", dr->affected ? "true" : "false");
		out_json_str(o, btfx_diff_core_str(dr->core));
		out_printf(o, ",\"values_differ\":%s,\"old\":", dr->engine_differs ? "true" : "false");
		json_result_obj(o, &dr->old_res, rec->kind);
		out_lit(o, ",\"new\":");
		json_result_obj(o, &dr->new_res, rec->kind);
		out_lit(o, ",\"changes\":[");
		for (size_t k = 0; k < dr->nr_changes; k++) {
			const struct btfx_diff_entry *e = &x->diff->entries[dr->changes[k]];
			if (k)
				out_char(o, ',');
			out_lit(o, "{\"kind\":");
			out_json_str(o, btfx_diff_kind_str(e->kind));
			out_lit(o, ",\"name\":");
			out_json_str(o, e->type_name);
			out_printf(o, ",\"dup_index\":%u,\"change\":", e->dup_index);
			out_json_str(o, btfx_diff_change_str(e->change));
			out_lit(o, ",\"core\":");
			out_json_str(o, btfx_diff_core_str(e->core));
			if (e->path) {
				out_lit(o, ",\"path\":");
				out_json_str(o, e->path);
			}
			out_char(o, '}');
		}
		out_lit(o, "]}");
	}
	out_char(o, ']');
}

static int parse_kinds(const char *s, uint32_t *mask)
{
	static const struct { const char *n; unsigned k; } tab[] = {
		{ "struct", BTFX_KIND_STRUCT }, { "union", BTFX_KIND_UNION }, { "enum", BTFX_KIND_ENUM },
		{ "typedef", BTFX_KIND_TYPEDEF }, { "int", BTFX_KIND_INT }, { "float", BTFX_KIND_FLOAT },
		{ "func", BTFX_KIND_FUNC }, { "var", BTFX_KIND_VAR },
	};
	char *dup = strdup(s), *save = NULL, *tok;
	int rc = 0;

	if (!dup)
		return -1;
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i;
		for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
			if (!strcasecmp(tok, tab[i].n)) {
				*mask |= 1u << tab[i].k;
				break;
			}
		if (i == sizeof(tab) / sizeof(tab[0])) {
			p_err("diff: unknown kind '%s' (struct, union, enum, typedef, int, float, func, var)", tok);
			rc = -1;
		}
	}
	free(dup);
	return rc;
}

static void diff_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s diff OLD NEW [-B BASE_OLD] [--base-new BASE_NEW] [-t NAME]... [--kind KINDS]\n"
		"                   [--for-object OBJ] [--json] [--stat] [--color[=auto|always|never]]\n"
		"  Types are matched by kind and name; members as CO-RE paths (sk_buff.len).\n"
		"  -B BASE_OLD       base BTF of OLD (split BTF); also NEW's unless --base-new\n"
		"  --base-new BASE   base BTF of NEW\n"
		"  -t NAME           only types named NAME (repeatable)\n"
		"  --kind KINDS      comma list: struct,union,enum,typedef,int,float,func,var\n"
		"  --stat            counts only\n"
		"  --json            JSON (schema: docs/diff-json.md)\n"
		"  --for-object OBJ  only what the CO-RE relocations of BPF object OBJ use, and\n"
		"                    each relocation decided against OLD and NEW (value before/after)\n"
		"Exit status: 0 no differences, 1 differences, 2 trouble.\n"
		"  With --for-object: 0 nothing the object uses differs, 1 something does.\n",
		prog_name);
}

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "base", required_argument, NULL, 'B' },
		{ "base-old", required_argument, NULL, 'B' },
		{ "base-new", required_argument, NULL, 'N' },
		{ "type", required_argument, NULL, 't' },
		{ "kind", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "stat", no_argument, NULL, 's' },
		{ "color", optional_argument, NULL, 'c' },
		{ "colour", optional_argument, NULL, 'c' },
		{ "no-color", no_argument, NULL, 'C' },
		{ "for-object", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *base_old = NULL, *base_new = NULL, *paths[2] = { NULL, NULL }, *objp = NULL;
	struct btfx_obj *obj = NULL;
	struct btfx_diff_obj *x = NULL;
	const char **names;
	size_t nnames = 0;
	struct btfx_diff_opts dopts = { .sz = sizeof(dopts) };
	struct btfx *btf[2] = { NULL, NULL }, *base[2] = { NULL, NULL };
	struct btfx_diff *d = NULL;
	struct btfx_error err;
	bool json = false, stat = false;
	int color = -1; /* auto */
	int c, rc = EXIT_ERROR;
	struct out o;
	struct dr r;

	names = calloc((size_t)argc + 1, sizeof(*names));
	if (!names)
		return EXIT_ERROR;
	optind = 1;
	while ((c = getopt_long(argc, argv, "B:t:k:jsh", opts, NULL)) != -1) {
		switch (c) {
		case 'B': base_old = optarg; break;
		case 'N': base_new = optarg; break;
		case 't': names[nnames++] = optarg; break;
		case 'k':
			if (parse_kinds(optarg, &dopts.kinds))
				goto done;
			break;
		case 'j': json = true; break;
		case 's': stat = true; break;
		case 'c':
			if (!optarg || !strcmp(optarg, "always"))
				color = 1;
			else if (!strcmp(optarg, "never"))
				color = 0;
			else if (!strcmp(optarg, "auto"))
				color = -1;
			else {
				p_err("diff: --color takes auto, always or never");
				goto done;
			}
			break;
		case 'C': color = 0; break;
		case 'F': objp = optarg; break;
		case 'h': diff_usage(stdout); rc = EXIT_OK; goto done;
		default: diff_usage(stderr); goto done;
		}
	}
	if (argc - optind != 2) {
		p_err("diff: need OLD and NEW (see '%s diff --help')", prog_name);
		goto done;
	}
	paths[0] = argv[optind];
	paths[1] = argv[optind + 1];
	if (!base_new)
		base_new = base_old;
	btf[0] = open_btf(paths[0], base_old, &base[0], &err);
	if (!btf[0]) {
		p_btfx_err(&err);
		goto done;
	}
	btf[1] = open_btf(paths[1], base_new, &base[1], &err);
	if (!btf[1]) {
		p_btfx_err(&err);
		goto done;
	}
	for (size_t i = 0; i < nnames; i++)
		if (!btfx_find(btf[0], names[i], 0) && !btfx_find(btf[1], names[i], 0)) {
			p_err("diff: no type named '%s' in %s or %s", names[i], paths[0], paths[1]);
			goto done;
		}
	dopts.names = names;
	dopts.nr_names = nnames;
	if (objp) {
		size_t nrelo;
		const struct btfx_core_relo_rec *relos;
		obj = btfx_obj_open(objp, &err);
		if (!obj) {
			p_btfx_err(&err);
			goto done;
		}
		relos = btfx_obj_core_relos(obj, &nrelo);
		if (!nrelo)
			p_err("diff: %s has no CO-RE relocations (no .BTF.ext CO-RE records)", objp);
		x = btfx_diff_for_relos(btf[0], btf[1], btfx_obj_btf(obj), relos, nrelo, &dopts, &err);
		if (!x) {
			p_btfx_err(&err);
			goto done;
		}
		d = x->diff;
	} else {
		d = btfx_diff_new(btf[0], btf[1], &dopts, &err);
	}
	if (!d) {
		p_btfx_err(&err);
		goto done;
	}
	if (color < 0)
		color = !json && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	out_init(&o, STDOUT_FILENO);
	r.o = &o;
	r.color = color > 0 && !json;
	if (json)
		render_json(&o, d, paths[0], paths[1], stat, obj, x);
	else if (stat)
		render_stat(&r, d);
	else
		render_text(&r, d);
	if (x && !json)
		render_relos(&r, obj, x, objp, !stat);
	if (out_close(&o)) {
		p_err("stdout: write error");
		goto done;
	}
	rc = d->nr_entries || (x && x->nr_affected) ? EXIT_NEGATIVE : EXIT_OK;
done:
	if (x)
		btfx_diff_obj_free(x);
	else
		btfx_diff_free(d);
	btfx_obj_free(obj);
	btfx_free(btf[0]);
	btfx_free(btf[1]);
	btfx_free(base[0]);
	btfx_free(base[1]);
	free(names);
	return rc;
}
