# minios: a tiny 32-bit guest for taskproof's end-to-end tests.
#
# Booted by `qemu-system-x86_64 -kernel` through its multiboot (v1) loader.
# It prints a deterministic marker ladder on COM1 and leaves QEMU through the
# isa-debug-exit device. Every `ok`/`ready` marker is printed only after the
# check it names really ran; the network path is an explicit stub.
#
# Build switches (as --32 --defsym NAME=1) produce the failure variants from
# this one source, so the ladder cannot drift between them:
#   MISSING  skips the timer check and its marker `minios: timer ready`
#   FAIL     computes CRC-32 with the wrong polynomial; prints
#            `minios: selftest FAIL` and parks the CPU
#   PANIC    divides by zero in the selftest; the exception handler prints
#            `KERNEL PANIC: cpu exception 00` and parks the CPU
#   HANG     stops after `minios: timer ready` and spins forever
#   LINGER   prints the whole ladder, then spins forever instead of exiting
#   GLUED    leaves out the first (non-marker) line, so the console shows
#            "Booting from ROM..minios: boot ok": firmware output glued to a
#            marker on one line, as real machines print it
#
# Exit protocol (isa-debug-exit at port 0xf4; QEMU exits with (value<<1)|1):
#   EXIT_SUCCESS 0x10 -> QEMU status 33: the ladder completed
#   EXIT_FAILURE 0x11 -> QEMU status 35: the console itself is broken
#     (serial loopback failed), so no marker could be trusted
# A failed check prints its FAIL line and parks instead of exiting, the way a
# kernel stops on a failed selftest: noticing the line is the harness's job.

        .code32

        .set MB_MAGIC,      0x1BADB002
        .set MB_FLAGS,      0x00000003      # bit 0: page-align, bit 1: memory info
        .set MB_CHECKSUM,   -(MB_MAGIC + MB_FLAGS)
        .set MB_BOOT_MAGIC, 0x2BADB002      # what the loader leaves in %eax

        .set COM1,          0x3f8
        .set DEBUG_EXIT,    0xf4
        .set EXIT_SUCCESS,  0x10
        .set EXIT_FAILURE,  0x11

        .set PIT_CH0,       0x40
        .set PIT_CMD,       0x43

        .set MEMTEST_BASE,  0x200000        # 2 MiB: above the image, below 4 MiB
        .set MEMTEST_WORDS, 0x4000          # 64 KiB

        .ifdef FAIL
        .set CRC_POLY,      0x04C11DB7      # the unreflected polynomial: a classic bug
        .else
        .set CRC_POLY,      0xEDB88320      # reflected IEEE 802.3 polynomial
        .endif
        .set CRC_CHECK,     0xCBF43926      # CRC-32 of "123456789" (the standard check value)

# outb PORT, VALUE: write one byte to an I/O port (clobbers %al, %dx).
        .macro outb port, value
        mov $\port, %dx
        mov $\value, %al
        out %al, %dx
        .endm

# say "TEXT": print TEXT and CRLF on COM1 (preserves every register but %edx).
        .macro say text
        .pushsection .rodata
.Lsay\@: .ascii "\text"
        .byte 13, 10, 0
        .popsection
        push %esi
        mov $.Lsay\@, %esi
        call puts
        pop %esi
        .endm

        .section .multiboot, "a"
        .align 4
        .long MB_MAGIC, MB_FLAGS, MB_CHECKSUM

        .section .note.GNU-stack, "", @progbits

        .section .bss
        .align 16
stack_bottom:
        .skip 16384
stack_top:
idt:
        .skip 32 * 8
boot_magic:
        .skip 4
mbinfo:
        .skip 4

        .section .data
        .align 8
gdt:
        .quad 0
        .quad 0x00CF9A000000FFFF            # 0x08: flat 32-bit code, ring 0
        .quad 0x00CF92000000FFFF            # 0x10: flat 32-bit data, ring 0
gdt_end:
gdt_ptr:
        .word gdt_end - gdt - 1
        .long gdt
idt_ptr:
        .word 32 * 8 - 1
        .long idt
crc_input:
        .ascii "123456789"
        .set CRC_INPUT_LEN, . - crc_input

        .section .text
        .globl _start
_start:
        cli
        mov $stack_top, %esp
        mov %eax, boot_magic
        mov %ebx, mbinfo
        call gdt_init
        call idt_init

        # The console first: a UART that fails its loopback test cannot carry
        # markers, so the only honest report left is the exit status.
        call serial_init
        test %eax, %eax
        jz 1f
        mov $EXIT_FAILURE, %eax
        jmp debug_exit
1:
        # GLUED leaves this line out: the first line the guest prints is then
        # a marker, glued to SeaBIOS's "Booting from ROM.." (no newline).
        .ifndef GLUED
        say "[INFO boot] minios starting"
        .endif

        cmpl $MB_BOOT_MAGIC, boot_magic
        je 1f
        say "minios: boot FAIL"
        jmp park
1:
        say "minios: boot ok"
        say "minios: serial ready"

        call memory_check
        test %eax, %eax
        jz 1f
        say "minios: memory FAIL"
        jmp park
1:
        say "[INFO mem] minios: memory ok"

        .ifndef MISSING
        call timer_check
        test %eax, %eax
        jz 1f
        say "minios: timer FAIL"
        jmp park
1:
        say "minios: timer ready"
        .endif

        .ifdef HANG
        jmp spin
        .endif

        # No NIC driver exists: say so instead of pretending.
        say "minios: net stub"

        say "[INFO selftest] crc32 check running"
        .ifdef PANIC
        xor %ecx, %ecx
        div %ecx                            # #DE: the exception handler reports it
        .endif
        mov $crc_input, %esi
        mov $CRC_INPUT_LEN, %ecx
        call crc32
        cmp $CRC_CHECK, %eax
        je 1f
        say "minios: selftest FAIL"
        jmp park
1:
        say "minios: selftest ok"
        say "minios: all done"

        .ifdef LINGER
        jmp spin
        .endif

        mov $EXIT_SUCCESS, %eax
debug_exit:
        mov $DEBUG_EXIT, %dx
        out %eax, %dx
        # Still here: QEMU was started without the isa-debug-exit device.
        say "[WARN exit] isa-debug-exit device absent; halting"
park:
        cli
        hlt
        jmp park

spin:
        pause
        jmp spin

# gdt_init loads the flat GDT: the loader's GDT may not stay valid.
gdt_init:
        lgdt gdt_ptr
        ljmp $0x08, $1f
1:
        mov $0x10, %ax
        mov %ax, %ds
        mov %ax, %es
        mov %ax, %fs
        mov %ax, %gs
        mov %ax, %ss
        ret

# idt_init points vectors 0-31 at isr_stubs (one 16-byte stub per vector).
idt_init:
        mov $idt, %edi
        mov $isr_stubs, %eax
        mov $32, %ecx
1:
        mov %eax, %edx
        mov %dx, (%edi)                     # offset 15:0
        movw $0x08, 2(%edi)                 # code selector
        movb $0, 4(%edi)
        movb $0x8E, 5(%edi)                 # present, ring 0, 32-bit interrupt gate
        shr $16, %edx
        mov %dx, 6(%edi)                    # offset 31:16
        add $8, %edi
        add $16, %eax
        loop 1b
        lidt idt_ptr
        ret

# serial_init programs COM1 for 115200 8N1 and checks it in loopback mode.
# Returns %eax = 0 when the byte came back, 1 otherwise.
serial_init:
        outb COM1+1, 0x00                   # no UART interrupts
        outb COM1+3, 0x80                   # DLAB on
        outb COM1+0, 0x01                   # divisor 1: 115200 baud
        outb COM1+1, 0x00
        outb COM1+3, 0x03                   # 8N1, DLAB off
        outb COM1+2, 0xC7                   # FIFOs on and cleared
        outb COM1+4, 0x1E                   # loopback mode
        outb COM1+0, 0xAE
        mov $100000, %ecx
1:
        mov $COM1+5, %dx
        in %dx, %al
        test $0x01, %al                     # data ready
        jnz 2f
        loop 1b
        jmp 3f
2:
        mov $COM1, %dx
        in %dx, %al
        cmp $0xAE, %al
        jne 3f
        outb COM1+4, 0x0F                   # normal mode, OUT1/OUT2/RTS/DTR
        xor %eax, %eax
        ret
3:
        outb COM1+4, 0x0F
        mov $1, %eax
        ret

# puts prints the NUL-terminated string at %esi (clobbers %esi, %edx).
puts:
        push %eax
1:
        lodsb
        test %al, %al
        jz 2f
        call putc
        jmp 1b
2:
        pop %eax
        ret

# putc prints %al once the transmitter holding register is empty (clobbers %edx).
putc:
        push %eax
        mov $COM1+5, %dx
1:
        in %dx, %al
        test $0x20, %al
        jz 1b
        pop %eax
        mov $COM1, %dx
        out %al, %dx
        ret

# memory_check needs the loader's memory map (at least 4 MiB above 1 MiB) and
# a write/read-back of a pattern over 64 KiB at 2 MiB. Returns %eax = 0 on success.
memory_check:
        mov mbinfo, %ebx
        testl $1, (%ebx)                    # flags bit 0: mem_lower/mem_upper valid
        jz 3f
        cmpl $4096, 8(%ebx)                 # mem_upper in KiB
        jb 3f
        mov $MEMTEST_BASE, %edi
        mov $MEMTEST_WORDS, %ecx
1:
        mov %edi, %eax
        xor $0xA5A5A5A5, %eax
        mov %eax, (%edi)
        add $4, %edi
        loop 1b
        mov $MEMTEST_BASE, %edi
        mov $MEMTEST_WORDS, %ecx
2:
        mov %edi, %eax
        xor $0xA5A5A5A5, %eax
        cmp %eax, (%edi)
        jne 3f
        add $4, %edi
        loop 2b
        xor %eax, %eax
        ret
3:
        mov $1, %eax
        ret

# timer_check programs PIT channel 0 (mode 2, divisor 0xFFFF) and waits,
# boundedly, for its counter to move. Returns %eax = 0 on success.
timer_check:
        outb PIT_CMD, 0x34                  # channel 0, lo/hi byte, mode 2, binary
        outb PIT_CH0, 0xFF
        outb PIT_CH0, 0xFF
        call pit_read
        mov %ax, %bx
        mov $1000000, %ecx
1:
        call pit_read
        cmp %ax, %bx
        jne 2f
        loop 1b
        mov $1, %eax
        ret
2:
        xor %eax, %eax
        ret

# pit_read latches and returns channel 0's counter in %ax (clobbers %edx).
pit_read:
        mov $PIT_CMD, %dx
        xor %al, %al                        # latch channel 0
        out %al, %dx
        mov $PIT_CH0, %dx
        in %dx, %al
        mov %al, %ah
        in %dx, %al
        xchg %al, %ah                       # %ah = high byte, %al = low byte
        ret

# crc32 returns in %eax the CRC-32 of %ecx bytes at %esi (bitwise, CRC_POLY).
crc32:
        push %edi
        mov $0xFFFFFFFF, %eax
1:
        test %ecx, %ecx
        jz 4f
        movzbl (%esi), %edx
        inc %esi
        xor %edx, %eax
        mov $8, %edi
2:
        shr $1, %eax
        jnc 3f
        xor $CRC_POLY, %eax
3:
        dec %edi
        jnz 2b
        dec %ecx
        jmp 1b
4:
        not %eax
        pop %edi
        ret

# isr_stubs: one 16-byte stub per CPU exception vector; each pushes its
# vector and joins isr_common. Nothing returns: an exception here is a bug.
        .align 16
isr_stubs:
        .irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .align 16
        push $\vec
        jmp isr_common
        .endr

isr_common:
        pop %eax                            # the vector
        push %eax
        .pushsection .rodata
.Lpanic: .asciz "KERNEL PANIC: cpu exception "
        .popsection
        mov $.Lpanic, %esi
        call puts
        pop %eax
        aam                                 # %ah = vector / 10, %al = vector % 10
        add $0x3030, %ax
        xchg %al, %ah
        call putc
        xchg %al, %ah
        call putc
        .pushsection .rodata
.Lcrlf: .byte 13, 10, 0
        .popsection
        mov $.Lcrlf, %esi
        call puts
        jmp park
