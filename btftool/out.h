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
void out_bytes_slow(struct out *o, const char *s, size_t n);
void out_str(struct out *o, const char *s);
void out_char(struct out *o, char c);
void out_u64_slow(struct out *o, uint64_t v);
void out_s64(struct out *o, int64_t v);
void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* JSON string, quoted: valid JSON for any input bytes (control bytes and
 * invalid UTF-8 escaped as \u00XX). */
void out_json_str(struct out *o, const char *s);

#include <string.h>

/* The common case inline: the bytes fit in the buffer. */
static inline void out_bytes(struct out *o, const char *s, size_t n)
{
	if (o->buf && o->cap - o->len >= n) {
		memcpy(o->buf + o->len, s, n);
		o->len += n;
		return;
	}
	out_bytes_slow(o, s, n);
}

/* Decimal, written in place, two digits per step. */
static inline void out_u64(struct out *o, uint64_t v)
{
	static const char d2[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
				 "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
				 "8081828384858687888990919293949596979899";
	char tmp[20], *p = tmp + sizeof(tmp);

	if (v < 10 && o->buf && o->len < o->cap) {
		o->buf[o->len++] = (char)('0' + v);
		return;
	}
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		p -= 2;
		memcpy(p, d2 + 2 * r, 2);
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, d2 + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
	out_bytes(o, p, (size_t)(tmp + sizeof(tmp) - p));
}

static inline void out_lit_(struct out *o, const char *s, size_t n) { out_bytes(o, s, n); }
#define out_lit(o, s) out_lit_((o), (s), sizeof(s) - 1)
#endif
