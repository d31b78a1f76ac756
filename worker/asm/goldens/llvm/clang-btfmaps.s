	.text
	.file	"clang-btfmaps.c"
	.file	0 "/src" "clang-btfmaps.c" md5 0xca557d3b56bf4cb3e532998fb8f4e367
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
	.loc	0 24 21 prologue_end            # clang-btfmaps.c:24:21
.Ltmp0:
	r1 = *(u32 *)(r1 + 12)
.Ltmp1:
.Ltmp2:
	.loc	0 24 12 is_stmt 0               # clang-btfmaps.c:24:12
.Ltmp3:
	*(u32 *)(r10 - 4) = r1
	r2 = r10
	r2 += -4
	.loc	0 25 19 is_stmt 1               # clang-btfmaps.c:25:19
.Ltmp4:
	r1 = stats ll
	call 1
.Ltmp5:
	r1 = r0
.Ltmp6:
.Ltmp7:
	#DEBUG_VALUE: prog:v <- $r1
	.loc	0 0 19 is_stmt 0                # clang-btfmaps.c:0:19
	r0 = 2
	.loc	0 26 7 is_stmt 1                # clang-btfmaps.c:26:7
.Ltmp8:
	if r1 == 0 goto LBB0_4
.Ltmp9:
.Ltmp10:
# %bb.1:
	#DEBUG_VALUE: prog:v <- $r1
	.loc	0 27 13                         # clang-btfmaps.c:27:13
.Ltmp11:
	r2 = *(u64 *)(r1 + 0)
	r2 += 1
	*(u64 *)(r1 + 0) = r2
	r1 = 0
.Ltmp12:
.Ltmp13:
	.loc	0 28 7                          # clang-btfmaps.c:28:7
.Ltmp14:
	*(u32 *)(r10 - 8) = r1
	r2 = r10
	r2 += -8
	.loc	0 29 14                         # clang-btfmaps.c:29:14
.Ltmp15:
	r1 = outer ll
	call 1
.Ltmp16:
	r1 = r0
.Ltmp17:
.Ltmp18:
	#DEBUG_VALUE: prog:in <- $r1
	.loc	0 0 14 is_stmt 0                # clang-btfmaps.c:0:14
	r0 = 1
	.loc	0 30 7 is_stmt 1                # clang-btfmaps.c:30:7
.Ltmp19:
	if r1 == 0 goto LBB0_4
.Ltmp20:
.Ltmp21:
# %bb.2:
	#DEBUG_VALUE: prog:in <- $r1
	.loc	0 0 7 is_stmt 0                 # clang-btfmaps.c:0:7
	r2 = r10
	r2 += -8
	.loc	0 31 10 is_stmt 1               # clang-btfmaps.c:31:10
.Ltmp22:
	r1 = events ll
.Ltmp23:
.Ltmp24:
	call 1
.Ltmp25:
	r1 = r0
	r0 = 2
	if r1 == 0 goto LBB0_4
# %bb.3:
	.loc	0 0 10 is_stmt 0                # clang-btfmaps.c:0:10
	r0 = 3
LBB0_4:
	.loc	0 32 1 is_stmt 1                # clang-btfmaps.c:32:1
.Ltmp26:
	exit
.Ltmp27:
.Ltmp28:
.Lfunc_end0:
	.size	prog, .Lfunc_end0-prog
	.cfi_endproc
                                        # -- End function
	.type	stats,@object                   # @stats
	.section	.maps,"aw",@progbits
	.globl	stats
	.p2align	3, 0x0
stats:
	.zero	32
	.size	stats, 32

	.type	outer,@object                   # @outer
	.globl	outer
	.p2align	3, 0x0
outer:
	.zero	24
	.size	outer, 24

	.type	events,@object                  # @events
	.globl	events
	.p2align	3, 0x0
events:
	.zero	16
	.size	events, 16

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
	.byte	4                               # DW_LLE_offset_pair
	.uleb128 .Lfunc_begin0-.Lfunc_begin0    #   starting offset
	.uleb128 .Ltmp1-.Lfunc_begin0           #   ending offset
	.byte	1                               # Loc expr size
	.byte	81                              # DW_OP_reg1
	.byte	0                               # DW_LLE_end_of_list
.Ldebug_loc1:
	.byte	4                               # DW_LLE_offset_pair
	.uleb128 .Ltmp6-.Lfunc_begin0           #   starting offset
	.uleb128 .Ltmp12-.Lfunc_begin0          #   ending offset
	.byte	1                               # Loc expr size
	.byte	81                              # DW_OP_reg1
	.byte	0                               # DW_LLE_end_of_list
