	.text
	.file	"clang-xdp-g.c"
	.file	0 "/src" "clang-xdp-g.c" md5 0x66f2d73c20f1a9758748fbf3ac35d219
	.section	xdp,"ax",@progbits
	.globl	prog                            # -- Begin function prog
	.p2align	3
	.type	prog,@function
prog:                                   # @prog
.Lfunc_begin0:
	.cfi_sections .debug_frame
	.cfi_startproc
# %bb.0:
	#DEBUG_VALUE: prog:ctx <- $r1
	.loc	0 9 16 prologue_end             # clang-xdp-g.c:9:16
.Ltmp0:
	r1 = *(u32 *)(r1 + 12)
.Ltmp1:
.Ltmp2:
	.loc	0 9 7 is_stmt 0                 # clang-xdp-g.c:9:7
.Ltmp3:
	*(u32 *)(r10 - 4) = r1
	r2 = r10
	r2 += -4
	.loc	0 10 21 is_stmt 1               # clang-xdp-g.c:10:21
.Ltmp4:
	r1 = counts ll
	call 1
.Ltmp5:
.Ltmp6:
	#DEBUG_VALUE: prog:v <- $r0
	.loc	0 11 7                          # clang-xdp-g.c:11:7
.Ltmp7:
	if r0 == 0 goto LBB0_2
.Ltmp8:
.Ltmp9:
# %bb.1:
	#DEBUG_VALUE: prog:v <- $r0
	#DEBUG_VALUE: prog:v <- $r0
	.loc	0 0 7 is_stmt 0                 # clang-xdp-g.c:0:7
	r1 = 1
.Ltmp10:
	.loc	0 11 10                         # clang-xdp-g.c:11:10
.Ltmp11:
.Ltmp12:
	lock *(u64 *)(r0 + 0) += r1
.Ltmp13:
.Ltmp14:
LBB0_2:
	#DEBUG_VALUE: prog:v <- $r0
	.loc	0 0 10                          # clang-xdp-g.c:0:10
	r0 = 2
.Ltmp15:
.Ltmp16:
	.loc	0 12 7 is_stmt 1                # clang-xdp-g.c:12:7
.Ltmp17:
	r1 = *(u32 *)(r10 - 4)
	r1 <<= 32
	r1 s>>= 32
	r2 = 101
.Ltmp18:
.Ltmp19:
	.loc	0 12 7 is_stmt 0                # clang-xdp-g.c:12:7
.Ltmp20:
	if r2 s> r1 goto LBB0_4
# %bb.3:
.Ltmp21:
	.loc	0 12 23                         # clang-xdp-g.c:12:23
.Ltmp22:
.Ltmp23:
	call helper
.Ltmp24:
.Ltmp25:
LBB0_4:
	.loc	0 14 1 is_stmt 1                # clang-xdp-g.c:14:1
.Ltmp26:
	exit
.Ltmp27:
.Ltmp28:
.Lfunc_end0:
	.size	prog, .Lfunc_end0-prog
	.cfi_endproc
                                        # -- End function
	.text
	.p2align	3                               # -- Begin function helper
	.type	helper,@function
helper:                                 # @helper
.Lfunc_begin1:
	.loc	0 7 0                           # clang-xdp-g.c:7:0
	.cfi_startproc
# %bb.0:
	#DEBUG_VALUE: helper:a <- $r1
	r0 = r1
.Ltmp29:
.Ltmp30:
	#DEBUG_VALUE: helper:a <- $r0
	.loc	0 7 63 prologue_end             # clang-xdp-g.c:7:63
.Ltmp31:
	r0 *= 3
.Ltmp32:
.Ltmp33:
	.loc	0 7 67 is_stmt 0                # clang-xdp-g.c:7:67
.Ltmp34:
	r0 += 1
	.loc	0 7 54                          # clang-xdp-g.c:7:54
.Ltmp35:
	exit
.Ltmp36:
.Ltmp37:
.Lfunc_end1:
	.size	helper, .Lfunc_end1-helper
	.cfi_endproc
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

	.section	.debug_loclists,"",@progbits
	.long	.Ldebug_list_header_end0-.Ldebug_list_header_start0 # Length
.Ldebug_list_header_start0:
	.short	5                               # Version
	.byte	8                               # Address size
	.byte	0                               # Segment selector size
	.long	3                               # Offset entry count
.Lloclists_table_base0:
	.long	.Ldebug_loc0-.Lloclists_table_base0
	.long	.Ldebug_loc1-.Lloclists_table_base0
	.long	.Ldebug_loc2-.Lloclists_table_base0
.Ldebug_loc0:
	.byte	3                               # DW_LLE_startx_length
	.byte	2                               #   start index
	.uleb128 .Ltmp1-.Lfunc_begin0           #   length
	.byte	1                               # Loc expr size
	.byte	81                              # DW_OP_reg1
	.byte	0                               # DW_LLE_end_of_list
