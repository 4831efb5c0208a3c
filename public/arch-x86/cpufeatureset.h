/* SPDX-License-Identifier: MIT */
/*
 * public/arch-x86/cpufeatureset.h -- the one annotated list of x86 features.
 *
 * THE FEATURESET CONTRACT
 *
 * A featureset is an array of 32-bit words.  Word W, bit B is feature
 * number W*32+B; every word mirrors one CPUID leaf/subleaf register (or one
 * half of an MSR), as listed in featureset-words.h.  The numbering is
 * Xen's public ABI and never changes: words are only ever appended.
 *
 * Featuresets are variable length.  A producer may know more or fewer words
 * than a consumer.  Any operation on two featuresets of different lengths
 * behaves as if the shorter one were extended with zero words; a consumer
 * that receives more words than it knows must treat the extra words as
 * features it does not understand (they are never silently "supported").
 *
 * THE LIST
 *
 * XEN_CPUFEATURE_LIST(X, c) expands X once per feature as
 *
 *     X(c, NAME, WORD, BIT, GUEST, FLAGS, "description")
 *
 * with `c` passed through untouched so that callers can thread context
 * (a word number, a mask kind) into constant expressions.
 *
 * GUEST says which guests may see the feature, and whether by default:
 *     A / a   every guest type (PV and HVM)
 *     S / s   HVM guests only (shadow or HAP paging)
 *     H / h   HVM guests using hardware-assisted paging only
 *     _       no guest ever sees it
 *   An upper-case letter puts the feature in the default policy; lower case
 *   makes it opt-in (in the max policy only).
 *
 * FLAGS:
 *   XCF_SPECIAL   the bit is not a plain "this capability exists" flag; Xen
 *                 computes it itself and may override what the toolstack
 *                 asked for.
 *   XCF_INVERTED  the bit being set means LESS capability for software
 *                 (a behaviour was removed or a weakness exists).  When
 *                 levelling several hosts the safe answer is the union of
 *                 such bits, not the intersection.  The inverted bits are:
 *                   FDP_EXCP_ONLY  the x87 data pointer stops being saved
 *                                  on every instruction;
 *                   NO_FPU_SEL     the x87 CS/DS selectors stop being saved;
 *                   RSBA           RSB underflow may use other predictors,
 *                                  so retpoline is not a safe mitigation;
 *                   RRSBA          the same, still possible with eIBRS.
 *                 A guest moved to a host lacking one of them loses nothing
 *                 it could rely on; one moved to a host that has it may
 *                 meet the weaker behaviour, so it must be told up front.
 *   XCF_NOMIGRATE Xen only gives the feature to a guest that will never
 *                 migrate: what it promises cannot hold on another host.
 *                 ITSC: libxl sets it only for a domain built with
 *                 disable_migrate (or an always-emulated TSC), since the TSC
 *                 rate changes with the host.  (libvirt's cpu_map states
 *                 the same for its own features with migratable='no'; the
 *                 levelling code reads that from the map.)
 *   XCF_PLATFORM  the bit describes the virtual platform Xen (or its
 *                 toolstack) gives a guest, not the CPU a model describes:
 *                 every guest of a type has it exactly when that type's
 *                 default set does, whatever CPU model it is configured
 *                 with.  A named model whose feature list lacks it does not
 *                 take it away (QEMU and libvirt behave alike); only an
 *                 explicit disable/forbid, or a cpuid= line, removes it.
 *                 Decided per bit (Xen 4.17):
 *                   HYPERVISOR  set for every guest in both max and default
 *                               sets ("guests may always be told they run
 *                               under a hypervisor"); QEMU sets it for
 *                               every named model too.
 *                   X2APIC      HVM: Xen's emulated local APIC offers
 *                               x2APIC mode whatever the host APIC is (as
 *                               KVM does for every model); PV: never.
 *                   HTT         topology is the toolstack's: libxc sets
 *                               HTT for every HVM guest and gives PV
 *                               guests the host's; libvirt describes
 *                               topology with <topology>, not the model.
 *                 Considered and not marked: APIC (a model without it,
 *                 e.g. 486, really has no local APIC in QEMU either), SEP,
 *                 IBPB, STIBP, AMD_STIBP, VIRT_SSBD, NO_LMSL (synthesised
 *                 by Xen, xfs_guest_synth_mask, but they are CPU
 *                 capabilities a model states), CMP_LEGACY (libxc clears it
 *                 for HVM guests: not given to every guest).
 *
 * LEVELLING, BIT BY BIT
 *
 * A pool level is what a guest may see on every host of the pool.  An
 * ordinary bit promises something, so it survives only if every host has
 * it.  An XCF_INVERTED bit warns of something, so it is set on the level as
 * soon as one host has it.  Per bit:
 *   FDP_EXCP_ONLY, NO_FPU_SEL, RSBA  unioned.
 *   RRSBA  unioned; but it depends on EIBRS, so a level that loses EIBRS
 *          cannot carry it.  The level then states the weakness as RSBA
 *          (without eIBRS the same hardware falls back to the indirect
 *          predictor on RSB underflow) rather than dropping it.
 *   Any inverted bit whose prerequisite is levelled away with no such
 *   restatement (e.g. word 16 when a host lacks ARCH_CAPS) is reported by
 *   the levelling code as unexpressed, never silently lost.
 * Bits considered and kept ordinary:
 *   *_NO bits (RDCL_NO, MDS_NO, GDS_NO, SRSO_NO, ...) promise the ABSENCE of
 *     a weakness; a promise holds on the pool only if every host makes it.
 *   NO_LMSL reads as a removal, but Xen does not let guests set
 *     EFER.LMSLE on any host, so no guest depends on the bit being unioned.
 *   RTM_ALWAYS_ABORT and TSX_FORCE_ABORT are never shown to guests; their
 *     effect reaches the guest as RTM being absent, which intersects.
 * Deep dependencies are re-applied to the level after the union/intersection.
 *
 * A pool has two levels.  The MAX level takes each host's max set: what a
 * guest of the pool may be given if it asks.  The GUEST level takes each
 * host's default set (opt-in features, lower-case GUEST letters, are not
 * in it, nor is anything XCF_NOMIGRATE): what a migratable guest of the
 * pool gets when it asks for nothing.  An opt-in that cannot migrate (by
 * XCF_NOMIGRATE or libvirt's migratable='no') is only added for guests
 * that never migrate.  Inverted bits are levelled the same way in both, but they
 * are never required of a guest CPU: each host states its own weaknesses.
 *
 * Nothing else in the project lists features: names, masks and the
 * dependency table are all derived from this macro.
 */
