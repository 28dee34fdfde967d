// SPDX-License-Identifier: BSD-2-Clause
/*
 * BPF object for tests/cli/dump_bpftool.sh: a typeless kernel symbol
 * (`extern const void sym __ksym`), the usual way BPF programs take the
 * address of a kernel object whose type they do not care about.  clang
 * emits it as VAR -> CONST -> void in the .ksyms DATASEC; bpftool dumps it.
 */
#define SEC(s) __attribute__((section(s), used))

extern const void bpf_link_fops __attribute__((section(".ksyms")));
extern const void init_task_sym __attribute__((section(".ksyms"), weak));

SEC("tc")
int take_addr(void *ctx)
{
	return (long)&bpf_link_fops == (long)ctx || &init_task_sym != 0;
}

char LICENSE[] SEC("license") = "GPL";
