; {"title": "seccomp: allow read/write, EPERM for openat", "type": "seccomp", "dialect": "cbpf", "summary": "A seccomp filter (classic BPF, installed with prctl(PR_SET_SECCOMP) or seccomp(2)) runs on every system call and reads struct seccomp_data: arch at offset 4, nr at 0. It kills the process when the call comes from another ABI (arch is not AUDIT_ARCH_X86_64), allows read, write and exit_group, makes openat fail with EPERM (SECCOMP_RET_ERRNO | 1), and kills the process on anything else.", "expect": {"read(": "pass", "openat": "drop", "execve": "drop"}}
; Check the ABI first: system call numbers differ between architectures.
	ld [4]                  ; A = seccomp_data.arch
	jne #0xc000003e, kill   ; not AUDIT_ARCH_X86_64
	ld [0]                  ; A = seccomp_data.nr
	jeq #0, allow           ; read
	jeq #1, allow           ; write
	jeq #231, allow         ; exit_group
	jeq #257, eperm         ; openat
kill:	ret #0x80000000         ; SECCOMP_RET_KILL_PROCESS
eperm:	ret #0x00050001         ; SECCOMP_RET_ERRNO | EPERM (1)
allow:	ret #0x7fff0000         ; SECCOMP_RET_ALLOW
