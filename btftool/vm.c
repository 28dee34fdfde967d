// SPDX-License-Identifier: BSD-2-Clause
#include "btftool.h"
#include "load.h"
int vm_run(const struct vm_opts *opts) { (void)opts; p_err("not yet"); return EXIT_ERROR; }
