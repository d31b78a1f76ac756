	.text
	.file	"clang-globals.c"
	.section	socket,"ax",@progbits
	.globl	prog                            # -- Begin function prog
	.p2align	3
	.type	prog,@function
prog:                                   # @prog
# %bb.0:
	r6 = r1
	r3 = *(u32 *)(r6 + 0)
	r1 = prog.fmt ll
	r2 = 8
	call 6
	r1 = pr ll
	r3 = *(u32 *)(r1 + 4)
	r1 = .L.str ll
	r2 = 7
	call 6
	r1 = counter ll
	r2 = *(u32 *)(r6 + 0)
	r3 = *(u32 *)(r1 + 0)
	r3 += r2
	*(u32 *)(r1 + 0) = r3
	r1 = *(u32 *)(r6 + 0)
	r2 = limit ll
	r2 = *(u32 *)(r2 + 0)
	r0 = -1
	if r2 >= r1 goto LBB0_2
# %bb.1:
	r0 = 0
LBB0_2:
	r1 &= 3
	r1 <<= 3
	r2 = scratch ll
	r2 += r1
	r1 = 1
	*(u64 *)(r2 + 0) = r1
	exit
.Lfunc_end0:
	.size	prog, .Lfunc_end0-prog
                                        # -- End function
	.type	counter,@object                 # @counter
	.data
	.globl	counter
	.p2align	2, 0x0
counter:
	.long	5                               # 0x5
	.size	counter, 4

	.type	limit,@object                   # @limit
	.section	.rodata,"a",@progbits
	.globl	limit
	.p2align	2, 0x0
limit:
	.long	100                             # 0x64
	.size	limit, 4

	.type	pr,@object                      # @pr
	.data
	.globl	pr
	.p2align	2, 0x0
pr:
	.long	1                               # 0x1
	.long	2                               # 0x2
	.size	pr, 8

	.type	prog.fmt,@object                # @prog.fmt
	.section	.rodata,"a",@progbits
prog.fmt:
	.asciz	"len %d\n"
	.size	prog.fmt, 8

	.type	.L.str,@object                  # @.str
	.section	.rodata.str1.1,"aMS",@progbits,1
.L.str:
	.asciz	"hi %d\n"
	.size	.L.str, 7

	.type	scratch,@object                 # @scratch
	.section	.bss,"aw",@nobits
	.globl	scratch
	.p2align	3, 0x0
scratch:
	.zero	32
	.size	scratch, 32

	.type	_license,@object                # @_license
	.section	license,"aw",@progbits
	.globl	_license
_license:
	.asciz	"GPL"
	.size	_license, 4

	.addrsig
	.addrsig_sym prog
	.addrsig_sym limit
	.addrsig_sym prog.fmt
	.addrsig_sym _license