.Ldebug_loc2:
	.byte	4                               # DW_LLE_offset_pair
	.uleb128 .Ltmp17-.Lfunc_begin0          #   starting offset
	.uleb128 .Ltmp23-.Lfunc_begin0          #   ending offset
	.byte	1                               # Loc expr size
	.byte	81                              # DW_OP_reg1
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
	.byte	27                              # DW_FORM_addrx
	.byte	18                              # DW_AT_high_pc
	.byte	6                               # DW_FORM_data4
	.byte	115                             # DW_AT_addr_base
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
	.byte	1                               # DW_TAG_array_type
	.byte	1                               # DW_CHILDREN_yes
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	4                               # Abbreviation Code
	.byte	33                              # DW_TAG_subrange_type
	.byte	0                               # DW_CHILDREN_no
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	55                              # DW_AT_count
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
	.byte	7                               # Abbreviation Code
	.byte	19                              # DW_TAG_structure_type
	.byte	1                               # DW_CHILDREN_yes
	.byte	11                              # DW_AT_byte_size
	.byte	11                              # DW_FORM_data1
	.byte	58                              # DW_AT_decl_file
	.byte	11                              # DW_FORM_data1
	.byte	59                              # DW_AT_decl_line
	.byte	11                              # DW_FORM_data1
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	8                               # Abbreviation Code
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
	.byte	9                               # Abbreviation Code
	.byte	15                              # DW_TAG_pointer_type
	.byte	0                               # DW_CHILDREN_no
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	10                              # Abbreviation Code
	.byte	33                              # DW_TAG_subrange_type
	.byte	0                               # DW_CHILDREN_no
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	55                              # DW_AT_count
	.byte	5                               # DW_FORM_data2
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	11                              # Abbreviation Code
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
	.byte	12                              # Abbreviation Code
	.byte	33                              # DW_TAG_subrange_type
	.byte	0                               # DW_CHILDREN_no
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	13                              # Abbreviation Code
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
	.byte	14                              # Abbreviation Code
	.byte	21                              # DW_TAG_subroutine_type
	.byte	1                               # DW_CHILDREN_yes
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	39                              # DW_AT_prototyped
	.byte	25                              # DW_FORM_flag_present
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	15                              # Abbreviation Code
	.byte	5                               # DW_TAG_formal_parameter
	.byte	0                               # DW_CHILDREN_no
	.byte	73                              # DW_AT_type
	.byte	19                              # DW_FORM_ref4
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	16                              # Abbreviation Code
	.byte	15                              # DW_TAG_pointer_type
	.byte	0                               # DW_CHILDREN_no
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	17                              # Abbreviation Code
	.byte	38                              # DW_TAG_const_type
	.byte	0                               # DW_CHILDREN_no
	.byte	0                               # EOM(1)
	.byte	0                               # EOM(2)
	.byte	18                              # Abbreviation Code
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
	.byte	19                              # Abbreviation Code
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
	.byte	20                              # Abbreviation Code
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
	.byte	21                              # Abbreviation Code
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
	.byte	0                               # EOM(3)
	.section	.debug_info,"",@progbits
.Lcu_begin0:
	.long	.Ldebug_info_end0-.Ldebug_info_start0 # Length of Unit
