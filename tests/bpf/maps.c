// SPDX-License-Identifier: BSD-2-Clause
/*
 * BPF object for tests/cli/dump_bpftool.sh: BTF-defined maps the way
 * libbpf programs declare them (pointer-to-array encoded attributes),
 * several program sections and subprograms, a struct passed by value.
 */
typedef unsigned int u32;
typedef unsigned long long u64;

#define SEC(s) __attribute__((section(s), used))
/* map attribute encodings: the value lives in an array's element count */
#define MAP_UINT(name, val) int (*name)[val]
#define MAP_TYPE(name, val) typeof(val) *name
#define MAP_ARRAY(name, val) typeof(val) *name[]

enum map_type { MT_HASH = 1, MT_ARRAY = 2, MT_PROG_ARRAY = 3, MT_RINGBUF = 27 };

struct event {
	u64 ts;
	u32 pid;
	char comm[16];
};

struct {
	MAP_UINT(type, MT_HASH);
	MAP_UINT(max_entries, 10240);
	MAP_TYPE(key, u32);
	MAP_TYPE(value, struct event);
} events SEC(".maps");

struct {
	MAP_UINT(type, MT_ARRAY);
	MAP_UINT(max_entries, 1);
	MAP_TYPE(key, int);
	MAP_TYPE(value, u64);
} counters SEC(".maps");

struct {
	MAP_UINT(type, MT_RINGBUF);
	MAP_UINT(max_entries, 1 << 20);
} rb SEC(".maps");

int sub_a(int x);

struct {
	MAP_UINT(type, MT_PROG_ARRAY);
	MAP_UINT(max_entries, 2);
	MAP_UINT(key_size, sizeof(u32));
	MAP_ARRAY(values, int (void *));
} jmp_table SEC(".maps");

struct pair { long a, b; };

static __attribute__((noinline)) long sum_pair(struct pair p)
{
	return p.a + p.b;
}

__attribute__((noinline)) int sub_a(int x)
{
	return x * 3;
}

u64 hits SEC(".data.hits") = 0;
const volatile u32 filter_pid = 0;

SEC("kprobe/do_nanosleep")
int on_sleep(void *ctx)
{
	struct pair p = { filter_pid, (long)hits };

	hits++;
	return sub_a((int)sum_pair(p)) + (events.value != 0) + (counters.key != 0) + (rb.type != 0);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int on_open(void *ctx)
{
	return sub_a(1) + (jmp_table.values[0] != 0);
}

char _license[] SEC("license") = "Dual BSD/GPL";