.Ldebug_loc1:
	.byte	1                               # DW_LLE_base_addressx
	.byte	2                               #   base address index
	.byte	4                               # DW_LLE_offset_pair
	.uleb128 .Ltmp5-.Lfunc_begin0           #   starting offset
	.uleb128 .Ltmp15-.Lfunc_begin0          #   ending offset
	.byte	1                               # Loc expr size
	.byte	80                              # DW_OP_reg0
	.byte	0                               # DW_LLE_end_of_list
.Ldebug_loc2:
	.byte	1                               # DW_LLE_base_addressx
	.byte	4                               #   base address index
	.byte	4                               # DW_LLE_offset_pair
	.uleb128 .Lfunc_begin1-.Lfunc_begin1    #   starting offset
	.uleb128 .Ltmp29-.Lfunc_begin1          #   ending offset
	.byte	1                               # Loc expr size
	.byte	81                              # DW_OP_reg1
	.byte	4                               # DW_LLE_offset_pair
	.uleb128 .Ltmp29-.Lfunc_begin1          #   starting offset
	.uleb128 .Ltmp32-.Lfunc_begin1          #   ending offset
	.byte	1                               # Loc expr size
	.byte	80                              # DW_OP_reg0
	.byte	0                               # DW_LLE_end_of_list
