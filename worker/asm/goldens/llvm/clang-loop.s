	.text
	.file	"clang-loop.c"
	.section	xdp,"ax",@progbits
	.globl	prog                            # -- Begin function prog
	.p2align	3
	.type	prog,@function
prog:                                   # @prog
# %bb.0:
	r1 = 0
	*(u64 *)(r10 - 8) = r1
	r3 = r10
	r3 += -8
	r1 = 10
	r2 = cb ll
	r4 = 0
	call 181
	r0 = *(u64 *)(r10 - 8)
	r0 &= 3
	exit
.Lfunc_end0:
	.size	prog, .Lfunc_end0-prog
                                        # -- End function
	.text
	.p2align	3                               # -- Begin function cb
	.type	cb,@function
cb:                                     # @cb
# %bb.0:
	r1 <<= 32
	r1 >>= 32
	r3 = *(u64 *)(r2 + 0)
	r3 += r1
	*(u64 *)(r2 + 0) = r3
	r0 = 0
	exit
.Lfunc_end1:
	.size	cb, .Lfunc_end1-cb
                                        # -- End function
	.type	_license,@object                # @_license
	.section	license,"aw",@progbits
	.globl	_license
_license:
	.asciz	"GPL"
	.size	_license, 4

	.addrsig
	.addrsig_sym prog
	.addrsig_sym cb
	.addrsig_sym _license
