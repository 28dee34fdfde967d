/* SPDX-License-Identifier: BSD-2-Clause */
/* Buffered output for btftool: large writes, no stdio formatting cost. */
#ifndef BTFTOOL_OUT_H
#define BTFTOOL_OUT_H
#include <stddef.h>
#include <stdint.h>

struct out {
	int fd;
	char *buf;
	size_t len, cap;
	int err; /* errno of the first failed write */
};

void out_init(struct out *o, int fd);
int out_flush(struct out *o);
int out_close(struct out *o); /* flush + free; returns -errno on any write error */
void out_bytes(struct out *o, const char *s, size_t n);
void out_str(struct out *o, const char *s);
void out_char(struct out *o, char c);
void out_u64(struct out *o, uint64_t v);
void out_s64(struct out *o, int64_t v);
void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* JSON string, quoted: valid JSON for any input bytes (control bytes and
 * invalid UTF-8 escaped as \u00XX). */
void out_json_str(struct out *o, const char *s);

static inline void out_lit_(struct out *o, const char *s, size_t n) { out_bytes(o, s, n); }
#define out_lit(o, s) out_lit_((o), (s), sizeof(s) - 1)
#endif
