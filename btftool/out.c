// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out.h"

#define OUT_CAP (1u << 20)

void out_init(struct out *o, int fd)
{
	o->fd = fd;
	o->cap = OUT_CAP;
	o->buf = malloc(o->cap);
	o->len = 0;
	o->err = o->buf ? 0 : ENOMEM;
}

int out_flush(struct out *o)
{
	size_t off = 0;

	while (off < o->len && !o->err) {
		ssize_t n = write(o->fd, o->buf + off, o->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			o->err = errno;
			break;
		}
		off += (size_t)n;
	}
	o->len = 0;
	return o->err ? -o->err : 0;
}

int out_close(struct out *o)
{
	int e = out_flush(o);
	free(o->buf);
	o->buf = NULL;
	return e;
}

static inline void reserve(struct out *o, size_t n)
{
	if (o->len + n > o->cap)
		out_flush(o);
}

void out_bytes_slow(struct out *o, const char *s, size_t n)
{
	if (!o->buf)
		return;
	if (n > o->cap) {
		out_flush(o);
		while (n && !o->err) {
			ssize_t w = write(o->fd, s, n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				o->err = errno;
				return;
			}
			s += w;
			n -= (size_t)w;
		}
		return;
	}
	reserve(o, n);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

void out_str(struct out *o, const char *s)
{
	out_bytes(o, s, strlen(s));
}

void out_char(struct out *o, char c)
{
	if (!o->buf)
		return;
	reserve(o, 1);
	o->buf[o->len++] = c;
}

void out_u64_slow(struct out *o, uint64_t v)
{
	out_u64(o, v);
}

void out_s64(struct out *o, int64_t v)
{
	if (v < 0) {
		out_char(o, '-');
		out_u64(o, (uint64_t)0 - (uint64_t)v);
	} else {
		out_u64(o, (uint64_t)v);
	}
}

void out_printf(struct out *o, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		out_bytes(o, tmp, (size_t)n);
		return;
	}
	{
		char *big = malloc((size_t)n + 1);
		if (!big)
			return;
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		out_bytes(o, big, (size_t)n);
		free(big);
	}
}

/* length of a valid UTF-8 sequence at s, or 0 */
static int utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	int n, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) { n = 2; cp = c & 0x1f; }
	else if (c >= 0xe0 && c <= 0xef) { n = 3; cp = c & 0x0f; }
	else if (c >= 0xf0 && c <= 0xf4) { n = 4; cp = c & 0x07; }
	else return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

void out_json_str(struct out *o, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;

	/* fast path: printable ASCII copied straight into the buffer */
	if (o->buf && o->cap - o->len >= 2) {
		char *d = o->buf + o->len, *end = o->buf + o->cap - 1;
		*d++ = '"';
		while (d < end && *s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\')
			*d++ = (char)*s++;
		if (!*s) { /* d <= end: room for the quote */
			*d++ = '"';
			o->len = (size_t)(d - o->buf);
			return;
		}
		o->len = (size_t)(d - o->buf);
	} else {
		out_char(o, '"');
	}
	while (*s) {
		const unsigned char *run = s;
		while (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\')
			s++;
		if (s > run)
			out_bytes(o, (const char *)run, (size_t)(s - run));
		if (!*s)
			break;
		switch (*s) {
		case '"': out_lit(o, "\\\""); s++; continue;
		case '\\': out_lit(o, "\\\\"); s++; continue;
		case '\n': out_lit(o, "\\n"); s++; continue;
		case '\t': out_lit(o, "\\t"); s++; continue;
		case '\r': out_lit(o, "\\r"); s++; continue;
		case '\b': out_lit(o, "\\b"); s++; continue;
		case '\f': out_lit(o, "\\f"); s++; continue;
		}
		if (*s >= 0x80) {
			int n = utf8_len(s);
			if (n) {
				out_bytes(o, (const char *)s, (size_t)n);
				s += n;
				continue;
			}
		}
		{
			char esc[6] = { '\\', 'u', '0', '0', hex[*s >> 4], hex[*s & 15] };
			out_bytes(o, esc, 6);
			s++;
		}
	}
	out_char(o, '"');
}