.Ldebug_list_header_end0:
	.section	.debug_abbrev,"",@progbits
	.byte	1                               # Abbreviation Code
	.byte	17                              # DW_TAG_compile_unit
	.byte	1                               # DW_CHILDREN_yes
	.byte	37                              # DW_AT_producer
	.byte	37                              # DW_FORM_strx1
	.byte	19                              # DW_AT_language
	.byte	5                               # DW_FORM_data2
	.byte	3                               # DW_AT_name
	.byte	37                              # DW_FORM_strx1
	.byte	114                             # DW_AT_str_offsets_base
	.byte	23                              # DW_FORM_sec_offset
	.byte	16                              # DW_AT_stmt_list
	.byte	23                              # DW_FORM_sec_offset
	.byte	27                              # DW_AT_comp_dir
	.byte	37                              # DW_FORM_strx1
	.byte	17                              # DW_AT_low_pc
	.byte	1                               # DW_FORM_addr
	.byte	85                              # DW_AT_ranges
	.byte	35                              # DW_FORM_rnglistx
	.byte	115                             # DW_AT_addr_base
	.byte	23                              # DW_FORM_sec_offset
	.byte	116                             # DW_AT_rnglists_base
	.byte	23                              # DW_FORM_sec_offset
	.ascii	"\214\001"                      # DW_AT_loclists_base
	.byte	23                              # DW_FORM_sec_offset
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	2                               # Abbreviation Code
	.byte	52                              # DW_TAG_variable
	.byte	0                               # DW_CHILDREN_no
	.byte	3                               # DW_AT_name
	.byte	37                              # DW_FORM_strx1
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	63                              # DW_AT_external
	.byte	25                              # DW_FORM_flag_present
	.byte	58                              # DW_AT_decl_file
	.byte	11                              # DW_FORM_data1
	.byte	59                              # DW_AT_decl_line
	.byte	11                              # DW_FORM_data1
	.byte	2                               # DW_AT_location
	.byte	24                              # DW_FORM_exprloc
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	3                               # Abbreviation Code
	.byte	19                              # DW_TAG_structure_type
	.byte	1                               # DW_CHILDREN_yes
	.byte	3                               # DW_AT_name
	.byte	37                              # DW_FORM_strx1
	.byte	11                              # DW_AT_byte_size
	.byte	11                              # DW_FORM_data1
	.byte	58                              # DW_AT_decl_file
	.byte	11                              # DW_FORM_data1
	.byte	59                              # DW_AT_decl_line
	.byte	11                              # DW_FORM_data1
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	4                               # Abbreviation Code
	.byte	13                              # DW_TAG_member
	.byte	0                               # DW_CHILDREN_no
	.byte	3                               # DW_AT_name
	.byte	37                              # DW_FORM_strx1
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	58                              # DW_AT_decl_file
	.byte	11                              # DW_FORM_data1
	.byte	59                              # DW_AT_decl_line
	.byte	11                              # DW_FORM_data1
	.byte	56                              # DW_AT_data_member_location
	.byte	11                              # DW_FORM_data1
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	5                               # Abbreviation Code
	.byte	36                              # DW_TAG_base_type
	.byte	0                               # DW_CHILDREN_no
	.byte	3                               # DW_AT_name
	.byte	37                              # DW_FORM_strx1
	.byte	62                              # DW_AT_encoding
	.byte	11                              # DW_FORM_data1
	.byte	11                              # DW_AT_byte_size
	.byte	11                              # DW_FORM_data1
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	6                               # Abbreviation Code
	.byte	1                               # DW_TAG_array_type
	.byte	1                               # DW_CHILDREN_yes
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	7                               # Abbreviation Code
	.byte	33                              # DW_TAG_subrange_type
	.byte	0                               # DW_CHILDREN_no
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	55                              # DW_AT_count
	.byte	11                              # DW_FORM_data1
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	8                               # Abbreviation Code
	.byte	36                              # DW_TAG_base_type
	.byte	0                               # DW_CHILDREN_no
	.byte	3                               # DW_AT_name
	.byte	37                              # DW_FORM_strx1
	.byte	11                              # DW_AT_byte_size
	.byte	11                              # DW_FORM_data1
	.byte	62                              # DW_AT_encoding
	.byte	11                              # DW_FORM_data1
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	9                               # Abbreviation Code
	.byte	52                              # DW_TAG_variable
	.byte	0                               # DW_CHILDREN_no
	.byte	3                               # DW_AT_name
	.byte	37                              # DW_FORM_strx1
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	58                              # DW_AT_decl_file
	.byte	11                              # DW_FORM_data1
	.byte	59                              # DW_AT_decl_line
	.byte	11                              # DW_FORM_data1
	.byte	28                              # DW_AT_const_value
	.byte	15                              # DW_FORM_udata
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	10                              # Abbreviation Code
	.byte	15                              # DW_TAG_pointer_type
	.byte	0                               # DW_CHILDREN_no
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	11                              # Abbreviation Code
	.byte	21                              # DW_TAG_subroutine_type
	.byte	1                               # DW_CHILDREN_yes
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	39                              # DW_AT_prototyped
	.byte	25                              # DW_FORM_flag_present
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	12                              # Abbreviation Code
	.byte	5                               # DW_TAG_formal_parameter
	.byte	0                               # DW_CHILDREN_no
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	13                              # Abbreviation Code
	.byte	15                              # DW_TAG_pointer_type
	.byte	0                               # DW_CHILDREN_no
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	14                              # Abbreviation Code
	.byte	38                              # DW_TAG_const_type
	.byte	0                               # DW_CHILDREN_no
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	15                              # Abbreviation Code
	.byte	46                              # DW_TAG_subprogram
	.byte	1                               # DW_CHILDREN_yes
	.byte	17                              # DW_AT_low_pc
	.byte	27                              # DW_FORM_addrx
	.byte	18                              # DW_AT_high_pc
	.byte	6                               # DW_FORM_data4
	.byte	64                              # DW_AT_frame_base
	.byte	24                              # DW_FORM_exprloc
	.byte	122                             # DW_AT_call_all_calls
	.byte	25                              # DW_FORM_flag_present
	.byte	3                               # DW_AT_name
	.byte	37                              # DW_FORM_strx1
	.byte	58                              # DW_AT_decl_file
	.byte	11                              # DW_FORM_data1
	.byte	59                              # DW_AT_decl_line
	.byte	11                              # DW_FORM_data1
	.byte	39                              # DW_AT_prototyped
	.byte	25                              # DW_FORM_flag_present
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	63                              # DW_AT_external
	.byte	25                              # DW_FORM_flag_present
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	16                              # Abbreviation Code
	.byte	5                               # DW_TAG_formal_parameter
	.byte	0                               # DW_CHILDREN_no
	.byte	2                               # DW_AT_location
	.byte	34                              # DW_FORM_loclistx
	.byte	3                               # DW_AT_name
	.byte	37                              # DW_FORM_strx1
	.byte	58                              # DW_AT_decl_file
	.byte	11                              # DW_FORM_data1
	.byte	59                              # DW_AT_decl_line
	.byte	11                              # DW_FORM_data1
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	17                              # Abbreviation Code
	.byte	52                              # DW_TAG_variable
	.byte	0                               # DW_CHILDREN_no
	.byte	2                               # DW_AT_location
	.byte	24                              # DW_FORM_exprloc
	.byte	3                               # DW_AT_name
	.byte	37                              # DW_FORM_strx1
	.byte	58                              # DW_AT_decl_file
	.byte	11                              # DW_FORM_data1
	.byte	59                              # DW_AT_decl_line
	.byte	11                              # DW_FORM_data1
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	18                              # Abbreviation Code
	.byte	52                              # DW_TAG_variable
	.byte	0                               # DW_CHILDREN_no
	.byte	2                               # DW_AT_location
	.byte	34                              # DW_FORM_loclistx
	.byte	3                               # DW_AT_name
	.byte	37                              # DW_FORM_strx1
	.byte	58                              # DW_AT_decl_file
	.byte	11                              # DW_FORM_data1
	.byte	59                              # DW_AT_decl_line
	.byte	11                              # DW_FORM_data1
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	19                              # Abbreviation Code
	.byte	72                              # DW_TAG_call_site
	.byte	0                               # DW_CHILDREN_no
	.byte	127                             # DW_AT_call_origin
	.byte	19                              # DW_FORM_ref4
	.byte	125                             # DW_AT_call_return_pc
	.byte	27                              # DW_FORM_addrx
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	20                              # Abbreviation Code
	.byte	46                              # DW_TAG_subprogram
	.byte	1                               # DW_CHILDREN_yes
	.byte	17                              # DW_AT_low_pc
	.byte	27                              # DW_FORM_addrx
	.byte	18                              # DW_AT_high_pc
	.byte	6                               # DW_FORM_data4
	.byte	64                              # DW_AT_frame_base
	.byte	24                              # DW_FORM_exprloc
	.byte	122                             # DW_AT_call_all_calls
	.byte	25                              # DW_FORM_flag_present
	.byte	3                               # DW_AT_name
	.byte	37                              # DW_FORM_strx1
	.byte	58                              # DW_AT_decl_file
	.byte	11                              # DW_FORM_data1
	.byte	59                              # DW_AT_decl_line
	.byte	11                              # DW_FORM_data1
	.byte	39                              # DW_AT_prototyped
	.byte	25                              # DW_FORM_flag_present
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	0                               # EOM(3)
	.section	.debug_info,"",@progbits