.Ldebug_info_start0:
	.short	5                               # DWARF version number
	.byte	1                               # DWARF Unit Type
	.byte	8                               # Address Size (in bytes)
	.long	.debug_abbrev                   # Offset Into Abbrev. Section
	.byte	1                               # Abbrev [1] 0xc:0x257 DW_TAG_compile_unit
	.byte	0                               # DW_AT_producer
	.short	29                              # DW_AT_language
	.byte	1                               # DW_AT_name
	.long	.Lstr_offsets_base0             # DW_AT_str_offsets_base
	.long	.Lline_table_start0             # DW_AT_stmt_list
	.byte	2                               # DW_AT_comp_dir
	.byte	4                               # DW_AT_low_pc
	.long	.Lfunc_end0-.Lfunc_begin0       # DW_AT_high_pc
	.long	.Laddr_table_base0              # DW_AT_addr_base
	.long	.Lloclists_table_base0          # DW_AT_loclists_base
	.byte	2                               # Abbrev [2] 0x27:0xb DW_TAG_variable
	.byte	3                               # DW_AT_name
	.long	50                              # DW_AT_type
                                        # DW_AT_external
	.byte	0                               # DW_AT_decl_file
	.byte	33                              # DW_AT_decl_line
	.byte	2                               # DW_AT_location
	.byte	161
	.byte	0
	.byte	3                               # Abbrev [3] 0x32:0xc DW_TAG_array_type
	.long	62                              # DW_AT_type
	.byte	4                               # Abbrev [4] 0x37:0x6 DW_TAG_subrange_type
	.long	66                              # DW_AT_type
	.byte	4                               # DW_AT_count
	.byte	0                               # End Of Children Mark
	.byte	5                               # Abbrev [5] 0x3e:0x4 DW_TAG_base_type
	.byte	4                               # DW_AT_name
	.byte	6                               # DW_AT_encoding
	.byte	1                               # DW_AT_byte_size
	.byte	6                               # Abbrev [6] 0x42:0x4 DW_TAG_base_type
	.byte	5                               # DW_AT_name
	.byte	8                               # DW_AT_byte_size
	.byte	7                               # DW_AT_encoding
	.byte	2                               # Abbrev [2] 0x46:0xb DW_TAG_variable
	.byte	6                               # DW_AT_name
	.long	81                              # DW_AT_type
                                        # DW_AT_external
	.byte	0                               # DW_AT_decl_file
	.byte	14                              # DW_AT_decl_line
	.byte	2                               # DW_AT_location
	.byte	161
	.byte	1
	.byte	7                               # Abbrev [7] 0x51:0x29 DW_TAG_structure_type
	.byte	32                              # DW_AT_byte_size
	.byte	0                               # DW_AT_decl_file
	.byte	9                               # DW_AT_decl_line
	.byte	8                               # Abbrev [8] 0x55:0x9 DW_TAG_member
	.byte	7                               # DW_AT_name
	.long	122                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	10                              # DW_AT_decl_line
	.byte	0                               # DW_AT_data_member_location
	.byte	8                               # Abbrev [8] 0x5e:0x9 DW_TAG_member
	.byte	9                               # DW_AT_name
	.long	143                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	11                              # DW_AT_decl_line
	.byte	8                               # DW_AT_data_member_location
	.byte	8                               # Abbrev [8] 0x67:0x9 DW_TAG_member
	.byte	10                              # DW_AT_name
	.long	161                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	12                              # DW_AT_decl_line
	.byte	16                              # DW_AT_data_member_location
	.byte	8                               # Abbrev [8] 0x70:0x9 DW_TAG_member
	.byte	12                              # DW_AT_name
	.long	170                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	13                              # DW_AT_decl_line
	.byte	24                              # DW_AT_data_member_location
	.byte	0                               # End Of Children Mark
	.byte	9                               # Abbrev [9] 0x7a:0x5 DW_TAG_pointer_type
	.long	127                             # DW_AT_type
	.byte	3                               # Abbrev [3] 0x7f:0xc DW_TAG_array_type
	.long	139                             # DW_AT_type
	.byte	4                               # Abbrev [4] 0x84:0x6 DW_TAG_subrange_type
	.long	66                              # DW_AT_type
	.byte	5                               # DW_AT_count
	.byte	0                               # End Of Children Mark
	.byte	5                               # Abbrev [5] 0x8b:0x4 DW_TAG_base_type
	.byte	8                               # DW_AT_name
	.byte	5                               # DW_AT_encoding
	.byte	4                               # DW_AT_byte_size
	.byte	9                               # Abbrev [9] 0x8f:0x5 DW_TAG_pointer_type
	.long	148                             # DW_AT_type
	.byte	3                               # Abbrev [3] 0x94:0xd DW_TAG_array_type
	.long	139                             # DW_AT_type
	.byte	10                              # Abbrev [10] 0x99:0x7 DW_TAG_subrange_type
	.long	66                              # DW_AT_type
	.short	1024                            # DW_AT_count
	.byte	0                               # End Of Children Mark
	.byte	9                               # Abbrev [9] 0xa1:0x5 DW_TAG_pointer_type
	.long	166                             # DW_AT_type
	.byte	5                               # Abbrev [5] 0xa6:0x4 DW_TAG_base_type
	.byte	11                              # DW_AT_name
	.byte	7                               # DW_AT_encoding
	.byte	4                               # DW_AT_byte_size
	.byte	9                               # Abbrev [9] 0xaa:0x5 DW_TAG_pointer_type
	.long	175                             # DW_AT_type
	.byte	11                              # Abbrev [11] 0xaf:0x18 DW_TAG_structure_type
	.byte	16                              # DW_AT_name
	.byte	16                              # DW_AT_byte_size
	.byte	0                               # DW_AT_decl_file
	.byte	7                               # DW_AT_decl_line
	.byte	8                               # Abbrev [8] 0xb4:0x9 DW_TAG_member
	.byte	13                              # DW_AT_name
	.long	199                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	7                               # DW_AT_decl_line
	.byte	0                               # DW_AT_data_member_location
	.byte	8                               # Abbrev [8] 0xbd:0x9 DW_TAG_member
	.byte	15                              # DW_AT_name
	.long	199                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	7                               # DW_AT_decl_line
	.byte	8                               # DW_AT_data_member_location
	.byte	0                               # End Of Children Mark
	.byte	5                               # Abbrev [5] 0xc7:0x4 DW_TAG_base_type
	.byte	14                              # DW_AT_name
	.byte	5                               # DW_AT_encoding
	.byte	8                               # DW_AT_byte_size
	.byte	2                               # Abbrev [2] 0xcb:0xb DW_TAG_variable
	.byte	17                              # DW_AT_name
	.long	214                             # DW_AT_type
                                        # DW_AT_external
	.byte	0                               # DW_AT_decl_file
	.byte	21                              # DW_AT_decl_line
	.byte	2                               # DW_AT_location
	.byte	161
	.byte	2
	.byte	7                               # Abbrev [7] 0xd6:0x29 DW_TAG_structure_type
	.byte	24                              # DW_AT_byte_size
	.byte	0                               # DW_AT_decl_file
	.byte	16                              # DW_AT_decl_line
	.byte	8                               # Abbrev [8] 0xda:0x9 DW_TAG_member
	.byte	7                               # DW_AT_name
	.long	255                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	17                              # DW_AT_decl_line
	.byte	0                               # DW_AT_data_member_location
	.byte	8                               # Abbrev [8] 0xe3:0x9 DW_TAG_member
	.byte	9                               # DW_AT_name
	.long	272                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	18                              # DW_AT_decl_line
	.byte	8                               # DW_AT_data_member_location
	.byte	8                               # Abbrev [8] 0xec:0x9 DW_TAG_member
	.byte	10                              # DW_AT_name
	.long	289                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	19                              # DW_AT_decl_line
	.byte	16                              # DW_AT_data_member_location
	.byte	8                               # Abbrev [8] 0xf5:0x9 DW_TAG_member
	.byte	18                              # DW_AT_name
	.long	294                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	20                              # DW_AT_decl_line
	.byte	24                              # DW_AT_data_member_location
	.byte	0                               # End Of Children Mark
	.byte	9                               # Abbrev [9] 0xff:0x5 DW_TAG_pointer_type
	.long	260                             # DW_AT_type
	.byte	3                               # Abbrev [3] 0x104:0xc DW_TAG_array_type
	.long	139                             # DW_AT_type
	.byte	4                               # Abbrev [4] 0x109:0x6 DW_TAG_subrange_type
	.long	66                              # DW_AT_type
	.byte	12                              # DW_AT_count
	.byte	0                               # End Of Children Mark
	.byte	9                               # Abbrev [9] 0x110:0x5 DW_TAG_pointer_type
	.long	277                             # DW_AT_type
	.byte	3                               # Abbrev [3] 0x115:0xc DW_TAG_array_type
	.long	139                             # DW_AT_type
	.byte	4                               # Abbrev [4] 0x11a:0x6 DW_TAG_subrange_type
	.long	66                              # DW_AT_type
	.byte	2                               # DW_AT_count
	.byte	0                               # End Of Children Mark
	.byte	9                               # Abbrev [9] 0x121:0x5 DW_TAG_pointer_type
	.long	139                             # DW_AT_type
	.byte	3                               # Abbrev [3] 0x126:0xb DW_TAG_array_type
	.long	305                             # DW_AT_type
	.byte	12                              # Abbrev [12] 0x12b:0x5 DW_TAG_subrange_type
	.long	66                              # DW_AT_type
	.byte	0                               # End Of Children Mark
	.byte	9                               # Abbrev [9] 0x131:0x5 DW_TAG_pointer_type
	.long	310                             # DW_AT_type
	.byte	11                              # Abbrev [11] 0x136:0x2a DW_TAG_structure_type
	.byte	19                              # DW_AT_name
	.byte	32                              # DW_AT_byte_size
	.byte	0                               # DW_AT_decl_file
	.byte	15                              # DW_AT_decl_line
	.byte	8                               # Abbrev [8] 0x13b:0x9 DW_TAG_member
	.byte	7                               # DW_AT_name
	.long	272                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	15                              # DW_AT_decl_line
	.byte	0                               # DW_AT_data_member_location
	.byte	8                               # Abbrev [8] 0x144:0x9 DW_TAG_member
	.byte	9                               # DW_AT_name
	.long	352                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	15                              # DW_AT_decl_line
	.byte	8                               # DW_AT_data_member_location
	.byte	8                               # Abbrev [8] 0x14d:0x9 DW_TAG_member
	.byte	10                              # DW_AT_name
	.long	289                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	15                              # DW_AT_decl_line
	.byte	16                              # DW_AT_data_member_location
	.byte	8                               # Abbrev [8] 0x156:0x9 DW_TAG_member
	.byte	12                              # DW_AT_name
	.long	369                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	15                              # DW_AT_decl_line
	.byte	24                              # DW_AT_data_member_location
	.byte	0                               # End Of Children Mark
	.byte	9                               # Abbrev [9] 0x160:0x5 DW_TAG_pointer_type
	.long	357                             # DW_AT_type
	.byte	3                               # Abbrev [3] 0x165:0xc DW_TAG_array_type
	.long	139                             # DW_AT_type
	.byte	4                               # Abbrev [4] 0x16a:0x6 DW_TAG_subrange_type
	.long	66                              # DW_AT_type
	.byte	4                               # DW_AT_count
	.byte	0                               # End Of Children Mark
	.byte	9                               # Abbrev [9] 0x171:0x5 DW_TAG_pointer_type
	.long	199                             # DW_AT_type
	.byte	2                               # Abbrev [2] 0x176:0xb DW_TAG_variable
	.byte	20                              # DW_AT_name
	.long	385                             # DW_AT_type
                                        # DW_AT_external
	.byte	0                               # DW_AT_decl_file
	.byte	22                              # DW_AT_decl_line
	.byte	2                               # DW_AT_location
	.byte	161
	.byte	3
	.byte	7                               # Abbrev [7] 0x181:0x17 DW_TAG_structure_type
	.byte	16                              # DW_AT_byte_size
	.byte	0                               # DW_AT_decl_file
	.byte	22                              # DW_AT_decl_line
	.byte	8                               # Abbrev [8] 0x185:0x9 DW_TAG_member
	.byte	7                               # DW_AT_name
	.long	408                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	22                              # DW_AT_decl_line
	.byte	0                               # DW_AT_data_member_location
	.byte	8                               # Abbrev [8] 0x18e:0x9 DW_TAG_member
	.byte	9                               # DW_AT_name
	.long	425                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	22                              # DW_AT_decl_line
	.byte	8                               # DW_AT_data_member_location
	.byte	0                               # End Of Children Mark
	.byte	9                               # Abbrev [9] 0x198:0x5 DW_TAG_pointer_type
	.long	413                             # DW_AT_type
	.byte	3                               # Abbrev [3] 0x19d:0xc DW_TAG_array_type
	.long	139                             # DW_AT_type
	.byte	4                               # Abbrev [4] 0x1a2:0x6 DW_TAG_subrange_type
	.long	66                              # DW_AT_type
	.byte	27                              # DW_AT_count
	.byte	0                               # End Of Children Mark
	.byte	9                               # Abbrev [9] 0x1a9:0x5 DW_TAG_pointer_type
	.long	430                             # DW_AT_type
	.byte	3                               # Abbrev [3] 0x1ae:0xd DW_TAG_array_type
	.long	139                             # DW_AT_type
	.byte	10                              # Abbrev [10] 0x1b3:0x7 DW_TAG_subrange_type
	.long	66                              # DW_AT_type
	.short	4096                            # DW_AT_count
	.byte	0                               # End Of Children Mark
	.byte	13                              # Abbrev [13] 0x1bb:0x9 DW_TAG_variable
	.byte	21                              # DW_AT_name
	.long	452                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	8                               # DW_AT_decl_line
	.byte	1                               # DW_AT_const_value
	.byte	9                               # Abbrev [9] 0x1c4:0x5 DW_TAG_pointer_type
	.long	457                             # DW_AT_type
	.byte	14                              # Abbrev [14] 0x1c9:0x10 DW_TAG_subroutine_type
	.long	473                             # DW_AT_type
                                        # DW_AT_prototyped
	.byte	15                              # Abbrev [15] 0x1ce:0x5 DW_TAG_formal_parameter
	.long	473                             # DW_AT_type
	.byte	15                              # Abbrev [15] 0x1d3:0x5 DW_TAG_formal_parameter
	.long	474                             # DW_AT_type
	.byte	0                               # End Of Children Mark
	.byte	16                              # Abbrev [16] 0x1d9:0x1 DW_TAG_pointer_type
	.byte	9                               # Abbrev [9] 0x1da:0x5 DW_TAG_pointer_type
	.long	479                             # DW_AT_type
	.byte	17                              # Abbrev [17] 0x1df:0x1 DW_TAG_const_type
	.byte	18                              # Abbrev [18] 0x1e0:0x41 DW_TAG_subprogram
	.byte	4                               # DW_AT_low_pc
	.long	.Lfunc_end0-.Lfunc_begin0       # DW_AT_high_pc
	.byte	1                               # DW_AT_frame_base
	.byte	90
                                        # DW_AT_call_all_calls
	.byte	22                              # DW_AT_name
	.byte	0                               # DW_AT_decl_file
	.byte	23                              # DW_AT_decl_line
                                        # DW_AT_prototyped
	.long	139                             # DW_AT_type
                                        # DW_AT_external
	.byte	19                              # Abbrev [19] 0x1ef:0x9 DW_TAG_formal_parameter
	.byte	0                               # DW_AT_location
	.byte	25                              # DW_AT_name
	.byte	0                               # DW_AT_decl_file
	.byte	23                              # DW_AT_decl_line
	.long	545                             # DW_AT_type
	.byte	20                              # Abbrev [20] 0x1f8:0xb DW_TAG_variable
	.byte	2                               # DW_AT_location
	.byte	145
	.byte	4
	.byte	23                              # DW_AT_name
	.byte	0                               # DW_AT_decl_file
	.byte	24                              # DW_AT_decl_line
	.long	166                             # DW_AT_type
	.byte	20                              # Abbrev [20] 0x203:0xb DW_TAG_variable
	.byte	2                               # DW_AT_location
	.byte	145
	.byte	0
	.byte	24                              # DW_AT_name
	.byte	0                               # DW_AT_decl_file
	.byte	28                              # DW_AT_decl_line
	.long	139                             # DW_AT_type
	.byte	21                              # Abbrev [21] 0x20e:0x9 DW_TAG_variable
	.byte	1                               # DW_AT_location
	.byte	33                              # DW_AT_name
	.byte	0                               # DW_AT_decl_file
	.byte	25                              # DW_AT_decl_line
	.long	170                             # DW_AT_type
	.byte	21                              # Abbrev [21] 0x217:0x9 DW_TAG_variable
	.byte	2                               # DW_AT_location
	.byte	34                              # DW_AT_name
	.byte	0                               # DW_AT_decl_file
	.byte	29                              # DW_AT_decl_line
	.long	473                             # DW_AT_type
	.byte	0                               # End Of Children Mark
	.byte	9                               # Abbrev [9] 0x221:0x5 DW_TAG_pointer_type
	.long	550                             # DW_AT_type
	.byte	11                              # Abbrev [11] 0x226:0x3c DW_TAG_structure_type
	.byte	32                              # DW_AT_name
	.byte	24                              # DW_AT_byte_size
	.byte	0                               # DW_AT_decl_file
	.byte	6                               # DW_AT_decl_line
	.byte	8                               # Abbrev [8] 0x22b:0x9 DW_TAG_member
	.byte	26                              # DW_AT_name
	.long	166                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	6                               # DW_AT_decl_line
	.byte	0                               # DW_AT_data_member_location
	.byte	8                               # Abbrev [8] 0x234:0x9 DW_TAG_member
	.byte	27                              # DW_AT_name
	.long	166                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	6                               # DW_AT_decl_line
	.byte	4                               # DW_AT_data_member_location
	.byte	8                               # Abbrev [8] 0x23d:0x9 DW_TAG_member
	.byte	28                              # DW_AT_name
	.long	166                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	6                               # DW_AT_decl_line
	.byte	8                               # DW_AT_data_member_location
	.byte	8                               # Abbrev [8] 0x246:0x9 DW_TAG_member
	.byte	29                              # DW_AT_name
	.long	166                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	6                               # DW_AT_decl_line
	.byte	12                              # DW_AT_data_member_location
	.byte	8                               # Abbrev [8] 0x24f:0x9 DW_TAG_member
	.byte	30                              # DW_AT_name
	.long	166                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	6                               # DW_AT_decl_line
	.byte	16                              # DW_AT_data_member_location
	.byte	8                               # Abbrev [8] 0x258:0x9 DW_TAG_member
	.byte	31                              # DW_AT_name
	.long	166                             # DW_AT_type
	.byte	0                               # DW_AT_decl_file
	.byte	6                               # DW_AT_decl_line
	.byte	20                              # DW_AT_data_member_location
	.byte	0                               # End Of Children Mark
	.byte	0                               # End Of Children Mark
