	.text
	.file	"clang-xdp.c"
	.section	xdp,"ax",@progbits
	.globl	prog                            # -- Begin function prog
	.p2align	3
	.type	prog,@function
prog:                                   # @prog
# %bb.0:
	r1 = *(u32 *)(r1 + 12)
	*(u32 *)(r10 - 4) = r1
	r2 = r10
	r2 += -4
	r1 = counts ll
	call 1
	if r0 == 0 goto LBB0_2
# %bb.1:
	r1 = 1
	lock *(u64 *)(r0 + 0) += r1
LBB0_2:
	r0 = 2
	r1 = *(u32 *)(r10 - 4)
	r1 <<= 32
	r1 s>>= 32
	r2 = 101
	if r2 s> r1 goto LBB0_4
# %bb.3:
	call helper
LBB0_4:
	exit
.Lfunc_end0:
	.size	prog, .Lfunc_end0-prog
                                        # -- End function
	.text
	.p2align	3                               # -- Begin function helper
	.type	helper,@function
helper:                                 # @helper
# %bb.0:
	r0 = r1
	r0 *= 3
	r0 += 1
	exit
.Lfunc_end1:
	.size	helper, .Lfunc_end1-helper
                                        # -- End function
	.type	counts,@object                  # @counts
	.section	maps,"aw",@progbits
	.globl	counts
	.p2align	2, 0x0
counts:
	.long	1                               # 0x1
	.long	4                               # 0x4
	.long	8                               # 0x8
	.long	16                              # 0x10
	.size	counts, 16

	.type	_license,@object                # @_license
	.section	license,"aw",@progbits
	.globl	_license
_license:
	.asciz	"GPL"
	.size	_license, 4

	.addrsig
	.addrsig_sym prog
	.addrsig_sym counts
	.addrsig_sym _license
