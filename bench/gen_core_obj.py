#!/usr/bin/env python3
"""Write a BPF C program with 200 CO-RE relocations over common kernel
structs (field offset + size of each field), for the core bench."""
import sys
FIELDS = {
 'task_struct': 'pid:int tgid:int flags:unsigned prio:int static_prio:int normal_prio:int rt_priority:unsigned exit_code:int exit_signal:int pdeath_signal:int utime:u64 stime:u64 gtime:u64 nvcsw:ulong nivcsw:ulong min_flt:ulong maj_flt:ulong start_time:u64 self_exec_id:u64 personality:unsigned',
 'mm_struct': 'mmap_base:ulong task_size:ulong pgd:ptr map_count:int total_vm:ulong locked_vm:ulong data_vm:ulong exec_vm:ulong stack_vm:ulong start_code:ulong end_code:ulong start_data:ulong end_data:ulong start_brk:ulong brk:ulong start_stack:ulong arg_start:ulong arg_end:ulong env_start:ulong env_end:ulong',
 'inode': 'i_mode:u16 i_opflags:u16 i_flags:unsigned i_ino:ulong i_rdev:unsigned i_size:s64 i_bytes:u16 i_blkbits:u8 i_blocks:u64 i_generation:unsigned i_private:ptr i_sb:ptr i_mapping:ptr dirtied_when:ulong dirtied_time_when:ulong i_fop:ptr i_op:ptr i_write_hint:u8 i_state:ulong i_version:u64',
 'file': 'f_mode:unsigned f_flags:unsigned f_pos:s64 f_inode:ptr f_op:ptr f_mapping:ptr private_data:ptr f_cred:ptr f_wb_err:unsigned f_sb_err:unsigned',
 'sk_buff': 'len:unsigned data_len:unsigned mac_len:u16 hdr_len:u16 priority:unsigned mark:unsigned protocol:u16 transport_header:u16 network_header:u16 mac_header:u16 tail:unsigned end:unsigned head:ptr data:ptr truesize:unsigned skb_iif:int hash:unsigned vlan_tci:u16 napi_id:unsigned tstamp:s64',
 'net_device': 'mtu:unsigned flags:unsigned ifindex:int type:u16 hard_header_len:u16 min_mtu:unsigned max_mtu:unsigned tx_queue_len:unsigned watchdog_timeo:int gso_max_size:unsigned',
}
CT = {'int': 'int', 'unsigned': 'unsigned int', 'u64': 'unsigned long long', 'ulong': 'unsigned long',
      'ptr': 'void *', 'u16': 'unsigned short', 's64': 'long long', 'u8': 'unsigned char'}
out = ['#include <linux/types.h>', '#include <bpf/bpf_helpers.h>', '#include <bpf/bpf_core_read.h>',
       'char LICENSE[] SEC("license") = "GPL";']
for s, fl in FIELDS.items():
    out.append('struct %s {' % s)
    for f in fl.split():
        n, t = f.split(':')
        out.append('\t%s %s;' % (CT[t], n))
    out.append('} __attribute__((preserve_access_index));')
out.append('unsigned long long res[256];')
out.append('SEC("tp/syscalls/sys_enter_execve")\nint bench(void *ctx)\n{')
i = 0
for s, fl in FIELDS.items():
    out.append('\t{\n\t\tstruct %s *p = (void *)bpf_get_current_task();' % s)
    for f in fl.split():
        n = f.split(':')[0]
        out.append('\t\tres[%d] = bpf_core_field_offset(p->%s) + bpf_core_field_size(p->%s);' % (i, n, n))
        i += 1
    out.append('\t}')
out.append('\treturn 0;\n}')
open(sys.argv[1], 'w').write('\n'.join(out) + '\n')
