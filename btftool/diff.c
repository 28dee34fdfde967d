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

static void render_json(struct out *o, const struct btfx_diff *d, const char *oldp, const char *newp, bool stat)
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
	out_lit(o, "}\n");
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
		"                   [--json] [--stat] [--color[=auto|always|never]]\n"
		"  Types are matched by kind and name; members as CO-RE paths (sk_buff.len).\n"
		"  -B BASE_OLD       base BTF of OLD (split BTF); also NEW's unless --base-new\n"
		"  --base-new BASE   base BTF of NEW\n"
		"  -t NAME           only types named NAME (repeatable)\n"
		"  --kind KINDS      comma list: struct,union,enum,typedef,int,float,func,var\n"
		"  --stat            counts only\n"
		"  --json            JSON (schema: docs/diff-json.md)\n"
		"  --for-object OBJ  not available yet (needs .BTF.ext CO-RE records)\n"
		"Exit status: 0 no differences, 1 differences, 2 trouble.\n",
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
	const char *base_old = NULL, *base_new = NULL, *paths[2] = { NULL, NULL };
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
		case 'F':
			p_err("diff: --for-object is not available yet: it needs the .BTF.ext CO-RE reader");
			goto done;
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
	d = btfx_diff_new(btf[0], btf[1], &dopts, &err);
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
		render_json(&o, d, paths[0], paths[1], stat);
	else if (stat)
		render_stat(&r, d);
	else
		render_text(&r, d);
	if (out_close(&o)) {
		p_err("stdout: write error");
		goto done;
	}
	rc = d->nr_entries ? EXIT_NEGATIVE : EXIT_OK;
done:
	btfx_diff_free(d);
	btfx_free(btf[0]);
	btfx_free(btf[1]);
	btfx_free(base[0]);
	btfx_free(base[1]);
	free(names);
	return rc;
}