#ifndef PUBLIC_ARCH_X86_CPUFEATURESET_H
#define PUBLIC_ARCH_X86_CPUFEATURESET_H

#define XCF_SPECIAL  (1u << 0)
#define XCF_INVERTED (1u << 1)
#define XCF_NOMIGRATE (1u << 2)
#define XCF_PLATFORM  (1u << 3)

/* clang-format off */
#define XEN_CPUFEATURE_LIST(X, c) \
    /* word 0 */ \
    X(c, FPU,                  0,  0, A, 0, \
      "x87 floating-point unit on chip") \
    X(c, VME,                  0,  1, S, 0, \
      "virtual-8086 mode enhancements (VIF/VIP, interrupt redirection)") \
    X(c, DE,                   0,  2, A, 0, \
      "debugging extensions: CR4.DE, I/O breakpoints") \
    X(c, PSE,                  0,  3, S, 0, \
      "4 MiB pages in 32-bit non-PAE paging") \
    X(c, TSC,                  0,  4, A, 0, \
      "time-stamp counter and the RDTSC instruction") \
    X(c, MSR,                  0,  5, A, 0, \
      "RDMSR and WRMSR instructions") \
    X(c, PAE,                  0,  6, A, 0, \
      "physical address extension: 64-bit page table entries") \
    X(c, MCE,                  0,  7, A, 0, \
      "machine-check exception (#MC)") \
    X(c, CX8,                  0,  8, A, 0, \
      "CMPXCHG8B instruction") \
    X(c, APIC,                 0,  9, A, XCF_SPECIAL, \
      "local APIC present and enabled") \
    X(c, SEP,                  0, 11, A, 0, \
      "SYSENTER and SYSEXIT fast system calls") \
    X(c, MTRR,                 0, 12, S, 0, \
      "memory type range registers") \
    X(c, PGE,                  0, 13, S, 0, \
      "global pages kept across CR3 writes (CR4.PGE)") \
    X(c, MCA,                  0, 14, A, 0, \
      "machine-check architecture banks and MCG_CAP") \
    X(c, CMOV,                 0, 15, A, 0, \
      "conditional move instructions (CMOVcc, FCMOVcc)") \
    X(c, PAT,                  0, 16, A, 0, \
      "page attribute table") \
    X(c, PSE36,                0, 17, S, 0, \
      "36-bit physical addresses in 4 MiB PSE pages") \
    X(c, CLFLUSH,              0, 19, A, 0, \
      "CLFLUSH cache line flush instruction") \
    X(c, DS,                   0, 21, _, 0, \
      "debug store: branch trace and PEBS buffers in memory") \
    X(c, ACPI,                 0, 22, A, 0, \
      "thermal monitor and clock control MSRs") \
    X(c, MMX,                  0, 23, A, 0, \
      "MMX 64-bit packed integer instructions") \
    X(c, FXSR,                 0, 24, A, 0, \
      "FXSAVE and FXRSTOR, CR4.OSFXSR") \
    X(c, SSE,                  0, 25, A, 0, \
      "SSE instructions and XMM registers") \
    X(c, SSE2,                 0, 26, A, 0, \
      "SSE2 instructions") \
    X(c, SS,                   0, 27, A, 0, \
      "self snoop of conflicting memory types") \
    X(c, HTT,                  0, 28, A, XCF_SPECIAL | XCF_PLATFORM, \
      "leaf 1 EBX reports more than one logical processor") \
    X(c, TM1,                  0, 29, _, 0, \
      "thermal monitor 1: automatic thermal clock throttling") \
    X(c, PBE,                  0, 31, _, 0, \
      "pending break enable (FERR#/PBE# wakeup)") \
    /* word 1 */ \
    X(c, SSE3,                 1,  0, A, 0, \
      "SSE3 instructions (Prescott New Instructions)") \
    X(c, PCLMULQDQ,            1,  1, A, 0, \
      "PCLMULQDQ carry-less multiplication instruction") \
    X(c, DTES64,               1,  2, _, 0, \
      "debug store area with 64-bit layout") \
    X(c, MONITOR,              1,  3, _, 0, \
      "MONITOR and MWAIT instructions") \
    X(c, DSCPL,                1,  4, _, 0, \
      "debug store filtered by privilege level (CPL)") \
    X(c, VMX,                  1,  5, h, 0, \
      "Intel VT-x virtual machine extensions") \
    X(c, SMX,                  1,  6, _, 0, \
      "safer mode extensions (GETSEC, Intel TXT)") \
    X(c, EIST,                 1,  7, _, 0, \
      "Enhanced Intel SpeedStep frequency control") \
    X(c, TM2,                  1,  8, _, 0, \
      "thermal monitor 2") \
    X(c, SSSE3,                1,  9, A, 0, \
      "supplemental SSE3 instructions") \
    X(c, FMA,                  1, 12, A, 0, \
      "fused multiply-add with three operands (FMA3)") \
    X(c, CX16,                 1, 13, A, 0, \
      "CMPXCHG16B instruction") \
    X(c, XTPR,                 1, 14, _, 0, \
      "xTPR update control: disable task priority messages") \
    X(c, PDCM,                 1, 15, _, 0, \
      "perfmon and debug capability MSR (IA32_PERF_CAPABILITIES)") \
    X(c, PCID,                 1, 17, H, 0, \
      "process-context identifiers in CR3") \
    X(c, DCA,                  1, 18, _, 0, \
      "direct cache access for DMA writes") \
    X(c, SSE4_1,               1, 19, A, 0, \
      "SSE4.1 instructions") \
    X(c, SSE4_2,               1, 20, A, 0, \
      "SSE4.2 instructions (string compare, CRC32)") \
    X(c, X2APIC,               1, 21, S, XCF_SPECIAL | XCF_PLATFORM, \
      "x2APIC mode: APIC accessed through MSRs") \
    X(c, MOVBE,                1, 22, A, 0, \
      "MOVBE byte-swapping load and store") \
    X(c, POPCNT,               1, 23, A, 0, \
      "POPCNT population count instruction") \
    X(c, TSC_DEADLINE,         1, 24, S, 0, \
      "APIC timer one-shot mode driven by a TSC deadline") \
    X(c, AESNI,                1, 25, A, 0, \
      "AES-NI encryption instructions") \
    X(c, XSAVE,                1, 26, A, 0, \
      "XSAVE/XRSTOR/XSETBV/XGETBV and the XCR0 register") \
    X(c, OSXSAVE,              1, 27, _, XCF_SPECIAL, \
      "the OS has set CR4.OSXSAVE (XGETBV usable)") \
    X(c, AVX,                  1, 28, A, 0, \
      "AVX 256-bit floating-point vector instructions") \
    X(c, F16C,                 1, 29, A, 0, \
      "conversions between half and single precision floats") \
    X(c, RDRAND,               1, 30, A, XCF_SPECIAL, \
      "RDRAND hardware random number instruction") \
    X(c, HYPERVISOR,           1, 31, A, XCF_SPECIAL | XCF_PLATFORM, \
      "running under a hypervisor") \
    /* word 2 */ \
    X(c, SYSCALL,              2, 11, A, 0, \
      "SYSCALL and SYSRET fast system calls") \
    X(c, NX,                   2, 20, A, 0, \
      "no-execute bit in page table entries") \
    X(c, MMXEXT,               2, 22, A, 0, \
      "AMD extensions to the MMX instruction set") \
    X(c, FFXSR,                2, 25, A, 0, \
      "fast FXSAVE/FXRSTOR that can skip the XMM state") \
    X(c, PAGE1GB,              2, 26, H, 0, \
      "1 GiB pages in 4-level paging") \
    X(c, RDTSCP,               2, 27, A, 0, \
      "RDTSCP instruction and the TSC_AUX MSR") \
    X(c, LM,                   2, 29, A, 0, \
      "long mode (x86-64)") \
    X(c, 3DNOWEXT,             2, 30, A, 0, \
      "AMD extensions to 3DNow!") \
    X(c, 3DNOW,                2, 31, A, 0, \
      "AMD 3DNow! packed float instructions") \
    /* word 3 */ \
    X(c, LAHF_LM,              3,  0, A, 0, \
      "LAHF and SAHF usable in 64-bit mode") \
    X(c, CMP_LEGACY,           3,  1, A, XCF_SPECIAL, \
      "legacy multi-core reporting (HTT is not valid)") \
    X(c, SVM,                  3,  2, h, 0, \
      "AMD-V secure virtual machine extensions") \
    X(c, EXTAPIC,              3,  3, _, 0, \
      "extended local APIC register space") \
    X(c, CR8_LEGACY,           3,  4, S, 0, \
      "LOCK MOV CR0 reaches CR8 outside 64-bit mode") \
    X(c, ABM,                  3,  5, A, 0, \
      "advanced bit manipulation: LZCNT") \
    X(c, SSE4A,                3,  6, A, 0, \
      "AMD SSE4a instructions (EXTRQ, INSERTQ, MOVNTS*)") \
    X(c, MISALIGNSSE,          3,  7, A, 0, \
      "misaligned SSE memory operands allowed (MXCSR.MM)") \
    X(c, 3DNOWPREFETCH,        3,  8, A, 0, \
      "PREFETCH and PREFETCHW instructions") \
    X(c, OSVW,                 3,  9, _, 0, \
      "OS-visible workaround MSRs for errata") \
    X(c, IBS,                  3, 10, _, 0, \
      "instruction based sampling") \
    X(c, XOP,                  3, 11, A, 0, \
      "AMD extended operations (XOP) vector instructions") \
    X(c, SKINIT,               3, 12, _, 0, \
      "SKINIT and STGI instructions") \
    X(c, WDT,                  3, 13, _, 0, \
      "watchdog timer") \
    X(c, LWP,                  3, 15, _, 0, \
      "lightweight profiling") \
    X(c, FMA4,                 3, 16, A, 0, \
      "fused multiply-add with four operands (FMA4)") \
    X(c, NODEID_MSR,           3, 19, _, 0, \
      "node ID MSR") \
    X(c, TBM,                  3, 21, A, 0, \
      "trailing bit manipulation instructions") \
    X(c, TOPOEXT,              3, 22, _, 0, \
      "topology extensions leaves 0x8000001d and 0x8000001e") \
    X(c, DBEXT,                3, 26, A, 0, \
      "data breakpoint address mask extension") \
    X(c, MONITORX,             3, 29, _, 0, \
      "MONITORX and MWAITX instructions") \
    /* word 4 */ \
    X(c, XSAVEOPT,             4,  0, A, 0, \
      "XSAVEOPT: save only modified state components") \
    X(c, XSAVEC,               4,  1, A, 0, \
      "XSAVEC: save in compacted format") \
    X(c, XGETBV1,              4,  2, A, 0, \
      "XGETBV with ECX=1 reports components in use") \
    X(c, XSAVES,               4,  3, S, 0, \
      "XSAVES/XRSTORS and the IA32_XSS MSR") \
    /* word 5 */ \
    X(c, FSGSBASE,             5,  0, A, 0, \
      "RDFSBASE, WRFSBASE, RDGSBASE and WRGSBASE instructions") \
    X(c, TSC_ADJUST,           5,  1, S, 0, \
      "IA32_TSC_ADJUST MSR") \
    X(c, SGX,                  5,  2, _, 0, \
      "software guard extensions (enclaves)") \
    X(c, BMI1,                 5,  3, A, 0, \
      "bit manipulation instructions, group 1") \
    X(c, HLE,                  5,  4, a, XCF_SPECIAL, \
      "hardware lock elision prefixes (XACQUIRE/XRELEASE)") \
    X(c, AVX2,                 5,  5, A, 0, \
      "AVX2 256-bit integer vector instructions") \
    X(c, FDP_EXCP_ONLY,        5,  6, _, XCF_SPECIAL | XCF_INVERTED, \
      "x87 data pointer (FDP) only updated on x87 exceptions") \
    X(c, SMEP,                 5,  7, S, 0, \
      "supervisor mode execution prevention") \
    X(c, BMI2,                 5,  8, A, 0, \
      "bit manipulation instructions, group 2") \
    X(c, ERMS,                 5,  9, A, 0, \
      "enhanced REP MOVSB/STOSB") \
    X(c, INVPCID,              5, 10, H, 0, \
      "INVPCID instruction") \
    X(c, RTM,                  5, 11, A, XCF_SPECIAL, \
      "restricted transactional memory (XBEGIN/XEND)") \
    X(c, PQM,                  5, 12, _, 0, \
      "platform QoS monitoring (cache monitoring technology)") \
    X(c, NO_FPU_SEL,           5, 13, _, XCF_SPECIAL | XCF_INVERTED, \
      "x87 FCS and FDS are deprecated and saved as zero") \
    X(c, MPX,                  5, 14, s, 0, \
      "memory protection extensions (bound registers)") \
    X(c, PQE,                  5, 15, _, 0, \
      "platform QoS enforcement (cache allocation technology)") \
    X(c, AVX512F,              5, 16, A, 0, \
      "AVX-512 foundation") \
    X(c, AVX512DQ,             5, 17, A, 0, \
      "AVX-512 doubleword and quadword instructions") \
    X(c, RDSEED,               5, 18, A, 0, \
      "RDSEED instruction") \
    X(c, ADX,                  5, 19, A, 0, \
      "ADCX and ADOX multi-precision add-carry instructions") \
    X(c, SMAP,                 5, 20, S, 0, \
      "supervisor mode access prevention (STAC/CLAC)") \
    X(c, AVX512_IFMA,          5, 21, A, 0, \
      "AVX-512 52-bit integer fused multiply-add") \
    X(c, CLFLUSHOPT,           5, 23, A, 0, \
      "CLFLUSHOPT weakly ordered cache line flush") \
    X(c, CLWB,                 5, 24, A, XCF_SPECIAL, \
      "CLWB cache line write-back without eviction") \
    X(c, PROC_TRACE,           5, 25, _, 0, \
      "Intel processor trace") \
    X(c, AVX512PF,             5, 26, A, 0, \
      "AVX-512 gather/scatter prefetch (Xeon Phi)") \
    X(c, AVX512ER,             5, 27, A, 0, \
      "AVX-512 exponential and reciprocal (Xeon Phi)") \
    X(c, AVX512CD,             5, 28, A, 0, \
      "AVX-512 conflict detection") \
    X(c, SHA,                  5, 29, A, 0, \
      "SHA-1 and SHA-256 instructions") \
    X(c, AVX512BW,             5, 30, A, 0, \
      "AVX-512 byte and word instructions") \
    X(c, AVX512VL,             5, 31, A, 0, \
      "AVX-512 instructions on 128- and 256-bit vectors") \
    /* word 6 */ \
    X(c, PREFETCHWT1,          6,  0, A, 0, \
      "PREFETCHWT1 instruction") \
    X(c, AVX512_VBMI,          6,  1, A, 0, \
      "AVX-512 vector byte manipulation") \
    X(c, UMIP,                 6,  2, S, 0, \
      "user-mode instruction prevention (SGDT, SIDT, ... at CPL>0)") \
    X(c, PKU,                  6,  3, H, 0, \
      "protection keys for user-mode pages") \
    X(c, OSPKE,                6,  4, _, XCF_SPECIAL, \
      "the OS has set CR4.PKE (RDPKRU/WRPKRU usable)") \
    X(c, AVX512_VBMI2,         6,  6, A, 0, \
      "AVX-512 vector byte manipulation, second set") \
    X(c, CET_SS,               6,  7, _, 0, \
      "control-flow enforcement: shadow stacks") \
    X(c, GFNI,                 6,  8, A, 0, \
      "Galois field arithmetic instructions") \
    X(c, VAES,                 6,  9, A, 0, \
      "AES instructions on 256- and 512-bit vectors") \
    X(c, VPCLMULQDQ,           6, 10, A, 0, \
      "carry-less multiplication on 256- and 512-bit vectors") \
    X(c, AVX512_VNNI,          6, 11, A, 0, \
      "AVX-512 neural network dot-product instructions") \
    X(c, AVX512_BITALG,        6, 12, A, 0, \
      "AVX-512 bit algorithms (VPOPCNTB/W, VPSHUFBITQMB)") \
    X(c, AVX512_VPOPCNTDQ,     6, 14, A, 0, \
      "AVX-512 population count on dwords and qwords") \
    X(c, RDPID,                6, 22, A, 0, \
      "RDPID instruction: read TSC_AUX") \
    X(c, CLDEMOTE,             6, 25, A, 0, \
      "CLDEMOTE cache line demote hint") \
    X(c, MOVDIRI,              6, 27, a, 0, \
      "MOVDIRI direct store of a doubleword or quadword") \
    X(c, MOVDIR64B,            6, 28, a, 0, \
      "MOVDIR64B direct store of 64 bytes") \
    X(c, ENQCMD,               6, 29, _, 0, \
      "ENQCMD and ENQCMDS work submission instructions") \
    /* word 7 */ \
    X(c, HW_PSTATE,            7,  7, _, 0, \
      "hardware P-state control") \
    X(c, ITSC,                 7,  8, a, XCF_NOMIGRATE, \
      "invariant TSC: constant rate in all P-, C- and T-states") \
    X(c, CPB,                  7,  9, _, 0, \
      "core performance boost (turbo)") \
    X(c, EFRO,                 7, 10, _, 0, \
      "read-only APERF/MPERF interface") \
    /* word 8 */ \
    X(c, CLZERO,               8,  0, A, 0, \
      "CLZERO instruction: zero a cache line") \
    X(c, RSTR_FP_ERR_PTRS,     8,  2, A, 0, \
      "FXSAVE/XSAVE always save and restore x87 error pointers") \
    X(c, WBNOINVD,             8,  9, _, 0, \
      "WBNOINVD: write back caches without invalidating") \
    X(c, IBPB,                 8, 12, A, 0, \
      "indirect branch prediction barrier (MSR_PRED_CMD)") \
    X(c, IBRS,                 8, 14, S, 0, \
      "indirect branch restricted speculation in MSR_SPEC_CTRL") \
    X(c, AMD_STIBP,            8, 15, S, 0, \
      "single thread indirect branch predictors in MSR_SPEC_CTRL") \
    X(c, IBRS_ALWAYS,          8, 16, S, 0, \
      "hint: run with IBRS permanently set") \
    X(c, STIBP_ALWAYS,         8, 17, S, 0, \
      "hint: run with STIBP permanently set") \
    X(c, IBRS_FAST,            8, 18, S, 0, \
      "hint: IBRS is cheaper than software mitigations") \
    X(c, IBRS_SAME_MODE,       8, 19, S, 0, \
      "IBRS also protects against same-privilege attacks") \
    X(c, NO_LMSL,              8, 20, S, 0, \
      "long mode segment limits (EFER.LMSLE) are not supported") \
    X(c, AMD_PPIN,             8, 23, _, 0, \
      "AMD protected processor inventory number MSRs") \
    X(c, AMD_SSBD,             8, 24, S, 0, \
      "speculative store bypass disable in MSR_SPEC_CTRL (AMD)") \
    X(c, VIRT_SSBD,            8, 25, _, XCF_SPECIAL, \
      "speculative store bypass disable in MSR_VIRT_SPEC_CTRL") \
    X(c, SSB_NO,               8, 26, A, 0, \
      "hardware is not affected by speculative store bypass (AMD)") \
    X(c, PSFD,                 8, 28, S, 0, \
      "predictive store forwarding disable in MSR_SPEC_CTRL (AMD)") \
    X(c, BTC_NO,               8, 29, A, 0, \
      "hardware is not affected by branch type confusion") \
    X(c, IBPB_RET,             8, 30, A, 0, \
      "IBPB also flushes the return address predictor") \
    /* word 9 */ \
    X(c, AVX512_4VNNIW,        9,  2, A, 0, \
      "AVX-512 4-iteration neural network word dot product") \
    X(c, AVX512_4FMAPS,        9,  3, A, 0, \
      "AVX-512 4-iteration single precision multiply-add") \
    X(c, FSRM,                 9,  4, A, 0, \
      "fast short REP MOVSB") \
    X(c, AVX512_VP2INTERSECT,  9,  8, a, 0, \
      "AVX-512 VP2INTERSECT mask pair instructions") \
    X(c, SRBDS_CTRL,           9,  9, _, 0, \
      "SRBDS mitigation control in MSR_MCU_OPT_CTRL") \
    X(c, MD_CLEAR,             9, 10, A, XCF_SPECIAL, \
      "VERW flushes microarchitectural buffers (MDS mitigation)") \
    X(c, RTM_ALWAYS_ABORT,     9, 11, _, XCF_SPECIAL, \
      "every XBEGIN aborts: RTM was disabled by microcode") \
    X(c, TSX_FORCE_ABORT,      9, 13, _, 0, \
      "MSR_TSX_FORCE_ABORT present") \
    X(c, SERIALIZE,            9, 14, A, 0, \
      "SERIALIZE instruction") \
    X(c, HYBRID,               9, 15, _, 0, \
      "hybrid part with more than one core type") \
    X(c, TSXLDTRK,             9, 16, a, 0, \
      "TSX suspend load address tracking (XSUSLDTRK/XRESLDTRK)") \
    X(c, CET_IBT,              9, 20, _, 0, \
      "control-flow enforcement: indirect branch tracking") \
    X(c, AVX512_FP16,          9, 23, _, 0, \
      "AVX-512 half precision floating-point instructions") \
    X(c, IBRSB,                9, 26, A, 0, \
      "MSR_SPEC_CTRL with IBRS, and IBPB (Intel)") \
    X(c, STIBP,                9, 27, A, 0, \
      "single thread indirect branch predictors in MSR_SPEC_CTRL") \
    X(c, L1D_FLUSH,            9, 28, S, 0, \
      "MSR_FLUSH_CMD: write back and invalidate the L1D cache") \
    X(c, ARCH_CAPS,            9, 29, A, XCF_SPECIAL, \
      "IA32_ARCH_CAPABILITIES MSR present") \
    X(c, CORE_CAPS,            9, 30, _, 0, \
      "IA32_CORE_CAPABILITIES MSR present") \
    X(c, SSBD,                 9, 31, A, 0, \
      "speculative store bypass disable in MSR_SPEC_CTRL (Intel)") \
    /* word 10 */ \
    X(c, AVX_VNNI,            10,  4, A, 0, \
      "VEX-encoded neural network dot-product instructions") \
    X(c, AVX512_BF16,         10,  5, A, 0, \
      "AVX-512 bfloat16 conversions and dot product") \
    X(c, FZRM,                10, 10, A, 0, \
      "fast zero-length REP MOVSB") \
    X(c, FSRS,                10, 11, A, 0, \
      "fast short REP STOSB") \
    X(c, FSRCS,               10, 12, A, 0, \
      "fast short REP CMPSB and REP SCASB") \
    /* word 11 */ \
    X(c, LFENCE_DISPATCH,     11,  2, A, 0, \
      "LFENCE is always dispatch serializing") \
    X(c, VERW_CLEAR,          11,  5, A, XCF_SPECIAL, \
      "VERW flushes microarchitectural buffers (AMD)") \
    X(c, NSCB,                11,  6, A, 0, \
      "loading a null selector clears the segment base and limit") \
    X(c, AUTO_IBRS,           11,  8, _, 0, \
      "automatic IBRS protection for privileged code (AMD)") \
    X(c, SBPB,                11, 27, A, 0, \
      "selective branch predictor barrier in MSR_PRED_CMD") \
    X(c, IBPB_BRTYPE,         11, 28, A, 0, \
      "IBPB also flushes branch type predictions") \
    X(c, SRSO_NO,             11, 29, A, 0, \
      "hardware is not affected by speculative return stack overflow") \
    X(c, SRSO_US_NO,          11, 30, A, XCF_SPECIAL, \
      "SRSO cannot cross the user/supervisor boundary") \
    X(c, SRSO_MSR_FIX,        11, 31, _, 0, \
      "SRSO mitigation control (BP_SPEC_REDUCE in MSR_BP_CFG)") \
    /* word 12 */ \
    X(c, INTEL_PPIN,          12,  0, _, 0, \
      "Intel protected processor inventory number MSRs") \
    /* word 13 */ \
    X(c, INTEL_PSFD,          13,  0, A, 0, \
      "predictive store forwarding disable in MSR_SPEC_CTRL (Intel)") \
    X(c, IPRED_CTRL,          13,  1, S, 0, \
      "indirect predictor disable controls in MSR_SPEC_CTRL") \
    X(c, RRSBA_CTRL,          13,  2, S, 0, \
      "controls to stop RSB underflow using alternate predictors") \
    X(c, BHI_CTRL,            13,  4, S, 0, \
      "branch history injection control (BHI_DIS_S) in MSR_SPEC_CTRL") \
    X(c, MCDT_NO,             13,  5, A, 0, \
      "not affected by MXCSR configuration dependent timing") \
    /* word 15 */ \
    X(c, CET_SSS,             15, 18, _, 0, \
      "supervisor shadow stacks are safe to use on this part") \
    /* word 16 */ \
    X(c, RDCL_NO,             16,  0, A, 0, \
      "hardware is not affected by rogue data cache load (Meltdown)") \
    X(c, EIBRS,               16,  1, A, 0, \
      "enhanced IBRS: set once, protects until cleared") \
    X(c, RSBA,                16,  2, _, XCF_SPECIAL | XCF_INVERTED, \
      "RSB underflow may use alternate predictors: retpoline unsafe") \
    X(c, SKIP_L1DFL,          16,  3, _, 0, \
      "no L1D flush needed before VM entry") \
    X(c, INTEL_SSB_NO,        16,  4, A, 0, \
      "hardware is not affected by speculative store bypass (Intel)") \
    X(c, MDS_NO,              16,  5, A, 0, \
      "hardware is not affected by microarchitectural data sampling") \
    X(c, IF_PSCHANGE_MC_NO,   16,  6, A, 0, \
      "page size changes never raise an instruction fetch #MC") \
    X(c, TSX_CTRL,            16,  7, _, 0, \
      "MSR_TSX_CTRL present: TSX can be disabled") \
    X(c, TAA_NO,              16,  8, A, 0, \
      "hardware is not affected by TSX asynchronous abort") \
    X(c, MCU_CTRL,            16,  9, _, 0, \
      "MSR_MCU_CONTROL present") \
    X(c, MISC_PKG_CTRL,       16, 10, _, 0, \
      "MSR_MISC_PACKAGE_CTLS present") \
    X(c, ENERGY_FILTERING,    16, 11, _, 0, \
      "energy filtering control in MSR_MISC_PACKAGE_CTLS") \
    X(c, DOITM,               16, 12, _, 0, \
      "data operand independent timing mode") \
    X(c, SBDR_SSDP_NO,        16, 13, A, 0, \
      "not affected by shared buffer reads or sideband stale data") \
    X(c, FBSDP_NO,            16, 14, A, 0, \
      "not affected by fill buffer stale data propagation") \
    X(c, PSDP_NO,             16, 15, A, 0, \
      "not affected by primary stale data propagation") \
    X(c, FB_CLEAR,            16, 17, A, XCF_SPECIAL, \
      "VERW also clears the fill buffers") \
    X(c, FB_CLEAR_CTRL,       16, 18, _, 0, \
      "fill buffer clearing can be turned off (FB_CLEAR_DIS)") \
    X(c, RRSBA,               16, 19, _, XCF_SPECIAL | XCF_INVERTED, \
      "RSB underflow may use alternate predictors even with eIBRS") \
    X(c, BHI_NO,              16, 20, A, 0, \
      "hardware is not affected by branch history injection") \
    X(c, XAPIC_STATUS,        16, 21, _, 0, \
      "MSR_XAPIC_DISABLE_STATUS present") \
    X(c, OVRCLK_STATUS,       16, 23, _, 0, \
      "MSR_OVERCLOCKING_STATUS present") \
    X(c, PBRSB_NO,            16, 24, A, 0, \
      "not affected by post-barrier RSB predictions after VM exit") \
    X(c, GDS_CTRL,            16, 25, _, 0, \
      "gather data sampling mitigation controls in MSR_MCU_OPT_CTRL") \
    X(c, GDS_NO,              16, 26, A, 0, \
      "hardware is not affected by gather data sampling") \
    X(c, RFDS_NO,             16, 27, A, 0, \
      "hardware is not affected by register file data sampling") \
    X(c, RFDS_CLEAR,          16, 28, A, XCF_SPECIAL, \
      "VERW also clears the register files") \
    /* word 17 */ \
    X(c, ITS_NO,              17, 30, A, XCF_SPECIAL, \
      "hardware is not affected by indirect target selection") \
    /* word 18 */ \
    X(c, TSA_SQ_NO,           18,  1, A, 0, \
      "not affected by transient scheduler attacks on the store queue") \
    X(c, TSA_L1_NO,           18,  2, A, 0, \
      "not affected by transient scheduler attacks on the L1D cache") \
    /* end of list */

/* clang-format on */

/* Feature numbers: XFS_<NAME> = word * 32 + bit. */
#define XCF_ENUM_ENTRY_(c, name, w, b, g, f, d) XFS_##name = (w) * 32 + (b),
enum xfs_feature {
    XEN_CPUFEATURE_LIST(XCF_ENUM_ENTRY_, 0)
};
#undef XCF_ENUM_ENTRY_

#endif /* PUBLIC_ARCH_X86_CPUFEATURESET_H */
