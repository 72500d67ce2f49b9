#include "textflag.h"

// func byteMasksSSE2(p []byte, c byte, out []uint64)
TEXT ·byteMasksSSE2(SB), NOSPLIT, $0-56
	MOVQ p_base+0(FP), SI
	MOVBQZX c+24(FP), AX
	MOVQ out_base+32(FP), DI
	MOVQ out_len+40(FP), CX
	MOVQ $0x0101010101010101, BX
	IMULQ BX, AX
	MOVQ AX, X0
	PUNPCKLQDQ X0, X0

loop:
	TESTQ CX, CX
	JZ    done
	MOVOU 0(SI), X1
	MOVOU 16(SI), X2
	MOVOU 32(SI), X3
	MOVOU 48(SI), X4
	PCMPEQB X0, X1
	PCMPEQB X0, X2
	PCMPEQB X0, X3
	PCMPEQB X0, X4
	PMOVMSKB X1, AX
	PMOVMSKB X2, BX
	PMOVMSKB X3, DX
	PMOVMSKB X4, R8
	SHLQ $16, BX
	SHLQ $32, DX
	SHLQ $48, R8
	ORQ  BX, AX
	ORQ  DX, AX
	ORQ  R8, AX
	MOVQ AX, (DI)
	ADDQ $64, SI
	ADDQ $8, DI
	DECQ CX
	JMP  loop

done:
	RET

// func byteMasksAVX2(p []byte, c byte, out []uint64)
TEXT ·byteMasksAVX2(SB), NOSPLIT, $0-56
	MOVQ p_base+0(FP), SI
	MOVBQZX c+24(FP), AX
	MOVQ out_base+32(FP), DI
	MOVQ out_len+40(FP), CX
	MOVQ AX, X0
	VPBROADCASTB X0, Y0

avxloop:
	TESTQ CX, CX
	JZ    avxdone
	VPCMPEQB 0(SI), Y0, Y1
	VPCMPEQB 32(SI), Y0, Y2
	VPMOVMSKB Y1, AX
	VPMOVMSKB Y2, BX
	SHLQ $32, BX
	ORQ  BX, AX
	MOVQ AX, (DI)
	ADDQ $64, SI
	ADDQ $8, DI
	DECQ CX
	JMP  avxloop

avxdone:
	VZEROUPPER
	RET