.Ldebug_info_end0:
	.section	.debug_str_offsets,"",@progbits
	.long	144                             # Length of String Offsets Set
	.short	5
	.short	0
.Lstr_offsets_base0:
	.section	.debug_str,"MS",@progbits,1
.Linfo_string0:
	.asciz	"Debian clang version 19.1.7 (3~deb12u1)" # string offset=0
.Linfo_string1:
	.asciz	"clang-btfmaps.c"               # string offset=40
.Linfo_string2:
	.asciz	"/src"                          # string offset=56
.Linfo_string3:
	.asciz	"_license"                      # string offset=61
.Linfo_string4:
	.asciz	"char"                          # string offset=70
.Linfo_string5:
	.asciz	"__ARRAY_SIZE_TYPE__"           # string offset=75
.Linfo_string6:
	.asciz	"stats"                         # string offset=95
.Linfo_string7:
	.asciz	"type"                          # string offset=101
.Linfo_string8:
	.asciz	"int"                           # string offset=106
.Linfo_string9:
	.asciz	"max_entries"                   # string offset=110
.Linfo_string10:
	.asciz	"key"                           # string offset=122
.Linfo_string11:
	.asciz	"unsigned int"                  # string offset=126
.Linfo_string12:
	.asciz	"value"                         # string offset=139
