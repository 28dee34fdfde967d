/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef BTFTOOL_H
#define BTFTOOL_H
#include <stdbool.h>
#include "btfx/btfx.h"

/* exit codes shared by every command */
enum { EXIT_OK = 0, EXIT_NEGATIVE = 1, EXIT_ERROR = 2 };

extern const char *prog_name;

void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print err (already naming the file) and return EXIT_ERROR. */
int p_btfx_err(const struct btfx_error *err);
/* One-line report of a getopt error; returns EXIT_ERROR. */
int bad_option(const char *cmd, int argc, char **argv);

/* Open FILE (NULL = running kernel) with optional base path. On success
 * *base_out holds the base to free after the BTF. */
struct btfx *open_btf(const char *path, const char *base_path, struct btfx **base_out, struct btfx_error *err);

/* Write data to path atomically (temp file + fsync + rename); when
 * keep_if_same, an identical existing file is left untouched. */
int write_file_atomic(const char *path, const void *data, size_t size, bool keep_if_same);

int cmd_dump(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_header(int argc, char **argv);
int cmd_core(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_minimize(int argc, char **argv);
int cmd_sanitize(int argc, char **argv);

struct out;
/* dump --format layout (layout.c): ids selected, or every named struct/union */
int layout_render(struct out *o, const struct btfx *btf, const uint32_t *ids, size_t nids);
#endif