.Lcu_begin0:
	.long	.Ldebug_info_end0-.Ldebug_info_start0 # Length of Unit
.Ldebug_info_start0:
	.short	5                               # DWARF version number
	.byte	1                               # DWARF Unit Type
	.byte	8                               # Address Size (in bytes)
	.long	.debug_abbrev                   # Offset Into Abbrev. Section
	.byte	1                               # Abbrev [1] 0xc:0x13b DW_TAG_compile_unit
	.byte	0                               # DW_AT_producer
	.short	29                              # DW_AT_language
	.byte	1                               # DW_AT_name
	.long	.Lstr_offsets_base0             # DW_AT_str_offsets_base
	.long	.Lline_table_start0             # DW_AT_stmt_list
	.byte	2                               # DW_AT_comp_dir
	.quad	0                               # DW_AT_low_pc
	.byte	0                               # DW_AT_ranges
	.long	.Laddr_table_base0              # DW_AT_addr_base
	.long	.Lrnglists_table_base0          # DW_AT_rnglists_base
	.long	.Lloclists_table_base0          # DW_AT_loclists_base
	.byte	2                               # Abbrev [2] 0x2f:0xb DW_TAG_variable
	.byte	3                               # DW_AT_name
	.long	58                              # DW_AT_type
                                        # DW_AT_external
	.byte	0                               # DW_AT_decl_file
	.byte	6                               # DW_AT_decl_line
	.byte	2                               # DW_AT_location
	.byte	161
	.byte	0
	.byte	3                               # Abbrev [3] 0x3a:0x2a DW_TAG_structure_type
	.byte	9                               # DW_AT_name
	.byte	16                              # DW_AT_byte_size
	.byte	0                               # DW_AT_decl_file
	.byte	3                               # DW_AT_decl_line
	.byte	4                               # Abbrev [4] 0x3f:0x9 DW_TAG_member
	.byte	4                               # DW_AT_name
	.long	100                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	3                               # DW_AT_decl_line
	.byte	0                               # DW_AT_data_member_location
	.byte	4                               # Abbrev [4] 0x48:0x9 DW_TAG_member
	.byte	6                               # DW_AT_name
	.long	100                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	3                               # DW_AT_decl_line
	.byte	4                               # DW_AT_data_member_location
	.byte	4                               # Abbrev [4] 0x51:0x9 DW_TAG_member
	.byte	7                               # DW_AT_name
	.long	100                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	3                               # DW_AT_decl_line
	.byte	8                               # DW_AT_data_member_location
	.byte	4                               # Abbrev [4] 0x5a:0x9 DW_TAG_member
	.byte	8                               # DW_AT_name
	.long	100                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	3                               # DW_AT_decl_line
	.byte	12                              # DW_AT_data_member_location
	.byte	0                               # End Of Children Mark
	.byte	5                               # Abbrev [5] 0x64:0x4 DW_TAG_base_type
	.byte	5                               # DW_AT_name
	.byte	7                               # DW_AT_encoding
	.byte	4                               # DW_AT_byte_size
	.byte	2                               # Abbrev [2] 0x68:0xb DW_TAG_variable
	.byte	10                              # DW_AT_name
	.long	115                             # DW_AT_type
                                        # DW_AT_external
	.byte	0                               # DW_AT_decl_file
	.byte	15                              # DW_AT_decl_line
	.byte	2                               # DW_AT_location
	.byte	161
	.byte	1
	.byte	6                               # Abbrev [6] 0x73:0xc DW_TAG_array_type
	.long	127                             # DW_AT_type
	.byte	7                               # Abbrev [7] 0x78:0x6 DW_TAG_subrange_type
	.long	131                             # DW_AT_type
	.byte	4                               # DW_AT_count
	.byte	0                               # End Of Children Mark
	.byte	5                               # Abbrev [5] 0x7f:0x4 DW_TAG_base_type
	.byte	11                              # DW_AT_name
	.byte	6                               # DW_AT_encoding
	.byte	1                               # DW_AT_byte_size
	.byte	8                               # Abbrev [8] 0x83:0x4 DW_TAG_base_type
	.byte	12                              # DW_AT_name
	.byte	8                               # DW_AT_byte_size
	.byte	7                               # DW_AT_encoding
	.byte	9                               # Abbrev [9] 0x87:0x9 DW_TAG_variable
	.byte	13                              # DW_AT_name
	.long	144                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	5                               # DW_AT_decl_line
	.byte	1                               # DW_AT_const_value
	.byte	10                              # Abbrev [10] 0x90:0x5 DW_TAG_pointer_type
	.long	149                             # DW_AT_type
	.byte	11                              # Abbrev [11] 0x95:0x10 DW_TAG_subroutine_type
	.long	165                             # DW_AT_type
                                        # DW_AT_prototyped
	.byte	12                              # Abbrev [12] 0x9a:0x5 DW_TAG_formal_parameter
	.long	169                             # DW_AT_type
	.byte	12                              # Abbrev [12] 0x9f:0x5 DW_TAG_formal_parameter
	.long	170                             # DW_AT_type
	.byte	0                               # End Of Children Mark
	.byte	5                               # Abbrev [5] 0xa5:0x4 DW_TAG_base_type
	.byte	14                              # DW_AT_name
	.byte	5                               # DW_AT_encoding
	.byte	8                               # DW_AT_byte_size
	.byte	13                              # Abbrev [13] 0xa9:0x1 DW_TAG_pointer_type
	.byte	10                              # Abbrev [10] 0xaa:0x5 DW_TAG_pointer_type
	.long	175                             # DW_AT_type
	.byte	14                              # Abbrev [14] 0xaf:0x1 DW_TAG_const_type
	.byte	10                              # Abbrev [10] 0xb0:0x5 DW_TAG_pointer_type
	.long	165                             # DW_AT_type
	.byte	15                              # Abbrev [15] 0xb5:0x33 DW_TAG_subprogram
	.byte	2                               # DW_AT_low_pc
	.long	.Lfunc_end0-.Lfunc_begin0       # DW_AT_high_pc
	.byte	1                               # DW_AT_frame_base
	.byte	90
                                        # DW_AT_call_all_calls
	.byte	15                              # DW_AT_name
	.byte	0                               # DW_AT_decl_file
	.byte	8                               # DW_AT_decl_line
                                        # DW_AT_prototyped
	.long	257                             # DW_AT_type
                                        # DW_AT_external
	.byte	16                              # Abbrev [16] 0xc4:0x9 DW_TAG_formal_parameter
	.byte	0                               # DW_AT_location
	.byte	19                              # DW_AT_name
	.byte	0                               # DW_AT_decl_file
	.byte	8                               # DW_AT_decl_line
	.long	261                             # DW_AT_type
	.byte	17                              # Abbrev [17] 0xcd:0xb DW_TAG_variable
	.byte	2                               # DW_AT_location
	.byte	145
	.byte	4
	.byte	18                              # DW_AT_name
	.byte	0                               # DW_AT_decl_file
	.byte	9                               # DW_AT_decl_line
	.long	257                             # DW_AT_type
	.byte	18                              # Abbrev [18] 0xd8:0x9 DW_TAG_variable
	.byte	1                               # DW_AT_location
	.byte	27                              # DW_AT_name
	.byte	0                               # DW_AT_decl_file
	.byte	10                              # DW_AT_decl_line
	.long	176                             # DW_AT_type
	.byte	19                              # Abbrev [19] 0xe1:0x6 DW_TAG_call_site
	.long	232                             # DW_AT_call_origin
	.byte	3                               # DW_AT_call_return_pc
	.byte	0                               # End Of Children Mark
	.byte	20                              # Abbrev [20] 0xe8:0x19 DW_TAG_subprogram
	.byte	4                               # DW_AT_low_pc
	.long	.Lfunc_end1-.Lfunc_begin1       # DW_AT_high_pc
	.byte	1                               # DW_AT_frame_base
	.byte	90
                                        # DW_AT_call_all_calls
	.byte	17                              # DW_AT_name
	.byte	0                               # DW_AT_decl_file
	.byte	7                               # DW_AT_decl_line
                                        # DW_AT_prototyped
	.long	257                             # DW_AT_type
	.byte	16                              # Abbrev [16] 0xf7:0x9 DW_TAG_formal_parameter
	.byte	2                               # DW_AT_location
	.byte	28                              # DW_AT_name
	.byte	0                               # DW_AT_decl_file
	.byte	7                               # DW_AT_decl_line
	.long	257                             # DW_AT_type
	.byte	0                               # End Of Children Mark
	.byte	5                               # Abbrev [5] 0x101:0x4 DW_TAG_base_type
	.byte	16                              # DW_AT_name
	.byte	5                               # DW_AT_encoding
	.byte	4                               # DW_AT_byte_size
	.byte	10                              # Abbrev [10] 0x105:0x5 DW_TAG_pointer_type
	.long	266                             # DW_AT_type
	.byte	3                               # Abbrev [3] 0x10a:0x3c DW_TAG_structure_type
	.byte	26                              # DW_AT_name
	.byte	24                              # DW_AT_byte_size
	.byte	0                               # DW_AT_decl_file
	.byte	2                               # DW_AT_decl_line
	.byte	4                               # Abbrev [4] 0x10f:0x9 DW_TAG_member
	.byte	20                              # DW_AT_name
	.long	100                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	2                               # DW_AT_decl_line
	.byte	0                               # DW_AT_data_member_location
	.byte	4                               # Abbrev [4] 0x118:0x9 DW_TAG_member
	.byte	21                              # DW_AT_name
	.long	100                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	2                               # DW_AT_decl_line
	.byte	4                               # DW_AT_data_member_location
	.byte	4                               # Abbrev [4] 0x121:0x9 DW_TAG_member
	.byte	22                              # DW_AT_name
	.long	100                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	2                               # DW_AT_decl_line
	.byte	8                               # DW_AT_data_member_location
	.byte	4                               # Abbrev [4] 0x12a:0x9 DW_TAG_member
	.byte	23                              # DW_AT_name
	.long	100                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	2                               # DW_AT_decl_line
	.byte	12                              # DW_AT_data_member_location
	.byte	4                               # Abbrev [4] 0x133:0x9 DW_TAG_member
	.byte	24                              # DW_AT_name
	.long	100                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	2                               # DW_AT_decl_line
	.byte	16                              # DW_AT_data_member_location
	.byte	4                               # Abbrev [4] 0x13c:0x9 DW_TAG_member
	.byte	25                              # DW_AT_name
	.long	100                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	2                               # DW_AT_decl_line
	.byte	20                              # DW_AT_data_member_location
	.byte	0                               # End Of Children Mark
	.byte	0                               # End Of Children Mark