.Linfo_string13:
	.asciz	"packets"                       # string offset=145
.Linfo_string14:
	.asciz	"long"                          # string offset=153
.Linfo_string15:
	.asciz	"bytes"                         # string offset=158
.Linfo_string16:
	.asciz	"val"                           # string offset=164
.Linfo_string17:
	.asciz	"outer"                         # string offset=168
.Linfo_string18:
	.asciz	"values"                        # string offset=174
.Linfo_string19:
	.asciz	"inner"                         # string offset=181
.Linfo_string20:
	.asciz	"events"                        # string offset=187
.Linfo_string21:
	.asciz	"bpf_map_lookup_elem"           # string offset=194
.Linfo_string22:
	.asciz	"prog"                          # string offset=214
.Linfo_string23:
	.asciz	"k"                             # string offset=219
.Linfo_string24:
	.asciz	"i"                             # string offset=221
.Linfo_string25:
	.asciz	"ctx"                           # string offset=223
.Linfo_string26:
	.asciz	"data"                          # string offset=227
.Linfo_string27:
	.asciz	"data_end"                      # string offset=232
.Linfo_string28:
	.asciz	"data_meta"                     # string offset=241
.Linfo_string29:
	.asciz	"ingress_ifindex"               # string offset=251
.Linfo_string30:
	.asciz	"rx_queue_index"                # string offset=267
.Linfo_string31:
	.asciz	"egress_ifindex"                # string offset=282
.Linfo_string32:
	.asciz	"xdp_md"                        # string offset=297
.Linfo_string33:
	.asciz	"v"                             # string offset=304
.Linfo_string34:
	.asciz	"in"                            # string offset=306
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
	.long	.Linfo_string29
	.long	.Linfo_string30
	.long	.Linfo_string31
	.long	.Linfo_string32
	.long	.Linfo_string33
	.long	.Linfo_string34
	.section	.debug_addr,"",@progbits
	.long	.Ldebug_addr_end0-.Ldebug_addr_start0 # Length of contribution
.Ldebug_addr_start0:
	.short	5                               # DWARF version number
	.byte	8                               # Address size
	.byte	0                               # Segment selector size
.Laddr_table_base0:
	.quad	_license
	.quad	stats
	.quad	outer
	.quad	events
	.quad	.Lfunc_begin0
.Ldebug_addr_end0:
	.section	.BTF,"",@progbits
	.short	60319                           # 0xeb9f
	.byte	1
	.byte	0
	.long	24
	.long	0
	.long	956
	.long	956
	.long	259
	.long	0                               # BTF_KIND_PTR(id = 1)
	.long	33554432                        # 0x2000000
	.long	3
	.long	1                               # BTF_KIND_INT(id = 2)
	.long	16777216                        # 0x1000000
	.long	4
	.long	16777248                        # 0x1000020
	.long	0                               # BTF_KIND_ARRAY(id = 3)
	.long	50331648                        # 0x3000000
	.long	0
	.long	2
	.long	4
	.long	5
	.long	5                               # BTF_KIND_INT(id = 4)
	.long	16777216                        # 0x1000000
	.long	4
	.long	32                              # 0x20
	.long	0                               # BTF_KIND_PTR(id = 5)
	.long	33554432                        # 0x2000000
	.long	6
	.long	0                               # BTF_KIND_ARRAY(id = 6)
	.long	50331648                        # 0x3000000
	.long	0
	.long	2
	.long	4
	.long	1024
	.long	0                               # BTF_KIND_PTR(id = 7)
	.long	33554432                        # 0x2000000
	.long	8
	.long	25                              # BTF_KIND_INT(id = 8)
	.long	16777216                        # 0x1000000
	.long	4
	.long	32                              # 0x20
	.long	0                               # BTF_KIND_PTR(id = 9)
	.long	33554432                        # 0x2000000
	.long	10
	.long	38                              # BTF_KIND_STRUCT(id = 10)
	.long	67108866                        # 0x4000002
	.long	16
	.long	42
	.long	11
	.long	0                               # 0x0
	.long	50
	.long	11
	.long	64                              # 0x40
	.long	56                              # BTF_KIND_INT(id = 11)
	.long	16777216                        # 0x1000000
	.long	8
	.long	16777280                        # 0x1000040
	.long	0                               # BTF_KIND_STRUCT(id = 12)
	.long	67108868                        # 0x4000004
	.long	32
	.long	61
	.long	1
	.long	0                               # 0x0
	.long	66
	.long	5
	.long	64                              # 0x40
	.long	78
	.long	7
	.long	128                             # 0x80
	.long	82
	.long	9
	.long	192                             # 0xc0
	.long	88                              # BTF_KIND_VAR(id = 13)
	.long	234881024                       # 0xe000000
	.long	12
	.long	1
	.long	0                               # BTF_KIND_PTR(id = 14)
	.long	33554432                        # 0x2000000
	.long	15
	.long	0                               # BTF_KIND_ARRAY(id = 15)
	.long	50331648                        # 0x3000000
	.long	0
	.long	2
	.long	4
	.long	12
	.long	0                               # BTF_KIND_PTR(id = 16)
	.long	33554432                        # 0x2000000
	.long	17
	.long	0                               # BTF_KIND_ARRAY(id = 17)
	.long	50331648                        # 0x3000000
	.long	0
	.long	2
	.long	4
	.long	2
	.long	0                               # BTF_KIND_PTR(id = 18)
	.long	33554432                        # 0x2000000
	.long	2
	.long	0                               # BTF_KIND_PTR(id = 19)
	.long	33554432                        # 0x2000000
	.long	20
	.long	94                              # BTF_KIND_STRUCT(id = 20)
	.long	67108868                        # 0x4000004
	.long	32
	.long	61
	.long	16
	.long	0                               # 0x0
	.long	66
	.long	21
	.long	64                              # 0x40
	.long	78
	.long	18
	.long	128                             # 0x80
	.long	82
	.long	23
	.long	192                             # 0xc0
	.long	0                               # BTF_KIND_PTR(id = 21)
	.long	33554432                        # 0x2000000
	.long	22
	.long	0                               # BTF_KIND_ARRAY(id = 22)
	.long	50331648                        # 0x3000000
	.long	0
	.long	2
	.long	4
	.long	4
	.long	0                               # BTF_KIND_PTR(id = 23)
	.long	33554432                        # 0x2000000
	.long	11
	.long	0                               # BTF_KIND_ARRAY(id = 24)
	.long	50331648                        # 0x3000000
	.long	0
	.long	19
	.long	4
	.long	0
	.long	0                               # BTF_KIND_STRUCT(id = 25)
	.long	67108868                        # 0x4000004
	.long	24
	.long	61
	.long	14
	.long	0                               # 0x0
	.long	66
	.long	16
	.long	64                              # 0x40
	.long	78
	.long	18
	.long	128                             # 0x80
	.long	100
	.long	24
	.long	192                             # 0xc0
	.long	107                             # BTF_KIND_VAR(id = 26)
	.long	234881024                       # 0xe000000
	.long	25
	.long	1
	.long	0                               # BTF_KIND_PTR(id = 27)
	.long	33554432                        # 0x2000000
	.long	28
	.long	0                               # BTF_KIND_ARRAY(id = 28)
	.long	50331648                        # 0x3000000
	.long	0
	.long	2
	.long	4
	.long	27
	.long	0                               # BTF_KIND_PTR(id = 29)
	.long	33554432                        # 0x2000000
	.long	30
	.long	0                               # BTF_KIND_ARRAY(id = 30)
	.long	50331648                        # 0x3000000
	.long	0
	.long	2
	.long	4
	.long	4096
	.long	0                               # BTF_KIND_STRUCT(id = 31)
	.long	67108866                        # 0x4000002
	.long	16
	.long	61
	.long	27
	.long	0                               # 0x0
	.long	66
	.long	29
	.long	64                              # 0x40
	.long	113                             # BTF_KIND_VAR(id = 32)
	.long	234881024                       # 0xe000000
	.long	31
	.long	1
	.long	0                               # BTF_KIND_PTR(id = 33)
	.long	33554432                        # 0x2000000
	.long	34
	.long	120                             # BTF_KIND_STRUCT(id = 34)
	.long	67108870                        # 0x4000006
	.long	24
	.long	127
	.long	8
	.long	0                               # 0x0
	.long	132
	.long	8
	.long	32                              # 0x20
	.long	141
	.long	8
	.long	64                              # 0x40
	.long	151
	.long	8
	.long	96                              # 0x60
	.long	167
	.long	8
	.long	128                             # 0x80
	.long	182
	.long	8
	.long	160                             # 0xa0
	.long	0                               # BTF_KIND_FUNC_PROTO(id = 35)
	.long	218103809                       # 0xd000001
	.long	2
	.long	197
	.long	33
	.long	201                             # BTF_KIND_FUNC(id = 36)
	.long	201326593                       # 0xc000001
	.long	35
	.long	231                             # BTF_KIND_INT(id = 37)
	.long	16777216                        # 0x1000000
	.long	1
	.long	16777224                        # 0x1000008
	.long	0                               # BTF_KIND_ARRAY(id = 38)
	.long	50331648                        # 0x3000000
	.long	0
	.long	37
	.long	4
	.long	4
	.long	236                             # BTF_KIND_VAR(id = 39)
	.long	234881024                       # 0xe000000
	.long	38
	.long	1
	.long	245                             # BTF_KIND_DATASEC(id = 40)
	.long	251658243                       # 0xf000003
	.long	0
	.long	13
	.long	stats
	.long	32
	.long	26
	.long	outer
	.long	24
	.long	32
	.long	events
	.long	16
	.long	251                             # BTF_KIND_DATASEC(id = 41)
	.long	251658241                       # 0xf000001
	.long	0
	.long	39
	.long	_license
	.long	4
	.byte	0                               # string offset=0
	.ascii	"int"                           # string offset=1
	.byte	0
	.ascii	"__ARRAY_SIZE_TYPE__"           # string offset=5
	.byte	0
	.ascii	"unsigned int"                  # string offset=25
	.byte	0
	.ascii	"val"                           # string offset=38
	.byte	0
	.ascii	"packets"                       # string offset=42
	.byte	0
	.ascii	"bytes"                         # string offset=50
	.byte	0
	.ascii	"long"                          # string offset=56
	.byte	0
	.ascii	"type"                          # string offset=61
	.byte	0
	.ascii	"max_entries"                   # string offset=66
	.byte	0
	.ascii	"key"                           # string offset=78
	.byte	0
	.ascii	"value"                         # string offset=82
	.byte	0
	.ascii	"stats"                         # string offset=88
	.byte	0
	.ascii	"inner"                         # string offset=94
	.byte	0
	.ascii	"values"                        # string offset=100
	.byte	0
	.ascii	"outer"                         # string offset=107
	.byte	0
	.ascii	"events"                        # string offset=113
	.byte	0
	.ascii	"xdp_md"                        # string offset=120
	.byte	0
	.ascii	"data"                          # string offset=127
	.byte	0
	.ascii	"data_end"                      # string offset=132
	.byte	0
	.ascii	"data_meta"                     # string offset=141
	.byte	0
	.ascii	"ingress_ifindex"               # string offset=151
	.byte	0
	.ascii	"rx_queue_index"                # string offset=167
	.byte	0
	.ascii	"egress_ifindex"                # string offset=182
	.byte	0
	.ascii	"ctx"                           # string offset=197
	.byte	0
	.ascii	"prog"                          # string offset=201
	.byte	0
	.ascii	"xdp"                           # string offset=206
	.byte	0
	.ascii	"/src/clang-btfmaps.c"          # string offset=210
	.byte	0
	.ascii	"char"                          # string offset=231
	.byte	0
	.ascii	"_license"                      # string offset=236
	.byte	0
	.ascii	".maps"                         # string offset=245
	.byte	0
	.ascii	"license"                       # string offset=251
	.byte	0
	.section	.BTF.ext,"",@progbits
	.short	60319                           # 0xeb9f
	.byte	1
	.byte	0
	.long	32
	.long	0
	.long	20
	.long	20
	.long	172
	.long	192
	.long	0
	.long	8                               # FuncInfo
	.long	206                             # FuncInfo section string offset=206
	.long	1
	.long	.Lfunc_begin0
	.long	36
	.long	16                              # LineInfo
	.long	206                             # LineInfo section string offset=206
	.long	10
	.long	.Ltmp0
	.long	210
	.long	0
	.long	24597                           # Line 24 Col 21
	.long	.Ltmp3
	.long	210
	.long	0
	.long	24588                           # Line 24 Col 12
	.long	.Ltmp4
	.long	210
	.long	0
	.long	25619                           # Line 25 Col 19
	.long	.Ltmp8
	.long	210
	.long	0
	.long	26631                           # Line 26 Col 7
	.long	.Ltmp11
	.long	210
	.long	0
	.long	27661                           # Line 27 Col 13
	.long	.Ltmp14
	.long	210
	.long	0
	.long	28679                           # Line 28 Col 7
	.long	.Ltmp15
	.long	210
	.long	0
	.long	29710                           # Line 29 Col 14
	.long	.Ltmp19
	.long	210
	.long	0
	.long	30727                           # Line 30 Col 7
	.long	.Ltmp22
	.long	210
	.long	0
	.long	31754                           # Line 31 Col 10
	.long	.Ltmp26
	.long	210
	.long	0
	.long	32769                           # Line 32 Col 1
	.addrsig
	.addrsig_sym prog
	.addrsig_sym stats
	.addrsig_sym outer
	.addrsig_sym events
	.addrsig_sym _license
	.section	.debug_line,"",@progbits
.Lline_table_start0:
