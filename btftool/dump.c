// SPDX-License-Identifier: BSD-2-Clause
/*
 * btftool dump: the types of a BTF as bpftool's raw text (byte for byte),
 * as JSON with bpftool's keys and values, or the BTF blob itself.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btfx/core.h"
#include "btfx/minimize.h"
#include "btfx/object.h"
#include "btftool.h"
#include "out.h"

enum fmt { FMT_RAW, FMT_JSON, FMT_BTF, FMT_LAYOUT, FMT_EXT };

static const char *name_or(const struct btfx *btf, uint32_t off)
{
	const char *s;

	if (!off)
		return "(anon)";
	s = btfx_str(btf, off);
	return s ? s : "(invalid)";
}

static const char *int_enc(unsigned enc)
{
	switch (enc) {
	case 0: return "(none)";
	case BTFX_INT_SIGNED: return "SIGNED";
	case BTFX_INT_CHAR: return "CHAR";
	case BTFX_INT_BOOL: return "BOOL";
	default: return "UNKN";
	}
}

static const char *linkage_str(uint32_t l)
{
	switch (l) {
	case 0: return "static";
	case 1: return "global";
	case 2: return "extern";
	default: return "(unknown)";
	}
}

#define KV(o, key, v) do { out_lit(o, " " key "="); out_u64(o, v); } while (0)

static void quoted(struct out *o, const char *s)
{
	out_char(o, '\'');
	out_str(o, s);
	out_char(o, '\'');
}

static void raw_type(struct out *o, const struct btfx *btf, uint32_t id)
{
	const struct btfx_type *t = btfx_type_by_id(btf, id);
	unsigned kind = btfx_kind(t);
	uint32_t vlen = btfx_vlen(t);
	bool kf = btfx_kflag(t);

	out_char(o, '[');
	out_u64(o, id);
	out_lit(o, "] ");
	out_str(o, btfx_kind_str(kind));
	out_char(o, ' ');
	quoted(o, name_or(btf, t->name_off));
	switch (kind) {
	case BTFX_KIND_INT:
		KV(o, "size", t->size);
		KV(o, "bits_offset", btfx_int_offset(t));
		KV(o, "nr_bits", btfx_int_bits(t));
		out_lit(o, " encoding=");
		out_str(o, int_enc(btfx_int_encoding(t)));
		break;
	case BTFX_KIND_PTR: case BTFX_KIND_TYPEDEF: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST:
	case BTFX_KIND_RESTRICT: case BTFX_KIND_TYPE_TAG:
		KV(o, "type_id", t->type);
		break;
	case BTFX_KIND_ARRAY: {
		const struct btfx_array *a = btfx_array(t);
		KV(o, "type_id", a->type);
		KV(o, "index_type_id", a->index_type);
		KV(o, "nr_elems", a->nelems);
		break;
	}
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: {
		const struct btfx_member *m = btfx_members(t);
		KV(o, "size", t->size);
		KV(o, "vlen", vlen);
		for (uint32_t i = 0; i < vlen; i++) {
			uint32_t bsz = btfx_member_bitfield_size(t, i);
			out_lit(o, "\n\t");
			quoted(o, name_or(btf, m[i].name_off));
			KV(o, "type_id", m[i].type);
			KV(o, "bits_offset", btfx_member_bit_offset(t, i));
			if (bsz)
				KV(o, "bitfield_size", bsz);
		}
		break;
	}
	case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64: {
		out_lit(o, " encoding=");
		out_str(o, kf ? "SIGNED" : "UNSIGNED");
		KV(o, "size", t->size);
		KV(o, "vlen", vlen);
		for (uint32_t i = 0; i < vlen; i++) {
			out_lit(o, "\n\t");
			if (kind == BTFX_KIND_ENUM) {
				const struct btfx_enum *e = &btfx_enums(t)[i];
				quoted(o, name_or(btf, e->name_off));
				out_lit(o, " val=");
				if (kf)
					out_s64(o, e->val);
				else
					out_u64(o, (uint32_t)e->val);
			} else {
				const struct btfx_enum64 *e = &btfx_enums64(t)[i];
				uint64_t v = btfx_enum64_value(e);
				quoted(o, name_or(btf, e->name_off));
				out_lit(o, " val=");
				if (kf) {
					out_s64(o, (int64_t)v);
					out_lit(o, "LL");
				} else {
					out_u64(o, v);
					out_lit(o, "ULL");
				}
			}
		}
		break;
	}
	case BTFX_KIND_FWD:
		out_lit(o, " fwd_kind=");
		out_str(o, kf ? "union" : "struct");
		break;
	case BTFX_KIND_FUNC:
		KV(o, "type_id", t->type);
		out_lit(o, " linkage=");
		out_str(o, linkage_str(vlen));
		break;
	case BTFX_KIND_FUNC_PROTO: {
		const struct btfx_param *p = btfx_params(t);
		KV(o, "ret_type_id", t->type);
		KV(o, "vlen", vlen);
		for (uint32_t i = 0; i < vlen; i++) {
			out_lit(o, "\n\t");
			quoted(o, name_or(btf, p[i].name_off));
			KV(o, "type_id", p[i].type);
		}
		break;
	}
	case BTFX_KIND_VAR:
		KV(o, "type_id", t->type);
		out_lit(o, ", linkage=");
		out_str(o, linkage_str(btfx_var(t)->linkage));
		break;
	case BTFX_KIND_DATASEC: {
		const struct btfx_var_secinfo *v = btfx_secinfos(t);
		uint32_t cnt = btfx_type_cnt(btf);
		KV(o, "size", t->size);
		KV(o, "vlen", vlen);
		for (uint32_t i = 0; i < vlen; i++) {
			out_lit(o, "\n\ttype_id=");
			out_u64(o, v[i].type);
			KV(o, "offset", v[i].offset);
			KV(o, "size", v[i].size);
			if (v[i].type < cnt) {
				const struct btfx_type *vt = btfx_type_by_id(btf, v[i].type);
				out_lit(o, " (");
				out_str(o, btfx_kind_str(btfx_kind(vt)));
				out_char(o, ' ');
				quoted(o, name_or(btf, vt->name_off));
				out_char(o, ')');
			}
		}
		break;
	}
	case BTFX_KIND_FLOAT:
		KV(o, "size", t->size);
		break;
	case BTFX_KIND_DECL_TAG:
		KV(o, "type_id", t->type);
		out_lit(o, " component_idx=");
		out_s64(o, btfx_decl_tag(t)->component_idx);
		break;
	default:
		break;
	}
	out_char(o, '\n');
}

#define JU(o, key, v) do { out_lit(o, ",\"" key "\":"); out_u64(o, v); } while (0)
#define JS(o, key, s) do { out_lit(o, ",\"" key "\":"); out_json_str(o, s); } while (0)

static void json_type(struct out *o, const struct btfx *btf, uint32_t id, bool first)
{
	const struct btfx_type *t = btfx_type_by_id(btf, id);
	unsigned kind = btfx_kind(t);
	uint32_t vlen = btfx_vlen(t);
	bool kf = btfx_kflag(t);

	if (!first)
		out_char(o, ',');
	out_lit(o, "{\"id\":");
	out_u64(o, id);
	JS(o, "kind", btfx_kind_str(kind));
	JS(o, "name", name_or(btf, t->name_off));
	switch (kind) {
	case BTFX_KIND_INT:
		JU(o, "size", t->size);
		JU(o, "bits_offset", btfx_int_offset(t));
		JU(o, "nr_bits", btfx_int_bits(t));
		JS(o, "encoding", int_enc(btfx_int_encoding(t)));
		break;
	case BTFX_KIND_PTR: case BTFX_KIND_TYPEDEF: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST:
	case BTFX_KIND_RESTRICT: case BTFX_KIND_TYPE_TAG:
		JU(o, "type_id", t->type);
		break;
	case BTFX_KIND_ARRAY:
		JU(o, "type_id", btfx_array(t)->type);
		JU(o, "index_type_id", btfx_array(t)->index_type);
		JU(o, "nr_elems", btfx_array(t)->nelems);
		break;
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: {
		const struct btfx_member *m = btfx_members(t);
		JU(o, "size", t->size);
		JU(o, "vlen", vlen);
		out_lit(o, ",\"members\":[");
		for (uint32_t i = 0; i < vlen; i++) {
			uint32_t bsz = btfx_member_bitfield_size(t, i);
			out_str(o, i ? ",{\"name\":" : "{\"name\":");
			out_json_str(o, name_or(btf, m[i].name_off));
			JU(o, "type_id", m[i].type);
			JU(o, "bits_offset", btfx_member_bit_offset(t, i));
			if (bsz)
				JU(o, "bitfield_size", bsz);
			out_char(o, '}');
		}
		out_char(o, ']');
		break;
	}
	case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64:
		JS(o, "encoding", kf ? "SIGNED" : "UNSIGNED");
		JU(o, "size", t->size);
		JU(o, "vlen", vlen);
		out_lit(o, ",\"values\":[");
		for (uint32_t i = 0; i < vlen; i++) {
			uint32_t no;
			int64_t sv;
			uint64_t uv;
			if (kind == BTFX_KIND_ENUM) {
				no = btfx_enums(t)[i].name_off;
				sv = btfx_enums(t)[i].val;
				/* bpftool prints the s32 sign-extended for unsigned enums */
				uv = (uint64_t)(int64_t)btfx_enums(t)[i].val;
			} else {
				no = btfx_enums64(t)[i].name_off;
				uv = btfx_enum64_value(&btfx_enums64(t)[i]);
				sv = (int64_t)uv;
			}
			out_str(o, i ? ",{\"name\":" : "{\"name\":");
			out_json_str(o, name_or(btf, no));
			out_lit(o, ",\"val\":");
			if (kf)
				out_s64(o, sv);
			else
				out_u64(o, uv);
			out_char(o, '}');
		}
		out_char(o, ']');
		break;
	case BTFX_KIND_FWD:
		JS(o, "fwd_kind", kf ? "union" : "struct");
		break;
	case BTFX_KIND_FUNC:
		JU(o, "type_id", t->type);
		JS(o, "linkage", linkage_str(vlen));
		break;
	case BTFX_KIND_FUNC_PROTO:
		JU(o, "ret_type_id", t->type);
		JU(o, "vlen", vlen);
		out_lit(o, ",\"params\":[");
		for (uint32_t i = 0; i < vlen; i++) {
			out_str(o, i ? ",{\"name\":" : "{\"name\":");
			out_json_str(o, name_or(btf, btfx_params(t)[i].name_off));
			JU(o, "type_id", btfx_params(t)[i].type);
			out_char(o, '}');
		}
		out_char(o, ']');
		break;
	case BTFX_KIND_VAR:
		JU(o, "type_id", t->type);
		JS(o, "linkage", linkage_str(btfx_var(t)->linkage));
		break;
	case BTFX_KIND_DATASEC:
		JU(o, "size", t->size);
		JU(o, "vlen", vlen);
		out_lit(o, ",\"vars\":[");
		for (uint32_t i = 0; i < vlen; i++) {
			out_str(o, i ? ",{\"type_id\":" : "{\"type_id\":");
			out_u64(o, btfx_secinfos(t)[i].type);
			JU(o, "offset", btfx_secinfos(t)[i].offset);
			JU(o, "size", btfx_secinfos(t)[i].size);
			out_char(o, '}');
		}
		out_char(o, ']');
		break;
	case BTFX_KIND_FLOAT:
		JU(o, "size", t->size);
		break;
	case BTFX_KIND_DECL_TAG:
		JU(o, "type_id", t->type);
		out_lit(o, ",\"component_idx\":");
		out_s64(o, btfx_decl_tag(t)->component_idx);
		break;
	default:
		break;
	}
	out_char(o, '}');
}

/* A BPF object's .BTF.ext, with CO-RE specs in libbpf's format. */
static int dump_ext(const char *path)
{
	struct btfx_error err;
	struct btfx_obj *obj;
	const struct btfx_obj_sec *secs;
	const struct btfx_func_info *fi;
	const struct btfx_line_info *li;
	const struct btfx_core_relo_rec *cr;
	size_t ns, nf, nl, nc;
	const struct btfx *btf;
	struct out o;

	if (!path) {
		p_err("dump --format ext: give a BPF object file");
		return EXIT_ERROR;
	}
	obj = btfx_obj_open(path, &err);
	if (!obj)
		return p_btfx_err(&err);
	btf = btfx_obj_btf(obj);
	secs = btfx_obj_secs(obj, &ns);
	fi = btfx_obj_func_info(obj, &nf);
	li = btfx_obj_line_info(obj, &nl);
	cr = btfx_obj_core_relos(obj, &nc);
	out_init(&o, STDOUT_FILENO);
	out_printf(&o, "func_info: %zu records\n", nf);
	for (size_t i = 0; i < nf; i++) {
		const struct btfx_type *t = btfx_type_by_id(btf, fi[i].type_id);
		out_printf(&o, "\t%s insn %u: [%u] FUNC '%s'\n", secs[fi[i].sec].name, fi[i].insn_off / 8, fi[i].type_id,
			   btfx_str(btf, t->name_off));
	}
	out_printf(&o, "line_info: %zu records\n", nl);
	for (size_t i = 0; i < nl; i++)
		out_printf(&o, "\t%s insn %u: %s:%u:%u %s\n", secs[li[i].sec].name, li[i].insn_off / 8, li[i].file,
			   li[i].line_nr, li[i].col, li[i].line);
	out_printf(&o, "core_relo: %zu records\n", nc);
	for (size_t i = 0; i < nc; i++) {
		struct btfx_core_spec spec;
		char buf[512], why[200];
		out_printf(&o, "\t%s insn %u: ", secs[cr[i].sec].name, cr[i].insn_off / 8);
		if (btfx_core_parse_spec(btf, cr[i].type_id, cr[i].access_str, cr[i].kind, &spec, why, sizeof(why))) {
			out_printf(&o, "<%s> [%u] \"%s\": invalid spec: %s\n", btfx_core_kind_str(cr[i].kind), cr[i].type_id,
				   cr[i].access_str, why);
			continue;
		}
		btfx_core_format_spec(buf, sizeof(buf), &spec);
		out_printf(&o, "%u %s\n", cr[i].insn_off, buf);
	}
	btfx_obj_free(obj);
	return out_close(&o) ? EXIT_ERROR : EXIT_OK;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void dump_usage(void)
{
	fprintf(stderr,
		"Usage: %s dump [FILE] [-B BASE] [--format raw|json|btf|layout] [-t NAME]... [--id ID]... [-o OUT]\n"
		"  --format raw   bpftool's 'btf dump file' text (default)\n"
		"  --format json  bpftool -j keys and values (valid JSON)\n"
		"  --format btf   the BTF blob itself (needs -o OUT)\n"
		"  --format layout  pahole-style layout of structs and unions\n"
		"  --format ext   a BPF object's .BTF.ext: func_info, line_info, CO-RE records\n"
		"  -t NAME        only types named NAME (repeatable)\n"
		"  --id ID        only type ID (repeatable)\n",
		prog_name);
}

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "base", required_argument, NULL, 'B' },
		{ "format", required_argument, NULL, 'f' },
		{ "type", required_argument, NULL, 't' },
		{ "id", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *base_path = NULL, *file = NULL, *outp = NULL;
	const char **names = NULL;
	uint32_t *ids = NULL;
	size_t nnames = 0, nids = 0, cap_ids = 0;
	enum fmt fmt = FMT_RAW;
	struct btfx_error err;
	struct btfx *btf = NULL, *base = NULL;
	struct out o;
	int c, rc = EXIT_OK;

	names = calloc((size_t)argc + 1, sizeof(*names));
	if (!names)
		return EXIT_ERROR;
	optind = 1;
	while ((c = getopt_long(argc, argv, "B:f:t:o:hj", opts, NULL)) != -1) {
		switch (c) {
		case 'B': base_path = optarg; break;
		case 'f':
			if (!strcmp(optarg, "raw")) fmt = FMT_RAW;
			else if (!strcmp(optarg, "json")) fmt = FMT_JSON;
			else if (!strcmp(optarg, "btf")) fmt = FMT_BTF;
			else if (!strcmp(optarg, "layout")) fmt = FMT_LAYOUT;
			else if (!strcmp(optarg, "ext")) fmt = FMT_EXT;
			else {
				p_err("dump: unknown format '%s' (raw, json, btf, layout, ext)", optarg);
				free(names);
				return EXIT_ERROR;
			}
			break;
		case 'j': fmt = FMT_JSON; break;
		case 't': names[nnames++] = optarg; break;
		case 'i': {
			char *end;
			unsigned long v;
			errno = 0;
			v = strtoul(optarg, &end, 0);
			if (errno || *end || !*optarg || v > UINT32_MAX) {
				p_err("dump: bad type id '%s'", optarg);
				free(names);
				free(ids);
				return EXIT_ERROR;
			}
			if (nids == cap_ids) {
				cap_ids = cap_ids ? cap_ids * 2 : 16;
				ids = realloc(ids, cap_ids * sizeof(*ids));
				if (!ids) {
					free(names);
					return EXIT_ERROR;
				}
			}
			ids[nids++] = (uint32_t)v;
			break;
		}
		case 'o': outp = optarg; break;
		case 'h': dump_usage(); free(names); free(ids); return EXIT_OK;
		default: free(names); free(ids); return bad_option("dump", argc, argv);
		}
	}
	if (optind < argc)
		file = argv[optind++];
	if (optind < argc) {
		p_err("dump: unexpected argument '%s'", argv[optind]);
		free(names);
		free(ids);
		return EXIT_ERROR;
	}

	if (fmt == FMT_EXT) {
		rc = dump_ext(file);
		goto done;
	}
	btf = open_btf(file, base_path, &base, &err);
	if (!btf) {
		rc = p_btfx_err(&err);
		goto done;
	}

	if (fmt == FMT_BTF && !outp) {
		p_err("dump: --format btf needs -o OUT");
		rc = EXIT_ERROR;
		goto done;
	}
	if (fmt == FMT_BTF && !nnames && !nids) {
		/* the blob itself, as read */
		size_t size;
		const void *data = btfx_raw_data(btf, &size);
		int e = write_file_atomic(outp, data, size, false);
		if (e) {
			p_err("%s: cannot write: %s", outp, strerror(-e));
			rc = EXIT_ERROR;
		}
		goto done;
	}

	/* name selection */
	for (size_t i = 0; i < nnames; i++) {
		size_t n = btfx_find_all(btf, names[i], 0, NULL, 0);
		if (!n) {
			p_err("%s: no type named '%s'", btfx_path(btf), names[i]);
			rc = EXIT_ERROR;
			goto done;
		}
		if (nids + n > cap_ids) {
			cap_ids = nids + n + 16;
			ids = realloc(ids, cap_ids * sizeof(*ids));
			if (!ids) {
				rc = EXIT_ERROR;
				goto done;
			}
		}
		nids += btfx_find_all(btf, names[i], 0, ids + nids, n);
	}
	for (size_t i = 0; i < nids; i++) {
		if (ids[i] == 0 || ids[i] >= btfx_type_cnt(btf)) {
			p_err("%s: no type with id %u (ids go from 1 to %u)", btfx_path(btf), ids[i],
			      btfx_type_cnt(btf) - 1);
			rc = EXIT_ERROR;
			goto done;
		}
	}
	if (nids) {
		size_t w = 0;
		qsort(ids, nids, sizeof(*ids), cmp_u32);
		for (size_t i = 0; i < nids; i++)
			if (!w || ids[w - 1] != ids[i])
				ids[w++] = ids[i];
		nids = w;
	}

	if (fmt == FMT_BTF) {
		/* a standalone BTF with the selected types and what they need */
		void *blob = NULL;
		size_t bsz = 0;
		int e;
		if (btfx_write_subset(btf, ids, nids, NULL, &blob, &bsz, &err)) {
			rc = p_btfx_err(&err);
			goto done;
		}
		e = write_file_atomic(outp, blob, bsz, false);
		free(blob);
		if (e) {
			p_err("%s: cannot write: %s", outp, strerror(-e));
			rc = EXIT_ERROR;
		}
		goto done;
	}
	if (outp) {
		p_err("dump: -o is for --format btf; redirect stdout for text");
		rc = EXIT_ERROR;
		goto done;
	}
	out_init(&o, STDOUT_FILENO);
	if (fmt == FMT_LAYOUT) {
		rc = layout_render(&o, btf, ids, nids);
	} else if (fmt == FMT_RAW) {
		if (nids)
			for (size_t i = 0; i < nids; i++)
				raw_type(&o, btf, ids[i]);
		else
			for (uint32_t id = btfx_start_id(btf); id < btfx_type_cnt(btf); id++)
				raw_type(&o, btf, id);
	} else {
		out_lit(&o, "{\"types\":[");
		if (nids)
			for (size_t i = 0; i < nids; i++)
				json_type(&o, btf, ids[i], i == 0);
		else
			for (uint32_t id = btfx_start_id(btf); id < btfx_type_cnt(btf); id++)
				json_type(&o, btf, id, id == btfx_start_id(btf));
		out_lit(&o, "]}\n");
	}
	if (out_close(&o)) {
		p_err("stdout: write error");
		rc = EXIT_ERROR;
	}
done:
	btfx_free(btf);
	btfx_free(base);
	free(names);
	free(ids);
	return rc;
}