.Ldebug_info_end0:
	.section	.debug_rnglists,"",@progbits
	.long	.Ldebug_list_header_end1-.Ldebug_list_header_start1 # Length
.Ldebug_list_header_start1:
	.short	5                               # Version
	.byte	8                               # Address size
	.byte	0                               # Segment selector size
	.long	1                               # Offset entry count
.Lrnglists_table_base0:
	.long	.Ldebug_ranges0-.Lrnglists_table_base0
.Ldebug_ranges0:
	.byte	3                               # DW_RLE_startx_length
	.byte	2                               #   start index
	.uleb128 .Lfunc_end0-.Lfunc_begin0      #   length
	.byte	3                               # DW_RLE_startx_length
	.byte	4                               #   start index
	.uleb128 .Lfunc_end1-.Lfunc_begin1      #   length
	.byte	0                               # DW_RLE_end_of_list
.Ldebug_list_header_end1:
	.section	.debug_str_offsets,"",@progbits
	.long	120                             # Length of String Offsets Set
	.short	5
	.short	0
.Lstr_offsets_base0:
	.section	.debug_str,"MS",@progbits,1
.Linfo_string0:
	.asciz	"Debian clang version 19.1.7 (3~deb12u1)" # string offset=0
.Linfo_string1:
	.asciz	"clang-xdp-g.c"                 # string offset=40
