// SPDX-License-Identifier: BSD-2-Clause
/* Error reporting shared by every module. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "image.h"
#include "internal.h"

static const char *const errc_names[BTFX_E__NR] = {
	[BTFX_OK] = "OK",
	[BTFX_E_IO] = "E_IO",
	[BTFX_E_NOMEM] = "E_NOMEM",
	[BTFX_E_USAGE] = "E_USAGE",
	[BTFX_E_FORMAT] = "E_FORMAT",
	[BTFX_E_HDR] = "E_HDR",
	[BTFX_E_SECTION] = "E_SECTION",
	[BTFX_E_STRTAB] = "E_STRTAB",
	[BTFX_E_LAYOUT] = "E_LAYOUT",
	[BTFX_E_TYPE_FRAME] = "E_TYPE_FRAME",
	[BTFX_E_KIND] = "E_KIND",
	[BTFX_E_NAME] = "E_NAME",
	[BTFX_E_REF] = "E_REF",
	[BTFX_E_LOOP] = "E_LOOP",
	[BTFX_E_DEPTH] = "E_DEPTH",
	[BTFX_E_SIZE] = "E_SIZE",
	[BTFX_E_MEMBER] = "E_MEMBER",
	[BTFX_E_KFLAG] = "E_KFLAG",
	[BTFX_E_LINKAGE] = "E_LINKAGE",
	[BTFX_E_DATASEC] = "E_DATASEC",
	[BTFX_E_TAG] = "E_TAG",
	[BTFX_E_LIMIT] = "E_LIMIT",
	[BTFX_E_ELF] = "E_ELF",
	[BTFX_E_IMAGE] = "E_IMAGE",
	[BTFX_E_NOBTF] = "E_NOBTF",
	[BTFX_E_EXT] = "E_EXT",
	[BTFX_E_NOTFOUND] = "E_NOTFOUND",
};

BTFX_API const char *btfx_errc_str(enum btfx_errc code)
{
	return (unsigned)code < BTFX_E__NR && errc_names[code] ? errc_names[code] : "E_UNKNOWN";
}

int btfx_set_err(struct btfx_error *err, enum btfx_errc code, int errnum, uint32_t type_id, int64_t offset,
		 const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		err->sys_errno = errnum;
		err->type_id = type_id;
		err->offset = offset;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	errno = errnum;
	return -errnum;
}