.Linfo_string2:
	.asciz	"/src"                          # string offset=54
.Linfo_string3:
	.asciz	"counts"                        # string offset=59
.Linfo_string4:
	.asciz	"type"                          # string offset=66
.Linfo_string5:
	.asciz	"unsigned int"                  # string offset=71
.Linfo_string6:
	.asciz	"key_size"                      # string offset=84
.Linfo_string7:
	.asciz	"value_size"                    # string offset=93
.Linfo_string8:
	.asciz	"max_entries"                   # string offset=104
.Linfo_string9:
	.asciz	"bpf_map_def"                   # string offset=116
.Linfo_string10:
	.asciz	"_license"                      # string offset=128
.Linfo_string11:
	.asciz	"char"                          # string offset=137
.Linfo_string12:
	.asciz	"__ARRAY_SIZE_TYPE__"           # string offset=142
.Linfo_string13:
	.asciz	"bpf_map_lookup_elem"           # string offset=162
.Linfo_string14:
	.asciz	"long"                          # string offset=182
.Linfo_string15:
	.asciz	"prog"                          # string offset=187
.Linfo_string16:
	.asciz	"int"                           # string offset=192
.Linfo_string17:
	.asciz	"helper"                        # string offset=196
.Linfo_string18:
	.asciz	"k"                             # string offset=203
.Linfo_string19:
	.asciz	"ctx"                           # string offset=205
.Linfo_string20:
	.asciz	"data"                          # string offset=209
.Linfo_string21:
	.asciz	"data_end"                      # string offset=214
.Linfo_string22:
	.asciz	"data_meta"                     # string offset=223
.Linfo_string23:
	.asciz	"ingress_ifindex"               # string offset=233
.Linfo_string24:
	.asciz	"rx_queue_index"                # string offset=249
.Linfo_string25:
	.asciz	"egress_ifindex"                # string offset=264
.Linfo_string26:
	.asciz	"xdp_md"                        # string offset=279
.Linfo_string27:
	.asciz	"v"                             # string offset=286
.Linfo_string28:
	.asciz	"a"                             # string offset=288
	.section	.debug_str_offsets,"",@progbits
	.long	.Linfo_string0
	.long	.Linfo_string1
	.long	.Linfo_string2
	.long	.Linfo_string3
	.long	.Linfo_string4
	.long	.Linfo_string5
	.long	.Linfo_string6
	.long	.Linfo_string7
	.long	.Linfo_string8
	.long	.Linfo_string9
	.long	.Linfo_string10
	.long	.Linfo_string11
	.long	.Linfo_string12
	.long	.Linfo_string13
	.long	.Linfo_string14
	.long	.Linfo_string15
	.long	.Linfo_string16
	.long	.Linfo_string17
	.long	.Linfo_string18
	.long	.Linfo_string19
	.long	.Linfo_string20
	.long	.Linfo_string21
	.long	.Linfo_string22
	.long	.Linfo_string23
	.long	.Linfo_string24
	.long	.Linfo_string25
	.long	.Linfo_string26
	.long	.Linfo_string27
	.long	.Linfo_string28
	.section	.debug_addr,"",@progbits
	.long	.Ldebug_addr_end0-.Ldebug_addr_start0 # Length of contribution
.Ldebug_addr_start0:
	.short	5                               # DWARF version number
	.byte	8                               # Address size
	.byte	0                               # Segment selector size
.Laddr_table_base0:
	.quad	counts
	.quad	_license
	.quad	.Lfunc_begin0
	.quad	.Ltmp24
	.quad	.Lfunc_begin1
.Ldebug_addr_end0:
	.section	.BTF,"",@progbits
	.short	60319                           # 0xeb9f
	.byte	1
	.byte	0
	.long	24
	.long	0
	.long	388
	.long	388
	.long	245
	.long	0                               # BTF_KIND_PTR(id = 1)
	.long	33554432                        # 0x2000000
	.long	2
	.long	1                               # BTF_KIND_STRUCT(id = 2)
	.long	67108870                        # 0x4000006
	.long	24
	.long	8
	.long	3
	.long	0                               # 0x0
	.long	13
	.long	3
	.long	32                              # 0x20
	.long	22
	.long	3
	.long	64                              # 0x40
	.long	32
	.long	3
	.long	96                              # 0x60
	.long	48
	.long	3
	.long	128                             # 0x80
	.long	63
	.long	3
	.long	160                             # 0xa0
	.long	78                              # BTF_KIND_INT(id = 3)
	.long	16777216                        # 0x1000000
	.long	4
	.long	32                              # 0x20
	.long	0                               # BTF_KIND_FUNC_PROTO(id = 4)
	.long	218103809                       # 0xd000001
	.long	5
	.long	91
	.long	1
	.long	95                              # BTF_KIND_INT(id = 5)
	.long	16777216                        # 0x1000000
	.long	4
	.long	16777248                        # 0x1000020
	.long	99                              # BTF_KIND_FUNC(id = 6)
	.long	201326593                       # 0xc000001
	.long	4
	.long	0                               # BTF_KIND_FUNC_PROTO(id = 7)
	.long	218103809                       # 0xd000001
	.long	5
	.long	127
	.long	5
	.long	129                             # BTF_KIND_FUNC(id = 8)
	.long	201326592                       # 0xc000000
	.long	7
	.long	142                             # BTF_KIND_STRUCT(id = 9)
	.long	67108868                        # 0x4000004
	.long	16
	.long	154
	.long	3
	.long	0                               # 0x0
	.long	159
	.long	3
	.long	32                              # 0x20
	.long	168
	.long	3
	.long	64                              # 0x40
	.long	179
	.long	3
	.long	96                              # 0x60
	.long	191                             # BTF_KIND_VAR(id = 10)
	.long	234881024                       # 0xe000000
	.long	9
	.long	1
	.long	198                             # BTF_KIND_INT(id = 11)
	.long	16777216                        # 0x1000000
	.long	1
	.long	16777224                        # 0x1000008
	.long	0                               # BTF_KIND_ARRAY(id = 12)
	.long	50331648                        # 0x3000000
	.long	0
	.long	11
	.long	13
	.long	4
	.long	203                             # BTF_KIND_INT(id = 13)
	.long	16777216                        # 0x1000000
	.long	4
	.long	32                              # 0x20
	.long	223                             # BTF_KIND_VAR(id = 14)
	.long	234881024                       # 0xe000000
	.long	12
	.long	1
	.long	232                             # BTF_KIND_DATASEC(id = 15)
	.long	251658241                       # 0xf000001
	.long	0
	.long	14
	.long	_license
	.long	4
	.long	240                             # BTF_KIND_DATASEC(id = 16)
	.long	251658241                       # 0xf000001
	.long	0
	.long	10
	.long	counts
	.long	16
	.byte	0                               # string offset=0
	.ascii	"xdp_md"                        # string offset=1
	.byte	0
	.ascii	"data"                          # string offset=8
	.byte	0
	.ascii	"data_end"                      # string offset=13
	.byte	0
	.ascii	"data_meta"                     # string offset=22
	.byte	0
	.ascii	"ingress_ifindex"               # string offset=32
	.byte	0
	.ascii	"rx_queue_index"                # string offset=48
	.byte	0
	.ascii	"egress_ifindex"                # string offset=63
	.byte	0
	.ascii	"unsigned int"                  # string offset=78
	.byte	0
	.ascii	"ctx"                           # string offset=91
	.byte	0
	.ascii	"int"                           # string offset=95
	.byte	0
	.ascii	"prog"                          # string offset=99
	.byte	0
	.ascii	"xdp"                           # string offset=104
	.byte	0
	.ascii	"/src/clang-xdp-g.c"            # string offset=108
	.byte	0
	.byte	97                              # string offset=127
	.byte	0
	.ascii	"helper"                        # string offset=129
	.byte	0
	.ascii	".text"                         # string offset=136
	.byte	0
	.ascii	"bpf_map_def"                   # string offset=142
	.byte	0
	.ascii	"type"                          # string offset=154
	.byte	0
	.ascii	"key_size"                      # string offset=159
	.byte	0
	.ascii	"value_size"                    # string offset=168
	.byte	0
	.ascii	"max_entries"                   # string offset=179
	.byte	0
	.ascii	"counts"                        # string offset=191
	.byte	0
	.ascii	"char"                          # string offset=198
	.byte	0
	.ascii	"__ARRAY_SIZE_TYPE__"           # string offset=203
	.byte	0
	.ascii	"_license"                      # string offset=223
	.byte	0
	.ascii	"license"                       # string offset=232
	.byte	0
	.ascii	"maps"                          # string offset=240
	.byte	0
	.section	.BTF.ext,"",@progbits
	.short	60319                           # 0xeb9f
	.byte	1
	.byte	0
	.long	32
	.long	0
	.long	36
	.long	36
	.long	228
	.long	264
	.long	0
	.long	8                               # FuncInfo
	.long	104                             # FuncInfo section string offset=104
	.long	1
	.long	.Lfunc_begin0
	.long	6
	.long	136                             # FuncInfo section string offset=136
	.long	1
	.long	.Lfunc_begin1
	.long	8
	.long	16                              # LineInfo
	.long	104                             # LineInfo section string offset=104
	.long	9
	.long	.Ltmp0
	.long	108
	.long	0
	.long	9232                            # Line 9 Col 16
	.long	.Ltmp3
	.long	108
	.long	0
	.long	9223                            # Line 9 Col 7
	.long	.Ltmp4
	.long	108
	.long	0
	.long	10261                           # Line 10 Col 21
	.long	.Ltmp7
	.long	108
	.long	0
	.long	11271                           # Line 11 Col 7
	.long	.Ltmp12
	.long	108
	.long	0
	.long	11274                           # Line 11 Col 10
	.long	.Ltmp17
	.long	108
	.long	0
	.long	12295                           # Line 12 Col 7
	.long	.Ltmp20
	.long	108
	.long	0
	.long	12295                           # Line 12 Col 7
	.long	.Ltmp23
	.long	108
	.long	0
	.long	12311                           # Line 12 Col 23
	.long	.Ltmp26
	.long	108
	.long	0
	.long	14337                           # Line 14 Col 1
	.long	136                             # LineInfo section string offset=136
	.long	4
	.long	.Lfunc_begin1
	.long	108
	.long	0
	.long	7168                            # Line 7 Col 0
	.long	.Ltmp31
	.long	108
	.long	0
	.long	7231                            # Line 7 Col 63
	.long	.Ltmp34
	.long	108
	.long	0
	.long	7235                            # Line 7 Col 67
	.long	.Ltmp35
	.long	108
	.long	0
	.long	7222                            # Line 7 Col 54
	.addrsig
	.addrsig_sym prog
	.addrsig_sym counts
	.addrsig_sym _license
	.section	.debug_line,"",@progbits
.Lline_table_start0:
